#include "payload.hpp"

#include <cstring>
#include <string>
#include <utility>

namespace rsm::bench {

result<message_buffers> message_buffers::create(std::size_t size, std::size_t working_set,
                                                std::size_t slack) {
    message_buffers b;
    b.stride_ = (size + slack + 4095) & ~std::size_t{4095};
    b.count_ = working_set > b.stride_ ? working_set / b.stride_ : 1;
    b.bytes_ = b.stride_ * b.count_;
    void *p = mmap(nullptr, b.bytes_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED)
        return sys_fail("mmap of " + std::to_string(b.bytes_) + " buffer bytes");
    b.base_ = static_cast<std::byte *>(p);
    // Touch every page with a non-zero value so it is backed by its own
    // page, not the shared zero page.
    std::memset(b.base_, 0xa5, b.bytes_);
    return b;
}

message_buffers::~message_buffers() {
    if (base_)
        munmap(base_, bytes_);
}

message_buffers::message_buffers(message_buffers &&o) noexcept
    : base_(std::exchange(o.base_, nullptr)), bytes_(std::exchange(o.bytes_, 0)),
      stride_(o.stride_), count_(o.count_) {}

message_buffers &message_buffers::operator=(message_buffers &&o) noexcept {
    std::swap(base_, o.base_);
    std::swap(bytes_, o.bytes_);
    std::swap(stride_, o.stride_);
    std::swap(count_, o.count_);
    return *this;
}

namespace {

inline std::byte pattern(uint64_t seq, std::size_t i) noexcept {
    uint64_t x = (seq + 1) * 0x9e3779b97f4a7c15ull + i * 0x100000001b3ull;
    return static_cast<std::byte>(x >> 56);
}

} // namespace

void stamp(std::span<std::byte> msg, uint64_t seq) noexcept {
    for (std::size_t i = 0; i < msg.size(); i++)
        msg[i] = pattern(seq, i);
}

bool check(std::span<const std::byte> msg, uint64_t seq) noexcept {
    for (std::size_t i = 0; i < msg.size(); i++)
        if (msg[i] != pattern(seq, i))
            return false;
    return true;
}

void produce(std::span<std::byte> msg, uint64_t seq, bool verify) noexcept {
    if (verify)
        stamp(msg, seq);
    else
        std::memset(msg.data(), static_cast<int>(seq & 0xff), msg.size());
}

bool consume(std::span<const std::byte> msg, uint64_t seq, bool verify) noexcept {
    if (verify)
        return check(msg, seq);
    // One load per cache line, the last byte too; the empty asm takes the
    // sum as an input so the loads are not optimized away.
    unsigned sum = 0;
    for (std::size_t i = 0; i < msg.size(); i += 64)
        sum += static_cast<unsigned>(msg[i]);
    sum += static_cast<unsigned>(msg[msg.size() - 1]);
    asm volatile("" : : "r"(sum));
    return true;
}

} // namespace rsm::bench
