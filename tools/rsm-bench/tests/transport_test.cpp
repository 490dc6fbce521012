// Every transport, driven by the real benchmark loops in two pinned
// processes, delivers every message intact, in order, in every mode and
// test (--verify stamps each message and checks it on arrival); and a
// transport that corrupts a byte is caught.
#include "affinity.hpp"
#include "floor_transport.hpp"
#include "kernels.hpp"
#include "libshm_transport.hpp"
#include "mqueue_transport.hpp"
#include "pair_runner.hpp"
#include "stream_transport.hpp"

#include <gtest/gtest.h>
#include <string>
#include <tuple>

using namespace rsm::bench;

namespace {

// Sizes that cross every boundary the transports have: inline in the
// floor's header line (<= 56 B) or not, a partial write on a stream, a
// queue message split in chunks, a floor ring with only a few slots.
const std::vector<std::size_t> sizes{1, 7, 56, 57, 64, 4096, 65537, 1 << 20};

std::array<int, 2> two_cpus() {
    auto cpus = allowed_cpus();
    if (cpus && cpus->size() >= 2)
        return {(*cpus)[0], (*cpus)[1]};
    return {0, 0}; // one CPU: both sides share it (slow, still correct)
}

struct harness {
    run_plan plan;
    tick_clock clock = *tick_clock::calibrate(clock_source::monotonic);
    wait_policy wait;

    harness(test_kind t, variant v, wait_mode m) {
        plan.test = t;
        plan.var = v;
        plan.sizes = sizes;
        plan.verify = true;
        plan.window = 8;
        plan.latency_small = plan.latency_large = {2, 20};
        plan.bandwidth_small = plan.bandwidth_large = {1, 3};
        wait.mode = m;
        wait.spin_ticks = clock.from_ns(2000);
    }

    template <class Pair>
    pair_outcome run(Pair &pair) {
        pair_spec spec;
        spec.label = "test";
        spec.cpus = two_cpus();
        spec.timeout_s = 120;
        spec.side_main = [&](int side, pair_control &c, int fd) {
            side_context s;
            s.index = side;
            s.clock = &clock;
            s.wait = wait;
            s.wait.clock = &clock;
            s.plan = &plan;
            s.control = &c;
            s.report_fd = fd;
            s.base.system = "test";
            s.base.test = std::string(to_string(plan.test));
            s.base.mode = std::string(to_string(wait.mode));
            s.base.variant = std::string(to_string(plan.var));
            if constexpr (requires { pair.endpoint(side, [] {}); }) {
                auto ep = pair.endpoint(side, [&] { s.barrier(); });
                run_test(ep, s);
            } else {
                auto ep = pair.endpoint(side);
                run_test(ep, s);
            }
            return 0;
        };
        auto out = run_pair(spec);
        EXPECT_TRUE(out) << out.error().message;
        return out ? *out : pair_outcome{};
    }
};

void expect_clean(const pair_outcome &o, const harness &h) {
    EXPECT_EQ(o.error, "");
    ASSERT_EQ(o.rows.size(), sizes.size());
    for (std::size_t i = 0; i < sizes.size(); i++) {
        EXPECT_EQ(o.rows[i].size, sizes[i]);
        if (h.plan.test == test_kind::latency) {
            EXPECT_EQ(o.rows[i].lat.count, 20u);
            EXPECT_GT(o.rows[i].lat.max, 0);
            EXPECT_LE(o.rows[i].lat.min, o.rows[i].lat.p50);
        } else {
            EXPECT_GT(o.rows[i].mb_per_s, 0);
        }
    }
}

using param = std::tuple<test_kind, wait_mode>;

std::string param_name(const testing::TestParamInfo<param> &info) {
    std::string n = std::string(to_string(std::get<0>(info.param))) + "_" +
                    std::string(to_string(std::get<1>(info.param)));
    for (char &c : n)
        if (c == '-')
            c = '_';
    return n;
}

class Transport : public testing::TestWithParam<param> {};

} // namespace

TEST_P(Transport, FloorCopyDeliversEveryMessageIntact) {
    auto [t, m] = GetParam();
    harness h(t, variant::copy, m);
    auto p = floor_pair::create(h.plan.max_size(), m);
    ASSERT_TRUE(p);
    expect_clean(h.run(*p), h);
}

TEST_P(Transport, FloorZeroCopyDeliversEveryMessageIntact) {
    auto [t, m] = GetParam();
    harness h(t, variant::zero_copy, m);
    auto p = floor_pair::create(h.plan.max_size(), m);
    ASSERT_TRUE(p);
    expect_clean(h.run(*p), h);
}

TEST_P(Transport, LibshmCopyDeliversEveryMessageIntact) {
    auto [t, m] = GetParam();
    harness h(t, variant::copy, m);
    auto p = libshm_pair::create(SHM_BACKEND_HOST, m);
    ASSERT_TRUE(p) << p.error().message;
    expect_clean(h.run(*p), h);
}

TEST_P(Transport, LibshmZeroCopyDeliversEveryMessageIntact) {
    auto [t, m] = GetParam();
    harness h(t, variant::zero_copy, m);
    auto p = libshm_pair::create(SHM_BACKEND_HOST, m);
    ASSERT_TRUE(p) << p.error().message;
    expect_clean(h.run(*p), h);
}

TEST_P(Transport, StreamsDeliverEveryMessageIntact) {
    auto [t, m] = GetParam();
    for (stream_kind k : {stream_kind::pipe, stream_kind::unix_socket, stream_kind::tcp}) {
        SCOPED_TRACE(std::string(to_string(k)));
        harness h(t, variant::copy, m);
        auto p = stream_pair::create(k, m, t);
        ASSERT_TRUE(p) << p.error().message;
        expect_clean(h.run(*p), h);
    }
}

TEST_P(Transport, MessageQueuesDeliverEveryMessageIntact) {
    auto [t, m] = GetParam();
    harness h(t, variant::copy, m);
    auto p = mqueue_pair::create(h.plan.max_size(), m, t);
    ASSERT_TRUE(p) << p.error().message;
    expect_clean(h.run(*p), h);
}

INSTANTIATE_TEST_SUITE_P(AllTestsAllModes, Transport,
                         testing::Combine(testing::ValuesIn(all_tests),
                                          testing::ValuesIn(all_wait_modes)),
                         param_name);

namespace {

// A floor endpoint that flips one byte of the 3rd message it receives.
class corrupting_endpoint : public floor_endpoint {
  public:
    explicit corrupting_endpoint(const floor_endpoint &e) : floor_endpoint(e) {}
    bool try_recv(rx_cursor &c) noexcept {
        if (!floor_endpoint::try_recv(c))
            return false;
        if (++received_ == 3)
            c.data[c.size / 2] ^= std::byte{1};
        return true;
    }

  private:
    int received_ = 0;
};

struct corrupting_pair {
    floor_pair inner;
    corrupting_endpoint endpoint(int side) const {
        return corrupting_endpoint(inner.endpoint(side));
    }
};

} // namespace

TEST(Verify, ACorruptedByteIsCaught) {
    harness h(test_kind::latency, variant::copy, wait_mode::busy_poll);
    h.plan.sizes = {4096};
    auto p = floor_pair::create(4096, wait_mode::busy_poll);
    ASSERT_TRUE(p);
    corrupting_pair cp{std::move(*p)};
    pair_outcome o = h.run(cp);
    EXPECT_TRUE(o.verify_failed);
    EXPECT_NE(o.error.find("failed"), std::string::npos) << o.error;
    EXPECT_TRUE(o.rows.empty());
}

TEST(Supervisor, AHungPairIsKilledAtTheTimeLimit) {
    pair_spec spec;
    spec.label = "hang";
    spec.cpus = two_cpus();
    spec.timeout_s = 0.5;
    spec.side_main = [](int, pair_control &, int) {
        for (;;)
            pause();
        return 0;
    };
    auto o = run_pair(spec);
    ASSERT_TRUE(o);
    EXPECT_TRUE(o->timed_out);
    EXPECT_FALSE(o->verify_failed);
}

TEST(Supervisor, ASideThatDiesTakesThePairDownWithItsStatus) {
    pair_spec spec;
    spec.label = "die";
    spec.cpus = two_cpus();
    spec.timeout_s = 30;
    spec.side_main = [](int side, pair_control &c, int) {
        if (side == 1)
            return 7;
        c.barrier.arrive_and_wait(); // the peer never arrives
        return 0;
    };
    auto o = run_pair(spec);
    ASSERT_TRUE(o);
    EXPECT_FALSE(o->timed_out);
    EXPECT_EQ(o->error, "side 1 failed (exit status 7)");
}
