// Selection policy (invariant 3): each test names the claim of
// Documentation/libshm.md it covers.
#include "selection.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <random>
#include <set>
#include <vector>

using namespace shm::detail;

namespace {

// try_group stand-in: every group has room except those in full; records
// the order in which groups were asked.
struct fake_room {
    std::set<uint32_t> full;
    std::vector<uint32_t> asked;
    std::vector<uint32_t> counts;
    std::optional<uint32_t> operator()(uint32_t g, uint32_t n) {
        asked.push_back(g);
        counts.push_back(n);
        if (full.count(g))
            return std::nullopt;
        return 7; // any first partition
    }
};

std::optional<selection> pick(const selection_policy &p, uint64_t len, fake_room &room) {
    return p.select(len, [&](uint32_t g, uint32_t n) { return room(g, n); });
}

// The default template, but listed out of order: 4 KiB, 64 B, 64 KiB, 256 B.
const std::vector<group_geometry> scrambled{
    {4096, 128, 16}, {64, 1024, 4}, {65536, 32, 16}, {256, 512, 16}};

} // namespace

TEST(Selection, Claim1_UnequalPartitionSizesPerGroup) {
    // Each group of the template has its own partition size; the policy
    // sorts them and each size serves its own range of lengths.
    selection_policy p(scrambled);
    fake_room room;
    EXPECT_EQ(1U, pick(p, 1, room)->group);       // 64 B
    EXPECT_EQ(1U, pick(p, 255, room)->group);     // 64 B x 4
    EXPECT_EQ(3U, pick(p, 256, room)->group);     // 256 B
    EXPECT_EQ(3U, pick(p, 4095, room)->group);    // 256 B x 16
    EXPECT_EQ(0U, pick(p, 4096, room)->group);    // 4 KiB
    EXPECT_EQ(0U, pick(p, 65535, room)->group);   // 4 KiB x 16
    EXPECT_EQ(2U, pick(p, 65536, room)->group);   // 64 KiB
    EXPECT_EQ(2U, pick(p, 1 << 20, room)->group); // 64 KiB x 16
    EXPECT_EQ(uint64_t(1) << 20, p.max_message());
}

TEST(Selection, Claim2_PartitionSizeBelowLengthSpansContiguousPartitions) {
    // The preferred size is the largest one not above the length, so the
    // message spans several partitions: 200 B goes to 64 B partitions (4 of
    // them, 56 B unused) rather than to one 256 B partition (56 B unused
    // too, but a scarcer size), 1000 B to 4 x 256 B, not to a 4 KiB one.
    selection_policy p(scrambled);
    fake_room room;
    auto s = pick(p, 200, room);
    ASSERT_TRUE(s);
    EXPECT_EQ(1U, s->group);
    EXPECT_EQ(4U, s->count);
    EXPECT_FALSE(s->fallback);
    s = pick(p, 1000, room);
    EXPECT_EQ(3U, s->group);
    EXPECT_EQ(4U, s->count);
    s = pick(p, 100000, room);
    EXPECT_EQ(2U, s->group);
    EXPECT_EQ(2U, s->count);
    // A length below the smallest size takes one partition of it.
    s = pick(p, 10, room);
    EXPECT_EQ(1U, s->group);
    EXPECT_EQ(1U, s->count);
    s = pick(p, 0, room);
    EXPECT_EQ(1U, s->group);
    EXPECT_EQ(1U, s->count);
}

TEST(Selection, Claim7_FallsBackToNextLargerSizeWhenSegmentLacksRoom) {
    selection_policy p(scrambled);
    fake_room room;
    room.full = {1}; // the 64 B segment has no contiguous room
    auto s = pick(p, 200, room);
    ASSERT_TRUE(s);
    EXPECT_EQ(3U, s->group); // 256 B, the next larger size
    EXPECT_EQ(1U, s->count); // recomputed for that size
    EXPECT_TRUE(s->fallback);
    EXPECT_EQ((std::vector<uint32_t>{1, 3}), room.asked);

    room = fake_room{};
    room.full = {1, 3};
    s = pick(p, 200, room);
    EXPECT_EQ(0U, s->group); // then 4 KiB
    EXPECT_EQ((std::vector<uint32_t>{1, 3, 0}), room.asked);

    // Only when every eligible group lacks room is there no selection
    // (the caller then waits or returns EAGAIN); never a smaller size.
    room = fake_room{};
    room.full = {0, 1, 2, 3};
    EXPECT_FALSE(pick(p, 5000, room));
    EXPECT_EQ((std::vector<uint32_t>{0, 2}), room.asked); // not 64 B, not 256 B
}

TEST(Selection, Claim8_SpanFactorBoundsTheLengthAGroupCarries) {
    // A group carries a message only if part_size * span >= its length.
    // Here 64 B x span 2 carries at most 128 B: longer messages may not go
    // there although 64 B is the largest size below their length.
    const std::vector<group_geometry> t{{64, 1024, 2}, {4096, 64, 4}};
    selection_policy p(t);
    fake_room room;
    EXPECT_EQ(0U, pick(p, 128, room)->group); // 64 x 2 = 128: fits
    room = fake_room{};
    auto s = pick(p, 129, room); // 64 B would be preferred, but span 2 < 3
    ASSERT_TRUE(s);
    EXPECT_EQ(1U, s->group);
    EXPECT_EQ(1U, s->count);
    EXPECT_FALSE(s->fallback); // not a fallback: 64 B was never eligible
    EXPECT_EQ((std::vector<uint32_t>{1}), room.asked);
    // Beyond every capacity: no group at all.
    room = fake_room{};
    EXPECT_FALSE(pick(p, 4 * 4096 + 1, room));
    EXPECT_TRUE(room.asked.empty());
    EXPECT_EQ(uint64_t(4 * 4096), p.max_message());
    // Exactly part_size * span is carried, spanning span partitions.
    s = pick(p, 4 * 4096, room);
    EXPECT_EQ(1U, s->group);
    EXPECT_EQ(4U, s->count);
}

TEST(Selection, ClaimA_AdditionalGroupsOfOneSizeAreTriedBeforeALargerSize) {
    // Two 256 B groups (template order 1 then 2) and a 4 KiB one.
    const std::vector<group_geometry> t{{4096, 64, 4}, {256, 16, 4}, {256, 64, 8}};
    selection_policy p(t);
    fake_room room;
    EXPECT_EQ(1U, pick(p, 600, room)->group); // first 256 B group first
    room = fake_room{};
    room.full = {1};
    auto s = pick(p, 600, room);
    ASSERT_TRUE(s);
    EXPECT_EQ(2U, s->group); // the other 256 B group, before 4 KiB
    EXPECT_FALSE(s->fallback);
    EXPECT_EQ((std::vector<uint32_t>{1, 2}), room.asked);
    // 1500 B: the first 256 B group (span 4) cannot carry it, the second
    // (span 8) can.
    room = fake_room{};
    s = pick(p, 1500, room);
    EXPECT_EQ(2U, s->group);
    EXPECT_EQ(6U, s->count);
    EXPECT_EQ((std::vector<uint32_t>{2}), room.asked);
}

TEST(Selection, OrderListsEveryEligibleGroupFromThePreferredSizeUp) {
    selection_policy p(scrambled);
    EXPECT_EQ("g1 g3 g0 g2", p.order(100));
    EXPECT_EQ("g3 g0 g2", p.order(256));
    EXPECT_EQ("g3 g0 g2", p.order(300));
    EXPECT_EQ("g0 g2", p.order(4096));
    EXPECT_EQ("g2", p.order(65536));
    EXPECT_EQ("", p.order((1 << 20) + 1));
}

TEST(Selection, DefaultTemplateTable) {
    // The table Documentation/libshm.md prints; a change here is a change
    // of documented behaviour.
    selection_policy p(default_template());
    EXPECT_EQ("groups:\n"
              "  g0  64 B partitions x 1024, span 4: up to 256 B\n"
              "  g1  256 B partitions x 512, span 16: up to 4 KiB\n"
              "  g2  4 KiB partitions x 128, span 16: up to 64 KiB\n"
              "  g3  64 KiB partitions x 32, span 16: up to 1 MiB\n"
              "message length           groups tried, in order\n"
              "  0 B        .. 255 B       g0 g1 g2 g3\n"
              "  256 B      .. 4095 B      g1 g2 g3\n"
              "  4 KiB      .. 65535 B     g2 g3\n"
              "  64 KiB     .. 1 MiB       g3\n",
              p.table());
}

TEST(Selection, TableShowsSpanLimitedRanges) {
    const std::vector<group_geometry> t{{64, 1024, 2}, {4096, 64, 4}};
    selection_policy p(t);
    EXPECT_EQ("groups:\n"
              "  g0  64 B partitions x 1024, span 2: up to 128 B\n"
              "  g1  4 KiB partitions x 64, span 4: up to 16 KiB\n"
              "message length           groups tried, in order\n"
              "  0 B        .. 128 B       g0 g1\n"
              "  129 B      .. 16 KiB      g1\n",
              p.table());
}

TEST(Selection, StartTableAgreesWithTheRuleForEveryLength) {
    // start_for() answers from a per-power-of-two table where it can; it
    // must give what first_candidate() computes, at every length.
    const std::vector<std::vector<group_geometry>> templates{
        {default_template().begin(), default_template().end()},
        {{64, 1024, 2}, {4096, 64, 4}},
        {{4096, 64, 4}, {256, 16, 4}, {256, 64, 8}},
        {{64, 8, 3}, {128, 8, 5}, {1024, 4, 3}, {65536, 4, 2}},
    };
    std::mt19937_64 rng(5);
    for (const auto &t : templates) {
        selection_policy p(t);
        for (uint64_t len = 0; len <= 70000; ++len)
            ASSERT_EQ(p.first_candidate(len), p.start_for(len)) << len;
        for (int i = 0; i < 100000; ++i) {
            const uint64_t len = rng() >> (rng() % 64);
            ASSERT_EQ(p.first_candidate(len), p.start_for(len)) << len;
        }
    }
}
