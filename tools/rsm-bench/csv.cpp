#include "csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <type_traits>

namespace rsm::bench {

namespace {

constexpr std::string_view header =
    "launch,system,test,mode,variant,size,working_set,iterations,"
    "min_ns,p50_ns,p99_ns,p999_ns,max_ns,mean_ns,mb_per_s,msg_per_s,line_ns,note";
constexpr std::size_t field_count = 18;

// NaN (a figure a peer does not report) is written as an empty field.
std::string number(double v) {
    if (std::isnan(v))
        return "";
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.6g", v);
    return buf;
}

std::string clean(std::string_view text) {
    std::string s(text);
    std::replace_if(
        s.begin(), s.end(), [](char c) { return c == ',' || c == '\n' || c == '\r'; }, ';');
    return s;
}

template <class T>
bool parse_number(std::string_view f, T &out) {
    if (f.empty()) {
        out = std::is_floating_point_v<T> ? static_cast<T>(NAN) : 0;
        return true;
    }
    auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), out);
    return ec == std::errc() && end == f.data() + f.size();
}

} // namespace

std::string csv_header() {
    return std::string(header);
}

std::string to_csv(const row &r) {
    std::string s = std::to_string(r.launch) + ',' + clean(r.system) + ',' + clean(r.test) + ',' +
                    clean(r.mode) + ',' + clean(r.variant) + ',' + std::to_string(r.size) + ',' +
                    std::to_string(r.working_set) + ',' + std::to_string(r.iterations) + ',';
    if (r.is_latency())
        for (double v : {r.lat.min, r.lat.p50, r.lat.p99, r.lat.p999, r.lat.max, r.lat.mean})
            s += number(v) + ',';
    else
        s += ",,,,,,";
    if (r.is_latency())
        s += ",,";
    else
        s += number(r.mb_per_s) + ',' + number(r.msg_per_s) + ',';
    return s + number(r.line_ns) + ',' + clean(r.note);
}

result<row> parse_row(std::string_view line) {
    std::vector<std::string_view> f;
    for (std::size_t start = 0;;) {
        auto comma = line.find(',', start);
        f.push_back(line.substr(start, comma - start));
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    if (f.size() != field_count)
        return fail("expected " + std::to_string(field_count) + " fields, found " +
                    std::to_string(f.size()));
    row r;
    r.system = f[1];
    r.test = f[2];
    r.mode = f[3];
    r.variant = f[4];
    r.note = f[17];
    bool ok = parse_number(f[0], r.launch) && parse_number(f[5], r.size) &&
              parse_number(f[6], r.working_set) && parse_number(f[7], r.iterations) &&
              parse_number(f[8], r.lat.min) && parse_number(f[9], r.lat.p50) &&
              parse_number(f[10], r.lat.p99) && parse_number(f[11], r.lat.p999) &&
              parse_number(f[12], r.lat.max) && parse_number(f[13], r.lat.mean) &&
              parse_number(f[14], r.mb_per_s) && parse_number(f[15], r.msg_per_s) &&
              parse_number(f[16], r.line_ns);
    if (!ok)
        return fail("a numeric field does not parse");
    if (r.system.empty() || r.test.empty() || r.mode.empty() || r.variant.empty() || r.size == 0)
        return fail("system, test, mode, variant and size must be set");
    if (r.test != "lat" && r.test != "bw" && r.test != "bibw")
        return fail("unknown test '" + r.test + "'");
    r.lat.count = r.is_latency() ? r.iterations : 0;
    return r;
}

result<std::vector<row>> read_rows(std::istream &in, std::string_view source_name) {
    std::vector<row> rows;
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); n++) {
        if (line.empty() || line[0] == '#' || line == header)
            continue;
        auto r = parse_row(line);
        if (!r)
            return fail(std::string(source_name) + ":" + std::to_string(n) + ": " +
                        r.error().message);
        rows.push_back(std::move(*r));
    }
    return rows;
}

} // namespace rsm::bench
