// selection.cpp - the selection policy's tables.
#include "selection.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace shm::detail {

selection_policy::selection_policy(std::span<const group_geometry> groups) {
    n_ = uint32_t(std::min<size_t>(groups.size(), max_groups));
    for (uint32_t i = 0; i < n_; ++i) {
        groups_[i] = groups[i];
        sorted_[i] =
            entry{i, groups[i].part_size, log2_of(groups[i].part_size), groups[i].capacity()};
        max_message_ = std::max(max_message_, std::min(groups[i].capacity(), max_message_limit));
    }
    std::stable_sort(sorted_.begin(), sorted_.begin() + n_,
                     [](const entry &a, const entry &b) { return a.part_size < b.part_size; });
    // Within a class every length has the same largest partition size not
    // above it (sizes are powers of two); only a capacity inside the class
    // makes eligibility, and so the start, depend on the exact length.
    for (uint32_t c = 0; c < classes; ++c) {
        const uint64_t lo = c == 0 ? 0 : 1ULL << (c - 1);
        const uint64_t hi = c == 0 ? 0 : (c + 1 == classes ? UINT64_MAX : (1ULL << c) - 1);
        bool exact = true;
        for (uint32_t i = 0; i < n_; ++i)
            if (sorted_[i].capacity >= lo && sorted_[i].capacity < hi)
                exact = false;
        class_start_[c] = exact ? uint8_t(first_candidate(lo)) : variable;
    }
}

uint32_t selection_policy::first_candidate(uint64_t len) const {
    uint32_t best = n_;     // largest eligible size not above len
    uint32_t smallest = n_; // smallest eligible size
    for (uint32_t i = 0; i < n_; ++i) {
        if (sorted_[i].capacity < len)
            continue;
        if (smallest == n_)
            smallest = i;
        if (sorted_[i].part_size <= len &&
            (best == n_ || sorted_[i].part_size != sorted_[best].part_size))
            best = i; // the first group of each larger eligible size
    }
    return best != n_ ? best : smallest;
}

std::string selection_policy::order(uint64_t len) const {
    std::string s;
    const uint32_t start = first_candidate(len);
    for (uint32_t i = start; i < n_; ++i) {
        if (sorted_[i].capacity < len)
            continue;
        if (!s.empty())
            s += ' ';
        s += 'g' + std::to_string(sorted_[i].group);
    }
    return s;
}

namespace {
std::string human(uint64_t bytes) {
    char buf[32];
    if (bytes >= (1U << 20) && bytes % (1U << 20) == 0)
        std::snprintf(buf, sizeof(buf), "%llu MiB", (unsigned long long)(bytes >> 20));
    else if (bytes >= 1024 && bytes % 1024 == 0)
        std::snprintf(buf, sizeof(buf), "%llu KiB", (unsigned long long)(bytes >> 10));
    else
        std::snprintf(buf, sizeof(buf), "%llu B", (unsigned long long)bytes);
    return buf;
}
} // namespace

std::string selection_policy::table() const {
    // The order of groups changes only at a partition size (preference) or
    // one past a capacity (eligibility); evaluate it at each such length.
    std::vector<uint64_t> cuts{0};
    for (uint32_t i = 0; i < n_; ++i) {
        cuts.push_back(sorted_[i].part_size);
        if (sorted_[i].capacity < max_message_)
            cuts.push_back(sorted_[i].capacity + 1);
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

    std::string out = "groups:\n";
    for (uint32_t i = 0; i < n_; ++i) {
        const group_geometry &g = groups_[i];
        char line[160];
        std::snprintf(line, sizeof(line), "  g%u  %s partitions x %u, span %u: up to %s\n", i,
                      human(g.part_size).c_str(), g.part_count, g.span,
                      human(g.capacity()).c_str());
        out += line;
    }
    out += "message length           groups tried, in order\n";
    for (size_t c = 0; c < cuts.size(); ++c) {
        const uint64_t lo = cuts[c];
        uint64_t hi = c + 1 < cuts.size() ? cuts[c + 1] - 1 : max_message_;
        const std::string o = order(lo);
        // merge following ranges with the same order
        while (c + 1 < cuts.size() && order(cuts[c + 1]) == o) {
            ++c;
            hi = c + 1 < cuts.size() ? cuts[c + 1] - 1 : max_message_;
        }
        if (o.empty())
            continue;
        char line[160];
        std::snprintf(line, sizeof(line), "  %-10s .. %-10s  %s\n", human(lo).c_str(),
                      human(hi).c_str(), o.c_str());
        out += line;
    }
    return out;
}

} // namespace shm::detail
