#include "report.hpp"

#include "plan.hpp"
#include "plots.hpp"
#include "units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace rsm::bench {

namespace {

const std::string busy = "busy-poll";
const std::string copy_v = "copy";
const std::string zc_v = "zero-copy";

series_key key(const std::string &sys, const std::string &test, const std::string &mode = busy,
               const std::string &var = copy_v, uint64_t ws = 0) {
    return {sys, test, mode, var, ws};
}

double median_of(const results &res, const series_key &k, uint64_t size, metric m) {
    const point *p = res.find(k, size);
    return p ? pick(*p, m).median : NAN;
}

std::string size_label(uint64_t s) {
    return format_bytes(s);
}

// A Markdown table.
class table {
  public:
    explicit table(std::vector<std::string> head) : head_(std::move(head)) {}
    void add(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
    bool empty() const { return rows_.empty(); }
    std::string str() const {
        std::string s = "|";
        for (const auto &h : head_)
            s += " " + h + " |";
        s += "\n|";
        for (std::size_t i = 0; i < head_.size(); i++)
            s += i == 0 ? "---|" : "--:|";
        s += "\n";
        for (const auto &r : rows_) {
            s += "|";
            for (const auto &c : r)
                s += " " + c + " |";
            s += "\n";
        }
        return s;
    }

  private:
    std::vector<std::string> head_;
    std::vector<std::vector<std::string>> rows_;
};

std::vector<uint64_t> sizes_of(const results &res, const std::vector<series_key> &keys,
                               uint64_t lo = 0, uint64_t hi = UINT64_MAX) {
    std::set<uint64_t> s;
    for (const auto &k : keys)
        if (const auto *ser = res.series(k))
            for (const auto &[size, _] : *ser)
                if (size >= lo && size <= hi)
                    s.insert(size);
    return {s.begin(), s.end()};
}

std::vector<std::string> systems_with(const results &res, const std::string &test,
                                      const std::string &mode = busy,
                                      const std::string &var = copy_v, uint64_t ws = 0) {
    std::vector<std::string> out;
    for (const auto &sys : res.systems())
        if (res.series(key(sys, test, mode, var, ws)))
            out.push_back(sys);
    return out;
}

// Rows = sizes, columns = systems, cells = one metric.
std::string size_by_system(const results &res, const std::string &test, metric m, uint64_t lo = 0,
                           uint64_t hi = UINT64_MAX) {
    auto systems = systems_with(res, test);
    if (systems.empty())
        return "_Not measured in this run._\n";
    std::vector<series_key> keys;
    std::vector<std::string> head{"size"};
    for (const auto &s : systems) {
        keys.push_back(key(s, test));
        head.push_back(s);
    }
    table t(head);
    for (uint64_t size : sizes_of(res, keys, lo, hi)) {
        std::vector<std::string> r{size_label(size)};
        for (const auto &k : keys) {
            const point *p = res.find(k, size);
            if (!p) {
                r.push_back("–");
                continue;
            }
            const spread &v = pick(*p, m);
            r.push_back(m == metric::mb_per_s    ? format_mb_spread(v)
                        : m == metric::msg_per_s ? format_rate_spread(v)
                                                 : format_ns_spread(v));
        }
        t.add(r);
    }
    return t.str();
}

std::string machine_section(const results &res) {
    if (res.launches().empty())
        return "_No launches._\n";
    const auto &f = res.launches().front().facts;
    auto get = [&](const std::string &k) {
        auto it = f.find(k);
        return it == f.end() ? std::string("unknown") : it->second;
    };
    std::set<std::string> dates;
    for (const auto &l : res.launches())
        if (auto it = l.facts.find("date"); it != l.facts.end())
            dates.insert(it->second);
    std::string s;
    s += "- CPU: " + get("cpu") + ", " + get("cpus") +
         " CPUs online; virtual machine: " + get("hypervisor") + "; last-level cache " +
         get("llc") + "; memory " + get("memory") + "\n";
    s += "- Kernel: " + get("kernel") + "\n";
    s += "- Clock: " + get("clock") + "; sides pinned to CPUs " + get("pinned cpus") + "\n";
    s += "- Launches: " + std::to_string(res.launch_count()) + ", from " +
         (dates.empty() ? "?" : *dates.begin()) + " to " + (dates.empty() ? "?" : *dates.rbegin()) +
         " (UTC)\n";
    s += "- Load average (1, 5, 15 min) at the start and end of each launch: ";
    bool first = true;
    for (const auto &l : res.launches()) {
        auto a = l.facts.find("load average at start"), b = l.facts.find("load average at end");
        if (a == l.facts.end())
            continue;
        s += std::string(first ? "" : "; ") + std::filesystem::path(l.source).filename().string() +
             " " + a->second + " → " + (b == l.facts.end() ? "?" : b->second);
        first = false;
    }
    s += "\n";
    return s;
}

std::string tail_section(const results &res) {
    auto systems = systems_with(res, "lat");
    table t({"system", "size", "min", "p50", "p99", "p99.9", "max"});
    for (const auto &sys : systems)
        for (uint64_t size : {8u, 64u, 4096u, 65536u, 1u << 20}) {
            const point *p = res.find(key(sys, "lat"), size);
            if (!p)
                continue;
            t.add({sys, size_label(size), format_ns(p->min.median), format_ns(p->p50.median),
                   format_ns(p->p99.median), format_ns(p->p999.median), format_ns(p->max.hi)});
        }
    return t.empty() ? "_Not measured in this run._\n" : t.str();
}

std::string modes_section(const results &res) {
    const std::vector<uint64_t> sizes{8, 64, 4096, 65536, 1u << 20};
    std::string out;
    for (const std::string test : {"lat", "bw"}) {
        std::vector<std::string> head{"system", "mode"};
        for (uint64_t s : sizes)
            head.push_back(size_label(s));
        table t(head);
        for (const auto &sys : res.systems())
            for (const std::string mode : {"busy-poll", "poll-then-block", "blocking"}) {
                series_key k = key(sys, test, mode);
                if (!res.series(k))
                    continue;
                std::vector<std::string> r{sys, mode};
                for (uint64_t s : sizes) {
                    const point *p = res.find(k, s);
                    r.push_back(!p              ? "–"
                                : test == "lat" ? format_ns(p->p50.median)
                                                : format_mb_per_s(p->mb_per_s.median));
                }
                t.add(r);
            }
        if (t.empty())
            continue;
        out += test == "lat" ? "One-way latency, p50 (median of launches):\n\n"
                             : "\nBandwidth (median of launches):\n\n";
        out += t.str();
    }
    return out.empty() ? "_Not measured in this run._\n" : out;
}

std::string zero_copy_section(const results &res) {
    table t({"system", "size", "lat copy", "lat zero-copy", "bw copy", "bw zero-copy"});
    for (const auto &sys : systems_with(res, "lat", busy, zc_v))
        for (uint64_t size : {8u, 64u, 1024u, 4096u, 65536u, 1u << 20, 4u << 20}) {
            if (!res.find(key(sys, "lat", busy, zc_v), size) &&
                !res.find(key(sys, "bw", busy, zc_v), size))
                continue;
            t.add({sys, size_label(size),
                   format_ns(median_of(res, key(sys, "lat"), size, metric::p50)),
                   format_ns(median_of(res, key(sys, "lat", busy, zc_v), size, metric::p50)),
                   format_mb_per_s(median_of(res, key(sys, "bw"), size, metric::mb_per_s)),
                   format_mb_per_s(
                       median_of(res, key(sys, "bw", busy, zc_v), size, metric::mb_per_s))});
        }
    return t.empty() ? "_Not measured in this run._\n" : t.str();
}

std::string dram_section(const results &res) {
    table t({"system", "variant", "size", "working set", "bandwidth", "cache-hot bandwidth"});
    for (const auto &k : res.keys()) {
        if (k.working_set == 0 || k.test != "bw")
            continue;
        for (const auto &[size, p] : *res.series(k)) {
            if (size < 4096)
                continue;
            series_key hot = k;
            hot.working_set = 0;
            t.add({k.system, k.variant, size_label(size), size_label(k.working_set),
                   format_mb_spread(p.mb_per_s),
                   format_mb_per_s(median_of(res, hot, size, metric::mb_per_s))});
        }
    }
    return t.empty() ? "_Not measured in this run._\n" : t.str();
}

std::string regimes_section(const results &res) {
    table t({"system", "test", "line one-way: median", "lowest", "highest", "rows"});
    for (const auto &sys : res.systems())
        for (const std::string test : {"lat", "bw"}) {
            std::vector<double> v;
            for (const auto &k : res.keys())
                if (k.system == sys && k.test == test)
                    for (const auto &[_, p] : *res.series(k))
                        if (!std::isnan(p.line_ns.median)) {
                            v.push_back(p.line_ns.lo);
                            v.push_back(p.line_ns.hi);
                        }
            if (v.empty())
                continue;
            spread s = across_launches(v);
            t.add({sys, test, format_ns(s.median), format_ns(s.lo), format_ns(s.hi),
                   std::to_string(v.size() / 2)});
        }
    return t.empty() ? "_No probe figures._\n" : t.str();
}

std::string efficiency_section(const std::vector<efficiency_row> &eff) {
    if (eff.empty())
        return "_Not measured in this run._\n";
    table t({"groups", "template (size x count / span)", "messages", "payload bytes",
             "partition bytes", "efficiency", "partitions per message", "fallbacks"});
    for (const auto &e : eff) {
        char per[32];
        std::snprintf(
            per, sizeof(per), "%.1f",
            e.messages ? static_cast<double>(e.partitions) / static_cast<double>(e.messages) : 0.0);
        t.add({e.label, "`" + e.groups + "`", std::to_string(e.messages),
               std::to_string(e.payload_bytes), std::to_string(e.part_bytes),
               format_percent(e.efficiency()), per, std::to_string(e.fallbacks)});
    }
    return t.str();
}

// --- targets ---------------------------------------------------------------

struct verdict {
    std::string measured, result, floor;
};

std::string met(bool ok, bool measured) {
    return !measured ? "not measured" : ok ? "**met**" : "**missed**";
}

verdict small_vs_floor(const results &res, const std::string &sys, const std::string &var) {
    std::string measured, floor;
    double worst = 0;
    bool any = false;
    for (uint64_t s : {8u, 16u, 32u, 64u}) {
        double a = median_of(res, key(sys, "lat", busy, var), s, metric::p50);
        double f = median_of(res, key("floor", "lat", busy, var), s, metric::p50);
        if (std::isnan(a) || std::isnan(f))
            continue;
        any = true;
        worst = std::max(worst, a / f);
        measured += (measured.empty() ? "" : ", ") + size_label(s) + ": " + format_ns(a) + " vs " +
                    format_ns(f) + " = " + format_ratio(a / f);
    }
    if (!any)
        return {"–", met(false, false), ""};
    return {measured,
            met(worst <= 1.5, true) + (worst > 1.5 ? " by " + format_ratio(worst / 1.5) : ""), ""};
}

verdict vs_ucx(const results &res, const std::string &sys) {
    int n = 0, over = 0;
    double worst = 0;
    uint64_t worst_size = 0;
    std::string over_sizes;
    for (uint64_t s = 8; s <= (4u << 20); s *= 2) {
        double a = median_of(res, key(sys, "lat"), s, metric::p50);
        double u = median_of(res, key("ucx", "lat"), s, metric::p50);
        if (std::isnan(a) || std::isnan(u))
            continue;
        n++;
        if (a / u > worst) {
            worst = a / u;
            worst_size = s;
        }
        if (a > u) {
            over++;
            over_sizes += (over_sizes.empty() ? "" : ", ") + size_label(s);
        }
    }
    if (n == 0)
        return {"–", met(false, false), ""};
    std::string m =
        std::to_string(n - over) + " of " + std::to_string(n) + " sizes at or below ucx_perftest";
    if (over)
        m += "; above at " + over_sizes + " (worst " + size_label(worst_size) + ": " +
             format_ratio(worst) + ")";
    return {m, met(over == 0, true), ""};
}

verdict vs_memcpy(const results &res, const std::string &sys) {
    int n = 0;
    double worst = 1e9;
    uint64_t worst_size = 0;
    std::string m;
    for (uint64_t s = 65536; s <= (4u << 20); s *= 2) {
        double a = median_of(res, key(sys, "bw"), s, metric::mb_per_s);
        double c = median_of(res, key("memcpy", "bw"), s, metric::mb_per_s);
        if (std::isnan(a) || std::isnan(c))
            continue;
        n++;
        if (a / c < worst) {
            worst = a / c;
            worst_size = s;
        }
        m += (m.empty() ? "" : ", ") + size_label(s) + ": " + format_percent(a / c);
    }
    if (n == 0)
        return {"–", met(false, false), ""};
    return {
        m, met(worst >= 0.8, true) + (worst < 0.8 ? " (worst " + size_label(worst_size) + ")" : ""),
        ""};
}

verdict rate_64(const results &res, const std::string &sys) {
    double r = median_of(res, key(sys, "bw"), 64, metric::msg_per_s);
    if (std::isnan(r))
        return {"–", met(false, false), ""};
    return {format_rate(r) + " of 64 B",
            met(r >= 10e6, true) + (r < 10e6 ? " by " + format_ratio(10e6 / r) : ""), ""};
}

std::string targets_section(const results &res, const std::vector<efficiency_row> &eff) {
    table t({"target", rsm_system, "verdict", "floor, for comparison"});
    auto add = [&](const std::string &target, verdict v, verdict floor) {
        t.add({target, v.measured, v.result, floor.measured});
    };
    verdict copy = small_vs_floor(res, rsm_system, copy_v);
    verdict zc = small_vs_floor(res, rsm_system, zc_v);
    add("8–64 B one-way p50 within 1.5× of the raw shared-memory floor (copy)", copy,
        {"1.00× by definition", "", ""});
    add("the same, zero-copy", zc, {"", "", ""});
    add("one-way p50 at or below ucx_perftest tag_lat, 8 B – 4 MiB", vs_ucx(res, rsm_system),
        vs_ucx(res, "floor"));
    add("copying bandwidth ≥ 80 % of memcpy, 64 KiB and above", vs_memcpy(res, rsm_system),
        vs_memcpy(res, "floor"));
    add("≥ 10 M messages of 64 B per second, one way", rate_64(res, rsm_system),
        rate_64(res, "floor"));
    const efficiency_row *tmpl = nullptr;
    std::string fixed;
    for (const auto &e : eff) {
        if (!tmpl && e.label.find("template") != std::string::npos)
            tmpl = &e;
        else
            fixed += (fixed.empty() ? "" : ", ") + e.label + ": " + format_percent(e.efficiency());
    }
    t.add({"mixed-size memory efficiency ≥ 90 % (fixed partition sizes beside it)",
           tmpl ? format_percent(tmpl->efficiency()) : "–",
           tmpl ? met(tmpl->efficiency() >= 0.9, true) : met(false, false),
           fixed.empty() ? "" : fixed});
    return t.str();
}

std::string problems_section(const results &res) {
    std::string s;
    for (const auto &l : res.launches())
        for (const std::string k : {"error", "timeout"})
            if (auto it = l.facts.find(k); it != l.facts.end())
                s += "- " + l.source.substr(l.source.find_last_of('/') + 1) + ": " + k + ": " +
                     it->second + "\n";
    return s.empty() ? "None: every run completed.\n" : s;
}

std::string plot_links(const std::vector<std::string> &plot_files, const std::string &plot_url) {
    std::string plots;
    for (const auto &f : plot_files)
        plots += "![" + f.substr(0, f.size() - 4) + "](" + plot_url +
                 (plot_url.empty() ? "" : "/") + f + ")\n\n";
    return plots.empty() ? "_No plots (gnuplot missing or no data)._\n" : plots;
}

std::vector<plot_spec> plot_plan(const results &res) {
    auto lines = [&](const std::string &test, const std::string &mode, const std::string &var) {
        std::vector<plot_line> l;
        for (const auto &sys : res.systems())
            if (res.series(key(sys, test, mode, var)))
                l.push_back({sys, key(sys, test, mode, var)});
        return l;
    };
    std::vector<plot_spec> p;
    p.push_back({"latency", "One-way latency, p50, busy-poll, copying",
                 "ns (median of launches, range as bars)", metric::p50, 0,
                 lines("lat", busy, copy_v)});
    p.push_back({"latency-p99", "One-way latency, p99, busy-poll, copying", "ns", metric::p99, 0,
                 lines("lat", busy, copy_v)});
    p.push_back({"latency-poll-then-block", "One-way latency, p50, poll-then-block", "ns",
                 metric::p50, 0, lines("lat", "poll-then-block", copy_v)});
    p.push_back({"latency-blocking", "One-way latency, p50, blocking", "ns", metric::p50, 0,
                 lines("lat", "blocking", copy_v)});
    p.push_back({"bandwidth", "Bandwidth, 64 messages in flight, busy-poll, copying", "MB/s",
                 metric::mb_per_s, 0, lines("bw", busy, copy_v)});
    p.push_back({"message-rate", "Message rate, busy-poll, copying", "messages per second",
                 metric::msg_per_s, 65536, lines("bw", busy, copy_v)});
    p.push_back({"bidirectional", "Bidirectional bandwidth (sum of both directions), busy-poll",
                 "MB/s", metric::mb_per_s, 0, lines("bibw", busy, copy_v)});
    std::vector<plot_line> zc, dram;
    for (const auto &sys : res.systems()) {
        if (!res.series(key(sys, "lat", busy, zc_v)))
            continue;
        zc.push_back({sys + " copy", key(sys, "lat")});
        zc.push_back({sys + " zero-copy", key(sys, "lat", busy, zc_v)});
    }
    p.push_back(
        {"zero-copy", "One-way latency, p50: copying and zero-copy", "ns", metric::p50, 0, zc});
    for (const auto &k : res.keys())
        if (k.test == "bw" && k.working_set) {
            series_key hot = k;
            hot.working_set = 0;
            dram.push_back({k.system + " " + k.variant + ", cache-hot", hot});
            dram.push_back(
                {k.system + " " + k.variant + ", " + size_label(k.working_set) + " working set",
                 k});
        }
    p.push_back({"dram",
                 "Bandwidth: cache-hot buffers and a working set beyond the last-level cache",
                 "MB/s", metric::mb_per_s, 0, dram});
    return p;
}

void write_summary(const results &res, const std::string &path) {
    std::ofstream out(path);
    out << "system,test,mode,variant,working_set,size,launches,p50_ns,p50_lo,p50_hi,p99_ns,p999_ns,"
           "min_ns,max_ns,"
           "mb_per_s,mb_lo,mb_hi,msg_per_s,line_ns,note\n";
    auto num = [](double v) {
        if (std::isnan(v))
            return std::string();
        char b[32];
        std::snprintf(b, sizeof(b), "%.6g", v);
        return std::string(b);
    };
    for (const auto &k : res.keys())
        for (const auto &[size, p] : *res.series(k)) {
            std::size_t n = std::max(p.p50.launches, p.mb_per_s.launches);
            out << k.system << ',' << k.test << ',' << k.mode << ',' << k.variant << ','
                << k.working_set << ',' << size << ',' << n << ',' << num(p.p50.median) << ','
                << num(p.p50.lo) << ',' << num(p.p50.hi) << ',' << num(p.p99.median) << ','
                << num(p.p999.median) << ',' << num(p.min.median) << ',' << num(p.max.hi) << ','
                << num(p.mb_per_s.median) << ',' << num(p.mb_per_s.lo) << ',' << num(p.mb_per_s.hi)
                << ',' << num(p.msg_per_s.median) << ',' << num(p.line_ns.median) << ',' << p.note
                << '\n';
        }
}

} // namespace

std::string efficiency_header() {
    return "label,groups,messages,payload_bytes,part_bytes,partitions,efficiency,fallbacks";
}

std::string to_csv(const efficiency_row &r) {
    char eff[32];
    std::snprintf(eff, sizeof(eff), "%.6f", r.efficiency());
    return r.label + ',' + r.groups + ',' + std::to_string(r.messages) + ',' +
           std::to_string(r.payload_bytes) + ',' + std::to_string(r.part_bytes) + ',' +
           std::to_string(r.partitions) + ',' + eff + ',' + std::to_string(r.fallbacks);
}

result<std::vector<efficiency_row>> read_efficiency(const std::string &path) {
    std::ifstream in(path);
    if (!in)
        return fail("cannot read " + path);
    std::vector<efficiency_row> rows;
    std::string line;
    for (int n = 1; std::getline(in, line); n++) {
        if (line.empty() || line[0] == '#' || line == efficiency_header())
            continue;
        std::vector<std::string> f;
        std::istringstream ss(line);
        for (std::string x; std::getline(ss, x, ',');)
            f.push_back(x);
        efficiency_row r;
        auto u64 = [](const std::string &s, uint64_t &v) {
            auto [e, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            return ec == std::errc() && e == s.data() + s.size();
        };
        if (f.size() != 8 || !u64(f[2], r.messages) || !u64(f[3], r.payload_bytes) ||
            !u64(f[4], r.part_bytes) || !u64(f[5], r.partitions) || !u64(f[7], r.fallbacks))
            return fail(path + ":" + std::to_string(n) + ": not an efficiency row");
        r.label = f[0];
        r.groups = f[1];
        // Keep one row per label (launches repeat the same deterministic run).
        auto same = std::find_if(rows.begin(), rows.end(),
                                 [&](const auto &o) { return o.label == r.label; });
        if (same == rows.end())
            rows.push_back(r);
    }
    return rows;
}

std::map<std::string, std::string> report_sections(const results &res,
                                                   const std::vector<efficiency_row> &eff,
                                                   const std::vector<std::string> &plot_files,
                                                   const std::string &plot_url) {
    std::map<std::string, std::string> s;
    s["machine"] = machine_section(res);
    s["targets"] = targets_section(res, eff);
    s["latency"] = size_by_system(res, "lat", metric::p50);
    s["tail"] = tail_section(res);
    s["modes"] = modes_section(res);
    s["bandwidth"] = size_by_system(res, "bw", metric::mb_per_s);
    s["rate"] = size_by_system(res, "bw", metric::msg_per_s, 0, 4096);
    s["bidirectional"] = size_by_system(res, "bibw", metric::mb_per_s);
    s["zero-copy"] = zero_copy_section(res);
    s["dram"] = dram_section(res);
    s["regimes"] = regimes_section(res);
    s["efficiency"] = efficiency_section(eff);
    s["problems"] = problems_section(res);
    s["plots"] = plot_links(plot_files, plot_url);
    return s;
}

std::map<std::string, std::string> vm_sections(const results *vm,
                                               const std::vector<std::string> &plot_files,
                                               const std::string &plot_url) {
    std::map<std::string, std::string> s;
    const char *names[] = {"machine", "latency", "tail",  "modes",   "bandwidth",
                           "rate",    "regimes", "plots", "problems"};
    if (!vm) {
        for (const char *n : names)
            s[std::string("vm-") + n] = "_Not measured in this run._\n";
        return s;
    }
    s["vm-machine"] = machine_section(*vm);
    s["vm-latency"] = size_by_system(*vm, "lat", metric::p50);
    s["vm-tail"] = tail_section(*vm);
    s["vm-modes"] = modes_section(*vm);
    s["vm-bandwidth"] = size_by_system(*vm, "bw", metric::mb_per_s);
    s["vm-rate"] = size_by_system(*vm, "bw", metric::msg_per_s);
    s["vm-regimes"] = regimes_section(*vm);
    s["vm-plots"] = plot_links(plot_files, plot_url);
    s["vm-problems"] = problems_section(*vm);
    return s;
}

result<std::string> fill_template(const std::string &text,
                                  const std::map<std::string, std::string> &sections) {
    std::string out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("{{") && line.ends_with("}}")) {
            std::string name = line.substr(2, line.size() - 4);
            auto it = sections.find(name);
            if (it == sections.end())
                return fail("unknown report section {{" + name + "}}");
            out += it->second;
            continue;
        }
        out += line + "\n";
    }
    return out;
}

int run_report(const report_options &opt) {
    auto res = load_results(opt.csv_paths);
    if (!res) {
        std::fprintf(stderr, "rsm-bench: %s\n", res.error().message.c_str());
        return 1;
    }
    std::vector<efficiency_row> eff;
    if (!opt.efficiency_path.empty()) {
        auto e = read_efficiency(opt.efficiency_path);
        if (!e) {
            std::fprintf(stderr, "rsm-bench: %s\n", e.error().message.c_str());
            return 1;
        }
        eff = std::move(*e);
    }
    std::error_code ec;
    std::filesystem::create_directories(opt.out_dir, ec);
    if (ec) {
        std::fprintf(stderr, "rsm-bench: cannot create %s: %s\n", opt.out_dir.c_str(),
                     ec.message().c_str());
        return 1;
    }
    write_summary(*res, opt.out_dir + "/summary.csv");
    std::vector<std::string> plot_files;
    if (opt.plots) {
        auto made = write_plots(*res, plot_plan(*res), opt.out_dir, true);
        if (!made) {
            std::fprintf(stderr, "rsm-bench: %s\n", made.error().message.c_str());
            return 1;
        }
        plot_files = std::move(*made);
    }
    auto sections = report_sections(*res, eff, plot_files, opt.plot_url);
    std::optional<results> vm;
    std::vector<std::string> vm_plots;
    if (!opt.vm_csv_paths.empty()) {
        auto v = load_results(opt.vm_csv_paths);
        if (!v) {
            std::fprintf(stderr, "rsm-bench: %s\n", v.error().message.c_str());
            return 1;
        }
        vm = std::move(*v);
        if (opt.plots) {
            auto specs = plot_plan(*vm);
            for (auto &p : specs) {
                p.name = "vm-" + p.name;
                p.title += " (inside a VM; libshm-ivshmem: across two)";
            }
            auto made = write_plots(*vm, specs, opt.out_dir, true);
            if (!made) {
                std::fprintf(stderr, "rsm-bench: %s\n", made.error().message.c_str());
                return 1;
            }
            vm_plots = std::move(*made);
        }
    }
    sections.merge(vm_sections(vm ? &*vm : nullptr, vm_plots, opt.plot_url));
    std::string text;
    if (!opt.template_path.empty()) {
        std::ifstream in(opt.template_path);
        if (!in) {
            std::fprintf(stderr, "rsm-bench: cannot read %s\n", opt.template_path.c_str());
            return 1;
        }
        std::stringstream t;
        t << in.rdbuf();
        auto filled = fill_template(t.str(), sections);
        if (!filled) {
            std::fprintf(stderr, "rsm-bench: %s: %s\n", opt.template_path.c_str(),
                         filled.error().message.c_str());
            return 1;
        }
        text = *filled;
    } else {
        for (const auto &[name, body] : sections)
            text += "## " + name + "\n\n" + body + "\n";
    }
    if (opt.markdown_path.empty()) {
        std::fputs(text.c_str(), stdout);
    } else {
        std::ofstream out(opt.markdown_path);
        out << text;
        if (!out) {
            std::fprintf(stderr, "rsm-bench: cannot write %s\n", opt.markdown_path.c_str());
            return 1;
        }
    }
    return 0;
}

} // namespace rsm::bench
