// channel.hpp - the sending side: claims a slot of an endpoint, imports its
// segments, and sends: selection, allocation, copy, directory, ring entry,
// and a doorbell only when the receiver sleeps.
#pragma once

#include "allocator.hpp"
#include "backend.hpp"
#include "ring.hpp"
#include "root.hpp"
#include "selection.hpp"
#include "wait.hpp"

#include <cstdint>
#include <libshm/shm.h>
#include <memory>
#include <vector>

namespace shm::detail {

struct connect_config {
    uint32_t backend = SHM_BACKEND_KERNEL;
    uint32_t wait_mode = SHM_WAIT_ADAPTIVE;
    int64_t timeout_ns = 0;
};

class channel {
  public:
    static result<std::unique_ptr<channel>> connect(uint32_t node, uint64_t key,
                                                    const connect_config &cfg);
    ~channel();
    channel(const channel &) = delete;
    channel &operator=(const channel &) = delete;

    result<void> reserve(size_t len, shm_reservation &res, int64_t timeout_ns);
    result<void> commit(shm_reservation &res, size_t len, uint32_t flags);
    result<void> cancel(shm_reservation &res);
    result<void> send(const void *buf, size_t len, uint32_t flags, int64_t timeout_ns);
    result<void> flush();
    // Set the room-wait flag so the fd becomes readable when room is freed;
    // true (flag not left set) when a message of len fits now.
    result<bool> arm(size_t len);

    int fd() const { return be_->fd(); }
    void info(shm_info &out) const;
    const shm_stats &stats() const { return stats_; }

  private:
    struct tx_group {
        segment seg;
        rsm_dir_entry *dir = nullptr;
        std::byte *data = nullptr;
        const uint64_t *freed = nullptr; // receiver's count (group_receiver_line)
        rsm_seg_header *header = nullptr;
        uint32_t shift = 0;
        partition_allocator alloc;
    };

    channel(std::unique_ptr<backend> be, const connect_config &cfg, uint32_t node, uint64_t key);
    result<void> claim_slot(int64_t timeout_ns);
    result<bool> try_claim(uint32_t s);
    result<void> attach();
    result<segment> import_listed(uint64_t key);
    result<bool> try_reserve(uint64_t len);
    result<void> acquire_room(uint64_t len, int64_t timeout_ns);
    [[gnu::noinline, gnu::cold]] result<void> wait_for_room(uint64_t len, int64_t timeout_ns);
    result<void> publish(uint64_t len, uint32_t flags);
    result<void> notify();
    result<void> check_alive() const;

    std::unique_ptr<backend> be_; // first: closed after every segment
    connect_config cfg_;
    uint32_t node_;
    uint64_t key_;
    segment root_seg_;
    root_view root_;
    std::vector<group_geometry> geometry_;
    uint32_t slot_ = 0;
    uint64_t epoch_ = 0;
    bool claimed_ = false;
    segment ring_seg_;
    const uint32_t *ring_magic_ = nullptr;
    ring_producer_line *producer_ = nullptr;
    ring_producer ring_;
    std::vector<tx_group> groups_;
    selection_policy policy_;
    selection pending_{}; // the open reservation
    uint64_t reservations_ = 0;
    bool reserved_ = false;
    bool unflushed_ = false; // published with SHM_SEND_MORE, doorbell not checked
    bool armed_ = false;
    adaptive_spin spin_;
    wait_stats waits_;
    shm_stats stats_{};
};

} // namespace shm::detail
