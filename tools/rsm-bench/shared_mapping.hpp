// A move-only owner of an anonymous MAP_SHARED mapping: created before fork,
// it is the same memory in both processes of a benchmark pair.
#pragma once

#include "failure.hpp"

#include <cstddef>
#include <span>
#include <utility>

namespace rsm::bench {

class shared_mapping {
  public:
    shared_mapping() = default;
    static result<shared_mapping> create(std::size_t bytes);
    ~shared_mapping();
    shared_mapping(shared_mapping &&o) noexcept
        : addr_(std::exchange(o.addr_, nullptr)), size_(std::exchange(o.size_, 0)) {}
    shared_mapping &operator=(shared_mapping &&o) noexcept {
        std::swap(addr_, o.addr_);
        std::swap(size_, o.size_);
        return *this;
    }
    shared_mapping(const shared_mapping &) = delete;
    shared_mapping &operator=(const shared_mapping &) = delete;

    std::byte *data() const noexcept { return static_cast<std::byte *>(addr_); }
    std::size_t size() const noexcept { return size_; }
    template <class T>
    T *as(std::size_t offset = 0) const noexcept {
        return reinterpret_cast<T *>(data() + offset);
    }

  private:
    shared_mapping(void *addr, std::size_t size) : addr_(addr), size_(size) {}
    void *addr_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace rsm::bench
