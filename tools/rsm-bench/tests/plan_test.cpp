// Sizes and iteration counts of a run (BENCHMARKS.md: 10,000 + 100 below
// 8 KiB, 1,000 + 10 above, for latency).
#include "plan.hpp"

#include <gtest/gtest.h>

using namespace rsm::bench;

TEST(Plan, DefaultRangeIsTwentyThreePowersOfTwo) {
    auto s = parse_sizes("1-4M");
    ASSERT_TRUE(s);
    ASSERT_EQ(s->size(), 23u);
    EXPECT_EQ(s->front(), 1u);
    EXPECT_EQ(s->back(), 4u << 20);
}

TEST(Plan, ListsRangesAndSuffixes) {
    auto s = parse_sizes("8,64,4K,1M-2M");
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, (std::vector<std::size_t>{8, 64, 4096, 1 << 20, 2 << 20}));
}

TEST(Plan, BadSizesAreRejectedWithAReason) {
    EXPECT_FALSE(parse_sizes("0"));
    EXPECT_FALSE(parse_sizes("4K-1K"));
    EXPECT_FALSE(parse_sizes("12Q"));
    EXPECT_FALSE(parse_sizes(""));
    EXPECT_EQ(parse_sizes("x").error().message, "bad size 'x'");
}

TEST(Plan, IterationCountsFollowTheMethod) {
    run_plan p;
    p.test = test_kind::latency;
    EXPECT_EQ(p.iterations(4096).measured, 10'000u);
    EXPECT_EQ(p.iterations(4096).warmup, 100u);
    EXPECT_EQ(p.iterations(8192).measured, 1'000u);
    EXPECT_EQ(p.iterations(8192).warmup, 10u);
    p.test = test_kind::bandwidth;
    EXPECT_EQ(p.iterations(64).measured, 100u);
    EXPECT_EQ(p.iterations(1 << 20).measured, 20u);
}

TEST(Plan, ScalingKeepsAtLeastOneIteration) {
    run_plan p;
    p.scale_iterations(0.0001);
    EXPECT_EQ(p.latency_small.measured, 1u);
    EXPECT_EQ(p.latency_small.warmup, 1u);
}

TEST(Plan, FormatSize) {
    EXPECT_EQ(format_size(1), "1");
    EXPECT_EQ(format_size(1536), "1536");
    EXPECT_EQ(format_size(65536), "64K");
    EXPECT_EQ(format_size(4u << 20), "4M");
    EXPECT_EQ(format_bytes(8), "8 B");
    EXPECT_EQ(format_bytes(4096), "4 KiB");
    EXPECT_EQ(format_bytes(1u << 20), "1 MiB");
}
