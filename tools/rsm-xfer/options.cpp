// options.cpp - rsm-xfer's command line.
#include "options.hpp"

#include <charconv>

namespace rsm::xfer {
namespace {

std::expected<std::uint64_t, std::string> number(std::string_view opt, std::string_view v,
                                                 std::uint64_t lo, std::uint64_t hi) {
    std::uint64_t n = 0;
    unsigned shift = 0;
    std::string_view digits = v;
    if (!v.empty() && (v.back() == 'K' || v.back() == 'M')) {
        shift = v.back() == 'K' ? 10 : 20;
        digits.remove_suffix(1);
    }
    int base = 10;
    if (digits.starts_with("0x")) {
        digits.remove_prefix(2);
        base = 16;
    }
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n, base);
    if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() ||
        (n << shift) >> shift != n || (n << shift) < lo || (n << shift) > hi) {
        return std::unexpected(std::string(opt) + " needs a number from " + std::to_string(lo) +
                               " to " + std::to_string(hi) + ", not '" + std::string(v) + "'");
    }
    return n << shift;
}

} // namespace

std::expected<options, std::string> parse_options(std::span<const char *const> args) {
    options o;
    if (args.empty()) {
        return std::unexpected("no mode given: recv, send or both (see --help)");
    }
    const std::string_view m = args[0];
    if (m == "-h" || m == "--help") {
        o.help = true;
        return o;
    }
    if (m == "recv") {
        o.mode = mode::recv;
    } else if (m == "send") {
        o.mode = mode::send;
    } else if (m == "both") {
        o.mode = mode::both;
    } else {
        return std::unexpected("unknown mode '" + std::string(m) + "': recv, send or both");
    }
    bool have_key = false, have_count = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view opt = args[i];
        if (opt == "--expect-peer-death") {
            o.expect_peer_death = true;
            continue;
        }
        if (i + 1 >= args.size()) {
            return std::unexpected(std::string(opt) + " needs a value");
        }
        const std::string_view v = args[++i];
        std::expected<std::uint64_t, std::string> n;
        if (opt == "--key") {
            n = number(opt, v, 1, UINT64_MAX);
            o.key = n.value_or(0);
            have_key = true;
        } else if (opt == "--count") {
            n = number(opt, v, 1, 1ULL << 40);
            o.count = n.value_or(0);
            have_count = true;
        } else if (opt == "--node") {
            n = number(opt, v, 0, UINT32_MAX);
            o.node = std::uint32_t(n.value_or(0));
        } else if (opt == "--seed") {
            n = number(opt, v, 0, UINT64_MAX);
            (o.mode == mode::recv ? o.peer_seed : o.seed) = n.value_or(0);
        } else if (opt == "--peer-seed") {
            n = number(opt, v, 0, UINT64_MAX);
            o.peer_seed = n.value_or(0);
        } else if (opt == "--min") {
            n = number(opt, v, 1, 4ULL << 20);
            o.min_size = n.value_or(0);
        } else if (opt == "--max") {
            n = number(opt, v, 1, 4ULL << 20);
            o.max_size = n.value_or(0);
        } else if (opt == "--timeout") {
            n = number(opt, v, 1, 3600);
            o.timeout_s = unsigned(n.value_or(0));
        } else if (opt == "--kill-after") {
            n = number(opt, v, 1, 1ULL << 40);
            o.kill_after = n.value_or(0);
        } else if (opt == "--kill-file") {
            o.kill_file = v;
        } else if (opt == "--report") {
            o.report = v;
        } else if (opt == "--backend") {
            if (v != "kernel" && v != "host") {
                return std::unexpected("--backend is kernel or host, not '" + std::string(v) + "'");
            }
            o.backend = v == "host" ? SHM_BACKEND_HOST : SHM_BACKEND_KERNEL;
        } else {
            return std::unexpected("unknown option '" + std::string(opt) + "' (see --help)");
        }
        if (!n) {
            return std::unexpected(n.error());
        }
    }
    if (!have_key || !have_count) {
        return std::unexpected("--key and --count are required");
    }
    if (o.min_size > o.max_size) {
        return std::unexpected("--min is larger than --max");
    }
    if (o.mode != mode::recv && o.node == SHM_NODE_LOCAL && o.mode == mode::both) {
        return std::unexpected("both needs --node: the peer's node id");
    }
    if ((o.kill_after != 0) != !o.kill_file.empty() ||
        (o.kill_after != 0 && o.mode != mode::both)) {
        return std::unexpected("--kill-after and --kill-file go together, with both");
    }
    return o;
}

std::string usage() {
    return "usage: rsm-xfer recv --key K --count N [--seed S] [common]\n"
           "       rsm-xfer send --key K --count N [--node N] [--seed S] [common]\n"
           "       rsm-xfer both --key K --count N --node PEER --seed S --peer-seed S2\n"
           "                [--kill-after M --kill-file NAME] [--expect-peer-death] [common]\n"
           "common: [--min BYTES] [--max BYTES] [--backend kernel|host] [--timeout S]\n"
           "        [--report FILE]\n"
           "\n"
           "Moves count messages of lengths from --min to --max (log-uniform; K and M\n"
           "suffixes) over libshm and checks every length, checksum and sequence number\n"
           "on arrival. recv makes an endpoint under K and prints, per segment group,\n"
           "the messages and bytes it carried and how many fell back to a larger\n"
           "partition size; send connects to K on node N (default this node) and sends;\n"
           "both does both at once with a peer running both. Message contents follow\n"
           "from the seed: give the receiver the sender's seed.\n"
           "\n"
           "--kill-after M --kill-file NAME: after M messages received and once connected,\n"
           "create NAME in $RSM_PAIR_DIR (tools/vm/rsm-vm2 --kill then kills the peer's\n"
           "VM) and keep going; with --expect-peer-death the run succeeds only if\n"
           "sending then fails within 1 s of the peer's last heartbeat and the peer is\n"
           "reported down.\n"
           "Exit status: 0 all verified, 1 a failure (one line says which), 2 usage.\n";
}

} // namespace rsm::xfer
