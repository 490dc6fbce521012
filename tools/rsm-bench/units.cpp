#include "units.hpp"

#include <cmath>
#include <cstdio>

namespace rsm::bench {

namespace {

struct unit {
    double scale;
    const char *name;
};

// Three significant digits, at least one decimal below 10.
std::string digits(double v) {
    char buf[32];
    if (std::fabs(v) >= 100)
        std::snprintf(buf, sizeof(buf), "%.0f", v);
    else if (std::fabs(v) >= 10)
        std::snprintf(buf, sizeof(buf), "%.1f", v);
    else
        std::snprintf(buf, sizeof(buf), "%.2f", v);
    return buf;
}

unit ns_unit(double ns) {
    if (ns >= 1e6)
        return {1e-6, "ms"};
    if (ns >= 1e3)
        return {1e-3, "µs"};
    return {1, "ns"};
}

unit mb_unit(double mb) {
    return mb >= 1000 ? unit{1e-3, "GB/s"} : unit{1, "MB/s"};
}

unit rate_unit(double r) {
    if (r >= 1e6)
        return {1e-6, "M/s"};
    if (r >= 1e3)
        return {1e-3, "k/s"};
    return {1, "/s"};
}

std::string with_spread(const spread &s, unit u) {
    if (std::isnan(s.median))
        return "–";
    std::string out = digits(s.median * u.scale) + " " + u.name;
    if (s.launches > 1)
        out += " (" + digits(s.lo * u.scale) + "–" + digits(s.hi * u.scale) + ")";
    return out;
}

std::string single(double v, unit u) {
    if (std::isnan(v))
        return "–";
    return digits(v * u.scale) + " " + u.name;
}

} // namespace

std::string format_ns(double ns) {
    return single(ns, ns_unit(ns));
}
std::string format_mb_per_s(double mb) {
    return single(mb, mb_unit(mb));
}
std::string format_rate(double r) {
    return single(r, rate_unit(r));
}
std::string format_ns_spread(const spread &s) {
    return with_spread(s, ns_unit(s.median));
}
std::string format_mb_spread(const spread &s) {
    return with_spread(s, mb_unit(s.median));
}
std::string format_rate_spread(const spread &s) {
    return with_spread(s, rate_unit(s.median));
}

std::string format_ratio(double r) {
    if (std::isnan(r))
        return "–";
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.2f×", r);
    return buf;
}

std::string format_percent(double f) {
    if (std::isnan(f))
        return "–";
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1f %%", f * 100);
    return buf;
}

} // namespace rsm::bench
