// Endpoint and channel lifetimes over the host backend: keys, channel
// slots, senders that close or die (slot reclaim), receivers that close or
// die (senders fail, never hang). Processes are forked where a death must
// be real.
#include "test_util.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <gtest/gtest.h>
#include <libshm/shm.hpp>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;
using test::second;

namespace {

shm::endpoint::options host_endpoint(uint32_t channels = 0,
                                     shm_wait_mode mode = SHM_WAIT_ADAPTIVE) {
    shm::endpoint::options o;
    o.backend = SHM_BACKEND_HOST;
    o.wait_mode = mode;
    o.max_channels = channels;
    return o;
}

shm::channel::options host_channel(shm::timeout slot_timeout = shm::no_wait,
                                   shm_wait_mode mode = SHM_WAIT_ADAPTIVE) {
    shm::channel::options o;
    o.backend = SHM_BACKEND_HOST;
    o.wait_mode = mode;
    o.slot_timeout = slot_timeout;
    return o;
}

std::array<std::byte, 64> small(uint64_t k) {
    std::array<std::byte, 64> b;
    test::fill(b.data(), b.size(), 99, k);
    return b;
}

// A pipe to hear from a forked child that it reached a point.
struct rendezvous {
    int fd[2];
    rendezvous() { EXPECT_EQ(0, ::pipe(fd)); }
    ~rendezvous() {
        ::close(fd[0]);
        ::close(fd[1]);
    }
    void tell() {
        char c = 1;
        (void)!::write(fd[1], &c, 1);
    }
    bool heard() {
        char c;
        return ::read(fd[0], &c, 1) == 1;
    }
};

// Keeps receiving on a thread so that slots get reclaimed while the test
// connects; counts what it got.
struct receiver_thread {
    shm::endpoint &ep;
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> got{0};
    std::atomic<uint32_t> marks{0}; // bit i: small(1000 + i) arrived
    std::thread t;
    explicit receiver_thread(shm::endpoint &e) : ep(e) {
        t = std::thread([this] {
            std::array<std::byte, 1 << 16> buf;
            while (!stop) {
                auto n = ep.recv(buf, 5ms);
                if (!n)
                    continue;
                ++got;
                for (uint32_t i = 0; i < 2; ++i)
                    if (*n == 64 && test::matches(buf.data(), 64, 99, 1000 + i))
                        marks |= 1U << i;
            }
        });
    }
    ~receiver_thread() {
        stop = true;
        t.join();
    }
};

} // namespace

TEST(Lifecycle, AKeyHeldByALiveEndpointIsRefused) {
    const uint64_t key = test::unique_key();
    auto a = shm::endpoint::create(key, host_endpoint());
    ASSERT_TRUE(a);
    EXPECT_EQ(shm::errc::exists, test::err_of(shm::endpoint::create(key, host_endpoint())));
}

TEST(Lifecycle, FilesOfAKilledEndpointAreReplaced) {
    const uint64_t key = test::unique_key();
    rendezvous r;
    const pid_t child = fork();
    if (child == 0) {
        auto ep = shm::endpoint::create(key, host_endpoint());
        r.tell();
        pause();
        _exit(0);
    }
    ASSERT_TRUE(r.heard());
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    // Its files are still in /dev/shm, its doorbell is gone with it.
    auto ep = shm::endpoint::create(key, host_endpoint());
    ASSERT_TRUE(ep) << shm::message(ep.error());
    auto ch = shm::channel::connect(key, host_channel());
    ASSERT_TRUE(ch);
    ASSERT_TRUE(ch->send(small(0)));
    std::array<std::byte, 64> buf;
    EXPECT_TRUE(ep->recv(buf, 1s));
}

TEST(Lifecycle, ConnectingToAMissingKeyIsENOENT) {
    EXPECT_EQ(shm::errc::not_found,
              test::err_of(shm::channel::connect(test::unique_key(), host_channel())));
}

TEST(Lifecycle, EverySlotTakenIsEBUSY) {
    const uint64_t key = test::unique_key();
    auto ep = shm::endpoint::create(key, host_endpoint(2)).value();
    auto a = shm::channel::connect(key, host_channel());
    auto b = shm::channel::connect(key, host_channel());
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->info().channel, b->info().channel);
    EXPECT_EQ(shm::errc::busy, test::err_of(shm::channel::connect(key, host_channel())));
    EXPECT_EQ(shm::errc::busy, test::err_of(shm::channel::connect(key, host_channel(20ms))));
}

TEST(Lifecycle, AClosedSendersMessagesAreDeliveredAndItsSlotReused) {
    const uint64_t key = test::unique_key();
    auto ep = shm::endpoint::create(key, host_endpoint(1)).value();
    {
        auto ch = shm::channel::connect(key, host_channel()).value();
        for (uint64_t k = 0; k < 10; ++k)
            ASSERT_TRUE(ch.send(small(k)));
    } // closed with ten messages unread
    std::array<std::byte, 64> buf;
    for (uint64_t k = 0; k < 10; ++k) {
        shm_msg_info info{};
        ASSERT_TRUE(ep.recv(buf, shm::no_wait, &info)) << k;
        EXPECT_EQ(k + 1, info.seq);
        EXPECT_TRUE(test::matches(buf.data(), 64, 99, k));
    }
    EXPECT_EQ(shm::errc::would_block, test::err_of(ep.recv(buf, shm::no_wait)));
    EXPECT_EQ(1U, ep.stats().reclaimed);
    // the slot is free again, reset: sequence numbers start over
    auto again = shm::channel::connect(key, host_channel());
    ASSERT_TRUE(again);
    ASSERT_TRUE(again->send(small(50)));
    shm_msg_info info{};
    ASSERT_TRUE(ep.recv(buf, shm::no_wait, &info));
    EXPECT_EQ(1U, info.seq);
}

TEST(Lifecycle, ASlotIsNotReusedWhileAViewOfItIsHeld) {
    const uint64_t key = test::unique_key();
    auto ep = shm::endpoint::create(key, host_endpoint(1)).value();
    {
        auto ch = shm::channel::connect(key, host_channel()).value();
        ASSERT_TRUE(ch.send(small(0)));
    }
    auto v = ep.recv_view(shm::no_wait);
    ASSERT_TRUE(v);
    std::array<std::byte, 64> buf;
    EXPECT_EQ(shm::errc::would_block, test::err_of(ep.recv(buf, shm::no_wait)));
    EXPECT_EQ(shm::errc::busy, test::err_of(shm::channel::connect(key, host_channel())));
    EXPECT_TRUE(test::matches(v->data(), 64, 99, 0)); // still intact
    ASSERT_TRUE(ep.release(*v));
    EXPECT_TRUE(shm::channel::connect(key, host_channel()));
}

TEST(Lifecycle, AKilledSendersSlotIsReclaimedWhenAnotherSenderNeedsIt) {
    const uint64_t key = test::unique_key();
    auto ep = shm::endpoint::create(key, host_endpoint(2)).value();
    auto live = shm::channel::connect(key, host_channel()).value();
    rendezvous r;
    const pid_t child = fork();
    if (child == 0) {
        auto ch = shm::channel::connect(key, host_channel());
        if (!ch)
            _exit(1);
        r.tell();
        for (uint64_t k = 0;; ++k) // until killed, mid-send
            (void)ch->send(small(k), shm::no_wait);
    }
    ASSERT_TRUE(r.heard());
    std::this_thread::sleep_for(20ms);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    {
        receiver_thread rx(ep);
        // Both slots are claimed; this connect asks the receiver to look for
        // dead senders and waits for the slot.
        auto late = shm::channel::connect(key, host_channel(5s));
        ASSERT_TRUE(late) << shm::message(late.error());
        EXPECT_NE(live.info().channel, late->info().channel);
        ASSERT_TRUE(live.send(small(1000)));
        ASSERT_TRUE(late->send(small(1001)));
        for (int i = 0; i < 2500 && rx.marks != 3; ++i)
            std::this_thread::sleep_for(2ms);
        EXPECT_EQ(3U, rx.marks) << "both senders' messages arrived";
    }
    // The killed sender's slot, then the late one's, closed on leaving the
    // block (this idle receive finishes reclaiming it if the thread had no
    // time to).
    std::array<std::byte, 64> buf;
    (void)ep.recv(buf, shm::no_wait);
    EXPECT_EQ(2U, ep.stats().reclaimed);
}

TEST(Lifecycle, ClosingTheEndpointFailsTheNextSendWithEIDRM) {
    const uint64_t key = test::unique_key();
    auto ep = std::make_unique<shm::endpoint>(shm::endpoint::create(key, host_endpoint()).value());
    auto ch = shm::channel::connect(key, host_channel()).value();
    ASSERT_TRUE(ch.send(small(0)));
    ep.reset();
    EXPECT_EQ(shm::errc::revoked, test::err_of(ch.send(small(1))));
    EXPECT_EQ(shm::errc::revoked, test::err_of(ch.reserve(10)));
}

TEST(Lifecycle, ClosingTheEndpointWakesASenderBlockedForRoom) {
    const uint64_t key = test::unique_key();
    shm::endpoint::options o = host_endpoint(1, SHM_WAIT_BLOCK);
    o.groups = {{64, 2, 1, 0}};
    auto ep = std::make_unique<shm::endpoint>(shm::endpoint::create(key, o).value());
    auto ch = shm::channel::connect(key, host_channel(shm::no_wait, SHM_WAIT_BLOCK)).value();
    ASSERT_TRUE(ch.send(small(0)));
    ASSERT_TRUE(ch.send(small(1)));
    std::atomic<int> err{0};
    std::thread sender([&] {
        auto r = ch.send(small(2), 10s);
        err = r ? 0 : int(r.error());
    });
    std::this_thread::sleep_for(30ms);
    const auto t0 = std::chrono::steady_clock::now();
    ep.reset();
    sender.join();
    EXPECT_EQ(EIDRM, err);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST(Lifecycle, AKilledReceiverFailsItsSendersNeverHangs) {
    const uint64_t key = test::unique_key();
    shm::endpoint::options o = host_endpoint(2, SHM_WAIT_BLOCK);
    o.groups = {{64, 4, 1, 0}};
    rendezvous r;
    const pid_t child = fork();
    if (child == 0) {
        auto ep = shm::endpoint::create(key, o);
        if (!ep)
            _exit(1);
        // The receiver goes to sleep on its doorbell (armed) and receives
        // nothing: the senders' segments fill up.
        auto armed = ep->arm();
        if (!armed || *armed) // a message already there: it would not sleep
            _exit(2);
        r.tell();
        for (;;)
            pause();
    }
    ASSERT_TRUE(r.heard());
    auto blocked = shm::channel::connect(key, host_channel(shm::no_wait, SHM_WAIT_BLOCK)).value();
    auto idle = shm::channel::connect(key, host_channel()).value();
    int sent = 0;
    while (blocked.send(small(uint64_t(sent)), shm::no_wait))
        ++sent;
    EXPECT_EQ(4, sent);
    std::atomic<int> err{-1};
    std::thread t([&] {
        auto res = blocked.send(small(99), 30s);
        err = res ? 0 : int(res.error());
    });
    std::this_thread::sleep_for(50ms);
    const auto t0 = std::chrono::steady_clock::now();
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    t.join();
    EXPECT_EQ(EIDRM, err) << "blocked sender";
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    // The other sender: the receiver was asleep, so its next send rings a
    // doorbell nobody holds any more.
    EXPECT_EQ(shm::errc::revoked, test::err_of(idle.send(small(100))));
    // Creating the key again replaces the dead endpoint's files (and
    // removes them when it closes).
    EXPECT_TRUE(shm::endpoint::create(key, o));
}
