// backend.hpp - where segments come from and how doorbells ring.
//
// The data path (endpoint.cpp, channel.cpp: selection, allocation, copy,
// directory, ring, adaptive wait) is the same code for every backend; it
// calls a backend only off the fast path: to create, publish, import and
// destroy segments, to ring a doorbell when the other side sleeps, and to
// block. Two backends:
//
//  - kernel (backend_kernel.cpp): /dev/rsmdev. Segments belong to rsmdev.ko,
//    doorbells are RSM_IOC_SIGNAL, blocking is RSM_IOC_WAIT, the fd polls.
//  - host (backend_host.cpp): no kernel module, one machine. Segments are
//    files in /dev/shm laid out exactly as the kernel lays them out;
//    doorbells are datagrams on abstract Unix sockets.
#pragma once

#include "error.hpp"
#include "geometry.hpp"
#include "mapping.hpp"

#include <cstdint>
#include <libshm/shm.h>
#include <linux/rsmdev.h>
#include <memory>
#include <span>

namespace shm::detail {

// A mapped segment: created (receiver) or imported (sender).
struct segment {
    mapping map;
    uint32_t id = 0; // kernel: seg_id of a created segment, import_id of an import
    uint64_t key = 0;
    rsm_seg_header *header() const { return reinterpret_cast<rsm_seg_header *>(map.data()); }
};

struct wait_events {
    uint64_t pending = 0;
    uint32_t revoked = 0;
};

class backend {
  public:
    virtual ~backend() = default;
    virtual uint32_t kind() const = 0; // enum shm_backend
    virtual int fd() const = 0;        // readable while a doorbell is pending

    // --- receiver ---
    // A new segment, mapped, header and directory initialised, unpublished.
    virtual result<segment> create(const group_geometry &g) = 0;
    // Enter it in the registry under key; EEXIST when the key is taken.
    virtual result<void> publish(segment &s, uint64_t key, uint32_t mode) = 0;
    // Revoke every import of it, unmap and free it.
    virtual void destroy(segment &s) = 0;
    // Is a sender still attached to slot (ring segment under ring_key)?
    virtual result<bool> sender_alive(uint64_t ring_key, uint32_t slot) = 0;
    // Wake the sender of slot, whose ring segment is ring.
    virtual result<void> wake_sender(const segment &ring, uint32_t slot) = 0;
    // The endpoint is gone (its segments destroyed): wake the sender of
    // slot so that it notices. The kernel does this itself on revocation.
    virtual void farewell(uint32_t slot) = 0;

    // --- sender ---
    virtual result<segment> import(uint32_t node, uint64_t key) = 0;
    virtual void unimport(segment &s) = 0;
    // Take what the backend needs to own slot (host: its doorbell socket);
    // false when another live sender holds it.
    virtual result<bool> reserve_slot(uint32_t slot) = 0;
    virtual void unreserve_slot() = 0;
    // Enter the channel and its groups in the kernel's tables.
    virtual result<void> attach(uint32_t node, uint64_t key, uint32_t slot,
                                std::span<const uint32_t> group_imports,
                                std::span<const group_geometry> geometry) = 0;
    // Leave the kernel's tables (before the imports go).
    virtual void detach() = 0;
    // Wake the receiver that owns the segment imported as via.
    virtual result<void> wake_receiver(const segment &via) = 0;

    // Block until a doorbell or a revocation, at most timeout_ns (-1: no
    // limit, 0: just collect). ETIMEDOUT/EAGAIN when nothing came.
    virtual result<wait_events> wait(int64_t timeout_ns) = 0;
};

result<std::unique_ptr<backend>> make_kernel_backend();
// endpoint_key names the doorbells; receiver: bind the endpoint's own
// doorbell (EEXIST when a live endpoint has the key).
result<std::unique_ptr<backend>> make_host_backend(uint64_t endpoint_key, bool receiver);

inline result<std::unique_ptr<backend>> make_backend(uint32_t kind, uint64_t endpoint_key,
                                                     bool receiver) {
    switch (kind) {
    case SHM_BACKEND_KERNEL:
        return make_kernel_backend();
    case SHM_BACKEND_HOST:
        return make_host_backend(endpoint_key, receiver);
    default:
        return fail(EINVAL);
    }
}

// Does the header of a mapped segment describe geometry g and fit the
// mapping? Everything the data path later trusts about a segment it did not
// create is checked here, once.
inline bool header_matches(const segment &s, const group_geometry &g) {
    if (s.map.size() < RSM_SEG_HEADER_SIZE)
        return false;
    const rsm_seg_header *h = s.header();
    const rsm_seg_layout_info l = rsm_seg_layout(g.part_size, g.part_count);
    return h->magic == RSM_SEG_MAGIC && h->version == RSM_SEG_VERSION &&
           h->header_size == RSM_SEG_HEADER_SIZE && h->part_size == g.part_size &&
           h->part_count == g.part_count && h->span == g.span && h->dir_offset == l.dir_offset &&
           h->data_offset == l.data_offset && h->size == l.size && l.size <= s.map.size();
}

} // namespace shm::detail
