#include "efficiency.hpp"

#include "libshm_transport.hpp"
#include "plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <unistd.h>

namespace rsm::bench {

std::vector<std::size_t> mixed_sizes(uint64_t count, std::size_t max, uint64_t seed) {
    // Drawn by hand from the generator's raw bits (not a std distribution,
    // whose algorithm the standard leaves open): the same list everywhere.
    std::mt19937_64 gen(seed);
    std::vector<std::size_t> sizes(count);
    const double top = std::log2(static_cast<double>(max) + 1);
    for (auto &s : sizes) {
        double u = static_cast<double>(gen() >> 11) * 0x1p-53; // [0, 1)
        s = std::min<std::size_t>(max, static_cast<std::size_t>(std::exp2(u * top)));
        s = std::max<std::size_t>(s, 1);
    }
    return sizes;
}

namespace {

std::string describe(const std::vector<shm_group_spec> &groups) {
    std::string s;
    for (const auto &g : groups)
        s += (s.empty() ? "" : " ") + format_size(g.part_size) + "x" +
             std::to_string(g.part_count) + "/" + std::to_string(g.span);
    return s;
}

// A single partition size carrying every size of the workload: span enough
// for the largest message, partitions enough for a few of them in flight.
std::vector<shm_group_spec> fixed(uint32_t part, std::size_t max) {
    uint32_t span = static_cast<uint32_t>((max + part - 1) / part);
    return {{part, span * 4, span, 0}};
}

struct outcome {
    efficiency_row row;
    std::string error;
};

// Sends the workload through one channel into one endpoint of this
// process; receives when the channel is full, so partitions are reused the
// way a steady stream reuses them. Payload and partition bytes come from
// the channel's counters and are checked against what the receiver saw.
outcome measure(const std::string &label, const std::vector<shm_group_spec> &groups,
                const std::vector<std::size_t> &sizes, uint64_t key) {
    outcome o;
    o.row.label = label;
    o.row.groups = describe(groups);
    shm_endpoint_attr ea{};
    ea.backend = SHM_BACKEND_HOST;
    ea.wait_mode = SHM_WAIT_SPIN;
    ea.groups = groups.data();
    ea.group_count = static_cast<uint32_t>(groups.size());
    ea.max_channels = 1;
    shm_endpoint *ep = nullptr;
    shm_channel *ch = nullptr;
    if (int r = shm_endpoint_create(key, &ea, &ep); r < 0) {
        o.error = "shm_endpoint_create: " + std::string(strerror(-r));
        return o;
    }
    shm_connect_attr ca{};
    ca.backend = SHM_BACKEND_HOST;
    ca.wait_mode = SHM_WAIT_SPIN;
    if (int r = shm_channel_connect(SHM_NODE_LOCAL, key, &ca, &ch); r < 0) {
        o.error = "shm_channel_connect: " + std::string(strerror(-r));
        shm_endpoint_close(ep);
        return o;
    }
    std::vector<std::byte> buf(*std::max_element(sizes.begin(), sizes.end()), std::byte{0x5a});
    uint64_t seen_part_bytes = 0, seen_parts = 0, received = 0;
    auto receive_one = [&]() -> bool {
        shm_view v;
        if (shm_recv_view(ep, &v, 0) < 0)
            return false;
        seen_part_bytes += uint64_t(v.info.count) * v.info.part_size;
        seen_parts += v.info.count;
        received++;
        shm_release(ep, &v, 0);
        return true;
    };
    for (std::size_t len : sizes) {
        int r;
        while ((r = shm_send(ch, buf.data(), len, 0, 0)) == -EAGAIN)
            if (!receive_one()) {
                o.error = "channel full and nothing to receive";
                break;
            }
        if (r < 0) {
            o.error = o.error.empty() ? "shm_send of " + std::to_string(len) + " B: " + strerror(-r)
                                      : o.error;
            break;
        }
    }
    while (receive_one()) {
    }
    shm_stats st{};
    shm_channel_stats(ch, &st);
    o.row.messages = st.messages;
    o.row.payload_bytes = st.bytes;
    o.row.part_bytes = st.part_bytes;
    o.row.partitions = seen_parts;
    o.row.fallbacks = st.fallbacks;
    if (o.error.empty() && (received != sizes.size() || st.messages != sizes.size()))
        o.error = "sent " + std::to_string(st.messages) + ", received " + std::to_string(received) +
                  " of " + std::to_string(sizes.size());
    else if (o.error.empty() && seen_part_bytes != st.part_bytes)
        o.error = "the channel counted " + std::to_string(st.part_bytes) +
                  " partition bytes, the receiver " + std::to_string(seen_part_bytes);
    shm_channel_close(ch);
    shm_endpoint_close(ep);
    return o;
}

} // namespace

int run_efficiency(const efficiency_options &opt) {
    auto sizes = mixed_sizes(opt.messages, opt.max_size, opt.seed);
    std::vector<std::pair<std::string, std::vector<shm_group_spec>>> templates;
    std::vector<shm_group_spec> dflt(SHM_MAX_GROUPS);
    dflt.resize(static_cast<std::size_t>(shm_default_template(dflt.data(), SHM_MAX_GROUPS)));
    templates.emplace_back("default template", dflt);
    for (uint32_t part : {64u, 256u, 4096u, 65536u, 1u << 20})
        templates.emplace_back("fixed " + format_bytes(part), fixed(part, opt.max_size));

    std::ofstream file;
    std::ostream *out = &std::cout;
    if (!opt.csv_path.empty()) {
        file.open(opt.csv_path);
        if (!file) {
            std::fprintf(stderr, "rsm-bench: cannot write %s\n", opt.csv_path.c_str());
            return 2;
        }
        out = &file;
    }
    *out << "# workload: " << opt.messages << " messages, sizes log-uniform in [1, " << opt.max_size
         << "], seed " << opt.seed << "\n"
         << efficiency_header() << '\n';
    int status = 0;
    uint64_t key = (0x727365ull << 40) | (static_cast<uint64_t>(getpid()) << 8);
    for (const auto &[label, groups] : templates) {
        outcome o = measure(label, groups, sizes, ++key);
        if (!o.error.empty()) {
            std::fprintf(stderr, "rsm-bench: efficiency, %s: %s\n", label.c_str(), o.error.c_str());
            *out << "# error: " << label << ": " << o.error << '\n';
            status = 1;
            continue;
        }
        *out << to_csv(o.row) << '\n';
        std::fprintf(stderr, "  %-18s %-40s efficiency %5.1f %%, %.1f partitions per message\n",
                     label.c_str(), o.row.groups.c_str(), 100 * o.row.efficiency(),
                     static_cast<double>(o.row.partitions) / static_cast<double>(o.row.messages));
    }
    return status;
}

} // namespace rsm::bench
