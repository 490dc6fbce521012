// rsm's own data path: libshm, one endpoint (receiving) and one channel
// (sending) per side, so each direction is one sender's channel into the
// other side's endpoint, as an application would set it up. The three wait
// modes map to libshm's own: busy-poll = SHM_WAIT_SPIN, poll-then-block =
// SHM_WAIT_ADAPTIVE (its adaptive spin, then the doorbell), blocking =
// SHM_WAIT_BLOCK; ping-pong and bandwidth let libshm wait inside its calls,
// the bidirectional test tries without waiting and sleeps in poll(2) on the
// endpoint's and the channel's descriptors after arming them.
//
// Host backend (segments in /dev/shm, no kernel module) on the host; the
// kernel backend (/dev/rsmdev) inside a VM with rsmdev.ko loaded; across two
// VMs (libshm-ivshmem) the kernel backend with each side in its own guest,
// its channel connected to the endpoint on the other node.
#pragma once

#include "endpoint.hpp"
#include "failure.hpp"
#include "wait_policy.hpp"

#include <cerrno>
#include <libshm/shm.h>
#include <span>
#include <string_view>
#include <vector>

namespace rsm::bench {

// The template rsm-bench gives each endpoint: the default template's
// partition sizes with more partitions, and a span of 64 on 64 KiB so that
// 4 MiB messages fit and 64 of most sizes can be in flight (about 21 MiB of
// segments per channel; the floor's rings are 8 to 16 MiB each way).
std::vector<shm_group_spec> bench_template();
// Across two VMs the endpoint's segments come out of its node's ivshmem
// arena (about 16 MiB with a 64 MiB region): the first three groups of
// bench_template() (4.75 MiB), so messages up to 64 KiB.
std::vector<shm_group_spec> remote_template();
inline constexpr std::size_t remote_max_message = 64 * 1024;

class libshm_endpoint {
  public:
    libshm_endpoint() = default;
    // Creates this side's endpoint under keys[side], waits at the barrier
    // (both endpoints exist), connects to keys[1 - side] on node. Runs in the
    // child. On another node there is no barrier to wait at: it connects as
    // soon as the other side's endpoint is there.
    template <class Barrier>
    static libshm_endpoint open(shm_backend backend, wait_mode mode, const uint64_t keys[2],
                                uint32_t node, int side, Barrier &&barrier);
    ~libshm_endpoint();
    libshm_endpoint(libshm_endpoint &&o) noexcept;
    libshm_endpoint &operator=(libshm_endpoint &&) = delete;
    libshm_endpoint(const libshm_endpoint &) = delete;

    void prepare(std::size_t) noexcept {}
    std::size_t recv_slack() const noexcept { return 0; }

    bool try_send(tx_cursor &c) {
        int r = shm_send(ch_, c.data, c.size, 0, 0);
        if (r == -EAGAIN) {
            next_len_ = c.size;
            return false;
        }
        if (r < 0)
            failed("shm_send", r);
        c.done = c.size;
        return true;
    }

    bool try_recv(rx_cursor &c) {
        ssize_t n = shm_recv(ep_, c.data, c.size, nullptr, 0, 0);
        if (n == -EAGAIN)
            return false;
        if (n < 0)
            failed("shm_recv", static_cast<int>(n));
        c.done = static_cast<std::size_t>(n);
        return true;
    }

    // libshm waits by itself (in the endpoint's and channel's wait mode).
    void send_wait(tx_cursor &c) {
        if (int r = shm_send(ch_, c.data, c.size, 0, SHM_WAIT_FOREVER); r < 0)
            failed("shm_send", r);
        c.done = c.size;
    }

    void recv_wait(rx_cursor &c) {
        ssize_t n = shm_recv(ep_, c.data, c.size, nullptr, 0, SHM_WAIT_FOREVER);
        if (n < 0)
            failed("shm_recv", static_cast<int>(n));
        c.done = static_cast<std::size_t>(n);
    }

    std::byte *try_reserve(std::size_t n) { return reserve(n, 0); }
    std::byte *reserve_wait(std::size_t n) { return reserve(n, SHM_WAIT_FOREVER); }

    void commit(std::size_t n) {
        if (int r = shm_commit(ch_, &res_, n, 0); r < 0)
            failed("shm_commit", r);
    }

    std::span<const std::byte> try_view() { return view(0); }
    std::span<const std::byte> view_wait() { return view(SHM_WAIT_FOREVER); }

    void release() {
        if (int r = shm_release(ep_, &view_, 0); r < 0)
            failed("shm_release", r);
    }

    void block(bool tx, bool rx);

    shm_endpoint *endpoint() const noexcept { return ep_; }
    shm_channel *channel() const noexcept { return ch_; }

  private:
    std::byte *reserve(std::size_t n, int64_t timeout) {
        int r = shm_reserve(ch_, n, &res_, timeout);
        if (r == -EAGAIN) {
            next_len_ = n;
            return nullptr;
        }
        if (r < 0)
            failed("shm_reserve", r);
        return static_cast<std::byte *>(res_.data);
    }

    std::span<const std::byte> view(int64_t timeout) {
        int r = shm_recv_view(ep_, &view_, timeout);
        if (r == -EAGAIN)
            return {};
        if (r < 0)
            failed("shm_recv_view", r);
        return {static_cast<const std::byte *>(view_.data), view_.len};
    }

    [[noreturn]] static void failed(std::string_view call, int negative_errno);
    static shm_channel *connect_remote(uint32_t node, uint64_t key, const shm_connect_attr &ca);

    shm_endpoint *ep_ = nullptr;
    shm_channel *ch_ = nullptr;
    shm_reservation res_{};
    shm_view view_{};
    std::size_t next_len_ = 1; // the message a failed try_send/try_reserve wanted room for
};

// What the supervisor holds: the keys and how to open each side.
class libshm_pair {
  public:
    static result<libshm_pair> create(shm_backend backend, wait_mode mode);
    // One side of a pair whose other side runs on peer_node (another VM)
    // with the same key_base: the two machines' runs make their pairs in the
    // same order, so the n-th pair of each gets the same keys.
    static result<libshm_pair> create_remote(wait_mode mode, uint32_t peer_node, uint64_t key_base);
    template <class Barrier>
    libshm_endpoint endpoint(int side, Barrier &&barrier) const {
        return libshm_endpoint::open(backend_, mode_, keys_, node_, side, barrier);
    }
    shm_backend backend() const noexcept { return backend_; }
    wait_mode mode() const noexcept { return mode_; }
    const uint64_t *keys() const noexcept { return keys_; }
    bool remote() const noexcept { return node_ != SHM_NODE_LOCAL; }

  private:
    shm_backend backend_ = SHM_BACKEND_HOST;
    wait_mode mode_ = wait_mode::busy_poll;
    uint64_t keys_[2] = {0, 0};
    uint32_t node_ = SHM_NODE_LOCAL;
};

shm_wait_mode to_shm(wait_mode m);
// Whether the kernel backend can be used here (/dev/rsmdev exists).
bool libshm_kernel_available();
// Whether this machine is an ivshmem node (rsmdev.ko bound an ivshmem device).
bool libshm_ivshmem_available();

template <class Barrier>
libshm_endpoint libshm_endpoint::open(shm_backend backend, wait_mode mode, const uint64_t keys[2],
                                      uint32_t node, int side, Barrier &&barrier) {
    libshm_endpoint e;
    const bool local = node == SHM_NODE_LOCAL;
    auto groups = local ? bench_template() : remote_template();
    shm_endpoint_attr ea{};
    ea.backend = backend;
    ea.wait_mode = to_shm(mode);
    ea.groups = groups.data();
    ea.group_count = static_cast<uint32_t>(groups.size());
    ea.max_channels = 1;
    if (int r = shm_endpoint_create(keys[side], &ea, &e.ep_); r < 0)
        failed("shm_endpoint_create", r);
    shm_connect_attr ca{};
    ca.backend = backend;
    ca.wait_mode = to_shm(mode);
    ca.timeout_ns = SHM_WAIT_FOREVER;
    if (!local) {
        e.ch_ = connect_remote(node, keys[1 - side], ca);
        return e;
    }
    barrier();
    if (int r = shm_channel_connect(SHM_NODE_LOCAL, keys[1 - side], &ca, &e.ch_); r < 0)
        failed("shm_channel_connect", r);
    barrier();
    return e;
}

} // namespace rsm::bench
