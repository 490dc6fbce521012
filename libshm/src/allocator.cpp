// allocator.cpp - next-fit over a bitmap, reaping from the directory.
#include "allocator.hpp"

#include "atomics.hpp"

#include <algorithm>
#include <bit>

namespace shm::detail {

partition_allocator::partition_allocator(uint32_t part_count)
    : bits_((part_count + 63) / 64, 0), count_(part_count),
      flights_(std::bit_ceil(std::max<uint32_t>(part_count, 1))),
      mask_(uint32_t(flights_.size() - 1)) {}

uint32_t partition_allocator::next_set(uint32_t p, uint32_t limit) const {
    while (p < limit) {
        const uint64_t w = bits_[p >> 6] >> (p & 63);
        if (w != 0)
            return std::min(p + uint32_t(std::countr_zero(w)), limit);
        p = (p | 63) + 1;
    }
    return limit;
}

uint32_t partition_allocator::next_clear(uint32_t p, uint32_t limit) const {
    while (p < limit) {
        const uint64_t w = ~bits_[p >> 6] >> (p & 63);
        if (w != 0)
            return std::min(p + uint32_t(std::countr_zero(w)), limit);
        p = (p | 63) + 1;
    }
    return limit;
}

std::optional<uint32_t> partition_allocator::find_run(uint32_t from, uint32_t n) const {
    uint32_t start = from;
    while (start + n <= count_) {
        const uint32_t set = next_set(start, start + n);
        if (set == start + n)
            return start;
        start = next_clear(set + 1, count_);
    }
    return std::nullopt;
}

void partition_allocator::set_bits(uint32_t first, uint32_t n, bool on) {
    const uint32_t bit = first & 63;
    if (bit + n <= 64) { // within one word: the common case
        const uint64_t m = (n == 64 ? ~0ULL : (1ULL << n) - 1) << bit;
        if (on)
            bits_[first >> 6] |= m;
        else
            bits_[first >> 6] &= ~m;
        return;
    }
    for (uint32_t p = first; p < first + n;) {
        const uint32_t bit = p & 63;
        const uint32_t k = std::min(64 - bit, first + n - p);
        const uint64_t m = (k == 64 ? ~0ULL : ((1ULL << k) - 1)) << bit;
        if (on)
            bits_[p >> 6] |= m;
        else
            bits_[p >> 6] &= ~m;
        p += k;
    }
}

// Tombstones stuck behind a message the receiver still holds fill the list;
// squeeze them out, keeping allocation order. There are at most part_count
// live entries, so this always makes room, and it runs at most once per
// capacity - live pushes.
void partition_allocator::compact() {
    uint32_t out = head_;
    for (uint32_t i = head_; i != tail_; ++i)
        if (flights_[i & mask_].count != 0)
            flights_[out++ & mask_] = flights_[i & mask_];
    tail_ = out;
}

void partition_allocator::pop_tombstones() {
    while (head_ != tail_ && flights_[head_ & mask_].count == 0)
        ++head_;
}

std::optional<uint32_t> partition_allocator::allocate_searching(uint32_t n) {
    if (n == 0 || n > count_)
        return std::nullopt;
    std::optional<uint32_t> first = find_run(cursor_, n);
    if (!first && cursor_ != 0)
        first = find_run(0, n);
    if (!first)
        return std::nullopt;
    set_bits(*first, n, true);
    push(*first, n);
    cursor_ = *first + n == count_ ? 0 : *first + n;
    return first;
}

void partition_allocator::shrink_last(uint32_t first, uint32_t n, uint32_t keep) {
    flight &f = flights_[(tail_ - 1) & mask_];
    set_bits(first + keep, n - keep, false);
    failed_search_ = UINT32_MAX;
    if (keep == 0) {
        --tail_;
        --live_;
        cursor_ = first;
    } else {
        f.count = keep;
        cursor_ = first + keep == count_ ? 0 : first + keep;
    }
}

uint32_t partition_allocator::reap(const rsm_dir_entry *dir, uint64_t freed_now) {
    // The receiver sets a message's entries FREE before it counts it, so
    // the in-order walk may find more than the counter says and run ahead
    // of it; until the counter passes what we found, there is nothing new.
    if (int64_t(freed_now - seen_freed_) <= 0)
        return 0;
    const uint64_t delta = freed_now - seen_freed_;
    uint32_t reaped = 0;
    // Oldest first, while free. The acquire load of the first partition's
    // state pairs with the receiver's release store of it (directory.hpp):
    // the receiver freed the message's other partitions before it.
    // Messages allocated one after another lie one after another (the
    // cursor moves on), so their bits are cleared as one range per run.
    uint32_t run_first = 0, run_end = 0;
    while (head_ != tail_) {
        const flight &f = flights_[head_ & mask_];
        if (f.count != 0) {
            if (load_acquire(dir[f.first].state) != RSM_DIR_FREE)
                break;
            if (f.first != run_end) {
                if (run_end != run_first)
                    set_bits(run_first, run_end - run_first, false);
                run_first = f.first;
            }
            run_end = f.first + f.count;
            --live_;
            ++reaped;
        }
        ++head_;
    }
    if (run_end != run_first)
        set_bits(run_first, run_end - run_first, false);
    // Released out of order: look at the rest.
    for (uint32_t i = head_; reaped < delta && i != tail_; ++i) {
        flight &f = flights_[i & mask_];
        if (f.count == 0 || load_acquire(dir[f.first].state) != RSM_DIR_FREE)
            continue;
        set_bits(f.first, f.count, false);
        f.count = 0;
        --live_;
        ++reaped;
    }
    pop_tombstones();
    if (reaped != 0)
        failed_search_ = UINT32_MAX;
    // An honest receiver's counter never runs ahead of what the directory
    // shows; if it does, do not rescan until it moves again.
    seen_freed_ = std::max(seen_freed_ + reaped, freed_now);
    return reaped;
}

std::optional<uint32_t> partition_allocator::allocate_or_reap(uint32_t n, const rsm_dir_entry *dir,
                                                              const uint64_t &freed) {
    if (std::optional<uint32_t> first = at_cursor(n))
        return first;
    // acquire: pairs with the receiver's release store of the counter, made
    // after the directory entries it counts went FREE.
    if (reap(dir, load_acquire(freed)) != 0)
        if (std::optional<uint32_t> first = at_cursor(n))
            return first;
    if (n >= failed_search_)
        return std::nullopt;
    std::optional<uint32_t> first = allocate_searching(n);
    if (!first)
        failed_search_ = n;
    return first;
}

} // namespace shm::detail
