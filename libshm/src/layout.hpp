// layout.hpp - libshm's own layout inside target segments.
//
// The uapi header (include/uapi/linux/rsmdev.h) fixes every segment's
// header, directory and data area; it leaves user[128] of the header (two
// cache lines) and the data area to libshm. An endpoint is made of:
//
//   root segment (at the endpoint's key; 4 KiB partitions, span 1)
//     user line 0   struct root_info: geometry of the endpoint (read-only)
//     user line 1   struct root_hot: the receiver's sleep flag
//     data area     the template, every slot's segment keys, one claim word
//                   per slot, and the roster counters
//   per channel slot, at keys the receiver derives and records in the root:
//     ring segment  user line 0: consumer index (receiver-written)
//                   user line 1: the sender's room-wait flag (sender-written)
//                   data area: ring_entries x struct ring_entry
//     one segment per group of the template, its geometry; user line 0:
//                   count of messages the receiver released
//
// Each shared word is written by exactly one side (the claim words and the
// roster counters excepted, which are written with atomic read-modify-write),
// and words written by different sides never share a cache line.
// Documentation/libshm.md draws the same picture.
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/rsmdev.h>

namespace shm::detail {

inline constexpr uint32_t cache_line = 64;
inline constexpr uint32_t max_groups = 16;
inline constexpr uint32_t max_slots = 256;
inline constexpr uint32_t page_size = 4096;
inline constexpr uint32_t max_ring_entries = 1U << 20;

inline constexpr uint32_t root_magic = 0x524d4853; // "SHMR" in memory order
inline constexpr uint16_t layout_version = 1;

static_assert(offsetof(rsm_seg_header, user) % cache_line == 0);
static_assert(RSM_SEG_USER_SIZE == 2 * cache_line);

// user line 0 of the root: written by the receiver before it publishes the
// root, read-only afterwards (senders read it once, at connect).
struct root_info {
    uint32_t magic;
    uint16_t version;
    uint16_t group_count;
    uint32_t slot_count;
    uint32_t ring_entries;
    uint32_t groups_offset; // offsets from the root's data area
    uint32_t keys_offset;
    uint32_t claims_offset;
    uint32_t roster_offset;
    uint64_t key;
    uint8_t pad[24];
};
static_assert(sizeof(root_info) == cache_line);

// user line 1 of the root: written by the receiver only.
struct root_hot {
    // Nonzero while the receiver is, or is about to be, asleep on its
    // doorbell. Stored by the receiver before its full fence and the final
    // re-check of the rings; loaded by senders after publishing and their
    // own full fence (atomics.hpp: full_fence).
    uint32_t receiver_sleeping;
    uint8_t pad[60];
};
static_assert(sizeof(root_hot) == cache_line);

// Template entry in the root (same fields as struct shm_group_spec).
struct group_spec_wire {
    uint32_t part_size;
    uint32_t part_count;
    uint32_t span;
    uint32_t reserved;
};

// Roster counters: written by senders with atomic read-modify-write (only at
// connect and close, never on the fast path), read by the receiver when idle.
struct roster {
    uint64_t changes;          // a claim word changed (attach, close)
    uint64_t reclaim_requests; // a sender found no free slot
    uint8_t pad[48];
};
static_assert(sizeof(roster) == cache_line);

// Claim word of a slot: state in the low byte, epoch above. Senders move
// it FREE -> CLAIMED (compare-exchange, only from FREE) -> ATTACHED ->
// CLOSED; the receiver moves a dead sender's slot to RECLAIMING and, once it
// has reset the slot, stores FREE with the next epoch.
enum class claim_state : uint8_t {
    free = 0,
    claimed = 1,
    attached = 2,
    closed = 3,
    reclaiming = 4
};

inline constexpr uint64_t claim_word(claim_state s, uint64_t epoch) {
    return epoch << 8 | static_cast<uint8_t>(s);
}
inline constexpr claim_state claim_state_of(uint64_t w) {
    return claim_state(w & 0xff);
}
inline constexpr uint64_t claim_epoch(uint64_t w) {
    return w >> 8;
}

struct root_layout {
    uint32_t groups_offset;
    uint32_t keys_offset;
    uint32_t claims_offset;
    uint32_t roster_offset;
    uint32_t bytes; // of the data area
};

inline constexpr uint32_t align_up(uint32_t v, uint32_t a) {
    return (v + a - 1) & ~(a - 1);
}

// Slot s's keys: keys[s * (1 + group_count)] is the ring's, then one per group.
inline constexpr root_layout compute_root_layout(uint32_t group_count, uint32_t slot_count) {
    root_layout l{};
    l.groups_offset = 0;
    l.keys_offset = align_up(group_count * uint32_t(sizeof(group_spec_wire)), cache_line);
    l.claims_offset = align_up(
        l.keys_offset + slot_count * (1 + group_count) * uint32_t(sizeof(uint64_t)), cache_line);
    l.roster_offset =
        align_up(l.claims_offset + slot_count * uint32_t(sizeof(uint64_t)), cache_line);
    l.bytes = l.roster_offset + uint32_t(sizeof(roster));
    return l;
}

// One notification: where one message is. 32 bytes, two per cache line.
struct ring_entry {
    // Position in the ring + 1; stored last, with release ordering, so the
    // receiver's acquire load of it makes the fields below, the directory
    // entries and the payload visible. A value other than the one the
    // receiver expects at that position means "not yet written" (or a torn
    // or stale entry): it never reads the fields then.
    uint64_t seq;
    uint32_t len;
    uint32_t first;
    uint32_t count;
    uint16_t group;
    uint16_t flags;
    uint64_t reserved;
};
static_assert(sizeof(ring_entry) == 32);

// user line 0 of a ring segment: written by the receiver only.
struct ring_consumer_line {
    // Ring entries consumed. Stored with release (the receiver's reads of
    // those entries come before the sender reuses them), in batches; loaded
    // with acquire by the sender when its cached copy says the ring is full.
    uint64_t tail;
    uint8_t pad[56];
};
static_assert(sizeof(ring_consumer_line) == cache_line);

// user line 1 of a ring segment: written by the sender only.
struct ring_producer_line {
    // Nonzero while the sender is, or is about to be, asleep waiting for
    // room. Stored by the sender before its full fence and final re-check;
    // loaded by the receiver after releasing partitions or publishing the
    // tail and its own full fence.
    uint32_t sender_waiting;
    uint8_t pad[60];
};
static_assert(sizeof(ring_producer_line) == cache_line);

// user line 0 of a group segment: written by the receiver only.
struct group_receiver_line {
    // Messages released in this segment. Stored with release after the
    // directory entries went FREE; the sender loads it with acquire when out
    // of room and scans the directory only when it moved (allocator.hpp).
    uint64_t freed;
    uint8_t pad[56];
};
static_assert(sizeof(group_receiver_line) == cache_line);

inline constexpr uint32_t ring_geometry_parts(uint32_t entries) {
    uint32_t bytes = entries * uint32_t(sizeof(ring_entry));
    return bytes < page_size ? 1 : bytes / page_size;
}

template <class T>
inline T *user_line(rsm_seg_header *h, unsigned line) {
    static_assert(sizeof(T) == cache_line);
    return reinterpret_cast<T *>(h->user + line * cache_line);
}

template <class T>
inline T *data_at(rsm_seg_header *h, uint64_t offset) {
    return reinterpret_cast<T *>(reinterpret_cast<std::byte *>(h) + h->data_offset + offset);
}

} // namespace shm::detail
