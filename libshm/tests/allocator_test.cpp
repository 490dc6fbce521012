// The sender's partition allocator (allocator.hpp) against the directory:
// unit cases, and a randomized run of more than a million operations
// against a reference model, compared at every step.
#include "allocator.hpp"
#include "directory.hpp"

#include <cstdio>
#include <gtest/gtest.h>
#include <optional>
#include <random>
#include <vector>

using namespace shm::detail;

namespace {

// The receiver's side of one segment: a directory and its freed counter.
struct segment_side {
    std::vector<rsm_dir_entry> dir;
    uint64_t freed = 0;
    uint64_t seq = 0;
    explicit segment_side(uint32_t n) : dir(n, rsm_dir_entry{}) {}
    void sent(uint32_t first, uint32_t n) { dir_write_message(dir.data(), first, n, 1, ++seq); }
    void release(uint32_t first, uint32_t n) {
        dir_free_message(dir.data(), first, n);
        ++freed;
    }
};

} // namespace

TEST(Allocator, NextFitFromTheCursorThenFromZero) {
    partition_allocator a(8);
    EXPECT_EQ(0U, a.allocate(3));
    EXPECT_EQ(3U, a.allocate(2));
    EXPECT_EQ(5U, a.cursor());
    EXPECT_EQ(5U, a.allocate(3));
    EXPECT_EQ(0U, a.cursor()); // ran to the end: wraps
    EXPECT_FALSE(a.allocate(1));
    EXPECT_EQ(3U, a.in_flight());
}

TEST(Allocator, RunsNeverWrapAroundTheEnd) {
    partition_allocator a(8);
    segment_side seg(8);
    ASSERT_EQ(0U, a.allocate(2)); // 0-1
    ASSERT_EQ(2U, a.allocate(4)); // 2-5
    ASSERT_EQ(6U, a.allocate(2)); // 6-7
    seg.sent(0, 2), seg.sent(2, 4), seg.sent(6, 2);
    seg.release(0, 2);
    seg.release(6, 2);
    // 6-7 and 0-1 are free, but 4 contiguous partitions are not.
    EXPECT_FALSE(a.allocate_or_reap(4, seg.dir.data(), seg.freed));
    EXPECT_EQ(0U, a.cursor()); // 6-7 ran to the end
    EXPECT_EQ(0U, a.allocate(2));
    EXPECT_EQ(6U, a.allocate(2));
}

TEST(Allocator, ReusesOnlyWhatTheDirectoryShowsFree) {
    partition_allocator a(4);
    segment_side seg(4);
    for (uint32_t i = 0; i < 4; ++i) {
        ASSERT_EQ(i, a.allocate(1));
        seg.sent(i, 1);
    }
    // The receiver set partition 1 FREE but has not announced it: the
    // counter gates the scan, nothing is reused yet.
    dir_free_message(seg.dir.data(), 1, 1);
    EXPECT_FALSE(a.allocate_or_reap(1, seg.dir.data(), seg.freed));
    ++seg.freed;
    EXPECT_EQ(1U, a.allocate_or_reap(1, seg.dir.data(), seg.freed));
    EXPECT_TRUE(a.allocated(1));
    EXPECT_FALSE(a.allocate_or_reap(1, seg.dir.data(), seg.freed));
}

TEST(Allocator, OutOfOrderReleaseIsFoundByTheScan) {
    partition_allocator a(6);
    segment_side seg(6);
    ASSERT_EQ(0U, a.allocate(2));
    ASSERT_EQ(2U, a.allocate(2));
    ASSERT_EQ(4U, a.allocate(2));
    seg.sent(0, 2), seg.sent(2, 2), seg.sent(4, 2);
    seg.release(2, 2); // the middle one, the oldest still held
    EXPECT_EQ(1U, a.reap(seg.dir.data(), seg.freed));
    EXPECT_FALSE(a.allocated(2));
    EXPECT_FALSE(a.allocated(3));
    EXPECT_TRUE(a.allocated(0));
    EXPECT_EQ(2U, a.in_flight());
    // then the oldest: the in-order walk takes it, skipping the tombstone
    seg.release(0, 2);
    EXPECT_EQ(1U, a.reap(seg.dir.data(), seg.freed));
    EXPECT_EQ(1U, a.in_flight());
    EXPECT_EQ(0U, a.reap(seg.dir.data(), seg.freed)); // nothing new
}

TEST(Allocator, TombstonesBehindAHeldMessageDoNotOverflowTheInFlightList) {
    // The oldest message stays held while many younger ones are released
    // out of order: their entries cannot be popped, yet the list must keep
    // room for every partition that can be allocated.
    partition_allocator a(4);
    segment_side seg(4);
    ASSERT_EQ(0U, a.allocate(1));
    seg.sent(0, 1);
    for (int round = 0; round < 100; ++round) {
        for (uint32_t p = 1; p < 4; ++p) {
            ASSERT_EQ(p, a.allocate_or_reap(1, seg.dir.data(), seg.freed)) << "round " << round;
            seg.sent(p, 1);
        }
        for (uint32_t p = 1; p < 4; ++p)
            seg.release(p, 1);
    }
    EXPECT_TRUE(a.allocated(0));
    seg.release(0, 1);
    EXPECT_EQ(4U, a.reap(seg.dir.data(), seg.freed));
    EXPECT_EQ(0U, a.in_flight());
}

TEST(Allocator, ShrinkAndCancelTheLastAllocation) {
    partition_allocator a(16);
    ASSERT_EQ(0U, a.allocate(8));
    a.shrink_last(0, 8, 3); // committed shorter
    EXPECT_TRUE(a.allocated(2));
    EXPECT_FALSE(a.allocated(3));
    EXPECT_EQ(3U, a.cursor());
    ASSERT_EQ(3U, a.allocate(4));
    a.shrink_last(3, 4, 0); // cancelled
    EXPECT_FALSE(a.allocated(3));
    EXPECT_EQ(1U, a.in_flight());
    EXPECT_EQ(3U, a.allocate(13));
}

namespace {

// The reference model: a vector of bools, first fit by brute force, and
// "reap" as "every partition the directory shows free is free".
struct model {
    uint32_t count;
    std::vector<bool> used;
    uint32_t cursor = 0;
    uint64_t seen = 0;

    explicit model(uint32_t n) : count(n), used(n, false) {}

    std::optional<uint32_t> find(uint32_t from, uint32_t n) const {
        for (uint32_t s = from; s + n <= count; ++s) {
            bool ok = true;
            for (uint32_t p = s; p < s + n && ok; ++p)
                ok = !used[p];
            if (ok)
                return s;
        }
        return std::nullopt;
    }
    std::optional<uint32_t> take(std::optional<uint32_t> f, uint32_t n) {
        if (f) {
            for (uint32_t p = *f; p < *f + n; ++p)
                used[p] = true;
            cursor = *f + n == count ? 0 : *f + n;
        }
        return f;
    }
    std::optional<uint32_t> at_cursor(uint32_t n) {
        std::optional<uint32_t> f = find(cursor, n);
        return take(f == cursor ? f : std::nullopt, n);
    }
    std::optional<uint32_t> search(uint32_t n) {
        std::optional<uint32_t> f = find(cursor, n);
        if (!f && cursor != 0)
            f = find(0, n);
        return take(f, n);
    }
    bool reap(const segment_side &seg) {
        if (seg.freed == seen)
            return false;
        seen = seg.freed;
        bool any = false;
        for (uint32_t p = 0; p < count; ++p)
            if (used[p] && seg.dir[p].state == RSM_DIR_FREE)
                used[p] = false, any = true;
        return any;
    }
    // the cursor; after a reap the cursor again; then a search
    std::optional<uint32_t> allocate_or_reap(uint32_t n, const segment_side &seg) {
        if (auto f = at_cursor(n))
            return f;
        if (reap(seg))
            if (auto f = at_cursor(n))
                return f;
        return search(n);
    }
    void shrink(uint32_t first, uint32_t n, uint32_t keep) {
        for (uint32_t p = first + keep; p < first + n; ++p)
            used[p] = false;
        cursor = keep == 0 ? first : (first + keep == count ? 0 : first + keep);
    }
};

struct message {
    uint32_t first, count;
};

uint64_t randomized_run(uint32_t count, uint32_t span, uint32_t ops, uint32_t seed) {
    partition_allocator a(count);
    model m(count);
    segment_side seg(count);
    std::vector<message> held; // sent, not yet released
    std::mt19937 rng(seed);
    uint64_t done = 0;
    for (uint32_t op = 0; op < ops; ++op, ++done) {
        const uint32_t dice = rng() % 100;
        if (dice < 50) { // send: allocate, sometimes commit shorter or cancel
            const uint32_t n = 1 + rng() % span;
            const std::optional<uint32_t> got = a.allocate_or_reap(n, seg.dir.data(), seg.freed);
            const std::optional<uint32_t> want = m.allocate_or_reap(n, seg);
            EXPECT_EQ(want, got) << "op " << op << " allocate(" << n << ")";
            if (want != got)
                return done;
            if (got) {
                uint32_t keep = n;
                if (dice < 10)
                    keep = rng() % n; // 0: cancelled, else committed shorter
                if (keep < n) {
                    a.shrink_last(*got, n, keep);
                    m.shrink(*got, n, keep);
                }
                if (keep) {
                    seg.sent(*got, keep);
                    held.push_back({*got, keep});
                }
            }
        } else if (dice < 95) { // the receiver releases any held message
            if (held.empty())
                continue;
            const size_t i = rng() % held.size();
            seg.release(held[i].first, held[i].count);
            held[i] = held.back();
            held.pop_back();
        } else { // the sender looks at the directory
            a.reap(seg.dir.data(), seg.freed);
            m.reap(seg);
        }
        // Agree at every step, and never hold a partition the directory
        // shows used as free.
        for (uint32_t p = 0; p < count; ++p) {
            if (a.allocated(p) != m.used[p]) {
                ADD_FAILURE() << "op " << op << ": partition " << p << " allocator "
                              << a.allocated(p) << " model " << m.used[p];
                return done;
            }
            if (!a.allocated(p) && seg.dir[p].state != RSM_DIR_FREE) {
                ADD_FAILURE() << "op " << op << ": partition " << p
                              << " free in the allocator but USED in the directory";
                return done;
            }
        }
        EXPECT_EQ(m.cursor, a.cursor());
    }
    return done;
}

} // namespace

TEST(Allocator, RandomizedAgainstReferenceModelOverAMillionOperations) {
    uint64_t total = 0;
    total += randomized_run(128, 8, 400000, 1);
    total += randomized_run(64, 64, 200000, 2);   // span up to the whole segment
    total += randomized_run(1000, 16, 200000, 3); // not a multiple of 64
    total += randomized_run(200, 3, 250000, 4);
    std::printf("allocator: %llu operations agreed with the model\n", (unsigned long long)total);
    EXPECT_GE(total, 1000000U);
}
