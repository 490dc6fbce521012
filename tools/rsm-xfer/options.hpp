// options.hpp - the command line of rsm-xfer.
#pragma once

#include "workload.hpp"

#include <cstdint>
#include <expected>
#include <libshm/shm.h>
#include <span>
#include <string>

namespace rsm::xfer {

enum class mode { recv, send, both };

struct options {
    xfer::mode mode = mode::recv;
    std::uint64_t key = 0;
    std::uint64_t count = 0;
    std::uint32_t node = SHM_NODE_LOCAL; // send/both: the receiving node
    std::uint64_t seed = 1;              // of what this process sends (send/both)
    std::uint64_t peer_seed = 1;         // of what it receives (recv: --seed)
    std::uint64_t min_size = 1;
    std::uint64_t max_size = 1 << 20;
    shm_backend backend = SHM_BACKEND_KERNEL;
    unsigned timeout_s = 120;
    std::uint64_t kill_after = 0; // both: ask for the peer's death after this many
    std::string kill_file;        // ... by creating this file in RSM_PAIR_DIR
    bool expect_peer_death = false;
    std::string report; // key=value lines for scripts
    bool help = false;
};

// Parses argv[1..]; errors are one line naming the bad option or value.
[[nodiscard]] std::expected<options, std::string> parse_options(std::span<const char *const> args);

[[nodiscard]] std::string usage();

} // namespace rsm::xfer
