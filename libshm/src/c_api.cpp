// c_api.cpp - the exported C API (include/libshm/shm.h) over the C++ core.
// Every entry point returns -errno; no exception crosses it (allocation
// failure becomes -ENOMEM).
#include "channel.hpp"
#include "endpoint.hpp"
#include "selection.hpp"

#include <cstring>
#include <libshm/shm.h>
#include <new>

struct shm_endpoint {
    std::unique_ptr<shm::detail::endpoint> impl;
};

struct shm_channel {
    std::unique_ptr<shm::detail::channel> impl;
};

namespace {

using shm::detail::code;
using shm::detail::group_geometry;
using shm::detail::result;

template <class F>
auto guarded(F &&f) noexcept -> decltype(f()) {
    try {
        return f();
    } catch (const std::bad_alloc &) {
        return -ENOMEM;
    } catch (...) {
        return -EIO;
    }
}

int to_int(const result<void> &r) {
    return r ? 0 : -code(r.error());
}

bool all_zero(const uint64_t *v, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (v[i] != 0)
            return false;
    return true;
}

result<std::vector<group_geometry>> read_template(const shm_group_spec *groups, unsigned count) {
    std::vector<group_geometry> out;
    if (groups == nullptr) {
        if (count != 0)
            return shm::detail::fail(EINVAL);
        auto d = shm::detail::default_template();
        out.assign(d.begin(), d.end());
        return out;
    }
    if (count == 0 || count > SHM_MAX_GROUPS)
        return shm::detail::fail(EINVAL);
    for (unsigned i = 0; i < count; ++i) {
        if (groups[i].reserved != 0)
            return shm::detail::fail(EINVAL);
        out.push_back({groups[i].part_size, groups[i].part_count, groups[i].span});
    }
    if (auto r = shm::detail::validate_template(out); !r)
        return std::unexpected(r.error());
    return out;
}

} // namespace

extern "C" {

int shm_default_template(struct shm_group_spec *groups, unsigned int cap) {
    auto d = shm::detail::default_template();
    if (groups == nullptr && cap != 0)
        return -EINVAL;
    for (size_t i = 0; i < d.size() && i < cap; ++i)
        groups[i] = shm_group_spec{d[i].part_size, d[i].part_count, d[i].span, 0};
    return int(d.size());
}

ssize_t shm_selection_format(const struct shm_group_spec *groups, unsigned int count, char *buf,
                             size_t size) {
    return guarded([&]() -> ssize_t {
        if (buf == nullptr && size != 0)
            return -EINVAL;
        auto t = read_template(groups, count);
        if (!t)
            return -code(t.error());
        const std::string s = shm::detail::selection_policy(*t).table();
        if (size != 0) {
            const size_t n = std::min(size - 1, s.size());
            std::memcpy(buf, s.data(), n);
            buf[n] = '\0';
        }
        return ssize_t(s.size());
    });
}

int shm_endpoint_create(uint64_t key, const struct shm_endpoint_attr *attr,
                        struct shm_endpoint **endpoint) {
    return guarded([&]() -> int {
        if (endpoint == nullptr)
            return -EINVAL;
        *endpoint = nullptr;
        const shm_endpoint_attr zero{};
        const shm_endpoint_attr &a = attr ? *attr : zero;
        if (a.reserved0 != 0 || !all_zero(a.reserved, 4))
            return -EINVAL;
        shm::detail::endpoint_config cfg;
        cfg.backend = a.backend;
        cfg.wait_mode = a.wait_mode;
        cfg.max_channels = a.max_channels ? a.max_channels : 8;
        cfg.mode = a.mode ? a.mode : 0600;
        auto t = read_template(a.groups, a.group_count);
        if (!t)
            return -code(t.error());
        cfg.groups = std::move(*t);
        auto ep = shm::detail::endpoint::create(key, cfg);
        if (!ep)
            return -code(ep.error());
        *endpoint = new shm_endpoint{std::move(*ep)};
        return 0;
    });
}

void shm_endpoint_close(struct shm_endpoint *endpoint) {
    delete endpoint;
}

int shm_endpoint_fd(const struct shm_endpoint *endpoint) {
    return endpoint ? endpoint->impl->fd() : -EINVAL;
}

int shm_endpoint_arm(struct shm_endpoint *endpoint) {
    if (endpoint == nullptr)
        return -EINVAL;
    auto r = endpoint->impl->arm();
    return r ? int(*r) : -code(r.error());
}

int shm_endpoint_info(const struct shm_endpoint *endpoint, struct shm_info *info) {
    if (endpoint == nullptr || info == nullptr)
        return -EINVAL;
    endpoint->impl->info(*info);
    return 0;
}

int shm_endpoint_stats(const struct shm_endpoint *endpoint, struct shm_stats *stats) {
    if (endpoint == nullptr || stats == nullptr)
        return -EINVAL;
    *stats = endpoint->impl->stats();
    return 0;
}

ssize_t shm_recv(struct shm_endpoint *endpoint, void *buf, size_t size, struct shm_msg_info *info,
                 unsigned int flags, int64_t timeout_ns) {
    if (endpoint == nullptr || (buf == nullptr && size != 0) || timeout_ns < SHM_WAIT_FOREVER)
        return -EINVAL;
    auto r = endpoint->impl->recv(buf, size, info, flags, timeout_ns);
    return r ? ssize_t(*r) : -code(r.error());
}

int shm_recv_view(struct shm_endpoint *endpoint, struct shm_view *view, int64_t timeout_ns) {
    if (endpoint == nullptr || view == nullptr || timeout_ns < SHM_WAIT_FOREVER)
        return -EINVAL;
    return to_int(endpoint->impl->recv_view(*view, timeout_ns));
}

int shm_release(struct shm_endpoint *endpoint, const struct shm_view *view, unsigned int flags) {
    if (endpoint == nullptr || view == nullptr)
        return -EINVAL;
    return to_int(endpoint->impl->release(*view, flags));
}

int shm_channel_connect(uint32_t node, uint64_t key, const struct shm_connect_attr *attr,
                        struct shm_channel **channel) {
    return guarded([&]() -> int {
        if (channel == nullptr)
            return -EINVAL;
        *channel = nullptr;
        const shm_connect_attr zero{};
        const shm_connect_attr &a = attr ? *attr : zero;
        if (!all_zero(a.reserved, 4) || a.timeout_ns < SHM_WAIT_FOREVER)
            return -EINVAL;
        shm::detail::connect_config cfg;
        cfg.backend = a.backend;
        cfg.wait_mode = a.wait_mode;
        cfg.timeout_ns = a.timeout_ns;
        auto ch = shm::detail::channel::connect(node, key, cfg);
        if (!ch)
            return -code(ch.error());
        *channel = new shm_channel{std::move(*ch)};
        return 0;
    });
}

void shm_channel_close(struct shm_channel *channel) {
    delete channel;
}

int shm_channel_fd(const struct shm_channel *channel) {
    return channel ? channel->impl->fd() : -EINVAL;
}

int shm_channel_arm(struct shm_channel *channel, size_t len) {
    if (channel == nullptr)
        return -EINVAL;
    auto r = channel->impl->arm(len);
    return r ? int(*r) : -code(r.error());
}

int shm_channel_info(const struct shm_channel *channel, struct shm_info *info) {
    if (channel == nullptr || info == nullptr)
        return -EINVAL;
    channel->impl->info(*info);
    return 0;
}

int shm_channel_stats(const struct shm_channel *channel, struct shm_stats *stats) {
    if (channel == nullptr || stats == nullptr)
        return -EINVAL;
    *stats = channel->impl->stats();
    return 0;
}

int shm_send(struct shm_channel *channel, const void *buf, size_t len, unsigned int flags,
             int64_t timeout_ns) {
    if (channel == nullptr || (buf == nullptr && len != 0) || timeout_ns < SHM_WAIT_FOREVER)
        return -EINVAL;
    return to_int(channel->impl->send(buf, len, flags, timeout_ns));
}

int shm_reserve(struct shm_channel *channel, size_t len, struct shm_reservation *res,
                int64_t timeout_ns) {
    if (channel == nullptr || res == nullptr || timeout_ns < SHM_WAIT_FOREVER)
        return -EINVAL;
    return to_int(channel->impl->reserve(len, *res, timeout_ns));
}

int shm_commit(struct shm_channel *channel, struct shm_reservation *res, size_t len,
               unsigned int flags) {
    if (channel == nullptr || res == nullptr)
        return -EINVAL;
    return to_int(channel->impl->commit(*res, len, flags));
}

int shm_cancel(struct shm_channel *channel, struct shm_reservation *res) {
    if (channel == nullptr || res == nullptr)
        return -EINVAL;
    return to_int(channel->impl->cancel(*res));
}

int shm_flush(struct shm_channel *channel) {
    if (channel == nullptr)
        return -EINVAL;
    return to_int(channel->impl->flush());
}

} // extern "C"
