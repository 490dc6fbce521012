// workload_test.cpp - lengths cover every scale, contents follow from the
// seed, and check_message catches every kind of damage.
#include "workload.hpp"

#include <algorithm>
#include <bit>
#include <gtest/gtest.h>
#include <vector>

namespace rsm::xfer {
namespace {

TEST(Workload, FirstIsSmallestSecondIsLargestAllInRange) {
    const workload w{7, 1, 1 << 20};
    EXPECT_EQ(1U, message_size(w, 1));
    EXPECT_EQ(1U << 20, message_size(w, 2));
    for (std::uint64_t s = 3; s < 5000; ++s) {
        const auto n = message_size(w, s);
        ASSERT_GE(n, 1U);
        ASSERT_LE(n, 1U << 20);
    }
}

TEST(Workload, EveryPowerOfTwoScaleIsHit) {
    const workload w{42, 1, 1 << 20};
    std::vector<int> per_scale(21);
    for (std::uint64_t s = 1; s <= 10000; ++s) {
        ++per_scale[std::bit_width(message_size(w, s)) - 1];
    }
    // log-uniform: about 500 per scale; each one clearly present
    for (std::size_t k = 0; k < 20; ++k) {
        EXPECT_GT(per_scale[k], 200) << "lengths in [2^" << k << ", 2^" << k + 1 << ")";
    }
}

TEST(Workload, SameSeedAndSequenceSameBytesOtherwiseNot) {
    std::vector<std::byte> a(1000), b(1000), c(1000), d(1000);
    fill_message(a, 1, 5);
    fill_message(b, 1, 5);
    fill_message(c, 2, 5);
    fill_message(d, 1, 6);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(a, d);
}

TEST(Workload, CheckMessageAcceptsTheRightMessage) {
    const workload w{3, 1, 4096};
    for (std::uint64_t s = 1; s < 50; ++s) {
        std::vector<std::byte> m(message_size(w, s));
        fill_message(m, w.seed, s);
        EXPECT_EQ("", check_message(w, s, m)) << s;
    }
}

TEST(Workload, CheckMessageCatchesLengthByteAndSequenceDamage) {
    const workload w{3, 100, 100};
    std::vector<std::byte> m(100);
    fill_message(m, w.seed, 9);
    std::vector<std::byte> shorter(m.begin(), m.end() - 1);
    EXPECT_NE(std::string::npos, check_message(w, 9, shorter).find("99 bytes, expected 100"));
    for (std::size_t i : {0, 50, 99}) {
        auto bad = m;
        bad[i] ^= std::byte{1};
        const std::string e = check_message(w, 9, bad);
        EXPECT_NE(std::string::npos, e.find("first difference at byte " + std::to_string(i))) << e;
    }
    EXPECT_NE("", check_message(w, 10, m)) << "message 9 passed off as message 10";
}

TEST(Workload, ChecksumSeesLengthAndContent) {
    std::vector<std::byte> a(13), b(14);
    EXPECT_NE(checksum(a), checksum(b)) << "zeros of different lengths";
    fill_message(a, 1, 1);
    auto c = a;
    c[12] ^= std::byte{0x80};
    EXPECT_NE(checksum(a), checksum(c));
}

} // namespace
} // namespace rsm::xfer
