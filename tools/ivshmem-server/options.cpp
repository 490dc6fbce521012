// options.cpp - command-line parsing of rsm-ivshmem-server, with one-line
// errors (no getopt: its global state would leak between unit tests).
#include "options.hpp"

#include <bit>
#include <charconv>
#include <limits>

namespace rsm::ivshmem {
namespace {

Error bad(std::string what) {
    return Error{Errc::invalid_argument, 0, std::move(what)};
}

Result<unsigned> parse_count(std::string_view opt, std::string_view text, unsigned lo,
                             unsigned hi) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || v < lo || v > hi) {
        return std::unexpected(bad(std::string(opt) + " needs a number from " + std::to_string(lo) +
                                   " to " + std::to_string(hi) + ", not '" + std::string(text) +
                                   "'"));
    }
    return v;
}

} // namespace

Result<std::uint64_t> parse_size(std::string_view text) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end == text.data()) {
        return std::unexpected(bad("not a size: '" + std::string(text) + "'"));
    }
    std::string_view suffix(end, text.data() + text.size() - end);
    unsigned shift = 0;
    if (suffix == "K" || suffix == "k") {
        shift = 10;
    } else if (suffix == "M" || suffix == "m") {
        shift = 20;
    } else if (suffix == "G" || suffix == "g") {
        shift = 30;
    } else if (!suffix.empty()) {
        return std::unexpected(bad("not a size: '" + std::string(text) + "' (suffixes: K, M, G)"));
    }
    if (shift != 0 && v > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
        return std::unexpected(bad("size too large: '" + std::string(text) + "'"));
    }
    return v << shift;
}

Result<Options> parse_options(std::span<const char *const> args) {
    Options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view opt = args[i];
        if (opt == "-h" || opt == "--help") {
            o.help = true;
            continue;
        }
        if (opt == "-v" || opt == "--verbose") {
            o.verbose = true;
            continue;
        }
        if (opt == "-r" || opt == "--rsm") {
            o.rsm_table = true;
            continue;
        }
        const bool takes_value = opt == "-S" || opt == "--socket" || opt == "-M" ||
                                 opt == "--shm" || opt == "-l" || opt == "--size" || opt == "-n" ||
                                 opt == "--vectors" || opt == "-P" || opt == "--max-peers" ||
                                 opt == "-p" || opt == "--pid-file";
        if (!takes_value) {
            return std::unexpected(bad("unknown option '" + std::string(opt) + "' (see --help)"));
        }
        if (i + 1 >= args.size()) {
            return std::unexpected(bad(std::string(opt) + " needs a value"));
        }
        const std::string_view val = args[++i];
        if (opt == "-S" || opt == "--socket") {
            o.socket_path = val;
        } else if (opt == "-M" || opt == "--shm") {
            o.shm_path = val;
        } else if (opt == "-p" || opt == "--pid-file") {
            o.pid_file = val;
        } else if (opt == "-l" || opt == "--size") {
            auto size = parse_size(val);
            if (!size) {
                return std::unexpected(size.error());
            }
            // BAR2 is a PCI BAR: QEMU maps the whole file, a power of two.
            if (*size < min_shm_size || *size > max_shm_size || !std::has_single_bit(*size)) {
                return std::unexpected(
                    bad("shared memory size must be a power of two from 4K to 1024G, not '" +
                        std::string(val) + "'"));
            }
            o.shm_size = *size;
        } else if (opt == "-n" || opt == "--vectors") {
            auto n = parse_count(opt, val, 1, max_vectors);
            if (!n) {
                return std::unexpected(n.error());
            }
            o.vectors = *n;
        } else {
            auto n = parse_count(opt, val, 1, max_peer_count);
            if (!n) {
                return std::unexpected(n.error());
            }
            o.max_peers = *n;
        }
    }
    if (!o.help && o.socket_path.empty()) {
        return std::unexpected(bad("no socket path given (-S PATH)"));
    }
    return o;
}

std::string usage() {
    return "usage: rsm-ivshmem-server -S SOCKET [-M SHM-FILE] [-l SIZE] [-n VECTORS]\n"
           "                          [-P MAX-PEERS] [-p PID-FILE] [-r] [-v]\n"
           "\n"
           "Serves QEMU ivshmem-doorbell devices (QEMU's ivshmem client-server protocol):\n"
           "gives each connecting QEMU an id, the shared memory and the eventfds of every\n"
           "peer's interrupt vectors, and tells the others when a peer joins or leaves.\n"
           "\n"
           "  -S, --socket PATH     Unix socket to listen on (a stale socket is replaced)\n"
           "  -M, --shm PATH        shared memory file, created and sized if needed\n"
           "                        (default: an anonymous memfd)\n"
           "  -l, --size SIZE       shared memory bytes, power of two, K/M/G (default 4M)\n"
           "  -n, --vectors N       interrupt vectors per peer, 1-64 (default 1); must\n"
           "                        equal the devices' vectors= property\n"
           "  -P, --max-peers N     peers connected at once, 1-65536 (default 64); ids\n"
           "                        are the lowest free, so they stay below N\n"
           "  -p, --pid-file PATH   write the pid here once listening\n"
           "  -r, --rsm             keep rsm's table of connected VMs in the shared\n"
           "                        memory and interrupt the others (vector 0) when one\n"
           "                        leaves, so rsm nodes see a dead VM at once\n"
           "  -v, --verbose         log every message sent\n"
           "  -h, --help            this text\n"
           "\n"
           "Runs in the foreground until SIGINT or SIGTERM; see rsm-ivshmem-server(8).\n";
}

} // namespace rsm::ivshmem
