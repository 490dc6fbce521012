#include "options.hpp"

#include "efficiency.hpp"
#include "report.hpp"
#include "runner.hpp"

#include <charconv>
#include <cstdio>
#include <libshm/shm.h>
#include <string>
#include <vector>

namespace rsm::bench {

const char usage_text[] =
    "usage: rsm-bench run [options]\n"
    "       rsm-bench report [options] CSV...\n"
    "       rsm-bench efficiency [--messages N] [--seed S] [--max-size SIZE] [--csv FILE]\n"
    "       rsm-bench systems\n"
    "run options:\n"
    "  --systems LIST      floor,pipe,unix,tcp,mqueue,ucx,memcpy,libshm,libshm-kernel\n"
    "                      (default: all available); libshm-ivshmem with --peer-node\n"
    "  --tests LIST        lat,bw,bibw (default: all)\n"
    "  --modes LIST        busy-poll,poll-then-block,blocking (default: busy-poll)\n"
    "  --variants LIST     copy,zero-copy (default: both where offered)\n"
    "  --sizes SPEC        e.g. 1-4M, 8,64,4K (default: 1-4M, powers of two)\n"
    "  --window N          messages in flight per acknowledgement (default 64)\n"
    "  --working-set SIZE  bytes each side cycles its buffers through (default: one message)\n"
    "  --scale F           multiply every iteration count by F\n"
    "  --iterations N      measured iterations for every size (overrides the defaults)\n"
    "  --warmup N          warm-up iterations for every size\n"
    "  --cpus A,B          the two CPUs to pin the sides to (default: the first two allowed)\n"
    "  --clock SOURCE      tsc or monotonic (default: tsc when invariant)\n"
    "  --spin-us N         poll-then-block: spin this long before sleeping (default 50)\n"
    "  --timeout S         time limit per system and test (default 600)\n"
    "  --launch N          launch number recorded in the rows (default 1)\n"
    "  --csv FILE          append rows to FILE (default: standard output)\n"
    "  --verify            stamp every message and check it on arrival\n"
    "  --quiet             no progress on standard error\n"
    "  --peer-node N       two VMs: the other side runs on ivshmem node N (libshm-ivshmem)\n"
    "  --side 0|1          two VMs: the side this machine runs (0 times and writes the rows)\n"
    "  --key K             two VMs: the key both machines count their pairs' keys from\n"
    "report options:\n"
    "  --out DIR           where summary.csv, the plots and their data go (required)\n"
    "  --plot-url URL      how the Markdown links to DIR (default: DIR)\n"
    "  --template FILE     Markdown with {{section}} lines to fill in\n"
    "  --markdown FILE     write the Markdown here (default: standard output)\n"
    "  --efficiency FILE   memory-efficiency CSV to include\n"
    "  --vm FILE           a CSV measured inside a VM (repeatable): the vm-* sections\n"
    "  --no-plots          do not run gnuplot\n";

namespace {

struct arg_reader {
    int argc;
    char **argv;
    int i = 0;
    std::string error;

    bool more() const { return i < argc; }
    std::string_view next() { return argv[i++]; }
    bool value(std::string_view opt, std::string_view &out) {
        if (i >= argc) {
            error = std::string(opt) + " needs a value";
            return false;
        }
        out = argv[i++];
        return true;
    }
};

std::vector<std::string_view> split_list(std::string_view s) {
    std::vector<std::string_view> items;
    while (!s.empty()) {
        auto comma = s.find(',');
        if (auto item = s.substr(0, comma); !item.empty())
            items.push_back(item);
        if (comma == std::string_view::npos)
            break;
        s.remove_prefix(comma + 1);
    }
    return items;
}

template <class T, class Parse>
bool parse_list(std::string_view text, Parse parse, std::vector<T> &out, std::string &error) {
    out.clear();
    for (auto item : split_list(text)) {
        auto v = parse(item);
        if (!v) {
            error = v.error().message;
            return false;
        }
        out.push_back(*v);
    }
    if (out.empty())
        error = "empty list";
    return !out.empty();
}

template <class T>
bool parse_num(std::string_view text, T &out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

// Decimal, or hexadecimal after 0x; the low 32 bits are left for the pairs.
bool parse_key(std::string_view text, uint64_t &out) {
    int base = 10;
    if (text.starts_with("0x") || text.starts_with("0X")) {
        text.remove_prefix(2);
        base = 16;
    }
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
    return ec == std::errc() && end == text.data() + text.size() && out != 0;
}

int usage_error(const std::string &msg) {
    std::fprintf(stderr, "rsm-bench: %s\n", msg.c_str());
    return 2;
}

int cmd_run(int argc, char **argv) {
    run_options opt;
    auto sizes = parse_sizes("1-4M");
    opt.plan.sizes = *sizes;
    std::optional<uint64_t> iterations, warmup;
    double scale = 1;
    arg_reader a{argc, argv, 0, {}};
    while (a.more()) {
        std::string_view o = a.next(), v;
        std::string err;
        if (o == "--verify") {
            opt.plan.verify = true;
        } else if (o == "--quiet") {
            opt.quiet = true;
        } else if (!a.value(o, v)) {
            return usage_error(a.error);
        } else if (o == "--systems") {
            opt.systems.clear();
            for (auto s : split_list(v))
                opt.systems.emplace_back(s);
            if (opt.systems.empty())
                return usage_error("--systems: empty list");
        } else if (o == "--tests") {
            if (!parse_list(v, parse_test_kind, opt.tests, err))
                return usage_error("--tests: " + err);
        } else if (o == "--modes") {
            if (!parse_list(v, parse_wait_mode, opt.modes, err))
                return usage_error("--modes: " + err);
        } else if (o == "--variants") {
            if (!parse_list(v, parse_variant, opt.variants, err))
                return usage_error("--variants: " + err);
        } else if (o == "--sizes") {
            auto s = parse_sizes(v);
            if (!s)
                return usage_error("--sizes: " + s.error().message);
            opt.plan.sizes = *s;
        } else if (o == "--window") {
            if (!parse_num(v, opt.plan.window) || opt.plan.window == 0)
                return usage_error("--window: a positive number, not '" + std::string(v) + "'");
        } else if (o == "--working-set") {
            auto s = parse_size(v);
            if (!s)
                return usage_error("--working-set: " + s.error().message);
            opt.plan.working_set = *s;
        } else if (o == "--scale") {
            if (!parse_num(v, scale) || !(scale > 0))
                return usage_error("--scale: a positive number, not '" + std::string(v) + "'");
        } else if (o == "--iterations" || o == "--warmup") {
            uint64_t n;
            if (!parse_num(v, n) || (n == 0 && o == "--iterations"))
                return usage_error(std::string(o) + ": a count, not '" + std::string(v) + "'");
            (o == "--iterations" ? iterations : warmup) = n;
        } else if (o == "--cpus") {
            auto l = split_list(v);
            std::array<int, 2> c{};
            if (l.size() != 2 || !parse_num(l[0], c[0]) || !parse_num(l[1], c[1]) || c[0] == c[1])
                return usage_error("--cpus: two different CPU numbers A,B, not '" + std::string(v) +
                                   "'");
            opt.cpus = c;
        } else if (o == "--clock") {
            auto c = parse_clock_source(v);
            if (!c)
                return usage_error(c.error().message);
            opt.clock = *c;
        } else if (o == "--spin-us") {
            if (!parse_num(v, opt.spin_us) || opt.spin_us < 0)
                return usage_error("--spin-us: a number of microseconds, not '" + std::string(v) +
                                   "'");
        } else if (o == "--timeout") {
            if (!parse_num(v, opt.timeout_s) || !(opt.timeout_s > 0))
                return usage_error("--timeout: a number of seconds, not '" + std::string(v) + "'");
        } else if (o == "--launch") {
            if (!parse_num(v, opt.launch))
                return usage_error("--launch: a number, not '" + std::string(v) + "'");
        } else if (o == "--csv") {
            opt.csv_path = v;
        } else if (o == "--peer-node") {
            uint32_t n;
            if (!parse_num(v, n) || n == SHM_NODE_LOCAL)
                return usage_error("--peer-node: a node id, not '" + std::string(v) + "'");
            opt.peer_node = n;
        } else if (o == "--side") {
            if (v != "0" && v != "1")
                return usage_error("--side: 0 or 1, not '" + std::string(v) + "'");
            opt.side = v == "1";
        } else if (o == "--key") {
            if (!parse_key(v, opt.key_base))
                return usage_error("--key: a nonzero number (0x... for hex), not '" +
                                   std::string(v) + "'");
        } else {
            return usage_error("unknown option '" + std::string(o) + "' for run");
        }
    }
    if (scale != 1)
        opt.plan.scale_iterations(scale);
    for (iteration_counts *c : {&opt.plan.latency_small, &opt.plan.latency_large,
                                &opt.plan.bandwidth_small, &opt.plan.bandwidth_large}) {
        if (iterations)
            c->measured = *iterations;
        if (warmup)
            c->warmup = *warmup;
    }
    return run_benchmarks(opt);
}

int cmd_report(int argc, char **argv) {
    report_options opt;
    arg_reader a{argc, argv, 0, {}};
    bool url_set = false;
    while (a.more()) {
        std::string_view o = a.next(), v;
        if (!o.starts_with("--")) {
            opt.csv_paths.emplace_back(o);
            continue;
        }
        if (o == "--no-plots") {
            opt.plots = false;
            continue;
        }
        if (!a.value(o, v))
            return usage_error(a.error);
        if (o == "--out") {
            opt.out_dir = v;
        } else if (o == "--plot-url") {
            opt.plot_url = v;
            url_set = true;
        } else if (o == "--template") {
            opt.template_path = v;
        } else if (o == "--markdown") {
            opt.markdown_path = v;
        } else if (o == "--vm") {
            opt.vm_csv_paths.emplace_back(v);
        } else if (o == "--efficiency") {
            opt.efficiency_path = v;
        } else {
            return usage_error("unknown option '" + std::string(o) + "' for report");
        }
    }
    if (opt.out_dir.empty())
        return usage_error("report needs --out DIR");
    if (opt.csv_paths.empty())
        return usage_error("report needs at least one CSV file");
    if (!url_set)
        opt.plot_url = opt.out_dir;
    return run_report(opt);
}

int cmd_efficiency(int argc, char **argv) {
    efficiency_options opt;
    arg_reader a{argc, argv, 0, {}};
    while (a.more()) {
        std::string_view o = a.next(), v;
        if (!a.value(o, v))
            return usage_error(a.error);
        if (o == "--messages") {
            if (!parse_num(v, opt.messages) || opt.messages == 0)
                return usage_error("--messages: a positive count, not '" + std::string(v) + "'");
        } else if (o == "--seed") {
            if (!parse_num(v, opt.seed))
                return usage_error("--seed: a number, not '" + std::string(v) + "'");
        } else if (o == "--max-size") {
            auto s = parse_size(v);
            if (!s || *s == 0)
                return usage_error("--max-size: a size such as 1M, not '" + std::string(v) + "'");
            opt.max_size = *s;
        } else if (o == "--csv") {
            opt.csv_path = v;
        } else {
            return usage_error("unknown option '" + std::string(o) + "' for efficiency");
        }
    }
    return run_efficiency(opt);
}

int cmd_systems() {
    for (const auto &s : known_systems())
        std::printf("%-8s %-13s %s\n", std::string(s.name).c_str(),
                    system_available(s) ? "available" : "unavailable", std::string(s.what).c_str());
    return 0;
}

} // namespace

int run_command(std::string_view cmd, int argc, char **argv) {
    if (cmd == "run")
        return cmd_run(argc, argv);
    if (cmd == "report")
        return cmd_report(argc, argv);
    if (cmd == "efficiency")
        return cmd_efficiency(argc, argv);
    if (cmd == "systems")
        return cmd_systems();
    return usage_error("unknown command '" + std::string(cmd) +
                       "' (run, report, efficiency or systems)");
}

} // namespace rsm::bench
