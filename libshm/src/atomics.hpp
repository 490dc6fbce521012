// atomics.hpp - atomic access to words in shared memory, and the one full
// fence of the sleep protocol.
//
// Shared words are plain fields of the uapi structs (struct rsm_seg_header,
// struct rsm_dir_entry) and of libshm's own layout (layout.hpp), mapped by
// several processes. std::atomic_ref gives them atomic loads and stores
// without changing the layout. Each caller says, where it loads or stores,
// what the ordering publishes and what it pairs with.
#pragma once

#include <atomic>
#include <cstdint>

namespace shm::detail {

template <class T>
inline T load_acquire(const T &v) {
    return std::atomic_ref<T>(const_cast<T &>(v)).load(std::memory_order_acquire);
}

template <class T>
inline T load_relaxed(const T &v) {
    return std::atomic_ref<T>(const_cast<T &>(v)).load(std::memory_order_relaxed);
}

template <class T>
inline void store_release(T &v, T x) {
    std::atomic_ref<T>(v).store(x, std::memory_order_release);
}

template <class T>
inline void store_relaxed(T &v, T x) {
    std::atomic_ref<T>(v).store(x, std::memory_order_relaxed);
}

template <class T>
inline bool compare_exchange(T &v, T &expected, T desired) {
    // acq_rel: a successful claim sees everything the previous owner of
    // the word published before releasing it, and publishes ours.
    return std::atomic_ref<T>(v).compare_exchange_strong(
        expected, desired, std::memory_order_acq_rel, std::memory_order_acquire);
}

template <class T>
inline T fetch_add_release(T &v, T x) {
    return std::atomic_ref<T>(v).fetch_add(x, std::memory_order_release);
}

// Single-writer counter in shared memory (struct rsm_seg_header.messages and
// .bytes): only this process writes it, others only read it, so a relaxed
// load and store replace a locked read-modify-write.
template <class T, class U>
inline void add_single_writer(T &v, U x) {
    store_relaxed(v, static_cast<T>(load_relaxed(v) + x));
}

// Full (store-load) fence: the sleep protocol's Dekker pair. One side stores
// (a ring entry, a freed partition) and then loads the other side's sleep
// flag; the other stores its flag and then loads the ring. Without a full
// fence both loads may see old values and a wake-up is lost. On x86 a locked
// add to the stack is such a fence and costs less than mfence (the kernel's
// smp_mb() does the same); it orders ordinary write-back memory, which is all
// shared memory here.
inline void full_fence() {
#if defined(__x86_64__)
    asm volatile("lock; addl $0,-4(%%rsp)" ::: "memory", "cc");
#else
    std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

// Ask for a cache line in modified state before we read and then write it:
// one transfer from the other core instead of a read followed by an
// ownership request. Never faults; a no-op where unsupported.
inline void prefetch_write(const void *p) {
#if defined(__x86_64__)
    asm volatile("prefetchw %0" ::"m"(*static_cast<const char *>(p)));
#else
    __builtin_prefetch(p, 1);
#endif
}

// Polite busy-wait: lets the sibling hyperthread run and saves power.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

} // namespace shm::detail
