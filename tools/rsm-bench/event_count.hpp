// An event count in shared memory: lets one process sleep until another has
// changed something it waits for, without losing a wake-up and without a
// system call on the notifier's side while nobody sleeps. Zero-filled memory
// is a valid initial state, so it can live in a fresh MAP_SHARED mapping.
//
// Waiter:   key = prepare_wait(); if (condition) cancel_wait(); else wait(key);
// Notifier: make the condition true (any store); notify();
#pragma once

#include <atomic>
#include <climits>
#include <cstdint>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace rsm::bench {

struct event_count {
    // The futex word; bumped by a notifier that saw a waiter.
    std::atomic<uint32_t> epoch{0};
    // Processes between prepare_wait() and the end of wait()/cancel_wait().
    std::atomic<uint32_t> waiters{0};

    // seq_cst RMW then load: the increment is ordered before the waiter's
    // re-check of its condition, pairing with the fence in notify() (a
    // store-load (Dekker) pattern: either the notifier sees waiters > 0, or
    // the waiter's re-check sees the notifier's store).
    uint32_t prepare_wait() noexcept {
        waiters.fetch_add(1, std::memory_order_seq_cst);
        return epoch.load(std::memory_order_seq_cst);
    }

    void cancel_wait() noexcept { waiters.fetch_sub(1, std::memory_order_relaxed); }

    // Sleeps unless epoch moved past key since prepare_wait(); may return
    // spuriously (the caller re-checks its condition anyway).
    void wait(uint32_t key) noexcept {
        syscall(SYS_futex, &epoch, FUTEX_WAIT, key, nullptr, nullptr, 0);
        waiters.fetch_sub(1, std::memory_order_relaxed);
    }

    // The fence orders the caller's earlier stores (what makes the waiter's
    // condition true) before the load of waiters; see prepare_wait().
    void notify() noexcept {
        std::atomic_thread_fence(std::memory_order_seq_cst);
        if (waiters.load(std::memory_order_relaxed) == 0)
            return;
        // Release: a waiter that reads the new epoch also sees the stores
        // made before notify().
        epoch.fetch_add(1, std::memory_order_release);
        syscall(SYS_futex, &epoch, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
    }
};

} // namespace rsm::bench
