// wait.hpp - the adaptive wait shared by receiving (waiting for a message)
// and sending (waiting for room).
//
// A call that finds nothing to do first spins, re-trying without a system
// call, for an adaptive budget; then it sets its sleep flag in shared
// memory, makes a full fence, tries once more, and only then blocks on its
// doorbell. The other side publishes, makes its own full fence and reads the
// flag; it rings the doorbell only when the flag is set. Either the last try
// sees the publication or the other side sees the flag, so no wake-up is
// lost; doorbell counts are sticky, so one rung before the block is seen by
// it.
//
// The budget adapts to the traffic: when a spin succeeds after t ns the
// budget grows to cover 2t; when it runs out and the call sleeps, the budget
// halves. A blocking wake-up costs 20-50 us on the machines we measured
// (BENCHMARKS.md), so spinning much longer than that saves nothing.
#pragma once

#include "atomics.hpp"
#include "error.hpp"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <libshm/shm.h>

namespace shm::detail {

inline uint64_t now_ns() {
    // CLOCK_MONOTONIC goes through the vDSO: no system call where the
    // clocksource allows it; spin loops read it only every 16 tries anyway.
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ULL + uint64_t(ts.tv_nsec);
}

class deadline {
  public:
    explicit deadline(int64_t timeout_ns)
        : end_(timeout_ns < 0 ? UINT64_MAX : now_ns() + uint64_t(timeout_ns)) {}
    bool forever() const { return end_ == UINT64_MAX; }
    bool passed(uint64_t t) const { return t >= end_; }
    // For a blocking wait: RSM_WAIT_FOREVER-style -1, or what is left.
    int64_t remaining(uint64_t t) const {
        if (forever())
            return -1;
        return t >= end_ ? 0 : int64_t(end_ - t);
    }

  private:
    uint64_t end_;
};

class adaptive_spin {
  public:
    static constexpr uint64_t min_ns = 1000;
    static constexpr uint64_t max_ns = 100000;
    static constexpr uint64_t initial_ns = 20000;

    uint64_t budget_ns() const { return budget_; }
    void found_after(uint64_t ns) {
        budget_ = std::clamp(std::max(budget_, 2 * ns), min_ns, max_ns);
    }
    void slept() { budget_ = std::max(budget_ / 2, min_ns); }

  private:
    uint64_t budget_ = initial_ns;
};

struct wait_stats {
    uint64_t sleeps = 0;
};

// attempt(): result<bool>, true when the caller's condition holds.
// set_flag(bool): store the sleep flag (true before the final re-check).
// sleep(ns): block on the doorbell for at most ns (-1: no limit); fails
// with the error to return (EIDRM: the other side is gone), ETIMEDOUT and
// EAGAIN are taken as "time to re-check".
// The caller has already made one attempt that failed.
template <class Attempt, class SetFlag, class Sleep>
result<void> adaptive_wait(uint32_t mode, adaptive_spin &spin, int64_t timeout_ns,
                           wait_stats &stats, Attempt &&attempt, SetFlag &&set_flag,
                           Sleep &&sleep) {
    if (timeout_ns == 0)
        return fail(EAGAIN);
    const deadline dl(timeout_ns);
    if (mode != SHM_WAIT_BLOCK) {
        const uint64_t start = now_ns();
        const uint64_t budget = mode == SHM_WAIT_SPIN ? UINT64_MAX : spin.budget_ns();
        for (uint32_t i = 1;; ++i) {
            result<bool> r = attempt();
            if (!r)
                return std::unexpected(r.error());
            if (*r) {
                if (mode == SHM_WAIT_ADAPTIVE)
                    spin.found_after(now_ns() - start);
                return {};
            }
            cpu_relax();
            if ((i & 15) == 0) {
                const uint64_t t = now_ns();
                if (dl.passed(t))
                    return fail(ETIMEDOUT);
                if (t - start >= budget)
                    break;
            }
        }
    }
    for (;;) {
        set_flag(true);
        full_fence();
        result<bool> r = attempt();
        if (!r || *r) {
            set_flag(false);
            if (!r)
                return std::unexpected(r.error());
            return {};
        }
        const int64_t left = dl.remaining(now_ns());
        if (left == 0) {
            set_flag(false);
            return fail(ETIMEDOUT);
        }
        spin.slept();
        ++stats.sleeps;
        if (result<void> s = sleep(left);
            !s && code(s.error()) != ETIMEDOUT && code(s.error()) != EAGAIN) {
            set_flag(false);
            return s;
        }
    }
}

} // namespace shm::detail
