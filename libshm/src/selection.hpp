// selection.hpp - which segment group a message goes to (invariant 3 of the
// architecture; claims 1, 2, 7, 8, 9 and A of Documentation/libshm.md).
//
// Groups are kept sorted by partition size (ties in template order). A
// message of len bytes may go only to a group with part_size * span >= len
// (claim 8, the span factor). Among those, the preferred partition size is
// the largest one not above len, so the message spans several contiguous
// partitions with little waste (claim 2); when no eligible size is at most
// len, the smallest eligible size. The sender tries every eligible group of
// the preferred size in template order (claim A), then every eligible group
// of each larger size in turn (claim 7), and stops at the first that has
// enough contiguous free partitions. Only when none has does the caller wait
// or return EAGAIN.
#pragma once

#include "geometry.hpp"
#include "layout.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace shm::detail {

struct selection {
    uint32_t group; // index in the template
    uint32_t first; // first partition, as the try function returned it
    uint32_t count; // partitions spanned
    bool fallback;  // a larger size than the preferred one was used
};

class selection_policy {
  public:
    selection_policy() = default;
    explicit selection_policy(std::span<const group_geometry> groups);

    // The policy, in one function. try_group(group, count) returns the
    // first of count contiguous free partitions of that group, or nothing.
    template <class TryGroup>
    std::optional<selection> select(uint64_t len, TryGroup &&try_group) const {
        const uint32_t start = start_for(len);
        if (start == n_)
            return std::nullopt;
        const uint32_t preferred = sorted_[start].part_size;
        for (uint32_t i = start; i < n_; ++i) {
            const entry &e = sorted_[i];
            if (e.capacity < len)
                continue;
            const uint32_t count = parts_for(len, e.shift);
            if (std::optional<uint32_t> first = try_group(e.group, count))
                return selection{e.group, *first, count, e.part_size != preferred};
        }
        return std::nullopt;
    }

    // Index in sorted order of the first group to try for len, n_ if no
    // group can carry len at all.
    uint32_t first_candidate(uint64_t len) const;

    // first_candidate(), from a table when len's power-of-two class holds
    // no group's capacity (then every length of the class starts alike).
    uint32_t start_for(uint64_t len) const {
        const uint32_t c = len_class(len);
        return class_start_[c] != variable ? class_start_[c] : first_candidate(len);
    }

    // The order in which groups are tried for len (for tests and tables).
    std::string order(uint64_t len) const;

    // The size-range -> group table, one line per range.
    std::string table() const;

    uint64_t max_message() const { return max_message_; }
    uint32_t size() const { return n_; }

  private:
    // Class of a length: 0 for 0, else its bit width (lengths 2^(c-1) ..
    // 2^c - 1); lengths past 2^32 share the last class.
    static uint32_t len_class(uint64_t len) {
        const uint32_t c = uint32_t(64 - __builtin_clzll(len | 1)) - (len == 0 ? 1 : 0);
        return c < classes ? c : classes - 1;
    }
    static constexpr uint32_t classes = 34;
    static constexpr uint8_t variable = 0xff;

    struct entry {
        uint32_t group;
        uint32_t part_size;
        uint32_t shift;
        uint64_t capacity;
    };
    std::array<entry, max_groups> sorted_{};
    std::array<group_geometry, max_groups> groups_{};
    uint32_t n_ = 0;
    uint64_t max_message_ = 0;
    std::array<uint8_t, classes> class_start_{};
};

} // namespace shm::detail
