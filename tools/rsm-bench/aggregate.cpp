#include "aggregate.hpp"

#include "runner.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace rsm::bench {

namespace {

void keep(std::vector<double> &v, double x) {
    if (!std::isnan(x))
        v.push_back(x);
}

spread fold_one(const std::vector<double> &v) {
    if (v.empty()) {
        spread s;
        s.median = s.lo = s.hi = NAN;
        return s;
    }
    return across_launches(v);
}

} // namespace

void results::add(const row &r) {
    series_key k{r.system, r.test, r.mode, r.variant, r.working_set};
    samples &s = raw_[k][r.size];
    if (r.is_latency()) {
        keep(s.p50, r.lat.p50);
        keep(s.p99, r.lat.p99);
        keep(s.p999, r.lat.p999);
        keep(s.min, r.lat.min);
        keep(s.max, r.lat.max);
        keep(s.mean, r.lat.mean);
    } else {
        keep(s.mb, r.mb_per_s);
        keep(s.rate, r.msg_per_s);
    }
    keep(s.line, r.line_ns);
    if (!r.note.empty())
        s.note = r.note;
}

void results::fold() {
    folded_.clear();
    for (const auto &[k, sizes] : raw_) {
        for (const auto &[size, s] : sizes) {
            point p;
            p.size = size;
            p.p50 = fold_one(s.p50);
            p.p99 = fold_one(s.p99);
            p.p999 = fold_one(s.p999);
            p.min = fold_one(s.min);
            p.max = fold_one(s.max);
            p.mean = fold_one(s.mean);
            p.mb_per_s = fold_one(s.mb);
            p.msg_per_s = fold_one(s.rate);
            p.line_ns = fold_one(s.line);
            p.note = s.note;
            folded_[k][size] = p;
        }
    }
}

const std::map<uint64_t, point> *results::series(const series_key &k) const {
    auto it = folded_.find(k);
    return it == folded_.end() ? nullptr : &it->second;
}

const point *results::find(const series_key &k, uint64_t size) const {
    const auto *s = series(k);
    if (!s)
        return nullptr;
    auto it = s->find(size);
    return it == s->end() ? nullptr : &it->second;
}

std::vector<series_key> results::keys() const {
    std::vector<series_key> k;
    for (const auto &[key, _] : folded_)
        k.push_back(key);
    return k;
}

std::vector<std::string> results::systems() const {
    std::set<std::string> present;
    for (const auto &[key, _] : folded_)
        present.insert(key.system);
    std::vector<std::string> ordered;
    for (const auto &s : known_systems())
        if (present.erase(std::string(s.name)))
            ordered.emplace_back(s.name);
    ordered.insert(ordered.end(), present.begin(), present.end());
    return ordered;
}

std::size_t results::launch_count() const {
    std::set<std::string> ids;
    for (const auto &l : launches_) {
        auto it = l.facts.find("launch");
        ids.insert(it == l.facts.end() ? l.source : it->second);
    }
    return ids.size();
}

result<results> load_results(const std::vector<std::string> &paths) {
    results res;
    for (const auto &path : paths) {
        std::ifstream in(path);
        if (!in)
            return fail("cannot read " + path);
        std::stringstream text;
        text << in.rdbuf();
        launch_info info;
        info.source = path;
        std::istringstream lines(text.str());
        for (std::string line; std::getline(lines, line);) {
            if (!line.starts_with("# "))
                continue;
            auto colon = line.find(": ");
            if (colon == std::string::npos)
                continue;
            std::string key = line.substr(2, colon - 2), value = line.substr(colon + 2);
            // One launch is several runs appending to one file: error and
            // timeout lines repeat (keep them all); the launch began at the
            // first run's date and load, and ended at the last run's.
            bool seen = info.facts.count(key) != 0;
            if (seen && (key == "error" || key == "timeout"))
                info.facts[key] += "; " + value;
            else if (!seen || (key != "date" && key != "load average at start"))
                info.facts[key] = value;
        }
        std::istringstream rows_in(text.str());
        auto rows = read_rows(rows_in, path);
        if (!rows)
            return std::unexpected(rows.error());
        for (const row &r : *rows)
            res.add(r);
        res.add_launch(std::move(info));
    }
    res.fold();
    return res;
}

} // namespace rsm::bench
