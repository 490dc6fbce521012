// gnuplot plots (SVG) with one line per system: median over launches with
// the launch range as error bars, message size on a log axis.
#pragma once

#include "aggregate.hpp"
#include "failure.hpp"

#include <string>
#include <vector>

namespace rsm::bench {

enum class metric { p50, p99, p999, mb_per_s, msg_per_s };

struct plot_line {
    std::string title;
    series_key key;
};

struct plot_spec {
    std::string name; // file stem: NAME.svg, NAME.gp
    std::string title, ylabel;
    metric what = metric::p50;
    uint64_t max_size = 0; // 0: every size
    std::vector<plot_line> lines;
};

const spread &pick(const point &p, metric m);

// Writes DIR/data/*.dat, DIR/NAME.gp and, with gnuplot, DIR/NAME.svg for
// every plot that has data. Returns the SVG files made.
result<std::vector<std::string>> write_plots(const results &res,
                                             const std::vector<plot_spec> &plots,
                                             const std::string &dir, bool run_gnuplot);

} // namespace rsm::bench
