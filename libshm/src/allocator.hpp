// allocator.hpp - the sender's partition allocator over one segment.
//
// The directory is the truth of the segment (invariant 4): the sender may
// reuse a partition only after the directory shows it FREE. Reading the
// directory on every send would cost a cache miss per entry, so the sender
// keeps a private cache of it: a bitmap with a bit set for every partition
// it allocated and has not yet seen freed. A clear bit therefore means "the
// directory showed this partition FREE", and allocating from clear bits
// honours the invariant. Bits are cleared only by reap(), which reads the
// directory.
//
// Allocation is next-fit: the first run of n clear bits at or after the
// cursor, else the first from partition 0; a run never wraps (a message's
// partitions are contiguous). The receiver releases messages in any order.
// The in-flight list keeps allocated messages in allocation order; reap()
// walks it from the oldest while the oldest is FREE (the common in-order
// case costs one directory load per message), and scans the rest only when
// the receiver's freed counter says more were released than that walk found
// (out-of-order releases). When the counter has not moved, reap() reads
// nothing but the counter.
#pragma once

#include <cstdint>
#include <linux/rsmdev.h>
#include <optional>
#include <vector>

namespace shm::detail {

class partition_allocator {
  public:
    partition_allocator() = default;
    explicit partition_allocator(uint32_t part_count);

    // First of n contiguous partitions known free, marked allocated and
    // appended to the in-flight list; nothing when there is no such run.
    // Reads no shared memory. At the cursor when the run there is free,
    // else the first run from the cursor, else from partition 0.
    std::optional<uint32_t> allocate(uint32_t n) {
        if (std::optional<uint32_t> first = at_cursor(n))
            return first;
        return allocate_searching(n);
    }

    // What a send does: the run at the cursor if free; else, when the
    // freed counter moved, reap() and try the cursor again (a sender that
    // laps a receiver freeing in order finds its room there); else search
    // the bitmap, unless a search for as many partitions already failed
    // and nothing was freed since (so a sender spinning for room does not
    // rescan a full bitmap on every try).
    std::optional<uint32_t> allocate_or_reap(uint32_t n, const rsm_dir_entry *dir,
                                             const uint64_t &freed);

    // The most recent allocation (first, n) keeps only its first keep
    // partitions (0: undone entirely). For a reservation committed shorter
    // than reserved, or cancelled.
    void shrink_last(uint32_t first, uint32_t n, uint32_t keep);

    // Observe the directory. freed_now is the segment's freed counter,
    // loaded with acquire (so every release it counts is visible in dir).
    // Returns the number of messages found freed.
    uint32_t reap(const rsm_dir_entry *dir, uint64_t freed_now);

    bool allocated(uint32_t p) const { return (bits_[p >> 6] >> (p & 63)) & 1; }
    uint32_t in_flight() const { return live_; }
    uint32_t part_count() const { return count_; }
    uint32_t cursor() const { return cursor_; }

  private:
    struct flight {
        uint32_t first;
        uint32_t count; // 0: reaped out of order (a tombstone)
    };

    // The run of n partitions at the cursor, when free: a mask test when it
    // lies within one bitmap word (the common case).
    std::optional<uint32_t> at_cursor(uint32_t n) {
        const uint32_t c = cursor_;
        const uint32_t bit = c & 63;
        if (n == 0 || c + n > count_)
            return std::nullopt;
        if (bit + n <= 64) {
            const uint64_t m = (n == 64 ? ~0ULL : (1ULL << n) - 1) << bit;
            uint64_t &w = bits_[c >> 6];
            if ((w & m) != 0)
                return std::nullopt;
            w |= m;
        } else {
            if (next_set(c, c + n) != c + n)
                return std::nullopt;
            set_bits(c, n, true);
        }
        push(c, n);
        cursor_ = c + n == count_ ? 0 : c + n;
        return c;
    }

    std::optional<uint32_t> allocate_searching(uint32_t n);
    std::optional<uint32_t> find_run(uint32_t from, uint32_t n) const;
    uint32_t next_set(uint32_t p, uint32_t limit) const;   // limit if none
    uint32_t next_clear(uint32_t p, uint32_t limit) const; // limit if none
    void set_bits(uint32_t first, uint32_t n, bool on);
    void push(uint32_t first, uint32_t n) {
        if (tail_ - head_ == flights_.size())
            compact();
        flights_[tail_++ & mask_] = flight{first, n};
        ++live_;
    }
    void pop_tombstones();
    void compact();

    std::vector<uint64_t> bits_;
    uint32_t count_ = 0;
    uint32_t cursor_ = 0;
    // in-flight ring: entries [head_, tail_) of flights_, capacity a power
    // of two >= count_ (every message holds at least one partition)
    std::vector<flight> flights_;
    uint32_t mask_ = 0;
    uint32_t head_ = 0;
    uint32_t tail_ = 0;
    uint32_t live_ = 0;
    uint64_t seen_freed_ = 0;
    // A search for this many partitions (or more) failed, and nothing was
    // freed since.
    uint32_t failed_search_ = UINT32_MAX;
};

} // namespace shm::detail
