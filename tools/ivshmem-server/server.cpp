// server.cpp - accepting ivshmem clients, handing out ids, eventfds and the
// shared memory, and telling every client who joined and (without -r) who left.
#include "server.hpp"

#include "protocol.hpp"
#include "shared_memory.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <ctime>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

namespace rsm::ivshmem {
namespace {

Result<sockaddr_un> socket_address(const std::string &path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
        return std::unexpected(Error{Errc::invalid_argument, 0,
                                     "socket path must be 1 to " +
                                         std::to_string(sizeof(addr.sun_path) - 1) + " bytes: '" +
                                         path + "'"});
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

// A path that exists is replaced only when it is a socket nobody answers on
// (left behind by a server that was killed).
Result<void> clear_stale_socket(const std::string &path, const sockaddr_un &addr) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) < 0) {
        return errno == ENOENT ? Result<void>{} : std::unexpected(system_error(path));
    }
    if (!S_ISSOCK(st.st_mode)) {
        return std::unexpected(
            Error{Errc::invalid_argument, 0, path + ": exists and is not a socket"});
    }
    UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!probe) {
        return std::unexpected(system_error("socket"));
    }
    if (::connect(probe.get(), reinterpret_cast<const sockaddr *>(&addr), sizeof(addr)) == 0) {
        return std::unexpected(
            Error{Errc::socket_in_use, 0, path + ": another server is listening there"});
    }
    if (::unlink(path.c_str()) < 0 && errno != ENOENT) {
        return std::unexpected(system_error(path + ": remove stale socket"));
    }
    return {};
}

} // namespace

Result<Listener> Listener::bind(const std::string &path) {
    auto addr = socket_address(path);
    if (!addr) {
        return std::unexpected(addr.error());
    }
    if (auto r = clear_stale_socket(path, *addr); !r) {
        return std::unexpected(r.error());
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) {
        return std::unexpected(system_error("socket"));
    }
    if (::bind(fd.get(), reinterpret_cast<const sockaddr *>(&*addr), sizeof(*addr)) < 0) {
        return std::unexpected(system_error(path));
    }
    Listener l(std::move(fd), path);
    if (::listen(l.fd(), 16) < 0) {
        return std::unexpected(system_error(path + ": listen"));
    }
    return l;
}

Listener::Listener(Listener &&other) noexcept
    : fd_(std::move(other.fd_)), path_(std::exchange(other.path_, {})) {}

Listener::~Listener() {
    if (!path_.empty()) {
        ::unlink(path_.c_str());
    }
}

Result<Server> Server::create(const Options &options, std::FILE *log) {
    auto shm = open_shared_memory(options.shm_path, options.shm_size);
    if (!shm) {
        return std::unexpected(shm.error());
    }
    std::optional<ConnectionTable> table;
    if (options.rsm_table) {
        auto t = ConnectionTable::create(shm->get());
        if (!t) {
            return std::unexpected(t.error());
        }
        table.emplace(std::move(*t));
    }
    auto listener = Listener::bind(options.socket_path);
    if (!listener) {
        return std::unexpected(listener.error());
    }
    return Server(options, log, std::move(*listener), std::move(*shm), std::move(table));
}

void Server::logf(const char *fmt, ...) {
    if (log_ == nullptr) {
        return;
    }
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    tm t{};
    ::localtime_r(&ts.tv_sec, &t);
    std::fprintf(log_, "%02d:%02d:%02d.%03ld rsm-ivshmem-server: ", t.tm_hour, t.tm_min, t.tm_sec,
                 ts.tv_nsec / 1000000);
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(log_, fmt, ap);
    va_end(ap);
    std::fputc('\n', log_);
    std::fflush(log_);
}

bool Server::send(unsigned to, std::int64_t value, int fd) {
    auto it = peers_.find(to);
    if (it == peers_.end() || std::ranges::find(broken_, to) != broken_.end()) {
        return false;
    }
    if (auto r = send_message(it->second.sock.get(), value, fd); !r) {
        logf("peer %u: %s; dropping it", to, r.error().message().c_str());
        broken_.push_back(to);
        return false;
    }
    if (options_.verbose) {
        logf("-> peer %u: %lld%s", to, static_cast<long long>(value), fd >= 0 ? " + fd" : "");
    }
    return true;
}

// Tells peer `to` about peer `about`: about's id once per vector, each
// with that vector's eventfd, in vector order (steps 4 and 5 of the
// protocol, and the join notification).
bool Server::send_vectors(unsigned to, unsigned about) {
    for (const UniqueFd &v : peers_.at(about).vectors) {
        if (!send(to, about, v.get())) {
            return false;
        }
    }
    return true;
}

void Server::admit(UniqueFd sock) {
    unsigned id = 0;
    while (peers_.contains(id)) {
        ++id;
    }
    if (id >= options_.max_peers) {
        logf("refusing a client: %u peers connected, the most allowed (-P)", options_.max_peers);
        return;
    }
    Peer peer{std::move(sock), {}, {}};
    if (auto kept = kept_.extract(id)) {
        // the id's old eventfds, which its old peers still ring; what was
        // rung while nobody listened is stale
        peer.vectors = std::move(kept.mapped());
        for (const UniqueFd &v : peer.vectors) {
            eventfd_t stale = 0;
            (void)::eventfd_read(v.get(), &stale);
        }
    }
    while (peer.vectors.size() < options_.vectors) {
        UniqueFd efd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
        if (!efd) {
            logf("refusing a client: %s", system_error("eventfd").message().c_str());
            return;
        }
        peer.vectors.push_back(std::move(efd));
    }
    peers_.emplace(id, std::move(peer));

    // Steps 1-3 to the newcomer. One that fails them was never announced,
    // so it goes without a leave notification.
    if (!send(id, protocol_version, -1) || !send(id, id, -1) ||
        !send(id, shm_message, shm_.get())) {
        std::erase(broken_, id);
        if (table_) {
            kept_[id] = std::move(peers_.at(id).vectors);
        }
        peers_.erase(id);
        logf("peer %u: could not send the setup messages; dropped", id);
        return;
    }
    logf("peer %u joined (%zu connected)", id, peers_.size());
    if (table_) {
        table_->connected(id);
    }
    // Announce it to everyone first, so if it breaks from here on every
    // other peer has heard of it before it hears that it left. A peer that
    // still holds the id's kept eventfds is not told again (QEMU refuses
    // more eventfds than vectors).
    for (auto &[other, p] : peers_) {
        if (other != id && p.known.insert(id).second) {
            send_vectors(other, id);
        }
    }
    // Step 4: the others' vectors, in id order; step 5: its own.
    for (const auto &[other, unused] : peers_) {
        if (other == id) {
            continue;
        }
        peers_.at(id).known.insert(other);
        if (!send_vectors(id, other)) {
            break;
        }
    }
    send_vectors(id, id);
    drop_broken();
}

void Server::drop(unsigned id, const char *why) {
    auto gone = peers_.extract(id);
    if (!gone) {
        return;
    }
    logf("peer %u left: %s (%zu connected)", id, why, peers_.size());
    if (!table_) {
        for (auto &[other, p] : peers_) {
            p.known.erase(id);
            send(other, id, -1);
        }
        return;
    }
    // rsm: the table says it left and vector 0 makes each node look; no
    // leave notice, and the eventfds stay for the id's next client.
    table_->disconnected(id);
    kept_[id] = std::move(gone.mapped().vectors);
    for (const auto &[other, peer] : peers_) {
        if (!peer.vectors.empty()) {
            ::eventfd_write(peer.vectors[0].get(), 1);
        }
    }
}

void Server::drop_broken() {
    // Dropping one peer sends to the others, which can break more.
    while (!broken_.empty()) {
        unsigned id = broken_.front();
        broken_.erase(broken_.begin());
        drop(id, "send failed");
    }
}

Result<void> Server::run(int stop_fd) {
    logf("listening on %s: %llu bytes of shared memory%s%s, %u vectors, at most %u peers",
         options_.socket_path.c_str(), static_cast<unsigned long long>(options_.shm_size),
         options_.shm_path.empty() ? "" : " in ", options_.shm_path.c_str(), options_.vectors,
         options_.max_peers);
    std::vector<pollfd> pfds;
    std::vector<unsigned> ids;
    for (;;) {
        pfds.assign({{stop_fd, POLLIN, 0}, {listener_.fd(), POLLIN, 0}});
        ids.clear();
        for (const auto &[id, peer] : peers_) {
            pfds.push_back({peer.sock.get(), POLLIN, 0});
            ids.push_back(id);
        }
        if (::poll(pfds.data(), pfds.size(), -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return std::unexpected(system_error("poll"));
        }
        if (pfds[0].revents != 0) {
            logf("stopping (%zu peers connected)", peers_.size());
            return {};
        }
        // Clients only ever receive: readable means it hung up or broke the
        // protocol by writing. Either way it leaves.
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (pfds[i + 2].revents == 0) {
                continue;
            }
            char byte;
            ssize_t n = ::recv(pfds[i + 2].fd, &byte, 1, MSG_DONTWAIT);
            drop(ids[i], n > 0 ? "it sent data (the protocol is one-way)" : "disconnected");
        }
        drop_broken();
        if (pfds[1].revents & (POLLERR | POLLHUP | POLLNVAL)) {
            return std::unexpected(Error{Errc::system, EIO, "listening socket failed"});
        }
        if (pfds[1].revents & POLLIN) {
            UniqueFd client(::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC));
            if (client) {
                admit(std::move(client));
            } else if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
                logf("%s", system_error("accept").message().c_str());
            }
        }
    }
}

} // namespace rsm::ivshmem
