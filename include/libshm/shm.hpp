/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
// libshm C++ API: move-only owners of endpoints, channels, views and
// reservations over the C API (shm.h), with errors as shm::errc through
// std::expected. Header-only: the library's ABI stays the C one. No call
// throws; the only exception that can escape is std::bad_alloc from the
// standard containers used to pass a template.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <expected>
#include <libshm/shm.h>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace shm {

// What went wrong: an errno value. The named ones are those the library
// documents; any other errno passes through unchanged.
enum class errc : int {
    would_block = EAGAIN,        // nothing to receive / no room, and no waiting asked
    timed_out = ETIMEDOUT,       // the wait ran out
    message_too_long = EMSGSIZE, // longer than any group carries / than the buffer
    revoked = EIDRM,             // the endpoint is gone (closed, killed, unpublished)
    busy = EBUSY,                // no free channel slot; a reservation is open
    invalid = EINVAL,            // a bad argument
    exists = EEXIST,             // the key is taken
    not_found = ENOENT,          // no endpoint under the key
    permission = EACCES,         // the endpoint's mode refuses us
    no_memory = ENOMEM,          // out of memory or over the kernel's limit
    interrupted = EINTR,         // a signal arrived while waiting
    protocol = EPROTO,           // the peer's segments are not what libshm laid out
    host_down = EHOSTDOWN,       // the endpoint's node is down
};

inline std::error_code make_error_code(errc e) {
    return {static_cast<int>(e), std::generic_category()};
}
inline std::string message(errc e) {
    return std::strerror(static_cast<int>(e));
}

template <class T = void>
using result = std::expected<T, errc>;

using timeout = std::chrono::nanoseconds;
inline constexpr timeout forever{-1};
inline constexpr timeout no_wait{0};

namespace detail {
inline std::unexpected<errc> error(long negative_errno) {
    return std::unexpected(static_cast<errc>(-negative_errno));
}
inline result<> check(long rc) {
    if (rc < 0)
        return error(rc);
    return {};
}
struct endpoint_closer {
    void operator()(shm_endpoint *p) const { shm_endpoint_close(p); }
};
struct channel_closer {
    void operator()(shm_channel *p) const { shm_channel_close(p); }
};
} // namespace detail

inline std::vector<shm_group_spec> default_template() {
    std::vector<shm_group_spec> v(SHM_MAX_GROUPS);
    v.resize(static_cast<size_t>(shm_default_template(v.data(), SHM_MAX_GROUPS)));
    return v;
}

// The size-range -> group table of a template (the default when empty).
inline result<std::string> selection_table(std::span<const shm_group_spec> groups = {}) {
    const shm_group_spec *g = groups.empty() ? nullptr : groups.data();
    const auto n = static_cast<unsigned>(groups.size());
    const ssize_t len = shm_selection_format(g, n, nullptr, 0);
    if (len < 0)
        return detail::error(len);
    std::string s(static_cast<size_t>(len) + 1, '\0');
    const ssize_t again = shm_selection_format(g, n, s.data(), s.size());
    if (again < 0)
        return detail::error(again);
    s.resize(static_cast<size_t>(len));
    return s;
}

// A received message in place; valid until endpoint::release().
class view {
  public:
    std::span<const std::byte> bytes() const {
        return {static_cast<const std::byte *>(v_.data), v_.len};
    }
    const void *data() const { return v_.data; }
    size_t size() const { return v_.len; }
    const shm_msg_info &info() const { return v_.info; }
    const shm_view &raw() const { return v_; }

  private:
    friend class endpoint;
    shm_view v_{};
};

class endpoint {
  public:
    struct options {
        shm_backend backend = SHM_BACKEND_KERNEL;
        shm_wait_mode wait_mode = SHM_WAIT_ADAPTIVE;
        std::vector<shm_group_spec> groups; // empty: the default template
        uint32_t max_channels = 0;          // 0: 8
        uint32_t mode = 0;                  // 0: 0600
    };

    static result<endpoint> create(uint64_t key) { return create(key, options{}); }
    static result<endpoint> create(uint64_t key, const options &o) {
        shm_endpoint_attr a{};
        a.backend = o.backend;
        a.wait_mode = o.wait_mode;
        a.groups = o.groups.empty() ? nullptr : o.groups.data();
        a.group_count = static_cast<uint32_t>(o.groups.size());
        a.max_channels = o.max_channels;
        a.mode = o.mode;
        shm_endpoint *p = nullptr;
        if (auto r = detail::check(shm_endpoint_create(key, &a, &p)); !r)
            return std::unexpected(r.error());
        return endpoint(p);
    }

    // Copies the next message into buf; errc::message_too_long leaves it in
    // place.
    result<size_t> recv(std::span<std::byte> buf, timeout t = forever, shm_msg_info *info = nullptr,
                        unsigned flags = 0) {
        const ssize_t n = shm_recv(p_.get(), buf.data(), buf.size(), info, flags, t.count());
        if (n < 0)
            return detail::error(n);
        return static_cast<size_t>(n);
    }
    result<view> recv_view(timeout t = forever) {
        view v;
        if (auto r = detail::check(shm_recv_view(p_.get(), &v.v_, t.count())); !r)
            return std::unexpected(r.error());
        return v;
    }
    result<> release(const view &v, unsigned flags = 0) {
        return detail::check(shm_release(p_.get(), &v.v_, flags));
    }
    // true: a message is ready, do not sleep; false: armed, poll fd().
    result<bool> arm() {
        const int r = shm_endpoint_arm(p_.get());
        if (r < 0)
            return detail::error(r);
        return r == 1;
    }
    int fd() const { return shm_endpoint_fd(p_.get()); }
    shm_info info() const {
        shm_info i{};
        shm_endpoint_info(p_.get(), &i);
        return i;
    }
    shm_stats stats() const {
        shm_stats s{};
        shm_endpoint_stats(p_.get(), &s);
        return s;
    }
    shm_endpoint *get() const { return p_.get(); }

  private:
    explicit endpoint(shm_endpoint *p) : p_(p) {}
    std::unique_ptr<shm_endpoint, detail::endpoint_closer> p_;
};

// Room for one message being written in place; commit or cancel it.
class reservation {
  public:
    std::span<std::byte> bytes() const { return {static_cast<std::byte *>(r_.data), r_.cap}; }
    void *data() const { return r_.data; }
    size_t capacity() const { return r_.cap; }
    const shm_reservation &raw() const { return r_; }

  private:
    friend class channel;
    shm_reservation r_{};
};

class channel {
  public:
    struct options {
        shm_backend backend = SHM_BACKEND_KERNEL;
        shm_wait_mode wait_mode = SHM_WAIT_ADAPTIVE;
        timeout slot_timeout = no_wait; // waiting for a free channel slot
        uint32_t node = SHM_NODE_LOCAL;
    };

    static result<channel> connect(uint64_t key) { return connect(key, options{}); }
    static result<channel> connect(uint64_t key, const options &o) {
        shm_connect_attr a{};
        a.backend = o.backend;
        a.wait_mode = o.wait_mode;
        a.timeout_ns = o.slot_timeout.count();
        shm_channel *p = nullptr;
        if (auto r = detail::check(shm_channel_connect(o.node, key, &a, &p)); !r)
            return std::unexpected(r.error());
        return channel(p);
    }

    result<> send(std::span<const std::byte> msg, timeout t = forever, unsigned flags = 0) {
        return detail::check(shm_send(p_.get(), msg.data(), msg.size(), flags, t.count()));
    }
    result<reservation> reserve(size_t len, timeout t = forever) {
        reservation r;
        if (auto c = detail::check(shm_reserve(p_.get(), len, &r.r_, t.count())); !c)
            return std::unexpected(c.error());
        return r;
    }
    result<> commit(reservation &r, size_t len, unsigned flags = 0) {
        return detail::check(shm_commit(p_.get(), &r.r_, len, flags));
    }
    result<> cancel(reservation &r) { return detail::check(shm_cancel(p_.get(), &r.r_)); }
    result<> flush() { return detail::check(shm_flush(p_.get())); }
    // true: a message of len fits now; false: armed, poll fd().
    result<bool> arm(size_t len) {
        const int r = shm_channel_arm(p_.get(), len);
        if (r < 0)
            return detail::error(r);
        return r == 1;
    }
    int fd() const { return shm_channel_fd(p_.get()); }
    shm_info info() const {
        shm_info i{};
        shm_channel_info(p_.get(), &i);
        return i;
    }
    shm_stats stats() const {
        shm_stats s{};
        shm_channel_stats(p_.get(), &s);
        return s;
    }
    shm_channel *get() const { return p_.get(); }

  private:
    explicit channel(shm_channel *p) : p_(p) {}
    std::unique_ptr<shm_channel, detail::channel_closer> p_;
};

} // namespace shm

template <>
struct std::is_error_code_enum<shm::errc> : std::true_type {};
