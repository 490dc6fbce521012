// Kernel byte streams as peers: a pipe each way, a Unix-domain stream
// socketpair, and a TCP connection over loopback (TCP_NODELAY). A message is
// its bytes on the stream; both sides know its size.
//
// Busy-poll and poll-then-block use non-blocking descriptors (poll-then-block
// falls back to poll(2)); blocking mode uses blocking read(2)/write(2), except
// in the bidirectional test, where both sides send and receive at once and
// wait in poll(2) for either.
#pragma once

#include "endpoint.hpp"
#include "failure.hpp"
#include "plan.hpp"
#include "unique_fd.hpp"
#include "wait_policy.hpp"

#include <array>
#include <cerrno>
#include <string_view>
#include <unistd.h>

namespace rsm::bench {

enum class stream_kind { pipe, unix_socket, tcp };

std::string_view to_string(stream_kind k);

class stream_endpoint {
  public:
    stream_endpoint(stream_kind kind, int rfd, int wfd) noexcept
        : kind_(kind), rfd_(rfd), wfd_(wfd) {}

    void prepare(std::size_t) noexcept {}
    std::size_t recv_slack() const noexcept { return 0; }

    bool try_send(tx_cursor &c) { return step(::write, wfd_, c, "write"); }
    bool try_recv(rx_cursor &c) { return step(::read, rfd_, c, "read"); }

    void block(bool tx, bool rx);

  private:
    // One non-blocking read or write on a cursor: true once it is complete,
    // false when the fd would block. Zero bytes moved means the peer is gone.
    template <typename Io, typename Cursor>
    bool step(Io io, int fd, Cursor &c, std::string_view what) {
        for (;;) {
            ssize_t n = io(fd, c.data + c.done, c.size - c.done);
            if (n > 0) {
                c.done += static_cast<std::size_t>(n);
                return c.done == c.size;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EAGAIN)
                return false;
            if (n == 0)
                errno = EPIPE;
            failed(what);
        }
    }
    [[noreturn]] void failed(std::string_view what) const;

    stream_kind kind_;
    int rfd_, wfd_;
};

class stream_pair {
  public:
    static result<stream_pair> create(stream_kind kind, wait_mode mode, test_kind test);
    // In the calling (child) process: closes the other side's descriptors
    // and returns this side's endpoint.
    stream_endpoint endpoint(int side);

  private:
    stream_kind kind_ = stream_kind::pipe;
    // fds_[side] = {read, write}; a socket is both.
    std::array<std::array<unique_fd, 2>, 2> fds_;
};

} // namespace rsm::bench
