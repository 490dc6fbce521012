// xfer.cpp - receiving with full verification, sending in place.
#include "xfer.hpp"

#include <cstdio>
#include <thread>
#include <time.h>

namespace rsm::xfer {
namespace {

using namespace std::chrono_literals;

double since(std::int64_t t0) {
    return double(now_ns() - t0) * 1e-9;
}

std::string why(shm::errc e) {
    return shm::message(e);
}

} // namespace

std::int64_t now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

xfer_result<shm::endpoint> make_endpoint(std::uint64_t key, shm_backend backend) {
    shm::endpoint::options eo;
    eo.backend = backend;
    eo.max_channels = 1; // one sender: keeps the segments within one arena
    auto ep = shm::endpoint::create(key, eo);
    if (!ep) {
        return std::unexpected(
            xfer_error{xfer_errc::setup, "cannot create the endpoint: " + why(ep.error())});
    }
    return std::move(*ep);
}

xfer_result<receive_report> receive_on(shm::endpoint &ep, const receive_options &o) {
    const shm_info info = ep.info();
    receive_report r{0, 0, 0, 0, group_table({info.groups, info.group_count}), {}};
    std::int64_t t0 = 0, idle_since = now_ns();
    while (r.messages < o.count) {
        if (o.stop != nullptr && o.stop->load(std::memory_order_relaxed)) {
            break;
        }
        auto v = ep.recv_view(100ms);
        if (!v) {
            if (v.error() != shm::errc::timed_out) {
                return std::unexpected(
                    xfer_error{xfer_errc::setup, "receive failed: " + why(v.error())});
            }
            if (now_ns() - idle_since > std::chrono::nanoseconds(o.idle_timeout).count()) {
                return std::unexpected(xfer_error{
                    xfer_errc::timed_out, "only " + std::to_string(r.messages) + " of " +
                                              std::to_string(o.count) + " messages arrived"});
            }
            continue;
        }
        idle_since = r.last_ns = now_ns();
        if (t0 == 0) {
            t0 = r.last_ns;
        }
        const std::uint64_t want = r.messages + 1;
        if (v->info().seq != want) {
            return std::unexpected(xfer_error{xfer_errc::out_of_sequence,
                                              "message " + std::to_string(v->info().seq) +
                                                  " arrived where " + std::to_string(want) +
                                                  " was due: lost, repeated or reordered"});
        }
        if (std::string bad = check_message(o.load, want, v->bytes()); !bad.empty()) {
            return std::unexpected(xfer_error{xfer_errc::corrupt, bad});
        }
        r.table.record(v->info().group, v->bytes().size());
        ++r.messages;
        r.bytes += v->bytes().size();
        (void)ep.release(*v);
        if (r.messages == o.notify_after && o.on_count != nullptr) {
            o.on_count(o.on_count_arg);
        }
    }
    r.seconds = t0 != 0 ? double(r.last_ns - t0) * 1e-9 : 0;
    r.stats = ep.stats();
    return r;
}

xfer_result<receive_report> receive(const receive_options &o) {
    auto ep = make_endpoint(o.key, o.backend);
    if (!ep) {
        return std::unexpected(ep.error());
    }
    return receive_on(*ep, o);
}

xfer_result<send_report> send(const send_options &o) {
    shm::channel::options co;
    co.backend = o.backend;
    co.node = o.node;
    const std::int64_t deadline = now_ns() + std::chrono::nanoseconds(o.connect_timeout).count();
    std::optional<shm::channel> ch;
    shm::errc last = shm::errc::not_found;
    while (!ch) {
        auto c = shm::channel::connect(o.key, co);
        if (c) {
            ch.emplace(std::move(*c));
            break;
        }
        last = c.error();
        // Not there yet (no endpoint, node not up yet): try again.
        const bool transient = last == shm::errc::not_found || last == shm::errc::host_down ||
                               last == shm::errc::busy || int(last) == ENXIO;
        if (!transient || now_ns() > deadline) {
            return std::unexpected(
                xfer_error{transient ? xfer_errc::timed_out : xfer_errc::setup,
                           "cannot connect to key " + std::to_string(o.key) + ": " + why(last)});
        }
        std::this_thread::sleep_for(100ms);
    }

    if (o.announce) {
        std::fprintf(stderr, "rsm-xfer: connected to key %#llx on node %u\n",
                     (unsigned long long)o.key, o.node);
    }
    if (o.on_connected != nullptr) {
        o.on_connected(o.on_connected_arg);
    }
    send_report r;
    const std::int64_t t0 = now_ns();
    for (std::uint64_t seq = 1; seq <= o.count; ++seq) {
        if (o.stop != nullptr && o.stop->load(std::memory_order_relaxed)) {
            break;
        }
        const std::uint64_t len = message_size(o.load, seq);
        auto res = ch->reserve(len, o.room_timeout);
        if (res) {
            fill_message(res->bytes(), o.load.seed, seq);
            if (auto c = ch->commit(*res, len); !c) {
                res = std::unexpected(c.error());
            }
        }
        if (!res) {
            r.failed = res.error();
            r.failed_ns = now_ns();
            break;
        }
        ++r.messages;
        r.bytes += len;
    }
    r.seconds = since(t0);
    r.stats = ch->stats();
    return r;
}

} // namespace rsm::xfer
