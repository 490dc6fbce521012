// protocol.cpp - framing of ivshmem protocol messages over a Unix socket.
#include "protocol.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>

namespace rsm::ivshmem {
namespace {

using Wire = std::array<unsigned char, sizeof(std::int64_t)>;

// The protocol fixes little-endian whatever the host's order.
Wire encode(std::int64_t value) {
    Wire w{};
    auto u = static_cast<std::uint64_t>(value);
    for (auto &b : w) {
        b = static_cast<unsigned char>(u & 0xff);
        u >>= 8;
    }
    return w;
}

std::int64_t decode(const Wire &w) {
    std::uint64_t u = 0;
    for (auto it = w.rbegin(); it != w.rend(); ++it) {
        u = (u << 8) | *it;
    }
    return static_cast<std::int64_t>(u);
}

// Control-message buffer for exactly one descriptor, suitably aligned.
union OneFdControl {
    char buf[CMSG_SPACE(sizeof(int))];
    cmsghdr align;
};

} // namespace

Result<void> send_message(int sock, std::int64_t value, int fd) {
    Wire w = encode(value);
    iovec iov{w.data(), w.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    OneFdControl control{};
    if (fd >= 0) {
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
        cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    ssize_t n;
    do {
        n = ::sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return std::unexpected(system_error("send"));
    }
    // A stream socket takes the 8 bytes whole or not at all unless its
    // buffer is nearly full; a short send is treated like a full buffer.
    if (static_cast<std::size_t>(n) != w.size()) {
        return std::unexpected(Error{Errc::system, EAGAIN, "send: short write"});
    }
    return {};
}

Result<Message> receive_message(int sock, std::chrono::milliseconds timeout) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + timeout;
    Wire w{};
    std::size_t got = 0;
    Message m;
    while (got < w.size()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        pollfd p{sock, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 0)));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            return std::unexpected(system_error("poll"));
        }
        if (r == 0) {
            return std::unexpected(Error{Errc::timed_out, 0, "no message in time"});
        }
        iovec iov{w.data() + got, w.size() - got};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        OneFdControl control{};
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
        ssize_t n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == ECONNRESET) { // closed with our junk unread
            return std::unexpected(Error{Errc::closed, 0, "connection reset"});
        }
        if (n < 0) {
            return std::unexpected(system_error("receive"));
        }
        if (n == 0) {
            return std::unexpected(Error{Errc::closed, 0, "connection closed"});
        }
        for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
                continue;
            }
            const std::size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (std::size_t i = 0; i < nfds; ++i) {
                int fd;
                std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                if (m.fd) {
                    ::close(fd);
                    return std::unexpected(Error{Errc::protocol, 0, "more than one fd"});
                }
                m.fd.reset(fd);
            }
        }
        if (msg.msg_flags & MSG_CTRUNC) {
            return std::unexpected(Error{Errc::protocol, 0, "more than one fd"});
        }
        got += static_cast<std::size_t>(n);
    }
    m.value = decode(w);
    return m;
}

} // namespace rsm::ivshmem
