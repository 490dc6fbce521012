// channel.cpp - the sender's data path and its connection to an endpoint.
#include "channel.hpp"

#include "directory.hpp"

#include <algorithm>
#include <cstring>
#include <thread>

namespace shm::detail {

channel::channel(std::unique_ptr<backend> be, const connect_config &cfg, uint32_t node,
                 uint64_t key)
    : be_(std::move(be)), cfg_(cfg), node_(node), key_(key) {}

channel::~channel() {
    if (claimed_) {
        if (reserved_)
            groups_[pending_.group].alloc.shrink_last(pending_.first, pending_.count, 0);
        if (unflushed_)
            (void)notify();
        // release: every ring entry we published comes before CLOSED; the
        // receiver acquires the claim and drains the ring before it resets
        // the slot.
        store_release(root_.claims[slot_], claim_word(claim_state::closed, epoch_));
        fetch_add_release(root_.counts->changes, uint64_t(1));
    }
    be_->detach();
    for (tx_group &g : groups_)
        be_->unimport(g.seg);
    be_->unimport(ring_seg_);
    be_->unimport(root_seg_);
    be_->unreserve_slot();
}

result<std::unique_ptr<channel>> channel::connect(uint32_t node, uint64_t key,
                                                  const connect_config &cfg) {
    if (key == 0 || cfg.wait_mode > SHM_WAIT_BLOCK)
        return fail(EINVAL);
    result<std::unique_ptr<backend>> be = make_backend(cfg.backend, key, false);
    if (!be)
        return std::unexpected(be.error());
    std::unique_ptr<channel> ch(new channel(std::move(*be), cfg, node, key));
    result<segment> root = ch->be_->import(node, key);
    if (!root)
        return std::unexpected(root.error());
    ch->root_seg_ = std::move(*root);
    result<root_view> v = open_root(ch->root_seg_, ch->geometry_);
    if (!v)
        return std::unexpected(v.error());
    ch->root_ = *v;
    ch->policy_ = selection_policy(ch->geometry_);
    if (auto r = ch->claim_slot(cfg.timeout_ns); !r)
        return std::unexpected(r.error());
    if (auto r = ch->attach(); !r)
        return std::unexpected(r.error());
    return ch;
}

// --- connecting -------------------------------------------------------------------

// Import a segment whose key the receiver listed in its root. When the
// receiver dies while we connect, the kernel revokes the root under us and
// it reads as zeros: a key of 0, or a key already unpublished, then means
// "the receiver is gone" (EIDRM, as for any revoked channel), not a bad
// argument. Relaxed loads: the magic only tells whether the root was
// revoked; the keys themselves were published before the root's magic.
result<segment> channel::import_listed(uint64_t key) {
    const auto gone = [this] { return load_relaxed(root_seg_.header()->magic) == 0; };
    if (key == 0 || gone())
        return fail(EIDRM);
    result<segment> seg = be_->import(node_, key);
    if (!seg && gone())
        return fail(EIDRM);
    return seg;
}

result<bool> channel::try_claim(uint32_t s) {
    // acquire: pairs with the receiver's release store of FREE after it
    // reset the slot.
    uint64_t w = load_acquire(root_.claims[s]);
    if (claim_state_of(w) != claim_state::free)
        return false;
    result<bool> mine = be_->reserve_slot(s);
    if (!mine || !*mine)
        return mine;
    // Import the ring before claiming: from the claim on, the receiver
    // takes "the ring has no importer" to mean "the claimant died".
    result<segment> ring = import_listed(load_relaxed(root_.ring_key(s)));
    if (!ring) {
        be_->unreserve_slot();
        return std::unexpected(ring.error());
    }
    if (!compare_exchange(root_.claims[s], w, claim_word(claim_state::claimed, claim_epoch(w)))) {
        be_->unimport(*ring);
        be_->unreserve_slot();
        return false;
    }
    slot_ = s;
    epoch_ = claim_epoch(w);
    claimed_ = true;
    ring_seg_ = std::move(*ring);
    return true;
}

result<void> channel::claim_slot(int64_t timeout_ns) {
    const deadline dl(timeout_ns);
    uint64_t pause_us = 1000;
    for (;;) {
        for (uint32_t s = 0; s < root_.slot_count; ++s) {
            result<bool> got = try_claim(s);
            if (!got)
                return std::unexpected(got.error());
            if (*got)
                return {};
        }
        if (timeout_ns == 0 || dl.passed(now_ns()))
            return fail(EBUSY);
        // Ask the receiver to look for slots of senders that died, and
        // wake it in case it sleeps. Connecting is rare: a plain back-off
        // instead of a doorbell of our own.
        fetch_add_release(root_.counts->reclaim_requests, uint64_t(1));
        if (auto r = be_->wake_receiver(root_seg_); !r)
            return r;
        const int64_t left = dl.remaining(now_ns());
        const uint64_t us =
            left < 0 ? pause_us : std::min<uint64_t>(pause_us, uint64_t(left) / 1000 + 1);
        std::this_thread::sleep_for(std::chrono::microseconds(us));
        pause_us = std::min<uint64_t>(pause_us * 2, 20000);
    }
}

result<void> channel::attach() {
    // Until it stores ATTACHED, a failure here leaves the slot CLOSED, for
    // the receiver to reset.
    const group_geometry ring_geo = ring_geometry(root_.info->ring_entries);
    if (!header_matches(ring_seg_, ring_geo) ||
        uint64_t(root_.info->ring_entries) * sizeof(ring_entry) >
            uint64_t(ring_geo.part_count) * ring_geo.part_size)
        return fail(EPROTO);
    rsm_seg_header *rh = ring_seg_.header();
    ring_magic_ = &rh->magic;
    producer_ = user_line<ring_producer_line>(rh, 1);
    ring_ = ring_producer(data_at<ring_entry>(rh, 0), root_.info->ring_entries,
                          &user_line<ring_consumer_line>(rh, 0)->tail);
    if (load_acquire(user_line<ring_consumer_line>(rh, 0)->tail) != 0)
        return fail(EPROTO);

    groups_.resize(geometry_.size());
    for (uint32_t g = 0; g < geometry_.size(); ++g) {
        result<segment> seg = import_listed(load_relaxed(root_.group_key(slot_, g)));
        if (!seg)
            return std::unexpected(seg.error());
        tx_group &tg = groups_[g];
        tg.seg = std::move(*seg);
        if (!header_matches(tg.seg, geometry_[g]))
            return fail(EPROTO);
        rsm_seg_header *h = tg.seg.header();
        tg.header = h;
        tg.dir =
            reinterpret_cast<rsm_dir_entry *>(reinterpret_cast<std::byte *>(h) + h->dir_offset);
        tg.data = data_at<std::byte>(h, 0);
        tg.freed = &user_line<group_receiver_line>(h, 0)->freed;
        tg.shift = log2_of(geometry_[g].part_size);
        tg.alloc = partition_allocator(geometry_[g].part_count);
        // The receiver reset the slot before it freed the claim: the
        // allocator's "all free" must be the directory's truth too.
        for (uint32_t p = 0; p < geometry_[g].part_count; ++p)
            if (load_relaxed(tg.dir[p].state) != RSM_DIR_FREE)
                return fail(EPROTO);
        if (load_acquire(*tg.freed) != 0)
            return fail(EPROTO);
    }
    std::vector<uint32_t> imports;
    for (const tx_group &g : groups_)
        imports.push_back(g.seg.id);
    if (auto r = be_->attach(node_, key_, slot_, imports, geometry_); !r)
        return r;
    // release: our imports exist before the receiver, acquiring the claim,
    // might look for them.
    store_release(root_.claims[slot_], claim_word(claim_state::attached, epoch_));
    fetch_add_release(root_.counts->changes, uint64_t(1));
    return {};
}

void channel::info(shm_info &out) const {
    out = shm_info{};
    out.key = key_;
    out.node = node_;
    out.backend = be_->kind();
    out.group_count = uint32_t(geometry_.size());
    out.max_channels = root_.slot_count;
    out.channel = slot_;
    out.max_message = policy_.max_message();
    for (size_t g = 0; g < geometry_.size(); ++g)
        out.groups[g] = {geometry_[g].part_size, geometry_[g].part_count, geometry_[g].span, 0};
}

// --- sending ------------------------------------------------------------------------

result<void> channel::check_alive() const {
    // A revoked import reads zeros (kernel) or had its magic zeroed (host).
    // Relaxed: a hint checked once per send; the authoritative answer is
    // the doorbell wait's revocation count.
    if (load_relaxed(*ring_magic_) != RSM_SEG_MAGIC)
        return fail(EIDRM);
    return {};
}

result<bool> channel::try_reserve(uint64_t len) {
    if (auto r = check_alive(); !r)
        return std::unexpected(r.error());
    if (!ring_.has_room())
        return false;
    std::optional<selection> sel = policy_.select(len, [&](uint32_t g, uint32_t n) {
        tx_group &tg = groups_[g];
        return tg.alloc.allocate_or_reap(n, tg.dir, *tg.freed);
    });
    if (!sel)
        return false;
    pending_ = *sel;
    return true;
}

result<void> channel::notify() {
    unflushed_ = false;
    // The sender's half of the sleep protocol: our ring entries are
    // published (release stores); this fence orders them before the load of
    // the receiver's flag, which pairs with its store, fence and re-check.
    full_fence();
    if (load_relaxed(root_.hot->receiver_sleeping) == 0)
        return {};
    ++stats_.doorbells;
    return be_->wake_receiver(ring_seg_);
}

result<void> channel::flush() {
    if (!unflushed_)
        return {};
    return notify();
}

// Room for len bytes (pending_), waiting as the channel's mode says.
result<void> channel::acquire_room(uint64_t len, int64_t timeout_ns) {
    if (reserved_)
        return fail(EBUSY);
    if (len > policy_.max_message())
        return fail(EMSGSIZE);
    if (armed_) {
        armed_ = false;
        store_relaxed(producer_->sender_waiting, 0U);
    }
    result<bool> r = try_reserve(len);
    if (!r)
        return std::unexpected(r.error());
    if (*r)
        return {};
    return wait_for_room(len, timeout_ns);
}

result<void> channel::wait_for_room(uint64_t len, int64_t timeout_ns) {
    // Messages sent with SHM_SEND_MORE must not wait behind our sleep.
    if (auto f = flush(); !f)
        return f;
    auto attempt = [&] { return try_reserve(len); };
    auto set_flag = [&](bool on) {
        // Relaxed: ordered by the full fence that follows a set; the
        // receiver loads it after its own fence (endpoint.cpp).
        store_relaxed(producer_->sender_waiting, on ? 1U : 0U);
    };
    auto sleep = [&](int64_t ns) -> result<void> {
        result<wait_events> ev = be_->wait(ns);
        if (!ev)
            return std::unexpected(ev.error());
        if (ev->revoked)
            return fail(EIDRM);
        return check_alive();
    };
    const uint64_t slept = waits_.sleeps;
    result<void> w =
        adaptive_wait(cfg_.wait_mode, spin_, timeout_ns, waits_, attempt, set_flag, sleep);
    stats_.waits += waits_.sleeps - slept;
    return w;
}

// Publish the message in pending_'s partitions: directory, ring entry,
// counters; then the doorbell check unless SHM_SEND_MORE.
result<void> channel::publish(uint64_t len, uint32_t flags) {
    tx_group &g = groups_[pending_.group];
    const uint32_t count = parts_for(len, g.shift);
    if (count < pending_.count)
        g.alloc.shrink_last(pending_.first, pending_.count, count);
    dir_write_message(g.dir, pending_.first, count, uint32_t(len), ring_.next_seq());
    ring_.publish(pending_.group, pending_.first, count, uint32_t(len));
    add_single_writer(g.header->messages, uint64_t(1));
    add_single_writer(g.header->bytes, len);
    ++stats_.messages;
    stats_.bytes += len;
    stats_.part_bytes += uint64_t(count) << g.shift;
    stats_.fallbacks += pending_.fallback;
    if (flags & SHM_SEND_MORE) {
        unflushed_ = true;
        return {};
    }
    return notify();
}

result<void> channel::reserve(size_t len, shm_reservation &res, int64_t timeout_ns) {
    if (auto r = acquire_room(len, timeout_ns); !r)
        return r;
    const tx_group &g = groups_[pending_.group];
    res.data = g.data + (size_t(pending_.first) << g.shift);
    res.cap = len;
    res.group = pending_.group;
    res.first = pending_.first;
    res.count = pending_.count;
    res.part_size = 1U << g.shift;
    res.token = ++reservations_;
    reserved_ = true;
    return {};
}

result<void> channel::commit(shm_reservation &res, size_t len, uint32_t flags) {
    if (!reserved_ || res.token != reservations_ || (flags & ~SHM_SEND_MORE) || len > res.cap)
        return fail(EINVAL);
    reserved_ = false;
    res.token = 0;
    return publish(len, flags);
}

result<void> channel::cancel(shm_reservation &res) {
    if (!reserved_ || res.token != reservations_)
        return fail(EINVAL);
    groups_[pending_.group].alloc.shrink_last(pending_.first, pending_.count, 0);
    reserved_ = false;
    res.token = 0;
    return {};
}

result<void> channel::send(const void *buf, size_t len, uint32_t flags, int64_t timeout_ns) {
    if (flags & ~SHM_SEND_MORE)
        return fail(EINVAL);
    if (auto r = acquire_room(len, timeout_ns); !r)
        return r;
    const tx_group &g = groups_[pending_.group];
    std::memcpy(g.data + (size_t(pending_.first) << g.shift), buf, len);
    return publish(len, flags);
}

result<bool> channel::arm(size_t len) {
    if (reserved_)
        return fail(EBUSY);
    if (len > policy_.max_message())
        return fail(EMSGSIZE);
    if (auto f = flush(); !f)
        return std::unexpected(f.error());
    store_relaxed(producer_->sender_waiting, 1U);
    full_fence();
    result<bool> r = try_reserve(len);
    if (!r || *r) {
        store_relaxed(producer_->sender_waiting, 0U);
        if (r && *r) // we only wanted to know: give the room back
            groups_[pending_.group].alloc.shrink_last(pending_.first, pending_.count, 0);
        return r;
    }
    armed_ = true;
    return false;
}

} // namespace shm::detail
