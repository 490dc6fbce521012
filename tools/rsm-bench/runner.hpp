// `rsm-bench run`: measures every requested (system, test, mode, variant)
// over the sizes, one pair of pinned processes each, and writes CSV rows.
#pragma once

#include "clock.hpp"
#include "plan.hpp"
#include "wait_policy.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rsm::bench {

struct system_info {
    std::string_view name;
    std::string_view what;
    bool zero_copy = false; // offers the zero-copy variant
    bool all_modes = true;  // else busy-poll only
    bool latency = true, bandwidth = true, bidirectional = true;
    // One side per machine: run only with --peer-node, never by default.
    bool remote = false;
};

// Every system rsm-bench knows, in report order.
const std::vector<system_info> &known_systems();
const system_info *find_system(std::string_view name);
bool system_available(const system_info &s);

struct run_options {
    std::vector<std::string> systems; // empty: every available one
    std::vector<test_kind> tests{all_tests.begin(), all_tests.end()};
    std::vector<wait_mode> modes{wait_mode::busy_poll};
    std::vector<variant> variants{all_variants.begin(), all_variants.end()};
    run_plan plan;
    std::optional<std::array<int, 2>> cpus;
    std::optional<clock_source> clock;
    double spin_us = 50;
    double timeout_s = 600;
    int launch = 1;
    std::string csv_path; // empty: standard output
    bool quiet = false;
    // Remote systems (libshm-ivshmem): the other machine's node, which side
    // this machine runs (0 times and reports), and the key both runs count
    // their pairs' keys from.
    std::optional<uint32_t> peer_node;
    int side = 0;
    uint64_t key_base = 0x7273'6200'0000'0000;
};

// Exit status: 0 all ran; 1 a system failed (error, corrupted message);
// 3 only time limits were hit (a slow or overloaded machine, not a bug).
int run_benchmarks(const run_options &opt);

} // namespace rsm::bench
