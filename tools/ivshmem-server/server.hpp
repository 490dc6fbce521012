// server.hpp - the ivshmem server: a Unix socket QEMU's ivshmem-doorbell
// devices connect to, and the table of connected peers.
//
// Each connecting client gets the lowest free id below max_peers (so a QEMU
// that restarts after its peer table slot was freed gets its old id back,
// and ids stay inside the node table of the shared region), one eventfd per
// vector, and the messages of protocol.hpp. A client that sends anything,
// hangs up, or stops reading (its socket buffer full) is dropped and the
// others are told it left. With -r the server also keeps rsm's table of
// connected VMs in the shared memory and rings vector 0 of the remaining
// VMs when one leaves (connection_table.hpp), and instead of telling the
// others it left it keeps the id's eventfds for the QEMU that comes back
// under that id: QEMU frees a peer's eventfd array on the leave notice but
// keeps the pointer, and writes into it when the id connects again (heap
// corruption; QEMU's own server never reuses an id, rsm must, the id being
// the node id). The server is single-threaded: run() polls the listener,
// the clients and a stop fd.
#pragma once

#include "connection_table.hpp"
#include "error.hpp"
#include "options.hpp"
#include "unique_fd.hpp"

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rsm::ivshmem {

// The listening socket; removes its path when destroyed.
class Listener {
  public:
    static Result<Listener> bind(const std::string &path);
    Listener(Listener &&other) noexcept;
    Listener &operator=(Listener &&) = delete;
    Listener(const Listener &) = delete;
    ~Listener();
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }

  private:
    Listener(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
    UniqueFd fd_;
    std::string path_; // empty once moved from
};

class Server {
  public:
    // Opens the shared memory and starts listening. log may be null.
    static Result<Server> create(const Options &options, std::FILE *log);

    // Serves clients until stop_fd becomes readable (a signalfd in the
    // program, an eventfd in tests). Fails only when the listener does.
    Result<void> run(int stop_fd);

    [[nodiscard]] std::size_t peer_count() const noexcept { return peers_.size(); }

  private:
    struct Peer {
        UniqueFd sock;
        std::vector<UniqueFd> vectors; // eventfd of each interrupt vector
        std::set<unsigned> known;      // ids whose vectors it was sent
    };

    Server(const Options &options, std::FILE *log, Listener listener, UniqueFd shm,
           std::optional<ConnectionTable> table)
        : options_(options), log_(log), listener_(std::move(listener)), shm_(std::move(shm)),
          table_(std::move(table)) {}

    void admit(UniqueFd sock);
    void drop(unsigned id, const char *why);
    bool send(unsigned to, std::int64_t value, int fd);
    bool send_vectors(unsigned to, unsigned about);
    void drop_broken();
    void logf(const char *fmt, ...) __attribute__((format(printf, 2, 3)));

    Options options_;
    std::FILE *log_;
    Listener listener_;
    UniqueFd shm_;
    std::optional<ConnectionTable> table_; // with -r
    std::map<unsigned, Peer> peers_;       // by id, so notifications go in id order
    std::vector<unsigned> broken_;         // peers a send failed to, dropped next
    // with -r: the eventfds of ids that left, for the client that comes
    // back under the id (the peers that knew the old one still hold them)
    std::map<unsigned, std::vector<UniqueFd>> kept_;
};

} // namespace rsm::ivshmem
