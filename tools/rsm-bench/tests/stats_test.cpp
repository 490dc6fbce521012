// Percentiles and launch spreads: the figures every table is made of.
#include "stats.hpp"

#include <gtest/gtest.h>
#include <numeric>
#include <vector>

using namespace rsm::bench;

TEST(Stats, NearestRankPercentilesOfOneToThousand) {
    std::vector<double> v(1000);
    std::iota(v.begin(), v.end(), 1.0);
    EXPECT_EQ(percentile(v, 50), 500);
    EXPECT_EQ(percentile(v, 99), 990);
    EXPECT_EQ(percentile(v, 99.9), 999);
    EXPECT_EQ(percentile(v, 100), 1000);
    EXPECT_EQ(percentile(v, 0), 1);
}

TEST(Stats, SummarizeSortsAndKeepsEverySample) {
    std::vector<double> v{5, 1, 4, 2, 3, 1000};
    latency_summary s = summarize(v);
    EXPECT_EQ(s.count, 6u);
    EXPECT_EQ(s.min, 1);
    EXPECT_EQ(s.max, 1000);
    EXPECT_EQ(s.p50, 3);    // rank ceil(3) = 3rd of 1 2 3 4 5 1000
    EXPECT_EQ(s.p99, 1000); // one outlier in six dominates the tail
    EXPECT_DOUBLE_EQ(s.mean, 1015.0 / 6);
}

TEST(Stats, TenThousandSamplesP999IsTheTenthLargest) {
    std::vector<double> v(10'000);
    std::iota(v.rbegin(), v.rend(), 0.0); // descending: summarize must sort
    latency_summary s = summarize(v);
    EXPECT_EQ(s.p999, 9990 - 1);
    EXPECT_EQ(s.p99, 9900 - 1);
}

TEST(Stats, EmptyInputGivesZeros) {
    std::vector<double> v;
    latency_summary s = summarize(v);
    EXPECT_EQ(s.count, 0u);
    EXPECT_EQ(s.p50, 0);
}

TEST(Stats, MedianAndSpreadAcrossFiveLaunches) {
    spread s = across_launches({70, 55, 60, 400, 58});
    EXPECT_EQ(s.launches, 5u);
    EXPECT_EQ(s.median, 60);
    EXPECT_EQ(s.lo, 55);
    EXPECT_EQ(s.hi, 400);
    EXPECT_DOUBLE_EQ(s.relative(), 345.0 / 60);
}

TEST(Stats, MedianOfAnEvenCountIsTheMeanOfTheMiddleTwo) {
    EXPECT_EQ(across_launches({1, 2, 3, 10}).median, 2.5);
}
