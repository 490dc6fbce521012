#include "runner.hpp"

#include "affinity.hpp"
#include "csv.hpp"
#include "floor_transport.hpp"
#include "kernels.hpp"
#include "libshm_transport.hpp"
#include "machine.hpp"
#include "mqueue_transport.hpp"
#include "pair_runner.hpp"
#include "stream_transport.hpp"
#include "ucx_peer.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace rsm::bench {

const std::vector<system_info> &known_systems() {
    static const std::vector<system_info> systems{
        {"libshm", "rsm's data path, host backend (segments in /dev/shm)", true, true},
        {"libshm-kernel", "rsm's data path over /dev/rsmdev (rsmdev.ko loaded)", true, true},
        {"libshm-ivshmem",
         "rsm's data path between two VMs over ivshmem, one side in each (--peer-node, --side)",
         true, true, true, true, true, true},
        {"floor", "raw shared-memory ring: copy in, flag, copy out (the speed of light)", true,
         true},
        {"pipe", "a pipe each way (1 MiB pipe buffers)"},
        {"unix", "Unix-domain stream socketpair"},
        {"tcp", "TCP over loopback, TCP_NODELAY"},
        {"mqueue", "POSIX message queues, one each way"},
        {"ucx", "ucx_perftest tag_lat/tag_bw, UCX_TLS=posix,self", false, false, true, true, false},
        {"memcpy", "one core copying (reference for bandwidth)", false, false, false, true, false},
    };
    return systems;
}

const system_info *find_system(std::string_view name) {
    for (const auto &s : known_systems())
        if (s.name == name)
            return &s;
    return nullptr;
}

bool system_available(const system_info &s) {
    if (s.name == "ucx")
        return ucx_available();
    if (s.name == "libshm-kernel")
        return libshm_kernel_available();
    if (s.name == "libshm-ivshmem")
        return libshm_ivshmem_available();
    return true;
}

namespace {

bool supports(const system_info &s, test_kind t) {
    switch (t) {
    case test_kind::latency:
        return s.latency;
    case test_kind::bandwidth:
        return s.bandwidth;
    case test_kind::bidirectional:
        return s.bidirectional;
    }
    return false;
}

struct job {
    const system_info *system;
    run_plan plan;
    wait_policy wait;
    tick_clock clock;
    std::array<int, 2> cpus;
    double timeout_s;
    row base;
    const run_options *opt;

    std::string label() const {
        return base.system + " " + base.test + " " + base.mode + " " + base.variant;
    }

    side_context context(int side, pair_control &c, int report_fd) const {
        side_context s;
        s.index = side;
        s.clock = &clock;
        s.wait = wait;
        s.wait.clock = &clock;
        s.plan = &plan;
        s.control = &c;
        s.report_fd = report_fd;
        s.base = base;
        return s;
    }
};

template <class Pair>
result<pair_outcome> run_transport(Pair &pair, const job &j) {
    pair_spec spec;
    spec.label = j.label();
    spec.cpus = j.cpus;
    spec.timeout_s = j.timeout_s;
    if constexpr (requires { pair.remote(); }) {
        if (pair.remote())
            spec.local = {j.opt->side == 0, j.opt->side == 1};
    }
    spec.side_main = [&](int side, pair_control &c, int fd) {
        side_context s = j.context(side, c, fd);
        if constexpr (requires { pair.remote(); }) {
            if (pair.remote()) {
                // The other side is in another machine: from here on the
                // barrier is a token each way over the connected pair.
                auto ep = pair.endpoint(side, [] {});
                uint64_t n = 0;
                s.remote_barrier = [&] { exchange_token(ep, s, ++n); };
                s.barrier();
                run_test(ep, s);
                return 0;
            }
        }
        if constexpr (requires { pair.endpoint(side, [] {}); }) {
            // Transports whose sides set themselves up in the children, in
            // step (libshm: both endpoints exist before either connects).
            auto ep = pair.endpoint(side, [&] { s.barrier(); });
            run_test(ep, s);
        } else {
            auto ep = pair.endpoint(side);
            run_test(ep, s);
        }
        return 0;
    };
    return run_pair(spec);
}

// memcpy on one core: the copy rate a message's bytes could at best move
// at, for the same sizes, counts and working set as the bandwidth test.
result<pair_outcome> run_memcpy(const job &j) {
    pair_spec spec;
    spec.label = j.label();
    spec.cpus = j.cpus;
    spec.timeout_s = j.timeout_s;
    spec.side_main = [&](int side, pair_control &c, int fd) {
        if (side == 1)
            return 0;
        side_context s = j.context(side, c, fd);
        for (std::size_t size : j.plan.sizes) {
            auto src = message_buffers::create(size, j.plan.working_set, 0);
            auto dst = message_buffers::create(size, j.plan.working_set, 0);
            if (!src || !dst)
                die(s, (src ? dst.error() : src.error()).message);
            auto [warmup, measured] = j.plan.iterations(size);
            uint64_t copies = measured * j.plan.window, k = 0;
            for (uint64_t i = 0; i < warmup * j.plan.window; i++, k++)
                std::memcpy(dst->slot(k), src->slot(k), size);
            uint64_t t0 = j.clock.now();
            for (uint64_t i = 0; i < copies; i++, k++)
                std::memcpy(dst->slot(k), src->slot(k), size);
            uint64_t t1 = j.clock.now();
            // Keep the copies: the compiler must assume the bytes are used.
            asm volatile("" : : "r"(dst->slot(k - 1)) : "memory");
            double seconds = j.clock.to_ns(static_cast<double>(t1 - t0)) * 1e-9;
            row r = make_row(s, size, copies, NAN);
            r.msg_per_s = static_cast<double>(copies) / seconds;
            r.mb_per_s = r.msg_per_s * static_cast<double>(size) * 1e-6;
            s.emit(r);
        }
        return 0;
    };
    return run_pair(spec);
}

result<pair_outcome> run_job(job &j) {
    std::string_view name = j.system->name;
    std::size_t max = j.plan.max_size();
    wait_mode mode = j.wait.mode;
    if (name == "floor") {
        auto p = floor_pair::create(max, mode);
        if (!p)
            return std::unexpected(p.error());
        return run_transport(*p, j);
    }
    if (name == "pipe" || name == "unix" || name == "tcp") {
        stream_kind kind = name == "pipe"   ? stream_kind::pipe
                           : name == "unix" ? stream_kind::unix_socket
                                            : stream_kind::tcp;
        auto p = stream_pair::create(kind, mode, j.plan.test);
        if (!p)
            return std::unexpected(p.error());
        return run_transport(*p, j);
    }
    if (name == "mqueue") {
        auto p = mqueue_pair::create(max, mode, j.plan.test);
        if (!p)
            return std::unexpected(p.error());
        if (p->chunk() < max)
            j.base.note = "queue messages of " + format_size(p->chunk()) + " B";
        return run_transport(*p, j);
    }
    if (name == "libshm" || name == "libshm-kernel") {
        auto p =
            libshm_pair::create(name == "libshm" ? SHM_BACKEND_HOST : SHM_BACKEND_KERNEL, mode);
        if (!p)
            return std::unexpected(p.error());
        return run_transport(*p, j);
    }
    if (name == "libshm-ivshmem") {
        auto p = libshm_pair::create_remote(mode, *j.opt->peer_node, j.opt->key_base);
        if (!p)
            return std::unexpected(p.error());
        return run_transport(*p, j);
    }
    if (name == "memcpy")
        return run_memcpy(j);
    if (name == "ucx") {
        ucx_job u{j.plan, &j.clock, j.cpus, std::min(j.timeout_s, 120.0), j.base};
        auto rows = run_ucx(u);
        if (!rows)
            return std::unexpected(rows.error());
        pair_outcome o;
        o.rows = std::move(*rows);
        return o;
    }
    return fail("no runner for system '" + std::string(name) + "'");
}

void print_progress(const row &r) {
    if (r.is_latency())
        std::fprintf(
            stderr,
            "  %-7s %-4s %-15s %-9s %8s B  one-way p50 %10.1f ns  p99 %10.1f ns  max %10.1f ns\n",
            r.system.c_str(), r.test.c_str(), r.mode.c_str(), r.variant.c_str(),
            format_size(r.size).c_str(), r.lat.p50, r.lat.p99, r.lat.max);
    else
        std::fprintf(stderr, "  %-7s %-4s %-15s %-9s %8s B  %10.1f MB/s  %12.0f msg/s\n",
                     r.system.c_str(), r.test.c_str(), r.mode.c_str(), r.variant.c_str(),
                     format_size(r.size).c_str(), r.mb_per_s, r.msg_per_s);
}

} // namespace

int run_benchmarks(const run_options &opt) {
    std::vector<const system_info *> systems;
    if (opt.systems.empty()) {
        for (const auto &s : known_systems())
            if (system_available(s) && s.remote == opt.peer_node.has_value())
                systems.push_back(&s);
    } else {
        for (const auto &name : opt.systems) {
            const system_info *s = find_system(name);
            if (!s) {
                std::fprintf(stderr, "rsm-bench: unknown system '%s' (see rsm-bench systems)\n",
                             name.c_str());
                return 2;
            }
            if (s->remote != opt.peer_node.has_value()) {
                std::fprintf(stderr,
                             s->remote ? "rsm-bench: %s runs one side per machine: give "
                                         "--peer-node and --side\n"
                                       : "rsm-bench: %s runs both sides here: not with "
                                         "--peer-node\n",
                             name.c_str());
                return 2;
            }
            if (!system_available(*s)) {
                std::fprintf(stderr, "rsm-bench: %s is not available here; skipped\n",
                             name.c_str());
                continue;
            }
            systems.push_back(s);
        }
    }

    if (opt.peer_node && systems.empty()) {
        std::fprintf(stderr, "rsm-bench: --peer-node: no two-VM system to run here (is rsmdev.ko "
                             "bound to an ivshmem device?)\n");
        return 2;
    }
    for (const system_info *s : systems)
        if (s->remote && opt.plan.max_size() > remote_max_message) {
            std::fprintf(stderr,
                         "rsm-bench: %s carries messages up to %s (the endpoint's segments fit "
                         "its node's ivshmem arena), not %s\n",
                         std::string(s->name).c_str(), format_size(remote_max_message).c_str(),
                         format_size(opt.plan.max_size()).c_str());
            return 2;
        }

    std::array<int, 2> cpus;
    if (opt.cpus) {
        cpus = *opt.cpus;
    } else {
        auto allowed = allowed_cpus();
        if (!allowed || allowed->size() < 2) {
            std::fprintf(stderr, "rsm-bench: need two CPUs to pin the two sides to\n");
            return 2;
        }
        cpus = {(*allowed)[0], (*allowed)[1]};
    }
    auto clock = tick_clock::calibrate(opt.clock.value_or(tick_clock::best_source()));
    if (!clock) {
        std::fprintf(stderr, "rsm-bench: %s\n", clock.error().message.c_str());
        return 2;
    }

    std::ofstream file;
    std::ostream *out = &std::cout;
    if (!opt.csv_path.empty()) {
        bool fresh = !std::ifstream(opt.csv_path).good();
        file.open(opt.csv_path, std::ios::app);
        if (!file) {
            std::fprintf(stderr, "rsm-bench: cannot write %s\n", opt.csv_path.c_str());
            return 2;
        }
        out = &file;
        if (fresh)
            file << csv_header() << '\n';
    } else {
        std::cout << csv_header() << '\n';
    }
    *out << "# launch: " << opt.launch << '\n' << "# date: " << utc_now() << '\n';
    for (const auto &[k, v] : describe_machine())
        *out << "# " << k << ": " << v << '\n';
    char clockline[160];
    std::snprintf(clockline, sizeof(clockline), "%s, %.4f GHz, timer overhead %.1f ns (subtracted)",
                  std::string(to_string(clock->source())).c_str(), clock->ticks_per_us() / 1000,
                  clock->to_ns(static_cast<double>(clock->overhead_ticks())));
    *out << "# clock: " << clockline << '\n'
         << "# pinned cpus: " << cpus[0] << "," << cpus[1] << '\n'
         << "# load average at start: " << load_average() << '\n';
    out->flush();
    if (!opt.quiet)
        std::fprintf(stderr, "rsm-bench: launch %d, clock %s, CPUs %d and %d\n", opt.launch,
                     clockline, cpus[0], cpus[1]);

    int status = 0;
    for (const system_info *sys : systems) {
        for (test_kind test : opt.tests) {
            if (!supports(*sys, test))
                continue;
            for (wait_mode mode : opt.modes) {
                if (!sys->all_modes && mode != wait_mode::busy_poll)
                    continue;
                for (variant var : opt.variants) {
                    if (var == variant::zero_copy && !sys->zero_copy)
                        continue;
                    job j{sys, opt.plan, {}, *clock, cpus, opt.timeout_s, {}, &opt};
                    j.plan.test = test;
                    j.plan.var = var;
                    j.wait.mode = mode;
                    j.wait.spin_ticks = clock->from_ns(opt.spin_us * 1000);
                    j.base.launch = opt.launch;
                    j.base.system = std::string(sys->name);
                    j.base.test = std::string(to_string(test));
                    j.base.mode = std::string(to_string(mode));
                    j.base.variant = std::string(to_string(var));
                    j.base.working_set = opt.plan.working_set;
                    if (sys->remote)
                        j.base.note = "one side per VM";
                    auto outcome = run_job(j);
                    if (!outcome) {
                        std::fprintf(stderr, "rsm-bench: %s: %s\n", j.label().c_str(),
                                     outcome.error().message.c_str());
                        *out << "# error: " << j.label() << ": " << outcome.error().message << '\n';
                        status = 1;
                        continue;
                    }
                    for (const row &r : outcome->rows) {
                        *out << to_csv(r) << '\n';
                        if (!opt.quiet)
                            print_progress(r);
                    }
                    if (!outcome->error.empty()) {
                        std::fprintf(stderr, "rsm-bench: %s: %s\n", j.label().c_str(),
                                     outcome->error.c_str());
                        *out << "# " << (outcome->timed_out ? "timeout" : "error") << ": "
                             << j.label() << ": " << outcome->error << '\n';
                        if (!outcome->timed_out)
                            status = 1;
                        else if (status == 0)
                            status = 3;
                    }
                    out->flush();
                }
            }
        }
    }
    *out << "# load average at end: " << load_average() << '\n';
    return status;
}

} // namespace rsm::bench
