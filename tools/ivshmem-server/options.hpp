// options.hpp - the command line of rsm-ivshmem-server.
#pragma once

#include "error.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace rsm::ivshmem {

inline constexpr unsigned max_vectors = 64;
inline constexpr unsigned max_peer_count = 65536; // ids 0..65535
inline constexpr std::uint64_t min_shm_size = 4096;
inline constexpr std::uint64_t max_shm_size = std::uint64_t{1} << 40;

struct Options {
    std::string socket_path;             // -S: where QEMU connects
    std::string shm_path;                // -M: backing file; empty for a memfd
    std::uint64_t shm_size = 4ULL << 20; // -l: bytes, a power of two
    unsigned vectors = 1;                // -n: eventfds (MSI-X vectors) per peer
    unsigned max_peers = 64;             // -P: connected peers at most
    std::string pid_file;                // -p: written once listening
    bool rsm_table = false;              // -r: rsm's connection table in the memory
    bool verbose = false;                // -v: log every message sent
    bool help = false;                   // -h
};

// Parses argv[1..]. Errors are Errc::invalid_argument with a one-line
// message naming the bad option or value.
[[nodiscard]] Result<Options> parse_options(std::span<const char *const> args);

// Parses a size: decimal digits with an optional K, M or G suffix (binary
// multiples), e.g. "4M". Fails on anything else or on overflow.
[[nodiscard]] Result<std::uint64_t> parse_size(std::string_view text);

[[nodiscard]] std::string usage();

} // namespace rsm::ivshmem
