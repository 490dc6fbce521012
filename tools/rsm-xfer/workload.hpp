// workload.hpp - the messages rsm-xfer sends: their lengths, contents and
// checksums, all derived from (seed, sequence number), so the receiver can
// check every message without being told anything but the seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace rsm::xfer {

struct workload {
    std::uint64_t seed = 1;
    std::uint64_t min_size = 1;
    std::uint64_t max_size = 1 << 20;
};

// Length of message seq (1, 2, 3, ...): the first is min_size, the second
// max_size, the others log-uniform in between, so every scale from bytes to
// the largest partition group is exercised about equally often.
[[nodiscard]] std::uint64_t message_size(const workload &w, std::uint64_t seq);

// Fills buf with the content of message seq.
void fill_message(std::span<std::byte> buf, std::uint64_t seed, std::uint64_t seq);

// A 64-bit checksum of the bytes (not cryptographic: catches corruption,
// truncation and misplaced data).
[[nodiscard]] std::uint64_t checksum(std::span<const std::byte> data);

// Empty when msg is exactly message seq of w; else one line saying what is
// wrong (length, or the checksums and the first differing byte).
[[nodiscard]] std::string check_message(const workload &w, std::uint64_t seq,
                                        std::span<const std::byte> msg);

} // namespace rsm::xfer
