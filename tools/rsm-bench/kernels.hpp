// The benchmark loops, after the OSU micro-benchmarks: ping-pong latency,
// windowed bandwidth (message rate comes from the same run) and
// bidirectional bandwidth. Each is run by both sides of a pair; side 0 times
// and reports. Templates over the endpoint so nothing virtual is timed.
#pragma once

#include "endpoint.hpp"
#include "payload.hpp"
#include "side.hpp"

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace rsm::bench {

inline constexpr std::size_t ack_size = 4;

// A transport that waits inside its own calls (libshm, in its own wait
// mode) is left to do so; the others are driven by try + idler.
template <class E>
concept waits_itself = requires(E &e, tx_cursor &t, rx_cursor &r, std::size_t n) {
    e.send_wait(t);
    e.recv_wait(r);
};

template <class E>
concept zero_copy_waits_itself = requires(E &e, std::size_t n) {
    { e.reserve_wait(n) } -> std::same_as<std::byte *>;
    { e.view_wait() } -> std::same_as<std::span<const std::byte>>;
};

template <endpoint E>
void send_copy(E &ep, const side_context &s, const std::byte *p, std::size_t n) {
    tx_cursor c{p, n, 0};
    if constexpr (waits_itself<E>) {
        ep.send_wait(c);
        return;
    }
    idler w(s.wait);
    for (;;) {
        std::size_t before = c.done;
        if (ep.try_send(c))
            return;
        if (c.done == before)
            w.idle([&] { ep.block(true, false); });
    }
}

template <endpoint E>
void recv_copy(E &ep, const side_context &s, std::byte *p, std::size_t n) {
    rx_cursor c{p, n, 0};
    if constexpr (waits_itself<E>) {
        ep.recv_wait(c);
    } else {
        idler w(s.wait);
        for (;;) {
            std::size_t before = c.done;
            if (ep.try_recv(c))
                break;
            if (c.done == before)
                w.idle([&] { ep.block(false, true); });
        }
    }
    if (c.done != n)
        die(s, "a message of " + std::to_string(c.done) + " bytes arrived where " +
                   std::to_string(n) + " were sent");
}

// The barrier of two sides in two machines: each sends the barrier's number
// and waits for the other's. At every barrier the tests have drained the
// transport both ways, so the next message in is the other side's token;
// any other means the two runs fell out of step, which is a failure.
// The token is awaited by polling every millisecond, not through the
// transport's wake-up: the last token of a pair is sent by a side that
// closes right after, and across two VMs the other side was seen asleep
// for good on it (the doorbell of a sender that closes at once can go
// unseen). Nothing here is timed.
template <endpoint E>
void exchange_token(E &ep, const side_context &s, uint64_t n) {
    std::byte out[sizeof n], in[sizeof n];
    std::memcpy(out, &n, sizeof n);
    send_copy(ep, s, out, sizeof out);
    rx_cursor c{in, sizeof in, 0};
    while (!ep.try_recv(c))
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (c.done != sizeof in)
        die(s, "a token of " + std::to_string(c.done) + " bytes arrived at a barrier");
    uint64_t got;
    std::memcpy(&got, in, sizeof got);
    if (got != n)
        die(s, "out of step with the other machine: barrier " + std::to_string(n) +
                   " met the other side's barrier " + std::to_string(got));
}

// Moves the messages of one size for one side: its buffers, the variant.
template <endpoint E>
class messenger {
  public:
    messenger(E &ep, const side_context &s, std::size_t size) : ep_(ep), s_(s), size_(size) {
        ep_.prepare(size);
        auto src = message_buffers::create(size, s.plan->working_set, 0);
        auto dst = message_buffers::create(size, s.plan->working_set, ep_.recv_slack());
        if (!src || !dst)
            die(s, (src ? dst.error() : src.error()).message);
        src_ = std::move(*src);
        dst_ = std::move(*dst);
        zero_copy_ = s.plan->var == variant::zero_copy;
        if constexpr (!zero_copy_endpoint<E>)
            if (zero_copy_)
                die(s, "this transport has no zero-copy interface");
    }

    // Work done before the timed interval of message k (copy + verify only).
    void stage(uint64_t k) {
        if (s_.plan->verify && !zero_copy_)
            stamp({src_.slot(k), size_}, k);
    }

    void out(uint64_t k) {
        if constexpr (zero_copy_endpoint<E>) {
            if (zero_copy_) {
                std::byte *p;
                if constexpr (zero_copy_waits_itself<E>) {
                    p = ep_.reserve_wait(size_);
                } else {
                    idler w(s_.wait);
                    while (!(p = ep_.try_reserve(size_)))
                        w.idle([&] { ep_.block(true, false); });
                }
                produce({p, size_}, k, s_.plan->verify);
                ep_.commit(size_);
                return;
            }
        }
        send_copy(ep_, s_, src_.slot(k), size_);
    }

    void in(uint64_t k) {
        if constexpr (zero_copy_endpoint<E>) {
            if (zero_copy_) {
                std::span<const std::byte> v;
                if constexpr (zero_copy_waits_itself<E>) {
                    v = ep_.view_wait();
                } else {
                    idler w(s_.wait);
                    while ((v = ep_.try_view()).empty())
                        w.idle([&] { ep_.block(false, true); });
                }
                check_view(v, k);
                ep_.release();
                return;
            }
        }
        recv_copy(ep_, s_, dst_.slot(k), size_);
        if (s_.plan->verify && !check({dst_.slot(k), size_}, k))
            verify_failed(s_, size_, k);
    }

    // Non-sleeping steps for the bidirectional test: true when message k is
    // complete; progressed is set when anything moved.
    bool try_out(uint64_t k, tx_cursor &c, bool &progressed) {
        if constexpr (zero_copy_endpoint<E>) {
            if (zero_copy_) {
                std::byte *p = ep_.try_reserve(size_);
                if (!p)
                    return false;
                produce({p, size_}, k, s_.plan->verify);
                ep_.commit(size_);
                progressed = true;
                return true;
            }
        }
        if (c.data == nullptr) {
            stage(k);
            c = {src_.slot(k), size_, 0};
        }
        std::size_t before = c.done;
        bool done = ep_.try_send(c);
        progressed |= c.done != before;
        if (done)
            c = {};
        return done;
    }

    bool try_in(uint64_t k, rx_cursor &c, bool &progressed) {
        if constexpr (zero_copy_endpoint<E>) {
            if (zero_copy_) {
                std::span<const std::byte> v = ep_.try_view();
                if (v.empty())
                    return false;
                check_view(v, k);
                ep_.release();
                progressed = true;
                return true;
            }
        }
        if (c.data == nullptr)
            c = {dst_.slot(k), size_, 0};
        std::size_t before = c.done;
        if (!ep_.try_recv(c)) {
            progressed |= c.done != before;
            return false;
        }
        progressed = true;
        if (c.done != size_)
            die(s_, "a message of " + std::to_string(c.done) + " bytes arrived where " +
                        std::to_string(size_) + " were sent");
        if (s_.plan->verify && !check({dst_.slot(k), size_}, k))
            verify_failed(s_, size_, k);
        c = {};
        return true;
    }

  private:
    void check_view(std::span<const std::byte> v, uint64_t k) {
        if (v.size() != size_)
            die(s_, "a message of " + std::to_string(v.size()) + " bytes arrived where " +
                        std::to_string(size_) + " were sent");
        if (!consume(v, k, s_.plan->verify))
            verify_failed(s_, size_, k);
    }

    E &ep_;
    const side_context &s_;
    std::size_t size_;
    message_buffers src_, dst_;
    bool zero_copy_ = false;
};

// The row side 0 reports for one size.
inline row make_row(const side_context &s, std::size_t size, uint64_t measured, double line_ns) {
    row r = s.base;
    r.size = size;
    r.iterations = measured;
    r.line_ns = line_ns;
    return r;
}

template <endpoint E>
void run_latency(E &ep, const side_context &s) {
    const tick_clock &clock = *s.clock;
    for (std::size_t size : s.plan->sizes) {
        messenger<E> m(ep, s, size);
        auto [warmup, measured] = s.plan->iterations(size);
        std::vector<uint64_t> ticks(s.initiator() ? measured : 0);
        s.barrier();
        double line_ns = s.probe_line();
        for (uint64_t i = 0; i < warmup + measured; i++) {
            if (!s.initiator()) {
                m.in(i);
                m.stage(i);
                m.out(i);
                continue;
            }
            m.stage(i);
            uint64_t t0 = clock.now();
            m.out(i);
            m.in(i);
            uint64_t t1 = clock.now();
            if (i >= warmup)
                ticks[i - warmup] = t1 - t0;
        }
        if (s.initiator()) {
            // One way = (round trip - timer overhead) / 2, every sample kept.
            std::vector<double> ns(ticks.size());
            uint64_t overhead = clock.overhead_ticks();
            for (std::size_t i = 0; i < ticks.size(); i++)
                ns[i] = clock.to_ns(
                            static_cast<double>(ticks[i] > overhead ? ticks[i] - overhead : 0)) /
                        2;
            row r = make_row(s, size, measured, line_ns);
            r.lat = summarize(ns);
            s.emit(r);
        }
        s.barrier();
    }
}

template <endpoint E>
void run_bandwidth(E &ep, const side_context &s) {
    const tick_clock &clock = *s.clock;
    const std::size_t window = s.plan->window;
    std::byte ack[ack_size] = {};
    for (std::size_t size : s.plan->sizes) {
        messenger<E> m(ep, s, size);
        auto [warmup, measured] = s.plan->iterations(size);
        s.barrier();
        double line_ns = s.probe_line();
        uint64_t k = 0, t0 = clock.now();
        for (uint64_t it = 0; it < warmup + measured; it++) {
            if (it == warmup)
                t0 = clock.now();
            if (s.initiator()) {
                for (std::size_t w = 0; w < window; w++, k++) {
                    m.stage(k);
                    m.out(k);
                }
                recv_copy(ep, s, ack, ack_size);
            } else {
                for (std::size_t w = 0; w < window; w++, k++)
                    m.in(k);
                send_copy(ep, s, ack, ack_size);
            }
        }
        uint64_t t1 = clock.now();
        if (s.initiator()) {
            double seconds = clock.to_ns(static_cast<double>(t1 - t0)) * 1e-9;
            double messages = static_cast<double>(measured * window);
            row r = make_row(s, size, measured * window, line_ns);
            r.msg_per_s = messages / seconds;
            r.mb_per_s = messages * static_cast<double>(size) / seconds * 1e-6;
            s.emit(r);
        }
        s.barrier();
    }
}

template <endpoint E>
void run_bidirectional(E &ep, const side_context &s) {
    const tick_clock &clock = *s.clock;
    const std::size_t window = s.plan->window;
    for (std::size_t size : s.plan->sizes) {
        messenger<E> m(ep, s, size);
        auto [warmup, measured] = s.plan->iterations(size);
        s.barrier();
        double line_ns = s.probe_line();
        uint64_t kt = 0, kr = 0, t0 = clock.now();
        for (uint64_t it = 0; it < warmup + measured; it++) {
            if (it == warmup)
                t0 = clock.now();
            // Both sides send a window and receive a window, interleaved, as
            // osu_bibw does with non-blocking sends and receives.
            std::size_t sent = 0, received = 0;
            tx_cursor tc;
            rx_cursor rc;
            idler w(s.wait);
            while (sent < window || received < window) {
                bool progressed = false;
                if (sent < window && m.try_out(kt, tc, progressed)) {
                    sent++;
                    kt++;
                }
                if (received < window && m.try_in(kr, rc, progressed)) {
                    received++;
                    kr++;
                }
                if (progressed)
                    w.reset();
                else
                    w.idle([&] { ep.block(sent < window, received < window); });
            }
        }
        uint64_t t1 = clock.now();
        if (s.initiator()) {
            double seconds = clock.to_ns(static_cast<double>(t1 - t0)) * 1e-9;
            double messages = 2.0 * static_cast<double>(measured * window);
            row r = make_row(s, size, measured * window, line_ns);
            r.msg_per_s = messages / seconds;
            r.mb_per_s = messages * static_cast<double>(size) / seconds * 1e-6;
            s.emit(r);
        }
        s.barrier();
    }
}

template <endpoint E>
void run_test(E &ep, const side_context &s) {
    switch (s.plan->test) {
    case test_kind::latency:
        return run_latency(ep, s);
    case test_kind::bandwidth:
        return run_bandwidth(ep, s);
    case test_kind::bidirectional:
        return run_bidirectional(ep, s);
    }
}

} // namespace rsm::bench
