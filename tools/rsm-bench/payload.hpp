// The sender's and receiver's own buffers, and what a message carries.
#pragma once

#include "failure.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <sys/mman.h>

namespace rsm::bench {

// Page-aligned private buffers cycling through a working set: message k uses
// slot k mod n. Pre-faulted, so no page fault lands inside a timed interval.
class message_buffers {
  public:
    message_buffers() = default;
    // size: message size; working_set: bytes to cycle through (0: one
    // message); slack: extra bytes after each slot a receiver may need.
    static result<message_buffers> create(std::size_t size, std::size_t working_set,
                                          std::size_t slack);
    ~message_buffers();
    message_buffers(message_buffers &&o) noexcept;
    message_buffers &operator=(message_buffers &&o) noexcept;
    message_buffers(const message_buffers &) = delete;
    message_buffers &operator=(const message_buffers &) = delete;

    std::byte *slot(uint64_t k) const noexcept { return base_ + (k % count_) * stride_; }

  private:
    std::byte *base_ = nullptr;
    std::size_t bytes_ = 0, stride_ = 0, count_ = 1;
};

// Verification pattern: every byte depends on the message number and its
// position, so a lost, repeated, reordered or torn message shows.
void stamp(std::span<std::byte> msg, uint64_t seq) noexcept;
bool check(std::span<const std::byte> msg, uint64_t seq) noexcept;

// Zero-copy payload: written in place with plain stores (as an application
// producing its data there would), read in place one load per cache line.
void produce(std::span<std::byte> msg, uint64_t seq, bool verify) noexcept;
// Returns false when verify is set and the pattern does not match.
bool consume(std::span<const std::byte> msg, uint64_t seq, bool verify) noexcept;

} // namespace rsm::bench
