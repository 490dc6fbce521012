#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace rsm::bench {

double percentile(std::span<const double> sorted, double q) {
    if (sorted.empty())
        return 0;
    // rank = ceil(q/100 * n), 1-based; q = 0 gives the minimum. The small
    // margin keeps 99.9% of 1000 at rank 999 despite binary rounding.
    double rank = std::ceil(q / 100.0 * static_cast<double>(sorted.size()) - 1e-9);
    auto i = static_cast<std::size_t>(std::max(rank, 1.0)) - 1;
    return sorted[std::min(i, sorted.size() - 1)];
}

latency_summary summarize(std::span<double> samples) {
    latency_summary s;
    s.count = samples.size();
    if (samples.empty())
        return s;
    std::sort(samples.begin(), samples.end());
    s.min = samples.front();
    s.max = samples.back();
    s.p50 = percentile(samples, 50);
    s.p99 = percentile(samples, 99);
    s.p999 = percentile(samples, 99.9);
    s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(s.count);
    return s;
}

spread across_launches(std::vector<double> values) {
    spread s;
    s.launches = values.size();
    if (values.empty())
        return s;
    std::sort(values.begin(), values.end());
    std::size_t n = values.size();
    s.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    s.lo = values.front();
    s.hi = values.back();
    return s;
}

} // namespace rsm::bench
