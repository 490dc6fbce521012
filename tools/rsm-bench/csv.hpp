// The CSV every run writes: one row per (launch, system, test, mode, variant,
// size, working set). Latency rows carry one-way figures in nanoseconds
// (round trip / 2, timer overhead subtracted); bandwidth rows carry MB/s
// (10^6 bytes per second) and messages per second. line_ns is the
// cache-line probe of that size (see pair_control.hpp). Lines starting with '#'
// are comments (the run's machine description); gnuplot skips them too.
#pragma once

#include "failure.hpp"
#include "stats.hpp"

#include <cmath>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace rsm::bench {

struct row {
    int launch = 0;
    std::string system, test, mode, variant;
    uint64_t size = 0, working_set = 0, iterations = 0;
    latency_summary lat; // latency rows
    double mb_per_s = 0; // bandwidth rows
    double msg_per_s = 0;
    // One-way cache-line time between the two cores measured just before
    // (NaN where not measured): the regime this row ran in.
    double line_ns = NAN;
    std::string note; // free text, no commas

    bool is_latency() const { return test == "lat"; }
};

std::string csv_header();
std::string to_csv(const row &r);
result<row> parse_row(std::string_view line);
// Reads every row of a CSV stream, skipping comments and header lines.
result<std::vector<row>> read_rows(std::istream &in, std::string_view source_name);

} // namespace rsm::bench
