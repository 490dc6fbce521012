// commands.hpp - what each rsmctl command does.
#pragma once

#include "error.hpp"
#include "options.hpp"

namespace rsm::ctl {

// Runs @cmd, writing its output to stdout. @stop_fd becomes readable when
// SIGINT or SIGTERM arrives (monitor and recv end cleanly on it).
[[nodiscard]] Result<void> run(const Command &cmd, int stop_fd);

// monitor.cpp
[[nodiscard]] Result<void> run_monitor(const Command &cmd, int stop_fd);

// transfer.cpp
[[nodiscard]] Result<void> run_send(const Command &cmd, int stop_fd);
[[nodiscard]] Result<void> run_recv(const Command &cmd, int stop_fd);

} // namespace rsm::ctl
