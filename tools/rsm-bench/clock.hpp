// The benchmark clock: the TSC read with rdtscp (it waits for earlier
// instructions, so a sample does not start before the work before it ended),
// calibrated against CLOCK_MONOTONIC_RAW; or CLOCK_MONOTONIC itself where the
// TSC is not invariant. Samples are kept in ticks and converted at the end.
#pragma once

#include "failure.hpp"

#include <cstdint>
#include <string_view>
#include <time.h>
#include <x86intrin.h>

namespace rsm::bench {

enum class clock_source { tsc, monotonic };

std::string_view to_string(clock_source s);
result<clock_source> parse_clock_source(std::string_view name);

class tick_clock {
  public:
    // Calibrates the source (about 50 ms) and measures the cost of one reading.
    static result<tick_clock> calibrate(clock_source source);
    // The TSC when it is invariant (constant_tsc and nonstop_tsc), else CLOCK_MONOTONIC.
    static clock_source best_source();

    uint64_t now() const noexcept {
        if (source_ == clock_source::tsc) {
            unsigned aux;
            return __rdtscp(&aux);
        }
        timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u +
               static_cast<uint64_t>(ts.tv_nsec);
    }

    double to_ns(double ticks) const noexcept { return ticks * ns_per_tick_; }
    uint64_t from_ns(double ns) const noexcept { return static_cast<uint64_t>(ns / ns_per_tick_); }
    clock_source source() const noexcept { return source_; }
    // Median ticks between two back-to-back readings: what one timed interval
    // carries on top of the work it timed. Subtracted from every sample.
    uint64_t overhead_ticks() const noexcept { return overhead_ticks_; }
    double ticks_per_us() const noexcept { return 1000.0 / ns_per_tick_; }

  private:
    tick_clock(clock_source s, double ns_per_tick) : source_(s), ns_per_tick_(ns_per_tick) {}
    void measure_overhead();

    clock_source source_;
    double ns_per_tick_;
    uint64_t overhead_ticks_ = 0;
};

} // namespace rsm::bench
