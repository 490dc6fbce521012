// geometry.hpp - a segment group's geometry and the rules it must follow.
#pragma once

#include "error.hpp"

#include <cstdint>
#include <span>

namespace shm::detail {

struct group_geometry {
    uint32_t part_size = 0;
    uint32_t part_count = 0;
    uint32_t span = 0;

    // The longest message the group carries (the span factor's rule).
    uint64_t capacity() const { return uint64_t(part_size) * span; }
    bool operator==(const group_geometry &) const = default;
};

// Longest message libshm carries: lengths travel as __u32 in the directory
// and the ring, and the C API returns them as ssize_t.
inline constexpr uint64_t max_message_limit = (1ULL << 31) - 1;

// A power of two in [RSM_PART_SIZE_MIN, RSM_PART_SIZE_MAX], 1..2^20
// partitions, span 1..part_count, capacity within max_message_limit + 1.
result<void> validate_geometry(const group_geometry &g);

// 1..max_groups groups, each valid.
result<void> validate_template(std::span<const group_geometry> groups);

// The default template: 64 B, 256 B, 4 KiB and 64 KiB partitions
// (Documentation/libshm.md prints its selection table).
std::span<const group_geometry> default_template();

inline uint32_t log2_of(uint32_t pow2) {
    return uint32_t(__builtin_ctz(pow2));
}

// Partitions a message of len bytes needs in partitions of 1 << shift bytes
// (a zero-length message still takes one).
inline uint32_t parts_for(uint64_t len, uint32_t shift) {
    return len == 0 ? 1 : uint32_t((len + (1ULL << shift) - 1) >> shift);
}

} // namespace shm::detail
