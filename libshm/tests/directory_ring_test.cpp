// Directory entries (claim 9) and the notification ring.
#include "directory.hpp"
#include "ring.hpp"

#include <gtest/gtest.h>
#include <thread>
#include <vector>

using namespace shm::detail;

TEST(Directory, Claim9_FirstPartitionFlagAndNextPartitionEntries) {
    std::vector<rsm_dir_entry> dir(16, rsm_dir_entry{});
    dir_write_message(dir.data(), 5, 3, 150, 42);
    // first partition: USED, FIRST, next names the second partition
    EXPECT_EQ(RSM_DIR_USED, dir[5].state);
    EXPECT_EQ(RSM_DIR_F_FIRST, dir[5].flags);
    EXPECT_EQ(6U, dir[5].next);
    // middle: USED, not FIRST, next names the third
    EXPECT_EQ(RSM_DIR_USED, dir[6].state);
    EXPECT_EQ(0U, dir[6].flags);
    EXPECT_EQ(7U, dir[6].next);
    // last: next is the end marker
    EXPECT_EQ(0U, dir[7].flags);
    EXPECT_EQ(RSM_DIR_END, dir[7].next);
    for (uint32_t p = 5; p < 8; ++p) {
        EXPECT_EQ(5U, dir[p].first) << p;
        EXPECT_EQ(3U, dir[p].span) << p;
        EXPECT_EQ(150U, dir[p].len) << p;
        EXPECT_EQ(42U, dir[p].seq) << p;
    }
    // neighbours untouched
    EXPECT_EQ(RSM_DIR_FREE, dir[4].state);
    EXPECT_EQ(RSM_DIR_FREE, dir[8].state);
    EXPECT_TRUE(dir_check_message(dir.data(), 16, 5, 3, 150, 42));
}

TEST(Directory, Claim9_SinglePartitionMessageIsFirstAndLast) {
    std::vector<rsm_dir_entry> dir(4, rsm_dir_entry{});
    dir_write_message(dir.data(), 3, 1, 0, 1);
    EXPECT_EQ(RSM_DIR_F_FIRST, dir[3].flags);
    EXPECT_EQ(RSM_DIR_END, dir[3].next);
    EXPECT_TRUE(dir_check_message(dir.data(), 4, 3, 1, 0, 1));
}

TEST(Directory, CheckRefusesEntriesThatDisagreeWithTheNotification) {
    std::vector<rsm_dir_entry> dir(16, rsm_dir_entry{});
    dir_write_message(dir.data(), 2, 4, 200, 9);
    EXPECT_FALSE(dir_check_message(dir.data(), 16, 2, 4, 201, 9)); // length
    EXPECT_FALSE(dir_check_message(dir.data(), 16, 2, 4, 200, 8)); // stale sequence
    EXPECT_FALSE(dir_check_message(dir.data(), 16, 2, 3, 200, 9)); // span
    EXPECT_FALSE(dir_check_message(dir.data(), 16, 3, 3, 200, 9)); // not the first
    EXPECT_FALSE(dir_check_message(dir.data(), 4, 2, 4, 200, 9));  // beyond the segment
    EXPECT_FALSE(dir_check_message(dir.data(), 16, 2, 0, 200, 9)); // no partitions
    auto broken = dir;
    broken[4].next = 9; // not contiguous
    EXPECT_FALSE(dir_check_message(broken.data(), 16, 2, 4, 200, 9));
    broken = dir;
    broken[5].next = 6; // runs past its last partition
    EXPECT_FALSE(dir_check_message(broken.data(), 16, 2, 4, 200, 9));
    broken = dir;
    broken[3].state = RSM_DIR_FREE;
    EXPECT_FALSE(dir_check_message(broken.data(), 16, 2, 4, 200, 9));
    broken = dir;
    broken[3].flags = RSM_DIR_F_FIRST;
    EXPECT_FALSE(dir_check_message(broken.data(), 16, 2, 4, 200, 9));
}

TEST(Directory, FreeMarksEveryPartitionFree) {
    std::vector<rsm_dir_entry> dir(8, rsm_dir_entry{});
    dir_write_message(dir.data(), 1, 5, 300, 3);
    dir_free_message(dir.data(), 1, 5);
    for (const rsm_dir_entry &e : dir)
        EXPECT_EQ(RSM_DIR_FREE, e.state);
}

namespace {
struct ring_fixture {
    std::vector<ring_entry> entries;
    uint64_t tail = 0;
    ring_producer prod;
    ring_consumer cons;
    explicit ring_fixture(uint32_t n)
        : entries(n, ring_entry{}), prod(entries.data(), n, &tail), cons(entries.data(), n, &tail) {
    }
};
} // namespace

TEST(Ring, EntriesArriveInOrderWithTheirSequence) {
    ring_fixture r(8);
    notification n;
    EXPECT_FALSE(r.cons.peek(n));
    r.prod.publish(2, 10, 3, 700);
    r.prod.publish(0, 4, 1, 5);
    ASSERT_TRUE(r.cons.peek(n));
    EXPECT_EQ(2U, n.group);
    EXPECT_EQ(10U, n.first);
    EXPECT_EQ(3U, n.count);
    EXPECT_EQ(700U, n.len);
    EXPECT_EQ(1U, n.seq);
    r.cons.pop();
    ASSERT_TRUE(r.cons.peek(n));
    EXPECT_EQ(2U, n.seq);
    r.cons.pop();
    EXPECT_FALSE(r.cons.peek(n));
}

TEST(Ring, ProducerSeesRoomOnlyAfterTheTailIsPublished) {
    ring_fixture r(8);
    for (int i = 0; i < 8; ++i) {
        ASSERT_TRUE(r.prod.has_room());
        r.prod.publish(0, uint32_t(i), 1, 1);
    }
    EXPECT_FALSE(r.prod.has_room());
    notification n;
    ASSERT_TRUE(r.cons.peek(n));
    EXPECT_FALSE(r.cons.pop()); // below the batch (size / 4 = 2): not yet published
    EXPECT_FALSE(r.prod.has_room());
    ASSERT_TRUE(r.cons.peek(n));
    EXPECT_TRUE(r.cons.pop()); // the batch is reached: published
    EXPECT_EQ(2U, r.tail);
    EXPECT_TRUE(r.prod.has_room());
    ASSERT_TRUE(r.cons.peek(n));
    r.cons.pop();
    EXPECT_TRUE(r.cons.publish()); // an idle consumer publishes what it has
    EXPECT_FALSE(r.cons.publish());
    EXPECT_EQ(3U, r.tail);
}

TEST(Ring, AStaleEntryFromTheLastLapIsNotTaken) {
    ring_fixture r(4);
    notification n;
    for (int i = 0; i < 4; ++i) {
        r.prod.publish(0, 0, 1, uint32_t(i));
        ASSERT_TRUE(r.cons.peek(n));
        r.cons.pop();
    }
    r.cons.publish();
    // Position 4 reuses entry 0, which still holds sequence 1: not taken.
    EXPECT_FALSE(r.cons.peek(n));
    r.prod.publish(0, 0, 1, 99);
    ASSERT_TRUE(r.cons.peek(n));
    EXPECT_EQ(5U, n.seq);
    EXPECT_EQ(99U, n.len);
}

TEST(Ring, TwoThreadsPassEntriesInOrder) {
    ring_fixture r(256);
    constexpr uint32_t total = 300000;
    std::thread producer([&] {
        for (uint32_t i = 0; i < total; ++i) {
            while (!r.prod.has_room())
                std::this_thread::yield(); // two cores, shared: do not starve the consumer
            r.prod.publish(i % 16, i, i % 7 + 1, i * 3);
        }
    });
    notification n;
    for (uint32_t i = 0; i < total; ++i) {
        while (!r.cons.peek(n)) {
            r.cons.publish();
            std::this_thread::yield();
        }
        ASSERT_EQ(uint64_t(i) + 1, n.seq);
        ASSERT_EQ(i, n.first);
        ASSERT_EQ(i * 3, n.len);
        ASSERT_EQ(i % 7 + 1, n.count);
        ASSERT_EQ(i % 16, n.group);
        r.cons.pop();
    }
    producer.join();
}
