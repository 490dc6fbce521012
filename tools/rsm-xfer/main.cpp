// main.cpp - rsm-xfer: move verified messages of mixed sizes over libshm,
// between processes or between nodes; the receiver prints what each segment
// group carried. Used by make demo and the two-node tests.
#include "options.hpp"
#include "peer_watch.hpp"
#include "xfer.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace {

using namespace rsm::xfer;

constexpr const char *prog = "rsm-xfer";

int fail(const std::string &what, int status = 1) {
    std::fprintf(stderr, "%s: %s\n", prog, what.c_str());
    return status;
}

void print_received(const receive_report &r) {
    std::printf("%s: received %llu messages, %llu bytes in %.2f s (%.1f MB/s); every length, "
                "checksum and sequence number verified\n",
                prog, (unsigned long long)r.messages, (unsigned long long)r.bytes, r.seconds,
                r.seconds > 0 ? double(r.bytes) / r.seconds / 1e6 : 0.0);
    std::fputs(r.table.format().c_str(), stdout);
}

void print_sent(const send_report &s) {
    std::printf("%s: sent %llu messages, %llu bytes in %.2f s; the library placed %llu in a "
                "larger partition size than preferred, slept %llu times, rang %llu doorbells\n",
                prog, (unsigned long long)s.messages, (unsigned long long)s.bytes, s.seconds,
                (unsigned long long)s.stats.fallbacks, (unsigned long long)s.stats.waits,
                (unsigned long long)s.stats.doorbells);
}

void write_report(const std::string &path, const receive_report *r, const send_report *s) {
    if (path.empty()) {
        return;
    }
    std::ofstream out(path);
    if (r != nullptr) {
        out << "received=" << r->messages << "\nreceived_bytes=" << r->bytes
            << "\nreceived_fallbacks=" << r->table.total().fallbacks << "\n";
    }
    if (s != nullptr) {
        out << "sent=" << s->messages << "\nsent_bytes=" << s->bytes
            << "\nsent_fallbacks=" << s->stats.fallbacks << "\n";
    }
}

workload load_of(const options &o, std::uint64_t seed) {
    return {seed, o.min_size, o.max_size};
}

receive_options recv_opts(const options &o) {
    receive_options ro;
    ro.key = o.key;
    ro.count = o.count;
    ro.load = load_of(o, o.peer_seed);
    ro.backend = o.backend;
    ro.idle_timeout = std::chrono::seconds(o.timeout_s);
    return ro;
}

send_options send_opts(const options &o) {
    send_options so;
    so.node = o.node;
    so.key = o.key;
    so.count = o.count;
    so.load = load_of(o, o.seed);
    so.backend = o.backend;
    so.connect_timeout = std::chrono::seconds(o.timeout_s);
    so.room_timeout = std::chrono::seconds(o.timeout_s);
    so.announce = true;
    return so;
}

// Asks the runner to kill the peer (tools/vm/rsm-vm2 --kill), once both
// the peer's messages counted (the receiver thread) and our own channel to
// the peer is up (this thread): the peer's death must end a channel of
// ours. Asking on the count alone let a fast peer be killed before our
// connect had found its endpoint, and the connect then waited for ever.
struct kill_request {
    std::string path;
    std::atomic<std::int64_t> at{0};
    // seq_cst: each side stores its flag, then loads the other's; at least
    // one of them sees both set (no store-load reordering), and fired
    // makes sure only one asks.
    std::atomic<bool> counted{false};
    std::atomic<bool> connected{false};
    std::atomic<bool> fired{false};
    void fire_if_both() {
        if (counted.load() && connected.load() && !fired.exchange(true)) {
            at.store(now_ns());
            std::ofstream(path) << "kill\n";
        }
    }
    static void on_count(void *arg) {
        auto *k = static_cast<kill_request *>(arg);
        k->counted.store(true);
        k->fire_if_both();
    }
    static void on_connected(void *arg) {
        auto *k = static_cast<kill_request *>(arg);
        k->connected.store(true);
        k->fire_if_both();
    }
};

int run_both(const options &o) {
    auto ep = make_endpoint(o.key, o.backend); // before the peer connects to it
    if (!ep) {
        return fail(ep.error().what);
    }
    std::fprintf(stderr, "%s: endpoint %#llx ready\n", prog, (unsigned long long)o.key);
    std::atomic<bool> stop{false};
    kill_request kill;
    receive_options ro = recv_opts(o);
    ro.stop = &stop;
    if (o.kill_after != 0) {
        const char *dir = std::getenv("RSM_PAIR_DIR");
        if (dir == nullptr) {
            return fail("--kill-file needs RSM_PAIR_DIR (run under tools/vm/rsm-vm2)", 2);
        }
        kill.path = std::string(dir) + "/" + o.kill_file;
        ro.notify_after = o.kill_after;
        ro.on_count = &kill_request::on_count;
        ro.on_count_arg = &kill;
        ro.count = UINT64_MAX; // until the peer is gone
    }
    std::unique_ptr<peer_watch> watch;
    if (o.expect_peer_death) {
        watch = peer_watch::start(o.node);
        if (!watch) {
            return fail("--expect-peer-death: no rsm_ivshmem node " + std::to_string(o.node) +
                        " in sysfs");
        }
    }
    xfer_result<receive_report> rr = std::unexpected(xfer_error{xfer_errc::setup, "not run"});
    std::thread receiver([&] { rr = receive_on(*ep, ro); });
    send_options so = send_opts(o);
    if (o.expect_peer_death) {
        so.count = UINT64_MAX;
    }
    if (o.kill_after != 0) {
        so.on_connected = &kill_request::on_connected;
        so.on_connected_arg = &kill;
    }
    auto sr = send(so);
    if (o.expect_peer_death || (sr && sr->failed)) {
        stop = true; // nothing more will come; otherwise receive them all
    }
    receiver.join();
    if (!sr) {
        return fail(sr.error().what);
    }
    print_sent(*sr);
    if (o.expect_peer_death) {
        if (!sr->failed) {
            return fail("the peer never went away: sending did not fail");
        }
        const std::int64_t killed_at = kill.at.load();
        if (killed_at == 0 || sr->failed_ns < killed_at) {
            return fail("sending failed (" + shm::message(*sr->failed) +
                        ") before the peer's death was asked for");
        }
        const double after_beat = double(sr->failed_ns - watch->last_beat_ns()) * 1e-6;
        const double after_kill = double(sr->failed_ns - killed_at) * 1e-6;
        const double down =
            watch->down_ns() ? double(watch->down_ns() - watch->last_beat_ns()) * 1e-6 : -1;
        std::printf("%s: peer node %u: last heartbeat seen, then declared down after %.0f ms "
                    "(state now '%s'); sending failed with '%s' %.0f ms after its last heartbeat "
                    "(%.0f ms after the kill was asked for)\n",
                    prog, o.node, down, watch->state().c_str(), shm::message(*sr->failed).c_str(),
                    after_beat, after_kill);
        if (watch->state() != "down" || after_beat > 1000 || down < 0) {
            return fail("the peer's death was not reported within 1 s");
        }
        if (rr) {
            print_received(*rr);
        }
        return 0;
    }
    if (sr->failed) {
        return fail("sending failed after " + std::to_string(sr->messages) +
                    " messages: " + shm::message(*sr->failed));
    }
    if (!rr) {
        return fail(rr.error().what);
    }
    print_received(*rr);
    write_report(o.report, &*rr, &*sr);
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    auto o = parse_options({argv + 1, std::size_t(argc - 1)});
    if (!o) {
        return fail(o.error(), 2);
    }
    if (o->help) {
        std::fputs(usage().c_str(), stdout);
        return 0;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    switch (o->mode) {
    case mode::recv: {
        auto ep = make_endpoint(o->key, o->backend);
        if (!ep) {
            return fail(ep.error().what);
        }
        std::fprintf(stderr, "%s: endpoint %#llx ready for %llu messages\n", prog,
                     (unsigned long long)o->key, (unsigned long long)o->count);
        auto r = receive_on(*ep, recv_opts(*o));
        if (!r) {
            return fail(r.error().what);
        }
        print_received(*r);
        write_report(o->report, &*r, nullptr);
        return 0;
    }
    case mode::send: {
        auto s = send(send_opts(*o));
        if (!s) {
            return fail(s.error().what);
        }
        print_sent(*s);
        write_report(o->report, nullptr, &*s);
        if (s->failed) {
            return fail("sending failed after " + std::to_string(s->messages) +
                        " messages: " + shm::message(*s->failed));
        }
        return 0;
    }
    case mode::both:
        return run_both(*o);
    }
    return 1;
}
