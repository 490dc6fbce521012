// directory.hpp - writing, checking and freeing a message's directory
// entries (struct rsm_dir_entry, one per partition; uapi header).
//
// A message of count partitions starting at first has, in every one of its
// entries: state USED, first, span = count, len and seq; the entry of its
// first partition has RSM_DIR_F_FIRST; each entry's next names the next
// partition, RSM_DIR_END on the last (claim 9).
#pragma once

#include "atomics.hpp"

#include <cstdint>
#include <linux/rsmdev.h>

namespace shm::detail {

// Sender. Plain (relaxed) stores: they are published by the ring entry's
// release store, which the receiver acquires before it reads them. The
// partitions were FREE, so the receiver is not writing these entries.
inline void dir_write_message(rsm_dir_entry *dir, uint32_t first, uint32_t count, uint32_t len,
                              uint64_t seq) {
    for (uint32_t i = 0; i < count; ++i) {
        rsm_dir_entry &e = dir[first + i];
        e.flags = i == 0 ? RSM_DIR_F_FIRST : 0;
        e.first = first;
        e.span = count;
        e.next = i + 1 < count ? first + i + 1 : RSM_DIR_END;
        e.len = len;
        e.seq = seq;
        store_relaxed(e.state, uint32_t(RSM_DIR_USED));
    }
}

// Receiver, after the acquire load of the ring entry: does the directory
// describe the message the ring entry announced? Walks the chain of next
// entries, so a message whose partitions are not contiguous, or whose
// entries disagree, is refused.
inline bool dir_check_message(const rsm_dir_entry *dir, uint32_t part_count, uint32_t first,
                              uint32_t count, uint32_t len, uint64_t seq) {
    if (count == 0 || first >= part_count || count > part_count - first)
        return false;
    uint32_t p = first;
    for (uint32_t i = 0; i < count; ++i) {
        const rsm_dir_entry &e = dir[p];
        if (load_relaxed(e.state) != RSM_DIR_USED || e.first != first || e.span != count ||
            e.len != len || e.seq != seq || (e.flags & RSM_DIR_F_FIRST) != (i == 0 ? 1U : 0U))
            return false;
        const uint32_t next = e.next;
        if (i + 1 == count)
            return next == RSM_DIR_END;
        if (next != p + 1)
            return false;
        p = next;
    }
    return false;
}

// Receiver, done with the message. The other partitions go FREE first with
// relaxed stores, the first partition last with release: the sender's
// acquire load of the first entry's state (allocator.cpp: reap) then sees the
// whole run free, and the receiver's reads of the payload happen before the
// sender overwrites it.
inline void dir_free_message(rsm_dir_entry *dir, uint32_t first, uint32_t count) {
    for (uint32_t i = count; i-- > 1;)
        store_relaxed(dir[first + i].state, uint32_t(RSM_DIR_FREE));
    store_release(dir[first].state, uint32_t(RSM_DIR_FREE));
}

} // namespace shm::detail
