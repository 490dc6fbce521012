// connection_table.hpp - rsm's table of connected VMs, kept by the server
// in the shared memory itself (struct rsm_ivs_server of
// include/uapi/linux/rsm_ivshmem.h): one word per ivshmem id, bit 0 set
// while that VM's QEMU is connected, the rest counting its connections. An
// rsm node whose peer's bit is clear declares the peer down at once instead
// of waiting for its heartbeat to time out.
#pragma once

#include "error.hpp"

#include <cstdint>

struct rsm_ivs_server;

namespace rsm::ivshmem {

class ConnectionTable {
  public:
    // Maps the first page of the shared memory (shm_fd) and starts a fresh
    // table: every id disconnected, a new incarnation, the magic last.
    static Result<ConnectionTable> create(int shm_fd);
    ConnectionTable(ConnectionTable &&other) noexcept;
    ConnectionTable &operator=(ConnectionTable &&) = delete;
    ConnectionTable(const ConnectionTable &) = delete;
    ~ConnectionTable();

    void connected(unsigned id);
    void disconnected(unsigned id);
    [[nodiscard]] std::uint64_t word(unsigned id) const;

  private:
    explicit ConnectionTable(void *page) : page_(page) {}
    [[nodiscard]] rsm_ivs_server *table() const;
    void *page_; // null once moved from
};

} // namespace rsm::ivshmem
