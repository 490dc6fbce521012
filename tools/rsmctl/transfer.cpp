// transfer.cpp - rsmctl send / recv: standard input to standard output
// through libshm, between two processes (or two nodes).
//
// The stream is a sequence of messages holding the bytes in order, ended by
// one empty message; recv stops at it, so a byte count needs no header.
// recv creates the endpoint and takes the first sender that connects; send
// connects to it and leaves once the end is published (what a closed
// sender published is still delivered). A sender that dies before the end
// leaves no message saying so: recv notices, when idle, that its channel
// left the kernel's channel table (read through the family "rsm") and
// fails once it has read everything that sender published.
#include "commands.hpp"
#include "genl.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <libshm/shm.hpp>
#include <linux/rsmdev.h>
#include <optional>
#include <poll.h>
#include <unistd.h>
#include <vector>

namespace rsm::ctl {

namespace {

constexpr std::size_t max_chunk = 256 * 1024; // bytes per message, at most
constexpr int idle_ms = 200;                  // how often a wait looks around
constexpr auto send_slice = std::chrono::milliseconds(idle_ms);

Error shm_error(shm::errc e, const std::string &what_missing) {
    switch (e) {
    case shm::errc::not_found:
        return {Errc::not_found, what_missing, ENOENT};
    case shm::errc::permission:
        return {Errc::permission, "permission denied", EACCES};
    case shm::errc::exists:
        return {Errc::exists, "key already published", EEXIST};
    case shm::errc::revoked:
        return {Errc::system, "the other side went away", EIDRM};
    case shm::errc::busy:
        return {Errc::system, "the endpoint has no free channel slot", EBUSY};
    case shm::errc::host_down:
        return {Errc::system, "node is down", EHOSTDOWN};
    default:
        return errno_error(static_cast<int>(e), what_missing);
    }
}

// libshm opens /dev/rsmdev: without it, say that the module is missing.
Result<void> device_present() {
    if (access("/dev/" RSMDEV_NAME, F_OK) != 0 && errno == ENOENT) {
        return fail(Errc::not_loaded, "the rsmdev module is not loaded (no /dev/" RSMDEV_NAME ")");
    }
    return {};
}

bool stop_requested(int stop_fd) {
    pollfd p{stop_fd, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
}

// Whether a channel to @key is open in the kernel's channel table.
Result<bool> channel_open_to(std::uint64_t key) {
    auto genl = Genl::open();
    if (!genl) {
        return std::unexpected(genl.error());
    }
    auto chans = genl->request(RSM_CMD_CHANNEL_GET, {}, true, "no such channel");
    if (!chans) {
        return std::unexpected(chans.error());
    }
    return std::any_of(chans->begin(), chans->end(), [&](const Message &m) {
        return m.get(RSM_A_CHANNEL_KEY) == key && m.get(RSM_A_CHANNEL_REVOKED) == 0U;
    });
}

Error interrupted() {
    return {Errc::system, "interrupted before the end of the data", EINTR};
}

// Waits until @fd is ready for @events or a stop signal came (false then).
// Standard input or output may be a terminal or a pipe that blocks for
// long: SIGINT and SIGTERM are blocked and only seen through @stop_fd, so
// a plain read or write would not notice them.
Result<bool> ready_or_stopped(int fd, short events, int stop_fd) {
    for (;;) {
        pollfd fds[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
        const int p = poll(fds, 2, -1);
        if (p < 0 && errno == EINTR) {
            continue;
        }
        if (p < 0) {
            return fail(Errc::system, std::string("poll: ") + std::strerror(errno), errno);
        }
        if (fds[1].revents != 0) {
            return false;
        }
        return true; // readable, writable, or an error the read or write reports
    }
}

Result<void> write_all(const std::byte *p, std::size_t n, int stop_fd) {
    while (n > 0) {
        auto ready = ready_or_stopped(STDOUT_FILENO, POLLOUT, stop_fd);
        if (!ready) {
            return std::unexpected(ready.error());
        }
        if (!*ready) {
            return std::unexpected(interrupted());
        }
        const ssize_t w = write(STDOUT_FILENO, p, n);
        if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (w <= 0) {
            return fail(Errc::system,
                        std::string("writing standard output: ") + std::strerror(errno), errno);
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return {};
}

// Fills @buf from standard input; fewer bytes only at the end of it.
Result<std::size_t> read_full(std::span<std::byte> buf, int stop_fd) {
    std::size_t got = 0;
    while (got < buf.size()) {
        auto ready = ready_or_stopped(STDIN_FILENO, POLLIN, stop_fd);
        if (!ready) {
            return std::unexpected(ready.error());
        }
        if (!*ready) {
            return std::unexpected(interrupted());
        }
        const ssize_t r = read(STDIN_FILENO, buf.data() + got, buf.size() - got);
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (r < 0) {
            return fail(Errc::system,
                        std::string("reading standard input: ") + std::strerror(errno), errno);
        }
        if (r == 0) {
            break;
        }
        got += static_cast<std::size_t>(r);
    }
    return got;
}

} // namespace

Result<void> run_recv(const Command &cmd, int stop_fd) {
    if (auto r = device_present(); !r) {
        return r;
    }
    shm::endpoint::options o;
    o.mode = cmd.mode;
    auto ep = shm::endpoint::create(cmd.key, o);
    if (!ep) {
        return std::unexpected(shm_error(ep.error(), "no such key"));
    }
    std::vector<std::byte> buf(ep->info().max_message);
    std::optional<std::uint32_t> sender; // the slot of the first sender
    bool connected = false;              // a channel to the key was seen
    bool gone = false;                   // and then it left the table

    for (;;) {
        shm_msg_info info{};
        auto n = ep->recv(buf, shm::no_wait, &info);
        if (n) {
            if (!sender) {
                sender = info.channel;
            } else if (info.channel != *sender) {
                return fail(Errc::system, "a second sender (channel slot " +
                                              std::to_string(info.channel) + ") sent data");
            }
            if (*n == 0) {
                return {}; // the end of the stream
            }
            if (auto w = write_all(buf.data(), *n, stop_fd); !w) {
                return w;
            }
            continue;
        }
        if (n.error() != shm::errc::would_block) {
            return std::unexpected(shm_error(n.error(), "no such key"));
        }
        // A sender that closed its channel is reclaimed by the endpoint once
        // everything it published was read (libshm's stats count it): no end
        // came. That sees even a sender that connected and left between two
        // looks at the channel table below, which only catch one that died
        // without closing (its channel leaves the kernel's table).
        if (gone || ep->stats().reclaimed != 0) {
            return fail(Errc::system, "the sender went away before the end of the data");
        }
        auto ready = ep->arm();
        if (!ready) {
            return std::unexpected(shm_error(ready.error(), "no such key"));
        }
        if (*ready) {
            continue;
        }
        pollfd fds[2] = {{ep->fd(), POLLIN | POLLPRI, 0}, {stop_fd, POLLIN, 0}};
        const int p = poll(fds, 2, idle_ms);
        if (p < 0 && errno != EINTR) {
            return fail(Errc::system, std::string("poll: ") + std::strerror(errno), errno);
        }
        if (fds[1].revents != 0) {
            return std::unexpected(interrupted());
        }
        if (p == 0) {
            auto open = channel_open_to(cmd.key);
            if (!open) {
                return std::unexpected(open.error());
            }
            gone = (connected || sender) && !*open; // one more pass drains it
            connected = connected || *open;
        }
    }
}

Result<void> run_send(const Command &cmd, int stop_fd) {
    if (auto r = device_present(); !r) {
        return r;
    }
    shm::channel::options o;
    o.node = cmd.node.value_or(SHM_NODE_LOCAL);
    o.slot_timeout = std::chrono::seconds(1);
    auto ch = shm::channel::connect(cmd.key, o);
    if (!ch) {
        return std::unexpected(shm_error(ch.error(), "no such key"));
    }
    const std::size_t chunk =
        std::min<std::size_t>(max_chunk, static_cast<std::size_t>(ch->info().max_message));
    std::vector<std::byte> buf(chunk);
    for (;;) {
        auto n = read_full(buf, stop_fd);
        if (!n) {
            return std::unexpected(n.error());
        }
        // the last message is the empty one that ends the stream
        const std::span<const std::byte> msg(buf.data(), *n);
        for (;;) {
            auto s = ch->send(msg, send_slice);
            if (s) {
                break;
            }
            if (s.error() != shm::errc::timed_out) {
                return std::unexpected(shm_error(s.error(), "no such key"));
            }
            if (stop_requested(stop_fd)) {
                return std::unexpected(interrupted());
            }
        }
        if (*n == 0) {
            return {};
        }
    }
}

} // namespace rsm::ctl
