#include "clock.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rsm::bench {

std::string_view to_string(clock_source s) {
    return s == clock_source::tsc ? "tsc" : "monotonic";
}

result<clock_source> parse_clock_source(std::string_view name) {
    if (name == "tsc")
        return clock_source::tsc;
    if (name == "monotonic")
        return clock_source::monotonic;
    return fail("unknown clock '" + std::string(name) + "' (tsc or monotonic)");
}

clock_source tick_clock::best_source() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        if (!line.starts_with("flags"))
            continue;
        std::istringstream words(line.substr(line.find(':') + 1));
        bool constant = false, nonstop = false;
        for (std::string w; words >> w;) {
            constant |= w == "constant_tsc";
            nonstop |= w == "nonstop_tsc";
        }
        return constant && nonstop ? clock_source::tsc : clock_source::monotonic;
    }
    return clock_source::monotonic;
}

namespace {

uint64_t raw_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

// One (tsc, ns) pair taken as close together as possible: the pair whose
// bracketing TSC readings are nearest wins, so a preemption in between is
// not mistaken for time.
std::pair<double, double> paired_reading() {
    uint64_t best_gap = UINT64_MAX;
    std::pair<double, double> best{};
    for (int i = 0; i < 16; i++) {
        unsigned aux;
        uint64_t t0 = __rdtscp(&aux);
        uint64_t ns = raw_ns();
        uint64_t t1 = __rdtscp(&aux);
        if (t1 - t0 < best_gap) {
            best_gap = t1 - t0;
            best = {static_cast<double>(t0 + (t1 - t0) / 2), static_cast<double>(ns)};
        }
    }
    return best;
}

} // namespace

result<tick_clock> tick_clock::calibrate(clock_source source) {
    if (source == clock_source::monotonic) {
        tick_clock c(source, 1.0);
        c.measure_overhead();
        return c;
    }
    // Busy-wait rather than sleep: a sleeping vCPU may be descheduled and its
    // TSC reading delayed, a spinning one rarely is.
    auto [tsc0, ns0] = paired_reading();
    while (raw_ns() - static_cast<uint64_t>(ns0) < 50'000'000u)
        _mm_pause();
    auto [tsc1, ns1] = paired_reading();
    if (tsc1 <= tsc0)
        return fail("the TSC did not advance during calibration; use --clock monotonic");
    tick_clock c(source, (ns1 - ns0) / (tsc1 - tsc0));
    c.measure_overhead();
    return c;
}

void tick_clock::measure_overhead() {
    std::vector<uint64_t> d(10'000);
    for (auto &x : d) {
        uint64_t a = now();
        uint64_t b = now();
        x = b - a;
    }
    std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
    overhead_ticks_ = d[d.size() / 2];
}

} // namespace rsm::bench
