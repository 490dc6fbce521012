// sysfs.hpp - the node-wide counters in /sys/kernel/rsm/stats/.
#pragma once

#include "error.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rsm::ctl {

// /sys/kernel/rsm, or $RSM_SYSFS_ROOT when set (the host tests' fake tree).
[[nodiscard]] std::string sysfs_root();

// Every counter of stats/, by name in alphabetical order. Errc::not_loaded
// when the directory does not exist.
[[nodiscard]] Result<std::vector<std::pair<std::string, std::uint64_t>>> read_stats();

} // namespace rsm::ctl
