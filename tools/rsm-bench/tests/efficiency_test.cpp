// The mixed-size workload is the same list every time and covers the range
// it claims (a report that compares runs relies on both).
#include "efficiency.hpp"

#include <algorithm>
#include <gtest/gtest.h>

using namespace rsm::bench;

TEST(MixedWorkload, SameSeedSameSizes) {
    EXPECT_EQ(mixed_sizes(1000, 1 << 20, 7), mixed_sizes(1000, 1 << 20, 7));
    EXPECT_NE(mixed_sizes(1000, 1 << 20, 7), mixed_sizes(1000, 1 << 20, 8));
}

TEST(MixedWorkload, LogUniformOverTheWholeRange) {
    auto s = mixed_sizes(100'000, 1 << 20, 1);
    EXPECT_EQ(*std::min_element(s.begin(), s.end()), 1u);
    EXPECT_LE(*std::max_element(s.begin(), s.end()), 1u << 20);
    // Each of the 20 octaves holds about 5 % of the messages.
    for (int k = 0; k < 20; k++) {
        auto in = std::count_if(s.begin(), s.end(), [&](std::size_t x) {
            return x >= (std::size_t{1} << k) && x < (std::size_t{1} << (k + 1));
        });
        EXPECT_NEAR(static_cast<double>(in) / 100'000, 0.05, 0.01) << "octave " << k;
    }
}
