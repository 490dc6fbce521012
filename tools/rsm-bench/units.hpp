// Figures in the units a reader expects: 85 ns, 12.3 µs, 4.2 GB/s, 27.5 M/s.
#pragma once

#include "stats.hpp"

#include <string>

namespace rsm::bench {

std::string format_ns(double ns);
std::string format_mb_per_s(double mb);
std::string format_rate(double per_s);
// "12.3 µs (11.9–14.0)": the median with its unit, then the launch range in
// the same unit; just the median when there was one launch.
std::string format_ns_spread(const spread &s);
std::string format_mb_spread(const spread &s);
std::string format_rate_spread(const spread &s);
// "1.42×"
std::string format_ratio(double r);
// "93.1 %"
std::string format_percent(double fraction);

} // namespace rsm::bench
