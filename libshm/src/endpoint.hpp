// endpoint.hpp - the receiving endpoint: creates the root and every slot's
// segments, polls the rings of attached channels, hands out messages and
// takes them back, reclaims the slots of senders that left or died.
#pragma once

#include "backend.hpp"
#include "geometry.hpp"
#include "ring.hpp"
#include "root.hpp"
#include "wait.hpp"

#include <cstdint>
#include <libshm/shm.h>
#include <memory>
#include <vector>

namespace shm::detail {

struct endpoint_config {
    uint32_t backend = SHM_BACKEND_KERNEL;
    uint32_t wait_mode = SHM_WAIT_ADAPTIVE;
    uint32_t max_channels = 8;
    uint32_t mode = 0600;
    std::vector<group_geometry> groups;
};

class endpoint {
  public:
    static result<std::unique_ptr<endpoint>> create(uint64_t key, const endpoint_config &cfg);
    ~endpoint();
    endpoint(const endpoint &) = delete;
    endpoint &operator=(const endpoint &) = delete;

    // Copy the next message into buf; EMSGSIZE (message left in place) when
    // size is too small.
    result<size_t> recv(void *buf, size_t size, shm_msg_info *info, uint32_t flags,
                        int64_t timeout_ns);
    // The next message in place, until release().
    result<void> recv_view(shm_view &view, int64_t timeout_ns);
    result<void> release(const shm_view &view, uint32_t flags);
    // Set the sleep flag so the fd becomes readable on the next message;
    // true (flag not left set) when a message is already there.
    result<bool> arm();

    int fd() const { return be_->fd(); }
    void info(shm_info &out) const;
    const shm_stats &stats() const { return stats_; }

  private:
    enum class phase : uint8_t {
        idle,     // no sender (claim FREE)
        active,   // a sender claimed it: its ring is polled
        draining, // the sender closed or died: deliver what it published,
                  // then reset the slot once every view is released
        broken,   // the sender broke the protocol: its ring is no longer
                  // read; reset once it is gone and every view released
    };

    struct rx_group {
        segment seg;
        rsm_dir_entry *dir = nullptr;
        std::byte *data = nullptr;
        group_receiver_line *line = nullptr;
        uint64_t freed = 0; // what we last stored in line->freed
        group_geometry geo;
        uint32_t shift = 0;
    };

    struct rx_slot {
        segment ring_seg;
        ring_entry *entries = nullptr;
        ring_consumer ring;
        ring_consumer_line *consumer = nullptr;
        ring_producer_line *producer = nullptr;
        std::vector<rx_group> groups;
        uint64_t epoch = 0;       // of the claim the sender took
        uint32_t outstanding = 0; // views handed out, not yet released
        phase ph = phase::idle;
        bool room_check = false; // queued in room_checks_
    };

    endpoint(std::unique_ptr<backend> be, const endpoint_config &cfg, uint64_t key);
    result<void> build(uint64_t key);
    result<void> create_published(segment &s, const group_geometry &g, uint64_t key, uint32_t slot,
                                  uint32_t index, uint64_t &got);

    // One pass over the rings; fills n and returns the slot, or -1.
    int find(notification &n);
    bool valid(const rx_slot &slot, const notification &n) const;
    // find() plus everything an idle receiver does; true when a message is
    // ready (peeked, not consumed).
    result<bool> poll(int &slot, notification &n);
    result<bool> next(int &slot, notification &n, int64_t timeout_ns);
    [[gnu::noinline]] result<bool> wait_next(int &slot, notification &n, int64_t timeout_ns);
    void idle_work();
    void scan_claims();
    void check_liveness();
    void check_rooms();
    void check_room_now(uint32_t s);
    void wake_if_waiting(uint32_t s);
    void queue_room_check(uint32_t s);
    void finish_if_drained(uint32_t s);
    void reset_slot(uint32_t s);
    void set_sleeping(bool on);
    void disarm();
    void free_message(uint32_t s, uint32_t group, uint32_t first, uint32_t count, uint64_t len,
                      uint32_t flags);

    std::unique_ptr<backend> be_;
    endpoint_config cfg_;
    uint64_t key_ = 0;
    segment root_seg_;
    root_view root_;
    std::vector<rx_slot> slots_;
    std::vector<uint32_t> active_;      // slots not idle, in claim order
    std::vector<uint32_t> room_checks_; // slots released from since the last check
    uint32_t ring_entries_ = 0;
    size_t rr_ = 0; // next position in active_ to poll first
    uint64_t roster_changes_ = 0;
    uint64_t reclaim_requests_ = 0;
    bool armed_ = false;
    adaptive_spin spin_;
    wait_stats waits_;
    shm_stats stats_{};
};

} // namespace shm::detail
