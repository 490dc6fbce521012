// The data path end to end over the host backend (shared memory files, no
// kernel) or, with RSM_TEST_BACKEND=kernel, over /dev/rsmdev, through the
// C++ API: selection in real segments (claims 1, 2, 7,
// 8, A), zero-copy, out-of-order release, waiting and wake-ups, and 4
// senders to 1 receiver with mixed sizes.
#include "test_util.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <gtest/gtest.h>
#include <libshm/shm.hpp>
#include <linux/seccomp.h>
#include <poll.h>
#include <random>
#include <string>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using test::second;
using namespace std::chrono_literals;

namespace {

shm::endpoint::options host_endpoint(std::vector<shm_group_spec> groups = {},
                                     shm_wait_mode mode = SHM_WAIT_ADAPTIVE) {
    shm::endpoint::options o;
    o.backend = test::backend();
    o.wait_mode = mode;
    o.groups = std::move(groups);
    return o;
}

shm::channel::options host_channel(shm_wait_mode mode = SHM_WAIT_ADAPTIVE) {
    shm::channel::options o;
    o.backend = test::backend();
    o.wait_mode = mode;
    return o;
}

std::vector<std::byte> payload(size_t len, uint64_t s, uint64_t k) {
    std::vector<std::byte> v(len);
    test::fill(v.data(), len, s, k);
    return v;
}

struct pair_fixture {
    uint64_t key = test::unique_key();
    shm::endpoint ep;
    shm::channel ch;
    pair_fixture(std::vector<shm_group_spec> groups = {}, shm_wait_mode mode = SHM_WAIT_ADAPTIVE)
        : ep(shm::endpoint::create(key, host_endpoint(std::move(groups), mode)).value()),
          ch(shm::channel::connect(key, host_channel(mode)).value()) {}
};

} // namespace

TEST(DataPath, CopyingSendAndReceive) {
    pair_fixture f;
    auto msg = payload(1000, 1, 1);
    ASSERT_TRUE(f.ch.send(msg));
    std::vector<std::byte> buf(4096);
    shm_msg_info info{};
    auto n = f.ep.recv(buf, shm::no_wait, &info);
    ASSERT_TRUE(n) << shm::message(n.error());
    EXPECT_EQ(1000U, *n);
    EXPECT_TRUE(test::matches(buf.data(), 1000, 1, 1));
    EXPECT_EQ(1U, info.seq);
    EXPECT_EQ(f.ch.info().channel, info.channel);
    EXPECT_EQ(shm::errc::would_block, test::err_of(f.ep.recv(buf, shm::no_wait)));
}

TEST(DataPath, Claim1_EachGroupHasItsOwnPartitionSize) {
    pair_fixture f; // the default template: 64 B, 256 B, 4 KiB, 64 KiB
    const size_t lens[] = {50, 1000, 20000, 300000};
    const uint32_t sizes[] = {64, 256, 4096, 65536};
    for (size_t i = 0; i < 4; ++i)
        ASSERT_TRUE(f.ch.send(payload(lens[i], 2, i)));
    for (size_t i = 0; i < 4; ++i) {
        auto v = f.ep.recv_view(shm::no_wait);
        ASSERT_TRUE(v);
        EXPECT_EQ(sizes[i], v->info().part_size);
        EXPECT_EQ(i, v->info().group);
        EXPECT_EQ(lens[i], v->size());
        EXPECT_TRUE(test::matches(v->data(), v->size(), 2, i));
        ASSERT_TRUE(f.ep.release(*v));
    }
}

TEST(DataPath, Claim2_MessageLongerThanThePartitionIsCopiedIntoContiguousPartitions) {
    pair_fixture f;
    // 200 B -> four 64 B partitions; 3000 B -> twelve 256 B partitions.
    ASSERT_TRUE(f.ch.send(payload(200, 3, 0)));
    ASSERT_TRUE(f.ch.send(payload(3000, 3, 1)));
    auto a = f.ep.recv_view(shm::no_wait);
    auto b = f.ep.recv_view(shm::no_wait);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(64U, a->info().part_size);
    EXPECT_EQ(4U, a->info().count);
    EXPECT_EQ(256U, b->info().part_size);
    EXPECT_EQ(12U, b->info().count);
    // contiguous: one pointer, the whole message behind it
    EXPECT_TRUE(test::matches(a->data(), 200, 3, 0));
    EXPECT_TRUE(test::matches(b->data(), 3000, 3, 1));
    // the next message starts right after the previous one's partitions
    ASSERT_TRUE(f.ch.send(payload(100, 3, 2)));
    auto c = f.ep.recv_view(shm::no_wait);
    ASSERT_TRUE(c);
    EXPECT_EQ(a->info().first + 4, c->info().first);
    EXPECT_EQ(static_cast<const std::byte *>(a->data()) + 4 * 64, c->data());
    ASSERT_TRUE(f.ep.release(*a) && f.ep.release(*b) && f.ep.release(*c));
    EXPECT_EQ(200U + 3000 + 100, f.ep.stats().bytes);
    EXPECT_EQ(4U * 64 + 12 * 256 + 2 * 64, f.ep.stats().part_bytes);
    EXPECT_EQ(f.ep.stats().part_bytes, f.ch.stats().part_bytes);
}

TEST(DataPath, Claim7_FallsBackToTheNextLargerSizeAndWaitsOnlyWhenAllAreFull) {
    // 64 B x 8 (span 4) and 256 B x 8 (span 4)
    pair_fixture f({{64, 8, 4, 0}, {256, 8, 4, 0}});
    std::vector<shm::view> held;
    // four 100 B messages (two 64 B partitions each) fill the 64 B segment
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(f.ch.send(payload(100, 4, i), shm::no_wait));
        held.push_back(f.ep.recv_view(shm::no_wait).value());
        EXPECT_EQ(0U, held.back().info().group);
    }
    EXPECT_EQ(0U, f.ch.stats().fallbacks);
    // the fifth finds no contiguous room there: next larger size
    for (int i = 4; i < 12; ++i) {
        ASSERT_TRUE(f.ch.send(payload(100, 4, i), shm::no_wait)) << i;
        held.push_back(f.ep.recv_view(shm::no_wait).value());
        EXPECT_EQ(1U, held.back().info().group) << i;
        EXPECT_EQ(1U, held.back().info().count);
    }
    EXPECT_EQ(8U, f.ch.stats().fallbacks);
    // every group is full: EAGAIN without waiting, ETIMEDOUT with a limit
    EXPECT_EQ(shm::errc::would_block, test::err_of(f.ch.send(payload(100, 4, 12), shm::no_wait)));
    EXPECT_EQ(shm::errc::timed_out, test::err_of(f.ch.send(payload(100, 4, 12), 2ms)));
    // releasing the second message (out of order) gives back its two 64 B
    // partitions, and the preferred size is used again
    const uint32_t first = held[1].info().first;
    ASSERT_TRUE(f.ep.release(held[1]));
    ASSERT_TRUE(f.ch.send(payload(100, 4, 12), shm::no_wait));
    auto v = f.ep.recv_view(shm::no_wait);
    ASSERT_TRUE(v);
    EXPECT_EQ(0U, v->info().group);
    EXPECT_EQ(first, v->info().first);
    EXPECT_TRUE(test::matches(v->data(), 100, 4, 12));
    for (size_t i = 0; i < held.size(); ++i) {
        if (i != 1) {
            ASSERT_TRUE(f.ep.release(held[i])) << i;
        }
    }
    ASSERT_TRUE(f.ep.release(*v));
}

TEST(DataPath, Claim7_FallsBackWhenFreePartitionsAreNotContiguous) {
    // Room in total is not room: 64 B x 8 with four free partitions in two
    // runs of two cannot take a 200 B message (four contiguous 64 B
    // partitions); it goes to 256 B, while a 100 B message still fits at
    // 64 B.
    pair_fixture f({{64, 8, 4, 0}, {256, 8, 4, 0}});
    std::vector<shm::view> held;
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(f.ch.send(payload(100, 33, i), shm::no_wait));
        held.push_back(f.ep.recv_view(shm::no_wait).value());
        ASSERT_EQ(0U, held.back().info().group);
        ASSERT_EQ(uint32_t(2 * i), held.back().info().first);
    }
    ASSERT_TRUE(f.ep.release(held[2])); // partitions 4-5
    ASSERT_TRUE(f.ep.release(held[0])); // partitions 0-1
    ASSERT_TRUE(f.ch.send(payload(200, 33, 4), shm::no_wait));
    auto big = f.ep.recv_view(shm::no_wait);
    ASSERT_TRUE(big);
    EXPECT_EQ(1U, big->info().group);
    EXPECT_EQ(1U, big->info().count);
    EXPECT_EQ(1U, f.ch.stats().fallbacks);
    EXPECT_TRUE(test::matches(big->data(), 200, 33, 4));
    // two contiguous 64 B partitions are there for a 100 B message
    ASSERT_TRUE(f.ch.send(payload(100, 33, 5), shm::no_wait));
    auto small = f.ep.recv_view(shm::no_wait);
    ASSERT_TRUE(small);
    EXPECT_EQ(0U, small->info().group);
    EXPECT_TRUE(small->info().first == 0 || small->info().first == 4);
    EXPECT_TRUE(test::matches(small->data(), 100, 33, 5));
    EXPECT_EQ(1U, f.ch.stats().fallbacks);
    for (shm::view *v : {&held[1], &held[3], &*big, &*small})
        ASSERT_TRUE(f.ep.release(*v));
}

TEST(DataPath, Claim8_SpanFactorLimitsTheMessageLength) {
    pair_fixture f({{64, 64, 2, 0}, {1024, 16, 4, 0}});
    EXPECT_EQ(4096U, f.ch.info().max_message);
    ASSERT_TRUE(f.ch.send(payload(128, 5, 0)));  // 64 x 2
    ASSERT_TRUE(f.ch.send(payload(129, 5, 1)));  // too long for 64 x 2
    ASSERT_TRUE(f.ch.send(payload(4096, 5, 2))); // exactly 1024 x 4
    EXPECT_EQ(shm::errc::message_too_long, test::err_of(f.ch.send(payload(4097, 5, 3))));
    const uint32_t groups[] = {0, 1, 1}, counts[] = {2, 1, 4};
    for (int i = 0; i < 3; ++i) {
        auto v = f.ep.recv_view(shm::no_wait);
        ASSERT_TRUE(v);
        EXPECT_EQ(groups[i], v->info().group) << i;
        EXPECT_EQ(counts[i], v->info().count) << i;
        EXPECT_TRUE(test::matches(v->data(), v->size(), 5, uint64_t(i)));
        ASSERT_TRUE(f.ep.release(*v));
    }
    EXPECT_EQ(0U, f.ch.stats().fallbacks); // 129 B never was eligible for 64 B
}

TEST(DataPath, ClaimA_AnotherGroupOfTheSameSizeBeforeALargerSize) {
    pair_fixture f({{64, 4, 4, 0}, {4096, 4, 1, 0}, {64, 4, 4, 0}});
    std::vector<shm::view> held;
    for (int i = 0; i < 8; ++i) {
        ASSERT_TRUE(f.ch.send(payload(64, 6, i), shm::no_wait));
        held.push_back(f.ep.recv_view(shm::no_wait).value());
        EXPECT_EQ(i < 4 ? 0U : 2U, held.back().info().group) << i;
    }
    EXPECT_EQ(0U, f.ch.stats().fallbacks);
    ASSERT_TRUE(f.ch.send(payload(64, 6, 8), shm::no_wait));
    held.push_back(f.ep.recv_view(shm::no_wait).value());
    EXPECT_EQ(1U, held.back().info().group); // only now 4 KiB
    EXPECT_EQ(1U, f.ch.stats().fallbacks);
    for (auto &v : held)
        ASSERT_TRUE(f.ep.release(v));
}

TEST(DataPath, ZeroCopyReserveCommitShorterAndCancel) {
    pair_fixture f;
    auto r = f.ch.reserve(1000);
    ASSERT_TRUE(r);
    EXPECT_EQ(1000U, r->capacity());
    EXPECT_EQ(4U, r->raw().count); // 256 B partitions
    // one reservation at a time
    EXPECT_EQ(shm::errc::busy, test::err_of(f.ch.reserve(10)));
    test::fill(r->data(), 300, 7, 0);
    ASSERT_TRUE(f.ch.commit(*r, 300)); // shorter: keeps 2 partitions
    EXPECT_EQ(shm::errc::invalid, test::err_of(f.ch.commit(*r, 300))); // committed already
    auto c = f.ch.reserve(5000);
    ASSERT_TRUE(c);
    ASSERT_TRUE(f.ch.cancel(*c));
    auto v = f.ep.recv_view(shm::no_wait);
    ASSERT_TRUE(v);
    EXPECT_EQ(300U, v->size());
    EXPECT_EQ(2U, v->info().count);
    EXPECT_TRUE(test::matches(v->data(), 300, 7, 0));
    EXPECT_EQ(shm::errc::would_block,
              test::err_of(f.ep.recv_view(shm::no_wait))); // cancelled: nothing
    // the partitions given back are used again at once
    auto again = f.ch.reserve(256);
    ASSERT_TRUE(again);
    EXPECT_EQ(v->info().first + 2, again->raw().first);
    ASSERT_TRUE(f.ch.cancel(*again));
    ASSERT_TRUE(f.ep.release(*v));
}

TEST(DataPath, RecvIntoASmallBufferLeavesTheMessage) {
    pair_fixture f;
    ASSERT_TRUE(f.ch.send(payload(500, 8, 0)));
    std::vector<std::byte> small(100), big(500);
    EXPECT_EQ(shm::errc::message_too_long, test::err_of(f.ep.recv(small, shm::no_wait)));
    auto n = f.ep.recv(big, shm::no_wait);
    ASSERT_TRUE(n);
    EXPECT_EQ(500U, *n);
    EXPECT_TRUE(test::matches(big.data(), 500, 8, 0));
}

TEST(DataPath, ReleaseRefusesDoubleAndForeignViews) {
    pair_fixture f;
    ASSERT_TRUE(f.ch.send(payload(10, 9, 0)));
    auto v = f.ep.recv_view(shm::no_wait);
    ASSERT_TRUE(v);
    shm_view forged = v->raw();
    forged.info.seq += 1;
    EXPECT_EQ(-EINVAL, shm_release(f.ep.get(), &forged, 0));
    forged = v->raw();
    forged.token ^= 1 << 16;
    EXPECT_EQ(-EINVAL, shm_release(f.ep.get(), &forged, 0));
    EXPECT_EQ(-EINVAL, shm_release(f.ep.get(), &v->raw(), 0x80));
    ASSERT_TRUE(f.ep.release(*v));
    EXPECT_EQ(shm::errc::invalid, test::err_of(f.ep.release(*v)));
}

TEST(DataPath, ZeroLengthMessagesTakeOnePartition) {
    pair_fixture f;
    ASSERT_TRUE(f.ch.send({}));
    auto v = f.ep.recv_view(shm::no_wait);
    ASSERT_TRUE(v);
    EXPECT_EQ(0U, v->size());
    EXPECT_EQ(1U, v->info().count);
    ASSERT_TRUE(f.ep.release(*v));
}

TEST(DataPath, RingWrapsManyTimesWithOutOfOrderReleases) {
    // A small template: the ring (64 entries) and the segments wrap often.
    pair_fixture f({{64, 32, 4, 0}, {512, 8, 8, 0}});
    std::mt19937 rng(11);
    std::vector<shm::view> held;
    uint64_t sent = 0, got = 0;
    while (got < 20000) {
        const size_t len = rng() % 4096;
        auto r = f.ch.send(payload(len, 10, sent), shm::no_wait);
        if (r) {
            ++sent;
        } else {
            ASSERT_EQ(shm::errc::would_block, r.error());
        }
        for (;;) {
            auto v = f.ep.recv_view(shm::no_wait);
            if (!v)
                break;
            ASSERT_EQ(got + 1, v->info().seq);
            ASSERT_TRUE(test::matches(v->data(), v->size(), 10, got)) << got;
            ++got;
            held.push_back(*v);
        }
        // release a random subset, in random order
        std::shuffle(held.begin(), held.end(), rng);
        const size_t n = held.empty() ? 0 : rng() % (held.size() + 1);
        for (size_t i = 0; i < n; ++i) {
            ASSERT_TRUE(f.ep.release(held.back()));
            held.pop_back();
        }
    }
    for (auto &v : held)
        ASSERT_TRUE(f.ep.release(v));
    EXPECT_EQ(sent, got);
}

TEST(DataPath, NoLostWakeUpInBlockingPingPong) {
    // Both sides sleep on their doorbell every time (SHM_WAIT_BLOCK); a lost
    // wake-up would stall a round trip until its 10 s limit.
    const uint64_t key = test::unique_key(), back = test::unique_key();
    auto a = shm::endpoint::create(key, host_endpoint({}, SHM_WAIT_BLOCK)).value();
    auto b = shm::endpoint::create(back, host_endpoint({}, SHM_WAIT_BLOCK)).value();
    const int rounds = test::rounds(3000);
    std::thread peer([&] {
        auto to_a = shm::channel::connect(key, host_channel(SHM_WAIT_BLOCK)).value();
        std::array<std::byte, 64> buf;
        for (int i = 0; i < rounds; ++i) {
            auto n = b.recv(buf, 10s);
            ASSERT_TRUE(n) << "round " << i << ": " << shm::message(n.error());
            ASSERT_TRUE(to_a.send(std::span(buf.data(), *n)));
        }
    });
    auto to_b = shm::channel::connect(back, host_channel(SHM_WAIT_BLOCK)).value();
    std::array<std::byte, 64> buf;
    for (int i = 0; i < rounds; ++i) {
        auto msg = payload(8, 12, uint64_t(i));
        ASSERT_TRUE(to_b.send(msg));
        auto n = a.recv(buf, 10s);
        ASSERT_TRUE(n) << "round " << i << ": " << shm::message(n.error());
        ASSERT_TRUE(test::matches(buf.data(), *n, 12, uint64_t(i)));
    }
    peer.join();
    EXPECT_GT(a.stats().waits, 0U);
    EXPECT_GT(to_b.stats().doorbells, 0U);
}

TEST(DataPath, SenderBlockedForRoomIsWokenByARelease) {
    pair_fixture f({{64, 4, 1, 0}}, SHM_WAIT_BLOCK);
    std::vector<shm::view> held;
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(f.ch.send(payload(64, 13, i), shm::no_wait));
        held.push_back(f.ep.recv_view(shm::no_wait).value());
    }
    std::atomic<bool> sent{false};
    std::atomic<pid_t> tid{0};
    std::thread sender([&] {
        const auto msg = payload(64, 13, 4);
        tid = gettid();
        auto r = f.ch.send(msg, 10s);
        EXPECT_TRUE(r) << shm::message(r.error());
        sent = true;
    });
    while (tid == 0)
        std::this_thread::yield();
    EXPECT_TRUE(test::wait_until_asleep(tid)) << "the sender never went to sleep";
    EXPECT_FALSE(sent);
    ASSERT_TRUE(f.ep.release(held[2]));
    sender.join();
    EXPECT_TRUE(sent);
    EXPECT_GE(f.ch.stats().waits, 1U);
    auto v = f.ep.recv_view(shm::no_wait);
    ASSERT_TRUE(v);
    EXPECT_EQ(held[2].info().first, v->info().first);
    for (int i : {0, 1, 3})
        ASSERT_TRUE(f.ep.release(held[size_t(i)]));
    ASSERT_TRUE(f.ep.release(*v));
}

TEST(DataPath, SendMoreDefersTheDoorbellUntilFlush) {
    pair_fixture f({}, SHM_WAIT_BLOCK);
    std::atomic<int> received{0};
    std::thread receiver([&] {
        std::array<std::byte, 64> buf;
        for (int i = 0; i < 10; ++i) {
            auto n = f.ep.recv(buf, 10s);
            ASSERT_TRUE(n) << shm::message(n.error());
            ++received;
        }
    });
    std::this_thread::sleep_for(20ms);
    for (int i = 0; i < 10; ++i)
        ASSERT_TRUE(f.ch.send(payload(8, 14, i), shm::forever, SHM_SEND_MORE));
    EXPECT_EQ(0U, f.ch.stats().doorbells); // none rung yet
    ASSERT_TRUE(f.ch.flush());
    receiver.join();
    EXPECT_EQ(10, received);
}

TEST(DataPath, ArmedEndpointFdPollsReadableOnTheNextMessage) {
    pair_fixture f;
    auto armed = f.ep.arm();
    ASSERT_TRUE(armed);
    EXPECT_FALSE(*armed);
    pollfd p{f.ep.fd(), POLLIN, 0};
    EXPECT_EQ(0, ::poll(&p, 1, 0));
    ASSERT_TRUE(f.ch.send(payload(10, 15, 0)));
    EXPECT_EQ(1, ::poll(&p, 1, 5000));
    std::array<std::byte, 64> buf;
    ASSERT_TRUE(f.ep.recv(buf, shm::no_wait));
    EXPECT_EQ(0, ::poll(&p, 1, 0)); // the doorbell was collected
    // a message already there: arm says so and leaves the flag down
    ASSERT_TRUE(f.ch.send(payload(10, 15, 1)));
    EXPECT_TRUE(*f.ep.arm());
    ASSERT_TRUE(f.ep.recv(buf, shm::no_wait));
}

TEST(DataPath, ArmedChannelFdPollsReadableWhenRoomIsFreed) {
    pair_fixture f({{64, 2, 1, 0}});
    ASSERT_TRUE(f.ch.send(payload(10, 16, 0), shm::no_wait));
    ASSERT_TRUE(f.ch.send(payload(10, 16, 1), shm::no_wait));
    auto armed = f.ch.arm(10);
    ASSERT_TRUE(armed);
    EXPECT_FALSE(*armed);
    pollfd p{f.ch.fd(), POLLIN, 0};
    EXPECT_EQ(0, ::poll(&p, 1, 0));
    std::array<std::byte, 64> buf;
    ASSERT_TRUE(f.ep.recv(buf, shm::no_wait));
    EXPECT_EQ(1, ::poll(&p, 1, 5000));
    EXPECT_TRUE(f.ch.send(payload(10, 16, 2), shm::no_wait));
}

namespace {

// Message k of sender s: its length, log-uniform over 1 B .. 1 MiB (the
// first two are exactly 1 B and 1 MiB).
size_t mixed_length(uint64_t s, uint64_t k) {
    if (k == 0)
        return 1;
    if (k == 1)
        return 1 << 20;
    const uint64_t r = test::mix(s * 1000003 + k);
    const unsigned bits = unsigned(r % 21); // 2^0 .. 2^20
    const size_t base = size_t(1) << bits;
    return std::min<size_t>(base + (r >> 8) % base, 1 << 20);
}

} // namespace

TEST(DataPath, FourSendersOneReceiverMixedSizesNoneLostDuplicatedCorruptedOrReordered) {
    constexpr int senders = 4;
    constexpr uint64_t per_sender = 2500;
    const uint64_t key = test::unique_key();
    auto ep = shm::endpoint::create(key, host_endpoint()).value();
    std::array<std::atomic<int>, senders> slot_of;
    for (auto &s : slot_of)
        s = -1;
    std::vector<std::thread> threads;
    for (int s = 0; s < senders; ++s)
        threads.emplace_back([&, s] {
            auto ch = shm::channel::connect(key, host_channel()).value();
            slot_of[size_t(s)] = int(ch.info().channel);
            std::vector<std::byte> buf(1 << 20);
            for (uint64_t k = 0; k < per_sender; ++k) {
                const size_t len = mixed_length(uint64_t(s), k);
                if (k % 3 == 0) { // zero-copy
                    auto r = ch.reserve(len, 30s);
                    ASSERT_TRUE(r) << shm::message(r.error());
                    test::fill(r->data(), len, uint64_t(s), k);
                    ASSERT_TRUE(ch.commit(*r, len));
                } else {
                    test::fill(buf.data(), len, uint64_t(s), k);
                    auto r = ch.send(std::span(buf.data(), len), 30s);
                    ASSERT_TRUE(r) << shm::message(r.error());
                }
            }
            // closing now: what was published is still delivered
        });
    std::vector<uint64_t> next(SHM_MAX_CHANNELS, 0);
    std::vector<std::byte> buf(1 << 20);
    std::vector<shm::view> held;
    std::mt19937 rng(17);
    uint64_t got = 0, bytes = 0, corrupt = 0, misordered = 0;
    auto check = [&](uint32_t slot, uint64_t seq, const void *data, size_t len) {
        int sender = -1;
        for (int s = 0; s < senders; ++s)
            if (slot_of[size_t(s)] == int(slot))
                sender = s;
        const uint64_t k = next[slot]++;
        if (sender < 0 || seq != k + 1) {
            ++misordered;
            return;
        }
        if (len != mixed_length(uint64_t(sender), k) ||
            !test::matches(data, len, uint64_t(sender), k))
            ++corrupt;
        bytes += len;
        ++got;
    };
    while (got + misordered < senders * per_sender) {
        // Held views keep their partitions: a receiver that holds views
        // must not block with them (a 1 MiB sender may need that room).
        auto timeout = held.empty() ? shm::timeout(30s) : shm::no_wait;
        auto release_held = [&] {
            for (auto &h : held)
                EXPECT_TRUE(ep.release(h));
            held.clear();
        };
        if (got % 2 == 0) {
            shm_msg_info info{};
            auto n = ep.recv(buf, timeout, &info);
            if (test::err_of(n) == shm::errc::would_block) {
                release_held();
                continue;
            }
            ASSERT_TRUE(n) << shm::message(n.error()) << " after " << got;
            check(info.channel, info.seq, buf.data(), *n);
        } else {
            auto v = ep.recv_view(timeout);
            if (test::err_of(v) == shm::errc::would_block) {
                release_held();
                continue;
            }
            ASSERT_TRUE(v) << shm::message(v.error()) << " after " << got;
            check(v->info().channel, v->info().seq, v->data(), v->size());
            held.push_back(*v);
            if (held.size() > 6) { // release out of order
                const size_t i = rng() % held.size();
                ASSERT_TRUE(ep.release(held[i]));
                held.erase(held.begin() + long(i));
            }
        }
    }
    for (auto &v : held)
        ASSERT_TRUE(ep.release(v));
    for (auto &t : threads)
        t.join();
    EXPECT_EQ(0U, corrupt);
    EXPECT_EQ(0U, misordered);
    EXPECT_EQ(senders * per_sender, got);
    EXPECT_EQ(shm::errc::would_block, test::err_of(ep.recv(buf, shm::no_wait))); // none duplicated
    std::printf("data path: %llu messages, %.1f MiB, from %d senders, all checked\n",
                (unsigned long long)got, double(bytes) / (1 << 20), senders);
}

namespace {

// Runs body() in a forked child under SECCOMP_MODE_STRICT: a system call
// other than read, write, exit and sigreturn kills it with SIGKILL. The
// child exits with what body() returns.
template <class Body>
pid_t fork_without_system_calls(Body &&body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0)
            _exit(100);
        const long rc = body();
        ::syscall(SYS_exit, rc); // exit_group, which _exit makes, is not allowed
        __builtin_unreachable();
    }
    return pid;
}

// The child's wait status; a child still running after 240 s (a slow
// debug-kernel guest needs a fraction of that) is killed.
int reap(pid_t pid) {
    int status = 0;
    for (int i = 0; i < 24000; ++i) {
        if (::waitpid(pid, &status, WNOHANG) == pid)
            return status;
        std::this_thread::sleep_for(10ms);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return status;
}

std::string describe(int status) {
    if (WIFEXITED(status))
        return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        return "killed: it made a system call (or hung)";
    return "status " + std::to_string(status);
}

} // namespace

TEST(DataPath, Invariant2_NoSystemCallOnTheFastPath) {
    // A sender and a receiver that poll (timeout 0, so neither ever sets its
    // sleep flag) pass 3,000 messages of every group's sizes, copying and
    // zero-copy, received by copy and as views released out of order, each
    // in a process that any system call kills.
    pair_fixture f;
    constexpr uint64_t count = 3000;
    static constexpr size_t lens[] = {1, 64, 200, 3000, 40000, 300000, 0};
    std::vector<std::byte> buf(1 << 20);
    // Warm up before the filters: the receiver finds the new channel.
    ASSERT_TRUE(f.ch.send(payload(10, 30, 0)));
    ASSERT_TRUE(f.ep.recv(buf, shm::no_wait));

    const pid_t sender = fork_without_system_calls([&] {
        for (uint64_t k = 1; k <= count; ++k) {
            const size_t len = lens[k % 7];
            if (k % 2) { // zero-copy
                for (;;) {
                    auto r = f.ch.reserve(len, shm::no_wait);
                    if (!r && r.error() != shm::errc::would_block)
                        return 1;
                    if (!r)
                        continue;
                    test::fill(r->data(), len, 30, k);
                    if (!f.ch.commit(*r, len))
                        return 2;
                    break;
                }
            } else {
                test::fill(buf.data(), len, 30, k);
                for (;;) {
                    auto r = f.ch.send(std::span(buf.data(), len), shm::no_wait);
                    if (r)
                        break;
                    if (r.error() != shm::errc::would_block)
                        return 3;
                }
            }
        }
        return 0;
    });
    ASSERT_GT(sender, 0);
    const pid_t receiver = fork_without_system_calls([&] {
        std::array<shm::view, 4> held;
        size_t n_held = 0;
        for (uint64_t k = 1; k <= count;) {
            const size_t len = lens[k % 7];
            shm_msg_info info{};
            const void *data = buf.data();
            size_t got = 0;
            if (k % 3 == 0) {
                auto n = f.ep.recv(buf, shm::no_wait, &info);
                if (!n && n.error() == shm::errc::would_block)
                    continue;
                if (!n)
                    return 1;
                got = *n;
            } else {
                auto v = f.ep.recv_view(shm::no_wait);
                if (!v && v.error() == shm::errc::would_block)
                    continue;
                if (!v)
                    return 1;
                info = v->info();
                data = v->data();
                got = v->size();
                held[n_held++] = *v;
            }
            if (info.seq != k + 1 || got != len)
                return 4;
            if (!test::matches(data, len, 30, k))
                return 5;
            if (n_held == held.size()) // newest first: out of order
                while (n_held > 0)
                    if (!f.ep.release(held[--n_held]))
                        return 6;
            ++k;
        }
        while (n_held > 0)
            if (!f.ep.release(held[--n_held]))
                return 6;
        return 0;
    });
    ASSERT_GT(receiver, 0);
    const int s = reap(sender);
    if (s != 0) // it will not get the rest
        ::kill(receiver, SIGKILL);
    const int r = reap(receiver);
    EXPECT_EQ(0, s) << "sender: " << describe(s);
    if (s == 0) {
        EXPECT_EQ(0, r) << "receiver: " << describe(r);
    }
}

TEST(DataPath, NoLostWakeUpWhenTheAdaptiveSpinRunsOut) {
    // As NoLostWakeUpInBlockingPingPong, in the adaptive mode: each side
    // answers after a random 0 to 400 us, around the spin budget (1 to
    // 100 us), so a waiter sometimes finds the message spinning and
    // sometimes gives up just before it comes: it sets its flag, re-checks
    // and sleeps, the window where a wake-up could be lost.
    const uint64_t key = test::unique_key(), back = test::unique_key();
    auto a = shm::endpoint::create(key, host_endpoint()).value();
    auto b = shm::endpoint::create(back, host_endpoint()).value();
    const int rounds = test::rounds(2000);
    auto pause_for = [](std::mt19937 &rng) {
        const auto d = std::chrono::microseconds(rng() % 400);
        if (d > 60us) {
            std::this_thread::sleep_for(d);
            return;
        }
        const auto end = std::chrono::steady_clock::now() + d;
        while (std::chrono::steady_clock::now() < end) {
        }
    };
    std::thread peer([&] {
        auto to_a = shm::channel::connect(key, host_channel()).value();
        std::mt19937 rng(21);
        std::array<std::byte, 64> buf;
        for (int i = 0; i < rounds; ++i) {
            auto n = b.recv(buf, 10s);
            ASSERT_TRUE(n) << "round " << i << ": " << shm::message(n.error());
            pause_for(rng);
            ASSERT_TRUE(to_a.send(std::span(buf.data(), *n)));
        }
    });
    auto to_b = shm::channel::connect(back, host_channel()).value();
    std::mt19937 rng(22);
    std::array<std::byte, 64> buf;
    for (int i = 0; i < rounds; ++i) {
        pause_for(rng);
        auto msg = payload(8, 31, uint64_t(i));
        ASSERT_TRUE(to_b.send(msg));
        auto n = a.recv(buf, 10s);
        ASSERT_TRUE(n) << "round " << i << ": " << shm::message(n.error());
        ASSERT_TRUE(test::matches(buf.data(), *n, 31, uint64_t(i)));
    }
    peer.join();
    // Both sides did go to sleep (the case under test) at least once.
    EXPECT_GT(a.stats().waits, 0U);
    EXPECT_GT(b.stats().waits, 0U);
}

TEST(DataPath, EpollWaitsForAMessageAndForRoomInOneSet) {
    pair_fixture f({{64, 2, 1, 0}});
    const int set = ::epoll_create1(EPOLL_CLOEXEC);
    ASSERT_GE(set, 0);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = 1;
    ASSERT_EQ(0, ::epoll_ctl(set, EPOLL_CTL_ADD, f.ep.fd(), &ev));
    ev.data.u32 = 2;
    ASSERT_EQ(0, ::epoll_ctl(set, EPOLL_CTL_ADD, f.ch.fd(), &ev));
    epoll_event got[4];
    std::array<std::byte, 64> buf;
    // The receiver waits for a message.
    auto armed = f.ep.arm();
    ASSERT_TRUE(armed);
    EXPECT_FALSE(*armed);
    EXPECT_EQ(0, ::epoll_wait(set, got, 4, 0));
    ASSERT_TRUE(f.ch.send(payload(10, 32, 0), shm::no_wait));
    ASSERT_EQ(1, ::epoll_wait(set, got, 4, 5000));
    EXPECT_EQ(1U, got[0].data.u32);
    ASSERT_TRUE(f.ep.recv(buf, shm::no_wait));
    EXPECT_EQ(0, ::epoll_wait(set, got, 4, 0)); // collected
    // The sender waits for room.
    ASSERT_TRUE(f.ch.send(payload(10, 32, 1), shm::no_wait));
    ASSERT_TRUE(f.ch.send(payload(10, 32, 2), shm::no_wait));
    armed = f.ch.arm(10);
    ASSERT_TRUE(armed);
    EXPECT_FALSE(*armed);
    EXPECT_EQ(0, ::epoll_wait(set, got, 4, 0));
    ASSERT_TRUE(f.ep.recv(buf, shm::no_wait));
    ASSERT_EQ(1, ::epoll_wait(set, got, 4, 5000));
    EXPECT_EQ(2U, got[0].data.u32);
    EXPECT_TRUE(f.ch.send(payload(10, 32, 3), shm::no_wait));
    ::close(set);
}

TEST(DataPath, SendersShareNoLockAStoppedSenderDelaysNoOther) {
    // One channel per sender: a sender stopped anywhere, even in the middle
    // of a message, holds nothing another needs. Sender A keeps a
    // reservation open with half its message written; sender B, a process
    // sending as fast as it can, is stopped by SIGSTOP wherever it is;
    // meanwhile sender C's 2,000 messages all arrive, in order and intact.
    const uint64_t key = test::unique_key();
    auto ep = shm::endpoint::create(key, host_endpoint()).value();
    auto a = shm::channel::connect(key, host_channel()).value();
    auto c = shm::channel::connect(key, host_channel()).value();
    auto res = a.reserve(3000);
    ASSERT_TRUE(res);
    std::vector<std::byte> whole = payload(3000, 40, 0);
    std::memcpy(res->data(), whole.data(), 1500);

    int up[2];
    ASSERT_EQ(0, ::pipe(up));
    const pid_t b = ::fork();
    if (b == 0) {
        auto ch = shm::channel::connect(key, host_channel());
        if (!ch)
            _exit(1);
        char one = 1;
        (void)!::write(up[1], &one, 1);
        std::vector<std::byte> msg(1000);
        for (uint64_t k = 0;; ++k) {
            const size_t len = 1 + k % 1000;
            test::fill(msg.data(), len, 41, k);
            while (!ch->send(std::span(msg.data(), len), shm::no_wait)) {
            }
        }
    }
    ASSERT_GT(b, 0);
    struct killer {
        pid_t pid;
        ~killer() {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    } b_guard{b};
    char one;
    ASSERT_EQ(1, ::read(up[0], &one, 1));
    ::close(up[0]);
    ::close(up[1]);

    const uint32_t a_slot = a.info().channel, c_slot = c.info().channel;
    uint64_t b_got = 0, c_got = 0;
    uint32_t b_slot = UINT32_MAX;
    bool a_got = false;
    std::vector<std::byte> buf(4096);
    auto receive = [&](shm::timeout t) {
        shm_msg_info info{};
        auto n = ep.recv(buf, t, &info);
        if (!n)
            return false;
        if (info.channel == c_slot) {
            EXPECT_EQ(c_got + 1, info.seq);
            EXPECT_TRUE(test::matches(buf.data(), *n, 42, c_got));
            ++c_got;
        } else if (info.channel == a_slot) {
            EXPECT_EQ(3000U, *n);
            EXPECT_TRUE(test::matches(buf.data(), *n, 40, 0));
            a_got = true;
        } else {
            EXPECT_TRUE(b_slot == UINT32_MAX || b_slot == info.channel);
            b_slot = info.channel;
            EXPECT_EQ(b_got + 1, info.seq);
            EXPECT_EQ(1 + b_got % 1000, *n);
            EXPECT_TRUE(test::matches(buf.data(), *n, 41, b_got));
            ++b_got;
        }
        return true;
    };
    // B runs for a while (at least 200 of its messages), then stops.
    for (int i = 0; i < 20000 && b_got < 200; ++i)
        receive(10ms);
    ASSERT_GE(b_got, 200U);
    ASSERT_EQ(0, ::kill(b, SIGSTOP));
    ASSERT_EQ(b, ::waitpid(b, nullptr, WUNTRACED));

    // C sends while A and B are stopped mid-way; a receive that finds
    // nothing would mean C waits for one of them.
    for (uint64_t k = 0; k < 2000; ++k) {
        const auto msg = payload(1 + k % 4000, 42, k);
        ASSERT_TRUE(c.send(msg, shm::no_wait)) << k;
        while (c_got <= k)
            ASSERT_TRUE(receive(shm::no_wait)) << "C's message " << k << " did not arrive";
    }
    EXPECT_EQ(2000U, c_got);
    // A finishes its message, which arrives whole.
    std::memcpy(static_cast<std::byte *>(res->data()) + 1500, whole.data() + 1500, 1500);
    ASSERT_TRUE(a.commit(*res, 3000));
    while (!a_got)
        ASSERT_TRUE(receive(shm::no_wait));
}
