// backend_kernel.cpp - segments and doorbells from /dev/rsmdev.
//
// Each endpoint and each channel opens /dev/rsmdev once: the kernel ties
// every segment, import, group and channel to that file, so whatever way the
// process ends, closing the file cleans up after it, and the file's
// doorbells belong to that endpoint or channel alone (its fd polls).
#include "backend.hpp"
#include "unique_fd.hpp"

#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <vector>

namespace shm::detail {
namespace {

class kernel_backend final : public backend {
  public:
    explicit kernel_backend(unique_fd fd) : fd_(std::move(fd)) {}
    ~kernel_backend() override { detach(); }

    uint32_t kind() const override { return SHM_BACKEND_KERNEL; }
    int fd() const override { return fd_.get(); }

    result<segment> create(const group_geometry &g) override {
        rsm_seg_create c{};
        c.part_size = g.part_size;
        c.part_count = g.part_count;
        c.span = g.span;
        c.interconnect = RSM_IC_DEFAULT;
        if (auto r = ioctl_(RSM_IOC_SEG_CREATE, &c); !r)
            return std::unexpected(r.error());
        segment s;
        s.id = c.seg_id;
        result<mapping> m = mapping::map_shared(fd_.get(), c.size, off_t(c.mmap_offset));
        if (!m) {
            destroy_id(c.seg_id);
            return std::unexpected(m.error());
        }
        s.map = std::move(*m);
        return s;
    }

    result<void> publish(segment &s, uint64_t key, uint32_t mode) override {
        rsm_seg_publish p{};
        p.seg_id = s.id;
        p.mode = mode;
        p.key = key;
        p.uid = RSM_ID_SELF;
        p.gid = RSM_ID_SELF;
        if (auto r = ioctl_(RSM_IOC_SEG_PUBLISH, &p); !r)
            return r;
        s.key = key;
        return {};
    }

    void destroy(segment &s) override {
        s.map.reset();
        if (s.id != 0)
            destroy_id(s.id);
        s.id = 0;
    }

    result<bool> sender_alive(uint64_t ring_key, uint32_t) override {
        rsm_lookup l{};
        l.node_id = RSM_NODE_LOCAL;
        l.key = ring_key;
        if (auto r = ioctl_(RSM_IOC_LOOKUP, &l); !r)
            return std::unexpected(r.error());
        return l.desc.importers > 0;
    }

    result<void> wake_sender(const segment &ring, uint32_t) override {
        rsm_signal sig{};
        sig.id = ring.id;
        sig.flags = RSM_SIGNAL_F_IMPORTERS;
        return ioctl_(RSM_IOC_SIGNAL, &sig);
    }

    void farewell(uint32_t) override {} // revocation wakes the importers

    result<segment> import(uint32_t node, uint64_t key) override {
        rsm_import im{};
        im.node_id = node;
        im.access = RSM_ACCESS_RW;
        im.key = key;
        if (auto r = ioctl_(RSM_IOC_IMPORT, &im); !r)
            return std::unexpected(r.error());
        segment s;
        s.id = im.import_id;
        s.key = key;
        result<mapping> m = mapping::map_shared(fd_.get(), im.size, off_t(im.mmap_offset));
        if (!m) {
            unimport(s);
            return std::unexpected(m.error());
        }
        s.map = std::move(*m);
        return s;
    }

    void unimport(segment &s) override {
        s.map.reset();
        if (s.id != 0) {
            rsm_handle h{};
            h.id = s.id;
            (void)ioctl_(RSM_IOC_UNIMPORT, &h);
        }
        s.id = 0;
    }

    result<bool> reserve_slot(uint32_t) override { return true; }
    void unreserve_slot() override {}

    result<void> attach(uint32_t node, uint64_t key, uint32_t slot,
                        std::span<const uint32_t> group_imports,
                        std::span<const group_geometry> geometry) override {
        rsm_channel_open o{};
        o.node_id = node;
        o.slot = slot;
        o.key = key;
        if (auto r = ioctl_(RSM_IOC_CHANNEL_OPEN, &o); !r)
            return r;
        channel_id_ = o.channel_id;
        for (size_t i = 0; i < group_imports.size(); ++i) {
            rsm_group_create g{};
            g.import_id = group_imports[i];
            g.part_size = geometry[i].part_size;
            g.part_count = geometry[i].part_count;
            g.channel_id = channel_id_;
            if (auto r = ioctl_(RSM_IOC_GROUP_CREATE, &g); !r) {
                detach();
                return r;
            }
            group_ids_.push_back(g.group_id);
        }
        return {};
    }

    result<void> wake_receiver(const segment &via) override {
        rsm_signal sig{};
        sig.id = via.id;
        return ioctl_(RSM_IOC_SIGNAL, &sig);
    }

    result<wait_events> wait(int64_t timeout_ns) override {
        rsm_wait w{};
        w.timeout_ns = timeout_ns < 0 ? RSM_WAIT_FOREVER : timeout_ns;
        if (auto r = ioctl_(RSM_IOC_WAIT, &w); !r)
            return std::unexpected(r.error());
        return wait_events{w.pending, w.revoked};
    }

  private:
    result<void> ioctl_(unsigned long cmd, void *arg) const {
        if (::ioctl(fd_.get(), cmd, arg) < 0)
            return fail_errno();
        return {};
    }

    void destroy_id(uint32_t seg_id) {
        rsm_seg_ref ref{};
        ref.seg_id = seg_id;
        (void)ioctl_(RSM_IOC_SEG_DESTROY, &ref);
    }

  public:
    // Groups, then the channel: the reverse of attach(). Closing the file
    // would do the same; doing it first keeps the order of the kernel's
    // tables exact: groups go before the imports they pair.
    void detach() override {
        for (uint32_t id : group_ids_) {
            rsm_handle h{};
            h.id = id;
            (void)ioctl_(RSM_IOC_GROUP_DESTROY, &h);
        }
        group_ids_.clear();
        if (channel_id_ != 0) {
            rsm_handle h{};
            h.id = channel_id_;
            (void)ioctl_(RSM_IOC_CHANNEL_CLOSE, &h);
            channel_id_ = 0;
        }
    }

  private:
    unique_fd fd_;
    uint32_t channel_id_ = 0;
    std::vector<uint32_t> group_ids_;
};

} // namespace

result<std::unique_ptr<backend>> make_kernel_backend() {
    unique_fd fd(::open("/dev/" RSMDEV_NAME, O_RDWR | O_CLOEXEC));
    if (!fd)
        return fail_errno();
    rsm_node_info info{};
    if (::ioctl(fd.get(), RSM_IOC_NODE_INFO, &info) < 0)
        return fail_errno();
    if (info.abi_version != RSMDEV_ABI_VERSION)
        return fail(EPROTO);
    return std::make_unique<kernel_backend>(std::move(fd));
}

} // namespace shm::detail
