// endpoint.cpp - the receiver's data path and slot management.
#include "endpoint.hpp"

#include "directory.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace shm::detail {
namespace {

// The view token: the slot and the low 48 bits of its claim epoch, so a
// view kept past the slot's reset is refused instead of freeing partitions
// of the next sender.
uint64_t make_token(uint32_t slot, uint64_t epoch) {
    return (epoch & 0xffffffffffffULL) << 16 | slot;
}

} // namespace

endpoint::endpoint(std::unique_ptr<backend> be, const endpoint_config &cfg, uint64_t key)
    : be_(std::move(be)), cfg_(cfg), key_(key) {}

endpoint::~endpoint() {
    // Revoke first: a sender then reads magic 0 (or, with the kernel, a
    // zero page) and fails instead of writing for no one; then wake the
    // senders, which may sleep waiting for room.
    be_->destroy(root_seg_);
    for (uint32_t s = 0; s < slots_.size(); ++s) {
        rx_slot &slot = slots_[s];
        for (rx_group &g : slot.groups)
            be_->destroy(g.seg);
        be_->destroy(slot.ring_seg);
        if (slot.ph != phase::idle)
            be_->farewell(s);
    }
}

result<std::unique_ptr<endpoint>> endpoint::create(uint64_t key, const endpoint_config &cfg) {
    if (key == 0 || cfg.max_channels == 0 || cfg.max_channels > max_slots ||
        cfg.wait_mode > SHM_WAIT_BLOCK || (cfg.mode & ~0777U) != 0)
        return fail(EINVAL);
    if (auto r = validate_template(cfg.groups); !r)
        return std::unexpected(r.error());
    result<std::unique_ptr<backend>> be = make_backend(cfg.backend, key, true);
    if (!be)
        return std::unexpected(be.error());
    std::unique_ptr<endpoint> ep(new endpoint(std::move(*be), cfg, key));
    if (auto r = ep->build(key); !r)
        return std::unexpected(r.error());
    return ep;
}

result<void> endpoint::create_published(segment &s, const group_geometry &g, uint64_t key,
                                        uint32_t slot, uint32_t index, uint64_t &got) {
    result<segment> made = be_->create(g);
    if (!made)
        return std::unexpected(made.error());
    s = std::move(*made);
    // Another endpoint may hold a derived key: try a few salts.
    for (uint32_t salt = 0; salt < 16; ++salt) {
        got = derive_key(key, slot, index, salt);
        result<void> r = be_->publish(s, got, cfg_.mode);
        if (r || code(r.error()) != EEXIST)
            return r;
    }
    return fail(EEXIST);
}

result<void> endpoint::build(uint64_t key) {
    const uint32_t ngroups = uint32_t(cfg_.groups.size());
    const uint32_t nslots = cfg_.max_channels;
    // The ring never limits a sender before its partitions do (every
    // message holds at least one partition), up to 2^20 entries (32 MiB).
    uint32_t parts = 0;
    for (const group_geometry &g : cfg_.groups)
        parts += g.part_count;
    ring_entries_ = std::bit_ceil(std::clamp(parts, 64U, max_ring_entries));

    const root_layout l = compute_root_layout(ngroups, nslots);
    result<segment> root = be_->create(root_geometry(l.bytes));
    if (!root)
        return std::unexpected(root.error());
    root_seg_ = std::move(*root);
    *user_line<root_info>(root_seg_.header(), 0) = root_info{root_magic,
                                                             layout_version,
                                                             uint16_t(ngroups),
                                                             nslots,
                                                             ring_entries_,
                                                             l.groups_offset,
                                                             l.keys_offset,
                                                             l.claims_offset,
                                                             l.roster_offset,
                                                             key,
                                                             {}};
    root_ = root_pointers(root_seg_);
    for (uint32_t g = 0; g < ngroups; ++g)
        root_.groups[g] = {cfg_.groups[g].part_size, cfg_.groups[g].part_count, cfg_.groups[g].span,
                           0};

    // Every slot's segments, published before the root so that a sender
    // that finds the root finds them too.
    slots_.resize(nslots);
    // Room for every slot now: the data path never allocates.
    active_.reserve(nslots);
    room_checks_.reserve(nslots);
    for (uint32_t s = 0; s < nslots; ++s) {
        rx_slot &slot = slots_[s];
        if (auto r = create_published(slot.ring_seg, ring_geometry(ring_entries_), key, s, 0,
                                      root_.ring_key(s));
            !r)
            return r;
        rsm_seg_header *rh = slot.ring_seg.header();
        slot.entries = data_at<ring_entry>(rh, 0);
        slot.consumer = user_line<ring_consumer_line>(rh, 0);
        slot.producer = user_line<ring_producer_line>(rh, 1);
        slot.ring = ring_consumer(slot.entries, ring_entries_, &slot.consumer->tail);
        slot.groups.resize(ngroups);
        for (uint32_t g = 0; g < ngroups; ++g) {
            rx_group &rg = slot.groups[g];
            if (auto r =
                    create_published(rg.seg, cfg_.groups[g], key, s, 1 + g, root_.group_key(s, g));
                !r)
                return r;
            rsm_seg_header *h = rg.seg.header();
            rg.geo = cfg_.groups[g];
            rg.shift = log2_of(rg.geo.part_size);
            rg.dir =
                reinterpret_cast<rsm_dir_entry *>(reinterpret_cast<std::byte *>(h) + h->dir_offset);
            rg.data = data_at<std::byte>(h, 0);
            rg.line = user_line<group_receiver_line>(h, 0);
        }
    }
    // The claim words start FREE (zero) in the fresh segment.
    return be_->publish(root_seg_, key, cfg_.mode);
}

void endpoint::info(shm_info &out) const {
    out = shm_info{};
    out.key = key_;
    out.node = SHM_NODE_LOCAL;
    out.backend = be_->kind();
    out.group_count = uint32_t(cfg_.groups.size());
    out.max_channels = cfg_.max_channels;
    for (size_t g = 0; g < cfg_.groups.size(); ++g) {
        out.groups[g] = {cfg_.groups[g].part_size, cfg_.groups[g].part_count, cfg_.groups[g].span,
                         0};
        out.max_message =
            std::max(out.max_message, std::min(cfg_.groups[g].capacity(), max_message_limit));
    }
}

// --- finding messages -------------------------------------------------------

bool endpoint::valid(const rx_slot &slot, const notification &n) const {
    // Everything a sender wrote is checked before it is used: the group
    // exists, the partition count is the one the length needs and within
    // the span, and the directory entries describe this very message.
    if (n.group >= slot.groups.size())
        return false;
    const rx_group &g = slot.groups[n.group];
    if (n.len > max_message_limit || n.count != parts_for(n.len, g.shift) || n.count > g.geo.span)
        return false;
    return dir_check_message(g.dir, g.geo.part_count, n.first, n.count, n.len, n.seq);
}

int endpoint::find(notification &n) {
    const size_t k = active_.size();
    size_t i = rr_ < k ? rr_ : 0;
    for (size_t tried = 0; tried < k; ++tried) {
        const uint32_t s = active_[i];
        if (++i == k)
            i = 0;
        rx_slot &slot = slots_[s];
        if (slot.ph == phase::broken || !slot.ring.peek(n))
            continue;
        // We will read these directory entries and then set them FREE; take
        // their lines for writing at once, so that the fence after the FREE
        // stores (the room check) finds them ours and does not wait for the
        // sender's core. Prefetches never fault: n is not checked yet.
        if (n.group < slot.groups.size() && n.count != 0) {
            const rx_group &g = slot.groups[n.group];
            const size_t last = size_t(n.first) + std::min<uint32_t>(n.count, 8) - 1;
            for (size_t e = n.first & ~size_t(1); e <= last; e += 2) // two entries a line
                prefetch_write(g.dir + e);
        }
        if (!valid(slot, n)) {
            slot.ph = phase::broken;
            ++stats_.broken;
            continue;
        }
        rr_ = i;
        return int(s);
    }
    return -1;
}

result<bool> endpoint::poll(int &s, notification &n) {
    if ((s = find(n)) >= 0)
        return true;
    idle_work();
    return (s = find(n)) >= 0;
}

void endpoint::queue_room_check(uint32_t s) {
    if (!slots_[s].room_check) {
        slots_[s].room_check = true;
        room_checks_.push_back(s);
    }
}

// After the full fence: ring the sender of slot s if it waits for room.
void endpoint::wake_if_waiting(uint32_t s) {
    rx_slot &slot = slots_[s];
    slot.room_check = false;
    if (load_relaxed(slot.producer->sender_waiting) != 0) {
        ++stats_.doorbells;
        (void)be_->wake_sender(slot.ring_seg, s);
    }
}

void endpoint::check_rooms() {
    if (room_checks_.empty())
        return;
    // Pairs with the sender's store of its waiting flag, full fence and
    // re-try: our FREE stores and tail stores come before these loads.
    full_fence();
    for (uint32_t s : room_checks_)
        wake_if_waiting(s);
    room_checks_.clear();
}

void endpoint::check_room_now(uint32_t s) {
    full_fence(); // as in check_rooms()
    wake_if_waiting(s);
    if (!room_checks_.empty()) {
        for (uint32_t q : room_checks_)
            wake_if_waiting(q);
        room_checks_.clear();
    }
}

void endpoint::idle_work() {
    // Senders waiting for ring room need the tail, even mid-batch.
    for (uint32_t s : active_)
        if (slots_[s].ring.publish())
            queue_room_check(s);
    check_rooms();
    // acquire: pairs with the senders' read-modify-writes of the roster,
    // made after their claim-word stores.
    const uint64_t changes = load_acquire(root_.counts->changes);
    const uint64_t requests = load_acquire(root_.counts->reclaim_requests);
    if (changes != roster_changes_) {
        roster_changes_ = changes;
        scan_claims();
    }
    if (requests != reclaim_requests_) {
        reclaim_requests_ = requests;
        scan_claims();
        check_liveness();
    }
    for (size_t i = active_.size(); i-- > 0;)
        finish_if_drained(active_[i]);
}

void endpoint::scan_claims() {
    for (uint32_t s = 0; s < slots_.size(); ++s) {
        rx_slot &slot = slots_[s];
        // acquire: pairs with the sender's release store of its claim (a
        // CLOSED claim comes after its last ring entry).
        const uint64_t w = load_acquire(root_.claims[s]);
        const claim_state st = claim_state_of(w);
        if (slot.ph == phase::idle && (st == claim_state::claimed || st == claim_state::attached ||
                                       st == claim_state::closed)) {
            slot.ph = phase::active;
            slot.epoch = claim_epoch(w);
            active_.push_back(s);
        }
        if (st == claim_state::closed && slot.ph == phase::active)
            slot.ph = phase::draining;
    }
}

void endpoint::check_liveness() {
    for (uint32_t s : active_) {
        rx_slot &slot = slots_[s];
        if (slot.ph != phase::active && slot.ph != phase::broken)
            continue;
        const uint64_t w = load_acquire(root_.claims[s]);
        const claim_state st = claim_state_of(w);
        if (st != claim_state::claimed && st != claim_state::attached)
            continue;
        // A claimant imports the ring before it claims and keeps it until
        // it stores CLOSED: no importer means it is gone.
        result<bool> alive = be_->sender_alive(root_.ring_key(s), s);
        if (!alive || *alive)
            continue;
        // Mark the slot ours so no sender expects it; its published
        // messages are still delivered (draining), unless it broke the
        // protocol.
        store_release(root_.claims[s], claim_word(claim_state::reclaiming, claim_epoch(w)));
        if (slot.ph == phase::active)
            slot.ph = phase::draining;
    }
}

void endpoint::finish_if_drained(uint32_t s) {
    rx_slot &slot = slots_[s];
    if (slot.outstanding != 0)
        return;
    if (slot.ph == phase::draining) {
        notification n;
        if (slot.ring.peek(n))
            return; // still has messages to deliver
    } else if (slot.ph == phase::broken) {
        const claim_state st = claim_state_of(load_acquire(root_.claims[s]));
        if (st != claim_state::closed && st != claim_state::reclaiming)
            return; // its sender is alive: leave the slot quarantined
    } else {
        return;
    }
    reset_slot(s);
}

void endpoint::reset_slot(uint32_t s) {
    rx_slot &slot = slots_[s];
    // Nobody else writes the slot now: its sender closed or died.
    std::memset(static_cast<void *>(slot.entries), 0, size_t(ring_entries_) * sizeof(ring_entry));
    store_relaxed(slot.consumer->tail, uint64_t(0));
    store_relaxed(slot.producer->sender_waiting, 0U);
    slot.ring.reset();
    for (rx_group &g : slot.groups) {
        std::memset(static_cast<void *>(g.dir), 0,
                    size_t(g.geo.part_count) * sizeof(rsm_dir_entry));
        g.freed = 0;
        store_relaxed(g.line->freed, uint64_t(0));
    }
    // release: the reset above comes before the next claimant's acquire
    // compare-exchange of the claim word.
    store_release(root_.claims[s], claim_word(claim_state::free, slot.epoch + 1));
    slot.ph = phase::idle;
    slot.room_check = false;
    std::erase(room_checks_, s);
    std::erase(active_, s);
    ++stats_.reclaimed;
}

// --- waiting ------------------------------------------------------------------

void endpoint::set_sleeping(bool on) {
    // Relaxed: the full fence that follows a set (wait.hpp) orders it
    // before our final re-check; senders load it after their own fence.
    store_relaxed(root_.hot->receiver_sleeping, on ? 1U : 0U);
}

void endpoint::disarm() {
    // The caller armed and (probably) slept on the fd: take the flag down
    // and collect the doorbells so the fd stops polling readable.
    armed_ = false;
    set_sleeping(false);
    (void)be_->wait(0);
}

result<bool> endpoint::arm() {
    if (armed_)
        disarm();
    check_rooms();
    int s;
    notification n;
    if (find(n) >= 0)
        return true;
    set_sleeping(true);
    full_fence();
    if (auto r = poll(s, n); !r || *r) {
        set_sleeping(false);
        return r;
    }
    armed_ = true;
    return false;
}

result<bool> endpoint::next(int &s, notification &n, int64_t timeout_ns) {
    if (!armed_ && room_checks_.empty() && (s = find(n)) >= 0)
        return true; // the fast path
    return wait_next(s, n, timeout_ns);
}

result<bool> endpoint::wait_next(int &s, notification &n, int64_t timeout_ns) {
    if (armed_)
        disarm();
    check_rooms(); // releases made with SHM_RELEASE_MORE
    if ((s = find(n)) >= 0)
        return true;
    auto attempt = [&]() -> result<bool> { return poll(s, n); };
    if (auto r = attempt(); !r || *r)
        return r;
    auto set_flag = [&](bool on) { set_sleeping(on); };
    auto sleep = [&](int64_t ns) -> result<void> {
        result<wait_events> ev = be_->wait(ns);
        if (!ev)
            return std::unexpected(ev.error());
        return {};
    };
    const uint64_t slept = waits_.sleeps;
    result<void> r =
        adaptive_wait(cfg_.wait_mode, spin_, timeout_ns, waits_, attempt, set_flag, sleep);
    stats_.waits += waits_.sleeps - slept;
    if (!r)
        return std::unexpected(r.error());
    return true;
}

// --- receiving and releasing ----------------------------------------------------

result<size_t> endpoint::recv(void *buf, size_t size, shm_msg_info *info, uint32_t flags,
                              int64_t timeout_ns) {
    if (flags & ~SHM_RECV_MORE)
        return fail(EINVAL);
    int s;
    notification n;
    if (auto r = next(s, n, timeout_ns); !r)
        return std::unexpected(r.error());
    if (n.len > size)
        return fail(EMSGSIZE); // left in place for a larger buffer or a view
    rx_slot &slot = slots_[uint32_t(s)];
    rx_group &g = slot.groups[n.group];
    std::memcpy(buf, g.data + (size_t(n.first) << g.shift), n.len);
    if (slot.ring.pop())
        queue_room_check(uint32_t(s));
    if (info)
        *info = shm_msg_info{n.seq, uint32_t(s), n.group, n.first, n.count, g.geo.part_size, 0};
    ++slot.outstanding;
    free_message(uint32_t(s), n.group, n.first, n.count, n.len, flags);
    return size_t(n.len);
}

result<void> endpoint::recv_view(shm_view &view, int64_t timeout_ns) {
    int s;
    notification n;
    if (auto r = next(s, n, timeout_ns); !r)
        return std::unexpected(r.error());
    rx_slot &slot = slots_[uint32_t(s)];
    const rx_group &g = slot.groups[n.group];
    if (slot.ring.pop())
        queue_room_check(uint32_t(s));
    ++slot.outstanding;
    view.data = g.data + (size_t(n.first) << g.shift);
    view.len = n.len;
    view.info = shm_msg_info{n.seq, uint32_t(s), n.group, n.first, n.count, g.geo.part_size, 0};
    view.token = make_token(uint32_t(s), slot.epoch);
    return {};
}

void endpoint::free_message(uint32_t s, uint32_t group, uint32_t first, uint32_t count,
                            uint64_t len, uint32_t flags) {
    rx_slot &slot = slots_[s];
    rx_group &g = slot.groups[group];
    ++stats_.messages;
    stats_.bytes += len;
    stats_.part_bytes += uint64_t(count) << g.shift;
    dir_free_message(g.dir, first, count);
    // release: the FREE stores above come before the count that announces
    // them; pairs with the sender's acquire load (allocator.cpp).
    store_release(g.line->freed, ++g.freed);
    --slot.outstanding;
    if (flags & SHM_RELEASE_MORE)
        queue_room_check(s);
    else
        check_room_now(s);
    if (slot.ph != phase::active && slot.outstanding == 0)
        finish_if_drained(s);
}

result<void> endpoint::release(const shm_view &view, uint32_t flags) {
    if (flags & ~SHM_RELEASE_MORE)
        return fail(EINVAL);
    const uint32_t s = uint32_t(view.token & 0xffff);
    if (s >= slots_.size() || view.info.channel != s)
        return fail(EINVAL);
    rx_slot &slot = slots_[s];
    if (slot.ph == phase::idle || make_token(s, slot.epoch) != view.token ||
        slot.outstanding == 0 || view.info.group >= slot.groups.size())
        return fail(EINVAL);
    const rx_group &g = slot.groups[view.info.group];
    const uint32_t first = view.info.first;
    if (first >= g.geo.part_count)
        return fail(EINVAL);
    // Released twice, or not a view we handed out: the directory says so.
    const rsm_dir_entry &e = g.dir[first];
    if (load_relaxed(e.state) != RSM_DIR_USED || !(e.flags & RSM_DIR_F_FIRST) ||
        e.seq != view.info.seq || e.span != view.info.count)
        return fail(EINVAL);
    free_message(s, view.info.group, first, view.info.count, view.len, flags);
    return {};
}

} // namespace shm::detail
