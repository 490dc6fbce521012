// group_table.cpp - tallying received messages per segment group.
#include "group_table.hpp"

#include <cstdio>

namespace rsm::xfer {

group_table::group_table(std::span<const shm_group_spec> groups)
    : groups_(groups.begin(), groups.end()), rows_(groups.size()) {}

std::uint32_t group_table::preferred_part_size(std::uint64_t len) const {
    std::uint32_t best = 0, smallest = 0;
    for (const shm_group_spec &g : groups_) {
        if (std::uint64_t(g.part_size) * g.span < len) {
            continue;
        }
        if (smallest == 0 || g.part_size < smallest) {
            smallest = g.part_size;
        }
        if (g.part_size <= len && g.part_size > best) {
            best = g.part_size;
        }
    }
    return best != 0 ? best : smallest;
}

void group_table::record(std::uint32_t group, std::uint64_t len) {
    row &r = rows_.at(group);
    ++r.messages;
    r.bytes += len;
    if (groups_[group].part_size > preferred_part_size(len)) {
        ++r.fallbacks;
    }
}

group_table::row group_table::total() const {
    row t;
    for (const row &r : rows_) {
        t.messages += r.messages;
        t.bytes += r.bytes;
        t.fallbacks += r.fallbacks;
    }
    return t;
}

std::string human_size(std::uint64_t bytes) {
    char buf[32];
    if (bytes >= (1ULL << 20) && bytes % (1ULL << 20) == 0) {
        std::snprintf(buf, sizeof(buf), "%llu MiB", (unsigned long long)(bytes >> 20));
    } else if (bytes >= 1024 && bytes % 1024 == 0) {
        std::snprintf(buf, sizeof(buf), "%llu KiB", (unsigned long long)(bytes >> 10));
    } else {
        std::snprintf(buf, sizeof(buf), "%llu B", (unsigned long long)bytes);
    }
    return buf;
}

std::string group_table::format() const {
    std::string out =
        "group  partition  x count  span  carries up to  messages        bytes  fell back here\n";
    char line[160];
    for (std::size_t i = 0; i < groups_.size(); ++i) {
        const shm_group_spec &g = groups_[i];
        std::snprintf(line, sizeof(line), "g%-5zu %-10s %8u %5u  %-13s %9llu %12llu %15llu\n", i,
                      human_size(g.part_size).c_str(), g.part_count, g.span,
                      human_size(std::uint64_t(g.part_size) * g.span).c_str(),
                      (unsigned long long)rows_[i].messages, (unsigned long long)rows_[i].bytes,
                      (unsigned long long)rows_[i].fallbacks);
        out += line;
    }
    const row t = total();
    std::snprintf(line, sizeof(line), "%-48s %9llu %12llu %15llu\n", "total",
                  (unsigned long long)t.messages, (unsigned long long)t.bytes,
                  (unsigned long long)t.fallbacks);
    out += line;
    return out;
}

} // namespace rsm::xfer
