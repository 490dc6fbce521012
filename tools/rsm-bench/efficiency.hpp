// `rsm-bench efficiency`: how much of the segment memory a mixed-size
// workload's messages occupy is payload, with libshm's default template of
// segment groups and with single fixed partition sizes.
#pragma once

#include "report.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace rsm::bench {

struct efficiency_options {
    uint64_t messages = 100'000;
    uint64_t seed = 1;
    std::size_t max_size = 1u << 20; // sizes log-uniform in [1, max_size]
    std::string csv_path;            // empty: standard output
};

// The workload: message k's size, log-uniform in [1, max], from a fixed seed.
std::vector<std::size_t> mixed_sizes(uint64_t count, std::size_t max, uint64_t seed);

int run_efficiency(const efficiency_options &opt);

} // namespace rsm::bench
