// transfer_test.cpp - rsm-xfer's receiver and sender end to end on libshm's
// host backend (no kernel module): everything arrives verified, the
// receiver's fallback count agrees with the library's, and damage, a wrong
// seed or missing messages are reported as failures.
#include "xfer.hpp"

#include <gtest/gtest.h>
#include <thread>
#include <unistd.h>

namespace rsm::xfer {
namespace {

using namespace std::chrono_literals;

std::uint64_t unique_key(unsigned n) {
    return (std::uint64_t(::getpid()) << 16) | n;
}

struct run {
    xfer_result<receive_report> received = std::unexpected(xfer_error{xfer_errc::setup, "not run"});
    xfer_result<send_report> sent = std::unexpected(xfer_error{xfer_errc::setup, "not run"});
};

run transfer(std::uint64_t key, std::uint64_t recv_count, std::uint64_t send_count,
             std::uint64_t recv_seed, std::uint64_t send_seed) {
    run r;
    receive_options ro;
    ro.key = key;
    ro.count = recv_count;
    ro.load = {recv_seed, 1, 1 << 20};
    ro.backend = SHM_BACKEND_HOST;
    ro.idle_timeout = 3s;
    auto ep = make_endpoint(key, SHM_BACKEND_HOST);
    if (!ep) {
        r.received = std::unexpected(ep.error());
        return r;
    }
    std::thread t([&] { r.received = receive_on(*ep, ro); });
    send_options so;
    so.key = key;
    so.count = send_count;
    so.load = {send_seed, 1, 1 << 20};
    so.backend = SHM_BACKEND_HOST;
    so.connect_timeout = 5s;
    so.room_timeout = 2s;
    r.sent = send(so);
    t.join();
    return r;
}

TEST(Transfer, MixedSizesArriveVerifiedAndFallbacksAgree) {
    run r = transfer(unique_key(1), 400, 400, 9, 9);
    ASSERT_TRUE(r.sent.has_value()) << r.sent.error().what;
    ASSERT_TRUE(r.received.has_value()) << r.received.error().what;
    EXPECT_FALSE(r.sent->failed.has_value());
    EXPECT_EQ(400U, r.sent->messages);
    EXPECT_EQ(400U, r.received->messages);
    EXPECT_EQ(r.sent->bytes, r.received->bytes);
    EXPECT_EQ(400U, r.received->table.total().messages);
    // our reading of the selection policy is the library's
    EXPECT_EQ(r.sent->stats.fallbacks, r.received->table.total().fallbacks);
    std::uint64_t sum = 0;
    for (std::uint64_t s = 1; s <= 400; ++s) {
        sum += message_size({9, 1, 1 << 20}, s);
    }
    EXPECT_EQ(sum, r.received->bytes);
}

TEST(Transfer, WrongSeedIsCaughtAsCorruption) {
    run r = transfer(unique_key(2), 20, 20, 9, 10);
    ASSERT_FALSE(r.received.has_value());
    EXPECT_EQ(xfer_errc::corrupt, r.received.error().code) << r.received.error().what;
}

TEST(Transfer, MissingMessagesTimeOutWithACount) {
    run r = transfer(unique_key(3), 30, 20, 9, 9);
    ASSERT_FALSE(r.received.has_value());
    EXPECT_EQ(xfer_errc::timed_out, r.received.error().code);
    EXPECT_NE(std::string::npos, r.received.error().what.find("only 20 of 30"))
        << r.received.error().what;
}

TEST(Transfer, NoEndpointMeansAConnectTimeout) {
    send_options so;
    so.key = unique_key(4);
    so.count = 1;
    so.backend = SHM_BACKEND_HOST;
    so.connect_timeout = 1s;
    auto s = send(so);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(xfer_errc::timed_out, s.error().code) << s.error().what;
}

} // namespace
} // namespace rsm::xfer
