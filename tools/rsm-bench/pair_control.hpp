// The page the two processes of a pair share besides the transport's own
// memory: the barrier between message sizes and the cache-line probe.
#pragma once

#include "clock.hpp"
#include "pair_barrier.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <immintrin.h>
#include <vector>

namespace rsm::bench {

// How long one cache line takes to go from one side's core to the other's
// right now. On a virtual machine this is bimodal (the hypervisor places the
// vCPUs on near or far physical cores and moves them), so every size's row
// records it: a figure can then be read against the regime it ran in.
struct line_probe {
    alignas(64) std::atomic<uint32_t> ping{0};
    alignas(64) std::atomic<uint32_t> pong{0};

    static constexpr int max_rounds = 1000;
    // On a loaded machine a busy-polling round trip can wait a whole time
    // slice for the peer's vCPU: stop early rather than stall the run.
    static constexpr uint64_t budget_ns = 2'000'000;
    static constexpr uint32_t last_bit = 0x80000000u;

    // Both sides call it at the same point of their programs; side 0 sends
    // pings (a counter; the top bit marks the last one), side 1 echoes each
    // until the last. Side 0 returns the median one-way ns, side 1 returns 0.
    // Acquire/release pairs: each store hands the line over, each load takes
    // it; nothing else is published.
    double run(int side, const tick_clock &clock) {
        if (side == 1) {
            uint32_t seen = pong.load(std::memory_order_relaxed);
            for (;;) {
                uint32_t v;
                while ((v = ping.load(std::memory_order_acquire)) == seen)
                    _mm_pause();
                pong.store(v, std::memory_order_release);
                seen = v;
                if (v & last_bit)
                    return 0;
            }
        }
        std::vector<uint64_t> t;
        t.reserve(max_rounds);
        uint32_t n = ping.load(std::memory_order_relaxed) & ~last_bit;
        uint64_t start = clock.now(), budget = clock.from_ns(budget_ns);
        for (int i = 0; i < max_rounds; i++) {
            bool last = i + 1 == max_rounds || clock.now() - start > budget;
            uint32_t v = (++n & ~last_bit) | (last ? last_bit : 0);
            uint64_t t0 = clock.now();
            ping.store(v, std::memory_order_release);
            while (pong.load(std::memory_order_acquire) != v)
                _mm_pause();
            t.push_back(clock.now() - t0);
            if (last)
                break;
        }
        std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
        uint64_t mid = t[t.size() / 2], o = clock.overhead_ticks();
        return clock.to_ns(static_cast<double>(mid > o ? mid - o : 0)) / 2;
    }
};

struct pair_control {
    pair_barrier barrier;
    line_probe probe;
    // probe_cores() hands side 0's figure back to the supervisor here.
    double probe_result = 0;
};

} // namespace rsm::bench
