// connection_table.cpp - the server's half of rsm's connection table.
#include "connection_table.hpp"

#include <atomic>
#include <bit>
#include <cstring>
#include <linux/rsm_ivshmem.h>
#include <random>
#include <sys/mman.h>
#include <utility>

// The region is little-endian; this server stores host words as they are.
static_assert(std::endian::native == std::endian::little);

namespace rsm::ivshmem {
namespace {

// The nodes read these words while we write them: each is one aligned
// 64-bit store (the kernel reads them with READ_ONCE). Release ordering
// publishes the table before its magic, and a bit change before the
// eventfd write that tells the nodes to look.
void store(__le64 &w, std::uint64_t v) {
    std::atomic_ref<__le64>(w).store(__le64(v), std::memory_order_release);
}

} // namespace

Result<ConnectionTable> ConnectionTable::create(int shm_fd) {
    void *p = ::mmap(nullptr, RSM_IVS_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, shm_fd, 0);
    if (p == MAP_FAILED) {
        return std::unexpected(system_error("mmap of the shared memory"));
    }
    ConnectionTable t(p);
    rsm_ivs_server *s = t.table();
    std::atomic_ref<__le32>(s->magic).store(0, std::memory_order_relaxed);
    for (auto &w : s->conn) {
        store(w, 0);
    }
    s->ids = RSM_IVS_SERVER_IDS;
    s->incarnation = std::random_device{}() | (std::uint64_t(std::random_device{}()) << 32) | 1;
    std::atomic_ref<__le32>(s->magic).store(RSM_IVS_SERVER_MAGIC, std::memory_order_release);
    return t;
}

ConnectionTable::ConnectionTable(ConnectionTable &&other) noexcept
    : page_(std::exchange(other.page_, nullptr)) {}

ConnectionTable::~ConnectionTable() {
    if (page_ != nullptr) {
        ::munmap(page_, RSM_IVS_PAGE);
    }
}

rsm_ivs_server *ConnectionTable::table() const {
    return reinterpret_cast<rsm_ivs_server *>(static_cast<char *>(page_) + RSM_IVS_SERVER_OFFSET);
}

std::uint64_t ConnectionTable::word(unsigned id) const {
    return id < RSM_IVS_SERVER_IDS
               ? std::atomic_ref<__le64>(table()->conn[id]).load(std::memory_order_acquire)
               : 0;
}

void ConnectionTable::connected(unsigned id) {
    if (id < RSM_IVS_SERVER_IDS) {
        store(table()->conn[id], ((word(id) >> 1) + 1) << 1 | 1);
    }
}

void ConnectionTable::disconnected(unsigned id) {
    if (id < RSM_IVS_SERVER_IDS) {
        store(table()->conn[id], word(id) & ~std::uint64_t{1});
    }
}

} // namespace rsm::ivshmem
