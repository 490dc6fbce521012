// group_table_test.cpp - the preferred partition size follows the
// selection policy's claims, and fallbacks are counted where they land.
#include "group_table.hpp"

#include <gtest/gtest.h>
#include <vector>

namespace rsm::xfer {
namespace {

std::vector<shm_group_spec> default_groups() {
    std::vector<shm_group_spec> g(SHM_MAX_GROUPS);
    g.resize(std::size_t(shm_default_template(g.data(), SHM_MAX_GROUPS)));
    return g;
}

TEST(GroupTable, PreferredSizeIsLargestNotAboveLengthAmongThoseThatFit) {
    group_table t(default_groups()); // 64x4, 256x16, 4K x16, 64K x16
    EXPECT_EQ(64U, t.preferred_part_size(1)) << "below every size: the smallest that fits";
    EXPECT_EQ(64U, t.preferred_part_size(64));
    EXPECT_EQ(64U, t.preferred_part_size(255));
    EXPECT_EQ(256U, t.preferred_part_size(257)) << "64 x 4 cannot carry 257 B";
    EXPECT_EQ(4096U, t.preferred_part_size(4096));
    EXPECT_EQ(4096U, t.preferred_part_size(65535));
    EXPECT_EQ(65536U, t.preferred_part_size(1 << 20));
    EXPECT_EQ(0U, t.preferred_part_size((1 << 20) + 1)) << "nothing carries it";
}

TEST(GroupTable, FallbacksCountWhereTheyLand) {
    group_table t(default_groups());
    t.record(0, 10);   // preferred 64: no fallback
    t.record(1, 10);   // 256 for 10 B: fell back
    t.record(3, 5000); // 64 KiB for 5000 B (preferred 4 KiB): fell back
    t.record(2, 5000); // as preferred
    EXPECT_EQ(0U, t.at(0).fallbacks);
    EXPECT_EQ(1U, t.at(1).fallbacks);
    EXPECT_EQ(0U, t.at(2).fallbacks);
    EXPECT_EQ(1U, t.at(3).fallbacks);
    EXPECT_EQ(4U, t.total().messages);
    EXPECT_EQ(10020U, t.total().bytes);
    EXPECT_EQ(2U, t.total().fallbacks);
}

TEST(GroupTable, FormatHasOneLinePerGroupAndATotal) {
    group_table t(default_groups());
    t.record(2, 5000);
    const std::string s = t.format();
    EXPECT_EQ(6, std::count(s.begin(), s.end(), '\n')) << s;
    EXPECT_NE(std::string::npos, s.find("g2     4 KiB")) << s;
    EXPECT_NE(std::string::npos, s.find("64 KiB")) << s;
    EXPECT_NE(std::string::npos, s.find("total")) << s;
}

} // namespace
} // namespace rsm::xfer
