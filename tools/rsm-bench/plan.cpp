#include "plan.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace rsm::bench {

std::string_view to_string(test_kind t) {
    switch (t) {
    case test_kind::latency:
        return "lat";
    case test_kind::bandwidth:
        return "bw";
    case test_kind::bidirectional:
        return "bibw";
    }
    return "?";
}

result<test_kind> parse_test_kind(std::string_view name) {
    for (test_kind t : all_tests)
        if (name == to_string(t))
            return t;
    return fail("unknown test '" + std::string(name) + "' (lat, bw or bibw)");
}

std::string_view to_string(variant v) {
    return v == variant::copy ? "copy" : "zero-copy";
}

result<variant> parse_variant(std::string_view name) {
    for (variant v : all_variants)
        if (name == to_string(v))
            return v;
    return fail("unknown variant '" + std::string(name) + "' (copy or zero-copy)");
}

iteration_counts run_plan::iterations(std::size_t size) const {
    bool large = size >= large_from;
    if (test == test_kind::latency)
        return large ? latency_large : latency_small;
    return large ? bandwidth_large : bandwidth_small;
}

std::size_t run_plan::max_size() const {
    return sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end());
}

void run_plan::scale_iterations(double factor) {
    for (iteration_counts *c :
         {&latency_small, &latency_large, &bandwidth_small, &bandwidth_large}) {
        c->measured = std::max<uint64_t>(1, static_cast<uint64_t>(c->measured * factor));
        c->warmup = std::max<uint64_t>(1, static_cast<uint64_t>(c->warmup * factor));
    }
}

result<std::size_t> parse_size(std::string_view text) {
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data())
        return fail("bad size '" + std::string(text) + "'");
    std::string_view suffix(end, text.data() + text.size() - end);
    unsigned shift = 0;
    if (suffix == "K" || suffix == "k" || suffix == "KiB")
        shift = 10;
    else if (suffix == "M" || suffix == "MiB")
        shift = 20;
    else if (suffix == "G" || suffix == "GiB")
        shift = 30;
    else if (!suffix.empty() && suffix != "B")
        return fail("bad size suffix in '" + std::string(text) + "' (K, M or G)");
    if (value > (SIZE_MAX >> shift))
        return fail("size '" + std::string(text) + "' is too large");
    return value << shift;
}

result<std::vector<std::size_t>> parse_sizes(std::string_view spec) {
    std::vector<std::size_t> sizes;
    while (!spec.empty()) {
        auto comma = spec.find(',');
        std::string_view item = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
        auto dash = item.find('-');
        auto lo = parse_size(item.substr(0, dash));
        if (!lo)
            return std::unexpected(lo.error());
        if (*lo == 0)
            return fail("message sizes start at 1 byte");
        if (dash == std::string_view::npos) {
            sizes.push_back(*lo);
            continue;
        }
        auto hi = parse_size(item.substr(dash + 1));
        if (!hi)
            return std::unexpected(hi.error());
        if (*hi < *lo)
            return fail("empty size range '" + std::string(item) + "'");
        for (std::size_t s = *lo; s <= *hi; s *= 2)
            sizes.push_back(s);
    }
    if (sizes.empty())
        return fail("no message sizes given");
    return sizes;
}

std::string format_size(std::size_t bytes) {
    if (bytes >= (1u << 30) && bytes % (1u << 30) == 0)
        return std::to_string(bytes >> 30) + "G";
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
        return std::to_string(bytes >> 20) + "M";
    if (bytes >= 1024 && bytes % 1024 == 0)
        return std::to_string(bytes >> 10) + "K";
    return std::to_string(bytes);
}

std::string format_bytes(std::size_t bytes) {
    std::string f = format_size(bytes);
    char unit = f.back();
    if (unit == 'K' || unit == 'M' || unit == 'G')
        return f.substr(0, f.size() - 1) + " " + unit + "iB";
    return f + " B";
}

} // namespace rsm::bench
