// backend_host.cpp - segments and doorbells without a kernel module.
//
// A segment is a file in /dev/shm (or $RSM_SHM_DIR) named after its key,
// "rsm-<key as 16 hex digits>", laid out exactly as rsmdev.ko lays out a
// segment: this backend writes the kernel's part of the header itself. A new
// segment is an unnamed O_TMPFILE until it is published; publishing links it
// under its name, atomically, so an importer never sees a half-built one.
//
// Doorbells are one-byte datagrams on abstract Unix sockets: the receiver
// binds "rsm-<key>", the sender of slot s binds "rsm-<key>-s<s>". Queued
// datagrams are sticky like the kernel's signal counts, the socket polls,
// and an abstract name disappears with the process that bound it, so a
// connect() to it tells whether that process is alive: that is how a sender
// learns its receiver died, and how a receiver learns a sender did. The
// header's reserved[0] records the key of the endpoint that owns a file, so
// a file left behind by a dead endpoint is recognised and replaced.
//
// Revocation is emulated: destroying a segment zeroes its magic before the
// file is unlinked, and the data path checks the magic.
#include "atomics.hpp"
#include "backend.hpp"
#include "unique_fd.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unordered_map>

namespace shm::detail {
namespace {

constexpr int64_t liveness_slice_ns = 50'000'000; // a dead receiver is seen within this

std::string shm_dir() {
    const char *d = std::getenv("RSM_SHM_DIR");
    return d && *d ? d : "/dev/shm";
}

std::string segment_path(uint64_t key) {
    char name[40];
    std::snprintf(name, sizeof(name), "/rsm-%016llx", (unsigned long long)key);
    return shm_dir() + name;
}

struct abstract_address {
    sockaddr_un sa{};
    socklen_t len = 0;
};

abstract_address doorbell_name(uint64_t key, int slot) {
    abstract_address a;
    a.sa.sun_family = AF_UNIX;
    char *p = a.sa.sun_path + 1; // leading NUL: the abstract namespace
    const size_t room = sizeof(a.sa.sun_path) - 1;
    const int n = slot < 0
                      ? std::snprintf(p, room, "rsm-%016llx", (unsigned long long)key)
                      : std::snprintf(p, room, "rsm-%016llx-s%d", (unsigned long long)key, slot);
    a.len = socklen_t(offsetof(sockaddr_un, sun_path) + 1 + size_t(n));
    return a;
}

result<unique_fd> dgram_socket() {
    unique_fd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd)
        return fail_errno();
    return fd;
}

// Is a live process bound to the name? connect() on a datagram socket only
// checks that the name exists.
bool bound(const abstract_address &a) {
    result<unique_fd> fd = dgram_socket();
    if (!fd)
        return true; // cannot tell: assume alive, never reclaim wrongly
    if (::connect(fd->get(), reinterpret_cast<const sockaddr *>(&a.sa), a.len) == 0)
        return true;
    return errno != ECONNREFUSED && errno != ENOENT;
}

// Ring: one datagram. A full queue already holds a wake-up for the peer.
result<void> ring(int fd, const abstract_address &a) {
    static const char byte = 1;
    if (::sendto(fd, &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr *>(&a.sa), a.len) == 1)
        return {};
    if (errno == EAGAIN)
        return {};
    return fail_errno();
}

class host_backend final : public backend {
  public:
    host_backend(uint64_t key, unique_fd sock, bool receiver)
        : receiver_(receiver), key_(key), sock_(std::move(sock)) {}

    uint32_t kind() const override { return SHM_BACKEND_HOST; }
    int fd() const override { return sock_.get(); }

    result<segment> create(const group_geometry &g) override {
        const rsm_seg_layout_info l = rsm_seg_layout(g.part_size, g.part_count);
        unique_fd fd(::open(shm_dir().c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
        if (!fd)
            return fail_errno();
        if (::ftruncate(fd.get(), off_t(l.size)) < 0)
            return fail_errno();
        result<mapping> m = mapping::map_shared(fd.get(), l.size, 0);
        if (!m)
            return std::unexpected(m.error());
        segment s;
        s.map = std::move(*m);
        s.id = ++last_id_;
        // The kernel's part of the header; the directory is already zero
        // (every partition RSM_DIR_FREE), as is the rest.
        rsm_seg_header *h = s.header();
        h->version = RSM_SEG_VERSION;
        h->header_size = RSM_SEG_HEADER_SIZE;
        h->part_size = g.part_size;
        h->part_count = g.part_count;
        h->span = g.span;
        h->state = RSM_SEG_STATE_CREATED;
        h->dir_offset = l.dir_offset;
        h->data_offset = l.data_offset;
        h->size = l.size;
        h->seg_id = s.id;
        h->reserved[0] = key_; // the owning endpoint, for stale-file checks
        h->magic = RSM_SEG_MAGIC;
        files_.emplace(s.id, std::move(fd));
        return s;
    }

    result<void> publish(segment &s, uint64_t key, uint32_t mode) override {
        auto it = files_.find(s.id);
        if (it == files_.end())
            return fail(EINVAL);
        if (::fchmod(it->second.get(), mode) < 0)
            return fail_errno();
        rsm_seg_header *h = s.header();
        h->key = key;
        h->generation = 1;
        h->state = RSM_SEG_STATE_PUBLISHED;
        const std::string path = segment_path(key);
        const std::string proc = "/proc/self/fd/" + std::to_string(it->second.get());
        for (int tries = 0; tries < 2; ++tries) {
            if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) == 0) {
                s.key = key;
                paths_.emplace(s.id, path);
                return {};
            }
            if (errno != EEXIST || !stale(path))
                return fail_errno();
            ::unlink(path.c_str());
        }
        return fail(EEXIST);
    }

    void destroy(segment &s) override {
        if (s.map) {
            rsm_seg_header *h = s.header();
            store_relaxed(h->state, uint32_t(RSM_SEG_STATE_DESTROYED));
            // release: importers that load magic 0 see the state too.
            store_release(h->magic, 0U);
        }
        if (auto p = paths_.find(s.id); p != paths_.end()) {
            ::unlink(p->second.c_str());
            paths_.erase(p);
        }
        files_.erase(s.id);
        s.map.reset();
        s.id = 0;
    }

    result<bool> sender_alive(uint64_t, uint32_t slot) override {
        return bound(doorbell_name(key_, int(slot)));
    }

    result<void> wake_sender(const segment &, uint32_t slot) override {
        result<void> r = ring(sock_.get(), doorbell_name(key_, int(slot)));
        if (!r && (code(r.error()) == ECONNREFUSED || code(r.error()) == ENOENT))
            return {}; // that sender is gone; its slot will be reclaimed
        return r;
    }

    // destroy() zeroed the magic; the datagram makes a sleeping sender look.
    void farewell(uint32_t slot) override {
        (void)ring(sock_.get(), doorbell_name(key_, int(slot)));
    }

    result<segment> import(uint32_t node, uint64_t key) override {
        if (node != RSM_NODE_LOCAL && node != 0)
            return fail(EHOSTUNREACH);
        unique_fd fd(::open(segment_path(key).c_str(), O_RDWR | O_CLOEXEC));
        if (!fd)
            return fail_errno();
        struct stat st;
        if (::fstat(fd.get(), &st) < 0)
            return fail_errno();
        if (size_t(st.st_size) < RSM_SEG_HEADER_SIZE)
            return fail(EPROTO);
        result<mapping> m = mapping::map_shared(fd.get(), size_t(st.st_size), 0);
        if (!m)
            return std::unexpected(m.error());
        segment s;
        s.map = std::move(*m);
        s.key = key;
        // acquire: the file was linked after its header was complete.
        if (load_acquire(s.header()->magic) != RSM_SEG_MAGIC)
            return fail(EIDRM);
        return s;
    }

    void unimport(segment &s) override { s.map.reset(); }

    result<bool> reserve_slot(uint32_t slot) override {
        result<unique_fd> fd = dgram_socket();
        if (!fd)
            return std::unexpected(fd.error());
        const abstract_address a = doorbell_name(key_, int(slot));
        if (::bind(fd->get(), reinterpret_cast<const sockaddr *>(&a.sa), a.len) < 0) {
            if (errno == EADDRINUSE)
                return false;
            return fail_errno();
        }
        sock_ = std::move(*fd);
        return true;
    }

    void unreserve_slot() override { sock_.reset(); }

    result<void> attach(uint32_t, uint64_t, uint32_t, std::span<const uint32_t>,
                        std::span<const group_geometry>) override {
        return {};
    }
    void detach() override {}

    result<void> wake_receiver(const segment &) override {
        int fd = sock_.get();
        unique_fd tmp;
        if (fd < 0) { // not attached yet (a connect asking for a slot)
            result<unique_fd> s = dgram_socket();
            if (!s)
                return std::unexpected(s.error());
            tmp = std::move(*s);
            fd = tmp.get();
        }
        result<void> r = ring(fd, doorbell_name(key_, -1));
        if (!r && (code(r.error()) == ECONNREFUSED || code(r.error()) == ENOENT))
            return fail(EIDRM); // the receiver is gone
        return r;
    }

    result<wait_events> wait(int64_t timeout_ns) override {
        if (uint64_t n = drain())
            return wait_events{n, 0};
        if (timeout_ns == 0)
            return fail(EAGAIN);
        const bool sender = !receiver_;
        for (;;) {
            int64_t slice = timeout_ns;
            if (sender && (slice < 0 || slice > liveness_slice_ns))
                slice = liveness_slice_ns;
            pollfd p{sock_.get(), POLLIN, 0};
            timespec ts{slice / 1000000000, slice % 1000000000};
            const int n = ::ppoll(&p, 1, slice < 0 ? nullptr : &ts, nullptr);
            if (n < 0)
                return fail_errno();
            if (uint64_t k = drain())
                return wait_events{k, 0};
            if (sender && !bound(doorbell_name(key_, -1)))
                return wait_events{0, 1}; // the receiver died
            if (timeout_ns >= 0) {
                timeout_ns -= slice;
                if (timeout_ns <= 0)
                    return fail(ETIMEDOUT);
            }
        }
    }

  private:
    uint64_t drain() {
        uint64_t n = 0;
        char buf[64];
        while (sock_ && ::recv(sock_.get(), buf, sizeof(buf), MSG_DONTWAIT) >= 0)
            ++n;
        return n;
    }

    // A file left by an endpoint that no longer exists: ours (we hold the
    // key's doorbell now, so its previous holder is gone) or one whose
    // owner's doorbell is unbound.
    bool stale(const std::string &path) const {
        unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd)
            return false;
        rsm_seg_header h{};
        if (::pread(fd.get(), &h, sizeof(h), 0) != ssize_t(sizeof(h)))
            return true; // not even a header: not a live segment
        const uint64_t owner = h.reserved[0];
        return owner == key_ || !bound(doorbell_name(owner, -1));
    }

    bool receiver_;
    uint64_t key_;
    unique_fd sock_;
    uint32_t last_id_ = 0;
    std::unordered_map<uint32_t, unique_fd> files_;
    std::unordered_map<uint32_t, std::string> paths_;
};

} // namespace

result<std::unique_ptr<backend>> make_host_backend(uint64_t endpoint_key, bool receiver) {
    unique_fd sock;
    if (receiver) {
        result<unique_fd> fd = dgram_socket();
        if (!fd)
            return std::unexpected(fd.error());
        const abstract_address a = doorbell_name(endpoint_key, -1);
        if (::bind(fd->get(), reinterpret_cast<const sockaddr *>(&a.sa), a.len) < 0)
            return errno == EADDRINUSE ? fail(EEXIST) : fail_errno();
        sock = std::move(*fd);
    }
    return std::make_unique<host_backend>(endpoint_key, std::move(sock), receiver);
}

} // namespace shm::detail
