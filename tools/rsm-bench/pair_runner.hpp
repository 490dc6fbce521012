// Runs the two sides of a benchmark as two processes, each pinned to its own
// CPU, and supervises them: collects side 0's result rows through a pipe,
// kills both on a time limit or when either fails, and reports which.
#pragma once

#include "csv.hpp"
#include "failure.hpp"
#include "pair_control.hpp"

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace rsm::bench {

struct pair_spec {
    std::string label; // "floor lat busy-poll copy", for messages
    std::array<int, 2> cpus{0, 1};
    double timeout_s = 600;
    // Which sides run here: both, or one (the other runs in another
    // machine, see remote_pair in libshm_transport.hpp).
    std::array<bool, 2> local{true, true};
    // Runs in the child for side 0 or 1; report_fd is where side 0 writes
    // CSV rows. Returns the child's exit status.
    std::function<int(int side, pair_control &control, int report_fd)> side_main;
};

struct pair_outcome {
    std::vector<row> rows;
    bool timed_out = false;
    // Empty on success; else why the pair failed (a side's exit status...).
    std::string error;
    bool verify_failed = false;
    double probe_result = 0;
};

// Fails only when the pair could not be started at all.
result<pair_outcome> run_pair(const pair_spec &spec);

// The cache-line probe alone, in a pair of its own (for peers that run as
// external programs): one-way ns between the two CPUs right now.
result<double> probe_cores(std::array<int, 2> cpus, const tick_clock &clock);

} // namespace rsm::bench
