#include "floor_transport.hpp"

#include <algorithm>

namespace rsm::bench {

namespace {

constexpr std::size_t control_bytes = 4096;
static_assert(sizeof(floor_control) <= control_bytes);

std::size_t slot_size_for(std::size_t size) {
    if (size <= floor_endpoint::inline_max)
        return 64;
    return (64 + size + 63) & ~std::size_t{63};
}

} // namespace

floor_endpoint::floor_endpoint(std::byte *base, std::size_t ring_bytes, int side,
                               bool notify) noexcept
    : ring_bytes_(ring_bytes), notify_(notify) {
    auto *ctl = reinterpret_cast<floor_control *>(base);
    std::byte *rings = base + control_bytes;
    out_.base = rings + static_cast<std::size_t>(side) * ring_bytes;
    out_.consumed = &ctl->consumed[side].consumed;
    in_.base = rings + static_cast<std::size_t>(1 - side) * ring_bytes;
    in_.consumed = &ctl->consumed[1 - side].consumed;
    my_bell_ = &ctl->bells[side].ev;
    peer_bell_ = &ctl->bells[1 - side].ev;
}

void floor_endpoint::prepare(std::size_t size) noexcept {
    std::size_t slot = slot_size_for(size);
    std::size_t slots = std::min(max_slots, ring_bytes_ / slot);
    out_.slot_size = in_.slot_size = slot;
    out_.slots = in_.slots = slots;
    // Each side resets what it reads (the inbound ring's headers and
    // consumed count) and its own counters; the barrier that follows
    // publishes the reset to the sender.
    for (std::size_t i = 0; i < slots; i++)
        reinterpret_cast<floor_slot_header *>(in_.slot(i))->seq.store(0, std::memory_order_relaxed);
    in_.consumed->store(0, std::memory_order_relaxed);
    head_ = cached_consumed_ = next_ = 0;
    head_slot_ = next_slot_ = 0;
}

void floor_endpoint::block(bool tx, bool rx) noexcept {
    uint32_t key = my_bell_->prepare_wait();
    bool ready =
        (tx && head_ - out_.consumed->load(std::memory_order_acquire) < out_.slots) ||
        (rx && reinterpret_cast<floor_slot_header *>(in_.slot(next_slot_))
                       ->seq.load(std::memory_order_acquire) == static_cast<uint32_t>(next_ + 1));
    if (ready)
        my_bell_->cancel_wait();
    else
        my_bell_->wait(key);
}

result<floor_pair> floor_pair::create(std::size_t max_size, wait_mode mode) {
    floor_pair p;
    p.ring_bytes_ = std::max<std::size_t>(8u << 20, 4 * slot_size_for(max_size));
    p.ring_bytes_ = (p.ring_bytes_ + 4095) & ~std::size_t{4095};
    auto map = shared_mapping::create(control_bytes + 2 * p.ring_bytes_);
    if (!map)
        return std::unexpected(map.error());
    p.map_ = std::move(*map);
    p.notify_ = mode != wait_mode::busy_poll;
    return p;
}

floor_endpoint floor_pair::endpoint(int side) const noexcept {
    return floor_endpoint(map_.data(), ring_bytes_, side, notify_);
}

} // namespace rsm::bench
