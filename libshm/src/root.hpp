// root.hpp - the endpoint's root segment, as both sides see it: where the
// template, the slots' segment keys, the claim words and the roster are.
#pragma once

#include "backend.hpp"
#include "geometry.hpp"
#include "layout.hpp"

#include <cstdint>
#include <vector>

namespace shm::detail {

inline group_geometry root_geometry(uint32_t data_bytes) {
    return {page_size, (data_bytes + page_size - 1) / page_size, 1};
}

inline group_geometry ring_geometry(uint32_t entries) {
    return {page_size, ring_geometry_parts(entries), 1};
}

struct root_view {
    root_info *info = nullptr;
    root_hot *hot = nullptr;
    group_spec_wire *groups = nullptr;
    uint64_t *keys = nullptr;
    uint64_t *claims = nullptr;
    roster *counts = nullptr;
    uint32_t group_count = 0;
    uint32_t slot_count = 0;

    uint64_t &ring_key(uint32_t slot) const { return keys[slot * (1 + group_count)]; }
    uint64_t &group_key(uint32_t slot, uint32_t g) const {
        return keys[slot * (1 + group_count) + 1 + g];
    }
};

// Pointers into a root whose root_info is filled in (the receiver's own, or
// one open_root() checked).
inline root_view root_pointers(const segment &root) {
    rsm_seg_header *h = root.header();
    root_view v;
    v.info = user_line<root_info>(h, 0);
    v.hot = user_line<root_hot>(h, 1);
    v.group_count = v.info->group_count;
    v.slot_count = v.info->slot_count;
    v.groups = data_at<group_spec_wire>(h, v.info->groups_offset);
    v.keys = data_at<uint64_t>(h, v.info->keys_offset);
    v.claims = data_at<uint64_t>(h, v.info->claims_offset);
    v.counts = data_at<roster>(h, v.info->roster_offset);
    return v;
}

// A sender's check of an imported root: everything it will rely on, against
// what it can compute itself. EPROTO when the root is not an endpoint of
// this layout version, EIDRM when it was revoked.
inline result<root_view> open_root(const segment &root, std::vector<group_geometry> &groups) {
    if (root.map.size() < RSM_SEG_HEADER_SIZE)
        return fail(EPROTO);
    const rsm_seg_header *h = root.header();
    if (h->magic != RSM_SEG_MAGIC)
        return fail(h->magic == 0 ? EIDRM : EPROTO);
    const root_info *info = user_line<root_info>(const_cast<rsm_seg_header *>(h), 0);
    if (info->magic != root_magic || info->version != layout_version)
        return fail(EPROTO);
    if (info->group_count == 0 || info->group_count > max_groups || info->slot_count == 0 ||
        info->slot_count > max_slots || info->ring_entries == 0 ||
        (info->ring_entries & (info->ring_entries - 1)) != 0 ||
        info->ring_entries > max_ring_entries)
        return fail(EPROTO);
    const root_layout l = compute_root_layout(info->group_count, info->slot_count);
    if (info->groups_offset != l.groups_offset || info->keys_offset != l.keys_offset ||
        info->claims_offset != l.claims_offset || info->roster_offset != l.roster_offset ||
        !header_matches(root, root_geometry(l.bytes)))
        return fail(EPROTO);
    root_view v = root_pointers(root);
    groups.clear();
    for (uint32_t g = 0; g < v.group_count; ++g)
        groups.push_back({v.groups[g].part_size, v.groups[g].part_count, v.groups[g].span});
    if (!validate_template(groups))
        return fail(EPROTO);
    return v;
}

// Keys of a slot's segments: the receiver derives them from the endpoint's
// key, and takes the next salt when one is taken; the keys it got are
// written in the root, where senders read them.
inline uint64_t derive_key(uint64_t key, uint32_t slot, uint32_t index, uint32_t salt) {
    uint64_t x =
        key ^ (0x9e3779b97f4a7c15ULL * ((uint64_t(slot) << 24 | uint64_t(index) << 8 | salt) + 1));
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL; // splitmix64's finaliser
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    while (x == 0 || x == key) // a key must be nonzero and not the root's
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x;
}

} // namespace shm::detail
