// How a side waits for its peer: the three modes measured separately.
//   busy-poll        spin until the condition holds; never sleep
//   poll-then-block  spin for a bounded time, then sleep until woken
//   blocking         sleep at once
#pragma once

#include "clock.hpp"
#include "failure.hpp"

#include <array>
#include <cstdint>
#include <immintrin.h>
#include <string_view>

namespace rsm::bench {

enum class wait_mode { busy_poll, poll_then_block, blocking };

inline constexpr std::array all_wait_modes{wait_mode::busy_poll, wait_mode::poll_then_block,
                                           wait_mode::blocking};

std::string_view to_string(wait_mode m);
result<wait_mode> parse_wait_mode(std::string_view name);

struct wait_policy {
    wait_mode mode = wait_mode::busy_poll;
    // poll-then-block: how long to spin before sleeping, in clock ticks.
    uint64_t spin_ticks = 0;
    const tick_clock *clock = nullptr;
};

// One wait, from the first time the condition was found unmet until it
// holds: call idle(block) after each unsuccessful check. block() must sleep
// until the condition may have changed (it re-checks before sleeping).
class idler {
  public:
    explicit idler(const wait_policy &p) noexcept : policy_(&p) {}

    // Progress was made: the next wait starts a new spin.
    void reset() noexcept { start_ = 0; }

    template <class Block>
    void idle(Block &&block) {
        switch (policy_->mode) {
        case wait_mode::busy_poll:
            _mm_pause();
            return;
        case wait_mode::blocking:
            block();
            return;
        case wait_mode::poll_then_block:
            if (start_ == 0) {
                start_ = policy_->clock->now();
            } else if (policy_->clock->now() - start_ >= policy_->spin_ticks) {
                block();
                return;
            }
            _mm_pause();
            return;
        }
    }

  private:
    const wait_policy *policy_;
    uint64_t start_ = 0;
};

} // namespace rsm::bench
