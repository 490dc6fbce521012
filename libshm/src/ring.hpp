// ring.hpp - a channel's notification ring: one producer (the sender), one
// consumer (the receiver), ring_entries x struct ring_entry in the ring
// segment (layout.hpp).
//
// The producer writes an entry's fields, then its seq (position + 1) with
// release. The consumer loads the seq at its position with acquire and
// takes the entry only when it equals position + 1, so it never reads a
// half-written or an old lap's entry. The consumer publishes how far it got
// (the tail) in batches, with release; the producer reads it only when its
// cached copy says the ring is full. Producer and consumer words live on
// different cache lines, so on the fast path only the entries move between
// the two sides.
#pragma once

#include "atomics.hpp"
#include "layout.hpp"

#include <cstdint>

namespace shm::detail {

struct notification {
    uint32_t group;
    uint32_t first;
    uint32_t count;
    uint32_t len;
    uint64_t seq;
};

class ring_producer {
  public:
    ring_producer() = default;
    ring_producer(ring_entry *entries, uint32_t size, const uint64_t *tail)
        : entries_(entries), tail_word_(tail), size_(size), mask_(size - 1) {}

    bool has_room() {
        if (head_ - tail_cache_ < size_)
            return true;
        // acquire: pairs with the consumer's release store of the tail, so
        // its reads of the entries we are about to overwrite are done.
        tail_cache_ = load_acquire(*tail_word_);
        return head_ - tail_cache_ < size_;
    }

    // Sequence number the next published message gets.
    uint64_t next_seq() const { return head_ + 1; }

    // Caller checked has_room().
    void publish(uint32_t group, uint32_t first, uint32_t count, uint32_t len) {
        ring_entry &e = entries_[head_ & mask_];
        e.len = len;
        e.first = first;
        e.count = count;
        e.group = uint16_t(group);
        e.flags = 0;
        // release: publishes the fields above, the directory entries and the
        // payload; pairs with the consumer's acquire load in peek().
        store_release(e.seq, head_ + 1);
        ++head_;
    }

    uint64_t head() const { return head_; }

  private:
    ring_entry *entries_ = nullptr;
    const uint64_t *tail_word_ = nullptr;
    uint64_t head_ = 0;
    uint64_t tail_cache_ = 0;
    uint32_t size_ = 0;
    uint32_t mask_ = 0;
};

class ring_consumer {
  public:
    ring_consumer() = default;
    ring_consumer(const ring_entry *entries, uint32_t size, uint64_t *tail)
        : entries_(entries), tail_word_(tail), size_(size), mask_(size - 1),
          batch_(size / 4 ? size / 4 : 1) {}

    // The entry at the consumer's position, if published.
    bool peek(notification &n) const {
        const ring_entry &e = entries_[tail_ & mask_];
        // acquire: pairs with the producer's release store of seq.
        if (load_acquire(e.seq) != tail_ + 1)
            return false;
        n = notification{e.group, e.first, e.count, e.len, tail_ + 1};
        return true;
    }

    // Consume the peeked entry. Returns true when the tail was published.
    bool pop() {
        ++tail_;
        return tail_ - published_ >= batch_ ? publish() : false;
    }

    // Publish the tail if it moved. Returns true when it did.
    bool publish() {
        if (tail_ == published_)
            return false;
        // release: our reads of the consumed entries come before the
        // producer, after its acquire load of the tail, overwrites them.
        store_release(*tail_word_, tail_);
        published_ = tail_;
        return true;
    }

    void reset() { tail_ = published_ = 0; }
    uint64_t tail() const { return tail_; }

  private:
    const ring_entry *entries_ = nullptr;
    uint64_t *tail_word_ = nullptr;
    uint64_t tail_ = 0;
    uint64_t published_ = 0;
    uint32_t size_ = 0;
    uint32_t mask_ = 0;
    uint32_t batch_ = 1;
};

} // namespace shm::detail
