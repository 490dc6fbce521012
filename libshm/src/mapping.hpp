// mapping.hpp - move-only owner of one shared memory mapping.
#pragma once

#include "error.hpp"

#include <cstddef>
#include <sys/mman.h>
#include <sys/types.h>
#include <utility>

namespace shm::detail {

class mapping {
  public:
    mapping() = default;
    mapping(mapping &&o) noexcept
        : addr_(std::exchange(o.addr_, nullptr)), len_(std::exchange(o.len_, 0)) {}
    mapping &operator=(mapping &&o) noexcept {
        if (this != &o) {
            reset();
            addr_ = std::exchange(o.addr_, nullptr);
            len_ = std::exchange(o.len_, 0);
        }
        return *this;
    }
    mapping(const mapping &) = delete;
    mapping &operator=(const mapping &) = delete;
    ~mapping() { reset(); }

    // A MAP_SHARED read-write mapping of len bytes of fd at offset.
    static result<mapping> map_shared(int fd, size_t len, off_t offset) {
        void *p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
        if (p == MAP_FAILED)
            return fail_errno();
        mapping m;
        m.addr_ = static_cast<std::byte *>(p);
        m.len_ = len;
        return m;
    }

    std::byte *data() const { return addr_; }
    size_t size() const { return len_; }
    explicit operator bool() const { return addr_ != nullptr; }
    void reset() {
        if (addr_)
            ::munmap(addr_, len_);
        addr_ = nullptr;
        len_ = 0;
    }

  private:
    std::byte *addr_ = nullptr;
    size_t len_ = 0;
};

} // namespace shm::detail
