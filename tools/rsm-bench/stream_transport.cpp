#include "stream_transport.hpp"

#include "transport_error.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>

namespace rsm::bench {

std::string_view to_string(stream_kind k) {
    switch (k) {
    case stream_kind::pipe:
        return "pipe";
    case stream_kind::unix_socket:
        return "unix";
    case stream_kind::tcp:
        return "tcp";
    }
    return "?";
}

void stream_endpoint::failed(std::string_view what) const {
    transport_failed(to_string(kind_), what);
}

void stream_endpoint::block(bool tx, bool rx) {
    pollfd p[2];
    nfds_t n = 0;
    if (rx)
        p[n++] = {rfd_, POLLIN, 0};
    if (tx)
        p[n++] = {wfd_, POLLOUT, 0};
    if (::poll(p, n, -1) < 0 && errno != EINTR)
        failed("poll");
}

namespace {

result<> set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return sys_fail("fcntl O_NONBLOCK");
    return {};
}

// Two connected TCP sockets over 127.0.0.1, made before fork so no port is
// raced for: listen on an ephemeral port, connect, accept.
result<std::array<unique_fd, 2>> tcp_socket_pair() {
    unique_fd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!listener)
        return sys_fail("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(listener.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0 ||
        listen(listener.get(), 1) < 0 ||
        getsockname(listener.get(), reinterpret_cast<sockaddr *>(&addr), &len) < 0)
        return sys_fail("listening on 127.0.0.1");
    unique_fd client(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!client || connect(client.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0)
        return sys_fail("connecting to 127.0.0.1");
    unique_fd server(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!server)
        return sys_fail("accept");
    int one = 1;
    for (int fd : {client.get(), server.get()})
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
            return sys_fail("TCP_NODELAY");
    return std::array<unique_fd, 2>{std::move(client), std::move(server)};
}

} // namespace

result<stream_pair> stream_pair::create(stream_kind kind, wait_mode mode, test_kind test) {
    stream_pair p;
    p.kind_ = kind;
    if (kind == stream_kind::pipe) {
        int a[2], b[2];
        if (pipe2(a, O_CLOEXEC) < 0)
            return sys_fail("pipe2");
        unique_fd a0(a[0]), a1(a[1]);
        if (pipe2(b, O_CLOEXEC) < 0)
            return sys_fail("pipe2");
        unique_fd b0(b[0]), b1(b[1]);
        // The largest pipe an unprivileged user may ask for without tuning
        // (/proc/sys/fs/pipe-max-size, 1 MiB by default): a fair peer.
        for (int fd : {a1.get(), b1.get()})
            fcntl(fd, F_SETPIPE_SZ, 1 << 20);
        // Side 0 writes a, reads b; side 1 the other way round.
        p.fds_[0] = {std::move(b0), std::move(a1)};
        p.fds_[1] = {std::move(a0), std::move(b1)};
    } else {
        std::array<unique_fd, 2> s;
        if (kind == stream_kind::unix_socket) {
            int sv[2];
            if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return sys_fail("socketpair");
            s = {unique_fd(sv[0]), unique_fd(sv[1])};
        } else {
            auto t = tcp_socket_pair();
            if (!t)
                return std::unexpected(t.error());
            s = std::move(*t);
        }
        for (int side : {0, 1}) {
            p.fds_[side][1].reset(dup(s[side].get()));
            if (!p.fds_[side][1])
                return sys_fail("dup");
            p.fds_[side][0] = std::move(s[side]);
        }
    }
    bool blocking_io = mode == wait_mode::blocking && test != test_kind::bidirectional;
    if (!blocking_io)
        for (auto &side : p.fds_)
            for (auto &fd : side)
                if (auto r = set_nonblocking(fd.get()); !r)
                    return std::unexpected(r.error());
    return p;
}

stream_endpoint stream_pair::endpoint(int side) {
    for (auto &fd : fds_[1 - side])
        fd.reset();
    return stream_endpoint(kind_, fds_[side][0].get(), fds_[side][1].get());
}

} // namespace rsm::bench
