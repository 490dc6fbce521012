// UCX's own benchmark as a peer: ucx_perftest (Debian package ucx-utils)
// over its shared-memory transport (UCX_TLS=posix,self), a server and a
// client pinned to the two CPUs, one run per test and size. Its tag_lat
// reports one way (round trip / 2) as a median and a mean only; its
// bandwidth comes in MiB/s and is converted to MB/s.
#pragma once

#include "clock.hpp"
#include "csv.hpp"
#include "failure.hpp"
#include "plan.hpp"

#include <array>
#include <string_view>
#include <vector>

namespace rsm::bench {

struct ucx_figures {
    uint64_t iterations = 0;
    double p50_us = 0, mean_us = 0; // latency
    double mib_per_s = 0, msg_per_s = 0;
};

// Parses ucx_perftest -v output: the last line that starts with a digit is
// the final "iterations,50.0_percentile_lat,avg_lat,overall_lat,avg_bw,
// overall_bw,avg_mr,overall_mr" line (progress lines start with "[thread").
result<ucx_figures> parse_ucx_output(std::string_view output);

bool ucx_available();

struct ucx_job {
    run_plan plan;
    const tick_clock *clock = nullptr; // for the cache-line probe before each size
    std::array<int, 2> cpus{0, 1};
    double timeout_s = 120;
    row base; // launch, system, test, mode, variant
};

// One row per size that ran; a size that fails is reported on stderr and
// makes the result an error after the others ran.
result<std::vector<row>> run_ucx(const ucx_job &job);

} // namespace rsm::bench
