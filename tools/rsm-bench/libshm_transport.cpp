#include "libshm_transport.hpp"

#include "transport_error.hpp"

#include <chrono>
#include <glob.h>
#include <poll.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <utility>

namespace rsm::bench {

std::vector<shm_group_spec> bench_template() {
    return {
        {64, 4096, 4, 0},    // 256 KiB, messages up to 256 B
        {256, 2048, 16, 0},  // 512 KiB, up to 4 KiB
        {4096, 1024, 16, 0}, // 4 MiB, up to 64 KiB
        {65536, 256, 64, 0}, // 16 MiB, up to 4 MiB
    };
}

std::vector<shm_group_spec> remote_template() {
    auto groups = bench_template();
    groups.pop_back();
    return groups;
}

shm_wait_mode to_shm(wait_mode m) {
    switch (m) {
    case wait_mode::busy_poll:
        return SHM_WAIT_SPIN;
    case wait_mode::poll_then_block:
        return SHM_WAIT_ADAPTIVE;
    case wait_mode::blocking:
        return SHM_WAIT_BLOCK;
    }
    return SHM_WAIT_ADAPTIVE;
}

bool libshm_kernel_available() {
    return access("/dev/rsmdev", R_OK | W_OK) == 0;
}

bool libshm_ivshmem_available() {
    glob_t g{};
    bool found = glob("/sys/bus/pci/drivers/rsm_ivshmem/*/rsm_node_id", 0, nullptr, &g) == 0 &&
                 g.gl_pathc > 0;
    globfree(&g);
    return found && libshm_kernel_available();
}

libshm_endpoint::~libshm_endpoint() {
    if (ch_)
        shm_channel_close(ch_);
    if (ep_)
        shm_endpoint_close(ep_);
}

libshm_endpoint::libshm_endpoint(libshm_endpoint &&o) noexcept
    : ep_(std::exchange(o.ep_, nullptr)), ch_(std::exchange(o.ch_, nullptr)), res_(o.res_),
      view_(o.view_) {}

void libshm_endpoint::failed(std::string_view call, int negative_errno) {
    errno = -negative_errno;
    transport_failed("libshm", call);
}

shm_channel *libshm_endpoint::connect_remote(uint32_t node, uint64_t key,
                                             const shm_connect_attr &ca) {
    // The other guest's endpoint may not exist yet (it boots and starts at
    // its own pace), or its node may not be seen up yet: try again until it
    // is. The supervisor's time limit ends a wait for a peer that never comes.
    for (;;) {
        shm_channel *ch = nullptr;
        int r = shm_channel_connect(node, key, &ca, &ch);
        if (r == 0)
            return ch;
        if (r != -ENOENT && r != -EHOSTDOWN && r != -ENXIO && r != -EBUSY)
            failed("shm_channel_connect", r);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void libshm_endpoint::block(bool tx, bool rx) {
    // Arming says "about to sleep" to the other side (its next send or
    // release rings the doorbell); 1 means ready already: do not sleep.
    pollfd p[2];
    nfds_t n = 0;
    if (rx) {
        int r = shm_endpoint_arm(ep_);
        if (r < 0)
            failed("shm_endpoint_arm", r);
        if (r == 1)
            return;
        p[n++] = {shm_endpoint_fd(ep_), POLLIN, 0};
    }
    if (tx) {
        // Room for the message the last try could not place; libshm wakes
        // the channel when the receiver frees partitions.
        int r = shm_channel_arm(ch_, next_len_);
        if (r < 0)
            failed("shm_channel_arm", r);
        if (r == 1)
            return;
        p[n++] = {shm_channel_fd(ch_), POLLIN, 0};
    }
    if (::poll(p, n, -1) < 0 && errno != EINTR)
        transport_failed("libshm", "poll");
}

result<libshm_pair> libshm_pair::create(shm_backend backend, wait_mode mode) {
    if (backend == SHM_BACKEND_KERNEL && !libshm_kernel_available())
        return fail("libshm kernel backend: /dev/rsmdev is not there (rsmdev.ko not loaded)");
    libshm_pair p;
    p.backend_ = backend;
    p.mode_ = mode;
    // Keys unique to this supervisor and pair: "rsb" in the top bytes, the
    // supervisor's pid, a counter, the side.
    static uint32_t counter = 0;
    uint64_t base = (0x727362ull << 40) | (static_cast<uint64_t>(getpid()) << 16) |
                    (static_cast<uint64_t>(++counter & 0x7fff) << 1);
    p.keys_[0] = base;
    p.keys_[1] = base | 1;
    return p;
}

result<libshm_pair> libshm_pair::create_remote(wait_mode mode, uint32_t peer_node,
                                               uint64_t key_base) {
    if (!libshm_ivshmem_available())
        return fail("libshm-ivshmem: no ivshmem node here (rsmdev.ko not bound to an ivshmem "
                    "device)");
    libshm_pair p;
    p.backend_ = SHM_BACKEND_KERNEL;
    p.mode_ = mode;
    p.node_ = peer_node;
    // The n-th pair of this run: both machines count the same pairs.
    static uint64_t counter = 0;
    uint64_t base = (key_base & ~1ull) + (++counter << 1);
    p.keys_[0] = base;
    p.keys_[1] = base | 1;
    return p;
}

} // namespace rsm::bench
