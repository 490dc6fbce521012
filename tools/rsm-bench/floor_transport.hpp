// The floor: the least a shared-memory message can cost. Per direction, a
// ring of slots in memory both processes map; the sender copies the message
// into the next slot and publishes it by storing the slot's sequence number
// (release); the receiver spins on that number (acquire), copies the message
// out and hands the slot back by advancing a consumed count. Messages of up
// to 56 bytes share the cache line of their header, so a small message moves
// as one line. No selection, no directory, no ring of notifications: what
// libshm adds on top of this is its cost.
//
// Waiting: busy-poll never sleeps and never notifies. In the other modes a
// side about to sleep registers on its own event count (futex) and the peer,
// after each publish or hand-back, fences and wakes it if registered.
#pragma once

#include "endpoint.hpp"
#include "event_count.hpp"
#include "failure.hpp"
#include "shared_mapping.hpp"
#include "wait_policy.hpp"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <immintrin.h>

namespace rsm::bench {

struct floor_slot_header {
    // The message number + 1 (mod 2^32) once the slot holds that message;
    // written last, with release, by the sender.
    std::atomic<uint32_t> seq;
    uint32_t len;
};

// Shared control block at the start of the mapping, one cache line each.
struct floor_control {
    struct alignas(64) bell {
        event_count ev;
    };
    struct alignas(64) counter {
        // Messages the receiver of this ring has finished with (release);
        // the sender reads it (acquire) before reusing a slot.
        std::atomic<uint64_t> consumed;
    };
    bell bells[2];       // bells[s]: side s sleeps on it
    counter consumed[2]; // consumed[d]: ring d, from side d to side 1 - d
};

class floor_endpoint {
  public:
    floor_endpoint(std::byte *base, std::size_t ring_bytes, int side, bool notify) noexcept;

    static constexpr std::size_t inline_max = 64 - sizeof(floor_slot_header);
    static constexpr std::size_t max_slots = 64;

    void prepare(std::size_t size) noexcept;
    std::size_t recv_slack() const noexcept { return 0; }

    std::byte *try_reserve(std::size_t n) noexcept {
        if (head_ - cached_consumed_ >= out_.slots) {
            cached_consumed_ = out_.consumed->load(std::memory_order_acquire);
            if (head_ - cached_consumed_ >= out_.slots)
                return nullptr;
        }
        return out_.slot(head_slot_) + data_offset(n);
    }

    void commit(std::size_t n) noexcept {
        auto *h = reinterpret_cast<floor_slot_header *>(out_.slot(head_slot_));
        h->len = static_cast<uint32_t>(n);
        // Release: the payload and len are visible before the number that
        // says the slot is full (pairs with the acquire in try_view()).
        h->seq.store(static_cast<uint32_t>(++head_), std::memory_order_release);
        head_slot_ = out_.after(head_slot_);
        if (notify_)
            peer_bell_->notify();
    }

    std::span<const std::byte> try_view() noexcept {
        auto *h = reinterpret_cast<floor_slot_header *>(in_.slot(next_slot_));
        if (h->seq.load(std::memory_order_acquire) != static_cast<uint32_t>(next_ + 1))
            return {};
        return {in_.slot(next_slot_) + data_offset(h->len), h->len};
    }

    void release() noexcept {
        // Release: our reads of the slot are done before the sender may
        // overwrite it (pairs with the acquire in try_reserve()).
        in_.consumed->store(++next_, std::memory_order_release);
        next_slot_ = in_.after(next_slot_);
        if (notify_)
            peer_bell_->notify();
    }

    bool try_send(tx_cursor &c) noexcept {
        std::byte *p = try_reserve(c.size);
        if (!p)
            return false;
        std::memcpy(p, c.data, c.size);
        commit(c.size);
        c.done = c.size;
        return true;
    }

    bool try_recv(rx_cursor &c) noexcept {
        std::span<const std::byte> v = try_view();
        if (v.empty())
            return false;
        std::memcpy(c.data, v.data(), std::min(v.size(), c.size));
        c.done = v.size();
        release();
        return true;
    }

    void block(bool tx, bool rx) noexcept;

  private:
    struct ring {
        std::byte *base = nullptr;
        std::size_t slot_size = 64, slots = 1;
        std::atomic<uint64_t> *consumed = nullptr;
        std::byte *slot(std::size_t i) const noexcept { return base + i * slot_size; }
        // Slot indices advance with a compare, not a division: the slot
        // count need not be a power of two.
        std::size_t after(std::size_t i) const noexcept { return i + 1 == slots ? 0 : i + 1; }
    };

    static std::size_t data_offset(std::size_t n) noexcept {
        return n <= inline_max ? sizeof(floor_slot_header) : 64;
    }

    ring out_, in_;
    std::size_t ring_bytes_;
    uint64_t head_ = 0;            // messages published on out_ (sender-private)
    uint64_t cached_consumed_ = 0; // last out_.consumed seen
    uint64_t next_ = 0;            // messages taken from in_ (receiver-private)
    std::size_t head_slot_ = 0;    // head_ mod out_.slots
    std::size_t next_slot_ = 0;    // next_ mod in_.slots
    event_count *my_bell_, *peer_bell_;
    bool notify_;
};

class floor_pair {
  public:
    // Rings large enough for four messages of max_size, at least 8 MiB each.
    static result<floor_pair> create(std::size_t max_size, wait_mode mode);
    floor_endpoint endpoint(int side) const noexcept;

  private:
    shared_mapping map_;
    std::size_t ring_bytes_ = 0;
    bool notify_ = false;
};

} // namespace rsm::bench
