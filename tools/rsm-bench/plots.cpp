#include "plots.hpp"

#include "plan.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

namespace rsm::bench {

const spread &pick(const point &p, metric m) {
    switch (m) {
    case metric::p50:
        return p.p50;
    case metric::p99:
        return p.p99;
    case metric::p999:
        return p.p999;
    case metric::mb_per_s:
        return p.mb_per_s;
    case metric::msg_per_s:
        return p.msg_per_s;
    }
    return p.p50;
}

namespace {

std::string quote(const std::string &s) {
    std::string q = "\"";
    for (char c : s)
        q += c == '"' ? '\'' : c;
    return q + "\"";
}

std::string size_tics(uint64_t max) {
    std::string t = "set xtics (";
    bool first = true;
    for (uint64_t s = 1; s <= (max ? max : (4u << 20)); s *= 4) {
        t += (first ? "" : ", ") + quote(format_size(s)) + " " + std::to_string(s);
        first = false;
    }
    return t + ")\n";
}

} // namespace

result<std::vector<std::string>> write_plots(const results &res,
                                             const std::vector<plot_spec> &plots,
                                             const std::string &dir, bool run_gnuplot) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(fs::path(dir) / "data", ec);
    if (ec)
        return fail("cannot create " + dir + "/data: " + ec.message());
    std::vector<std::string> made;
    for (const plot_spec &p : plots) {
        std::string script =
            "set terminal svg size 900,540 dynamic font \"sans,13\" background rgb \"white\"\n"
            "set output " +
            quote(p.name + ".svg") +
            "\n"
            "set title " +
            quote(p.title) +
            " noenhanced\n"
            "set xlabel \"message size (bytes)\"\n"
            "set ylabel " +
            quote(p.ylabel) +
            "\n"
            "set logscale xy\n"
            "set grid xtics ytics mytics lc rgb \"#dddddd\"\n"
            "set key outside right top noenhanced\n"
            "set bars small\n";
        uint64_t max_seen = 0;
        std::string plot_cmd;
        int n = 0;
        for (const plot_line &l : p.lines) {
            const auto *s = res.series(l.key);
            if (!s)
                continue;
            std::string data_name = p.name + "-" + std::to_string(n) + ".dat";
            std::ofstream dat(fs::path(dir) / "data" / data_name);
            dat << "# " << l.title << ": size median lo hi (over launches)\n";
            int points = 0;
            for (const auto &[size, pt] : *s) {
                if (p.max_size && size > p.max_size)
                    continue;
                const spread &v = pick(pt, p.what);
                if (std::isnan(v.median) || v.median <= 0)
                    continue;
                dat << size << ' ' << v.median << ' ' << v.lo << ' ' << v.hi << '\n';
                max_seen = std::max<uint64_t>(max_seen, size);
                points++;
            }
            if (points == 0)
                continue;
            plot_cmd += std::string(n ? ", \\\n     " : "plot ") + quote("data/" + data_name) +
                        " using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 title " + quote(l.title);
            n++;
        }
        if (n == 0)
            continue;
        script += size_tics(max_seen) + plot_cmd + "\n";
        std::ofstream(fs::path(dir) / (p.name + ".gp")) << script;
        if (!run_gnuplot)
            continue;
        // looked up first: a missing gnuplot gets our line, not sh's
        std::string cmd = "cd '" + dir +
                          "' && { command -v gnuplot >/dev/null || exit 127; } && "
                          "gnuplot '" +
                          p.name + ".gp'";
        const int rc = std::system(cmd.c_str());
        if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 127)
            return fail("gnuplot is not installed (Debian: gnuplot-nox); --no-plots writes "
                        "the report without plots");
        if (rc != 0)
            return fail("gnuplot failed on " + dir + "/" + p.name + ".gp");
        made.push_back(p.name + ".svg");
    }
    return made;
}

} // namespace rsm::bench
