// Summaries of kept samples (min, percentiles, max) and of repeated launches
// (median and spread).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace rsm::bench {

struct latency_summary {
    std::size_t count = 0;
    double min = 0, p50 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
};

// Nearest-rank percentile (q in [0, 100]) of sorted samples: the smallest
// sample with at least q% of the samples at or below it. Empty input: 0.
double percentile(std::span<const double> sorted, double q);

// Sorts samples in place and summarizes them.
latency_summary summarize(std::span<double> samples);

// One figure across repeated launches: the median and the range it came from.
struct spread {
    std::size_t launches = 0;
    double median = 0, lo = 0, hi = 0;
    // (hi - lo) / median, the relative spread; 0 when the median is 0.
    double relative() const { return median > 0 ? (hi - lo) / median : 0; }
};

spread across_launches(std::vector<double> values);

} // namespace rsm::bench
