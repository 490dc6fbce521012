// A barrier for the two processes of a benchmark pair, in shared memory:
// both sides pass it before and after each message size, so no size's
// traffic overlaps the next size's set-up. Zero-filled is the initial state.
#pragma once

#include "event_count.hpp"

#include <atomic>
#include <cstdint>
#include <immintrin.h>

namespace rsm::bench {

struct pair_barrier {
    alignas(64) std::atomic<uint32_t> arrived{0};
    std::atomic<uint32_t> generation{0};
    event_count wake;

    void arrive_and_wait() noexcept {
        // Acquire pairs with the release below: what the other side did
        // before opening this generation is visible after we pass it.
        uint32_t gen = generation.load(std::memory_order_acquire);
        if (arrived.fetch_add(1, std::memory_order_acq_rel) == 1) {
            // Last to arrive: reset the count before opening the barrier, so
            // a side that passes and arrives again counts from zero.
            arrived.store(0, std::memory_order_relaxed);
            generation.store(gen + 1, std::memory_order_release);
            wake.notify();
            return;
        }
        for (int i = 0; i < 100'000; i++) {
            if (generation.load(std::memory_order_acquire) != gen)
                return;
            _mm_pause();
        }
        for (;;) {
            uint32_t key = wake.prepare_wait();
            if (generation.load(std::memory_order_acquire) != gen) {
                wake.cancel_wait();
                return;
            }
            wake.wait(key);
        }
    }
};

} // namespace rsm::bench
