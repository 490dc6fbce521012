// Many launches of the same runs, folded into one figure per (series, size):
// the median over launches and the range it came from.
#pragma once

#include "csv.hpp"
#include "failure.hpp"
#include "stats.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace rsm::bench {

// One line of a plot or one column of a table.
struct series_key {
    std::string system, test, mode, variant;
    uint64_t working_set = 0;
    auto operator<=>(const series_key &) const = default;
};

struct point {
    uint64_t size = 0;
    spread p50, p99, p999, min, max, mean; // latency, ns
    spread mb_per_s, msg_per_s;            // bandwidth
    spread line_ns;                        // the cache-line probe
    std::string note;
};

// "# key: value" lines of one CSV file (one launch).
struct launch_info {
    std::string source;
    std::map<std::string, std::string> facts;
};

class results {
  public:
    void add(const row &r);
    void add_launch(launch_info info) { launches_.push_back(std::move(info)); }
    // Computes the spreads; call once after the last add().
    void fold();

    const point *find(const series_key &k, uint64_t size) const;
    const std::map<uint64_t, point> *series(const series_key &k) const;
    std::vector<series_key> keys() const;
    // Systems in the order rsm-bench lists them, then any others.
    std::vector<std::string> systems() const;
    const std::vector<launch_info> &launches() const { return launches_; }
    std::size_t launch_count() const;

  private:
    struct samples {
        std::vector<double> p50, p99, p999, min, max, mean, mb, rate, line;
        std::string note;
    };
    std::map<series_key, std::map<uint64_t, samples>> raw_;
    std::map<series_key, std::map<uint64_t, point>> folded_;
    std::vector<launch_info> launches_;
};

// Reads CSV files written by `rsm-bench run` (rows and "# key: value" lines).
result<results> load_results(const std::vector<std::string> &paths);

} // namespace rsm::bench
