// Command-line parsing of rsm-bench's subcommands.
#pragma once

#include <string_view>

namespace rsm::bench {

extern const char usage_text[];

// Parses the subcommand's options and runs it; returns the exit status.
int run_command(std::string_view cmd, int argc, char **argv);

} // namespace rsm::bench
