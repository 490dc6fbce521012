// options.hpp - the command line of rsmctl.
#pragma once

#include "error.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rsm::ctl {

enum class Verb {
    help,
    version,
    node,
    seg_list,
    seg_show,
    seg_destroy,
    group_list,
    group_show,
    channel_list,
    registry_list,
    registry_show,
    monitor,
    stats,
    send,
    recv,
};

struct Command {
    Verb verb = Verb::help;
    bool json = false;                 // -j: JSON instead of text
    std::uint32_t id = 0;              // seg/group show, seg destroy
    std::uint64_t key = 0;             // registry show, send, recv
    std::optional<std::uint32_t> node; // --node: registry show, send
    std::uint64_t count = 0;           // monitor -c: stop after this many (0: never)
    std::uint32_t mode = 0600;         // recv --mode: the endpoint's permission bits
    std::string context;               // "seg show 42": what error lines start with
};

// Parses argv[1..]. Errors are Errc::usage with a line naming what is wrong.
[[nodiscard]] Result<Command> parse_command(std::span<const char *const> args);

// A number in decimal or with a 0x prefix in hex, that fits @max.
[[nodiscard]] std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t max);

[[nodiscard]] std::string usage();

} // namespace rsm::ctl
