// What the results were measured on, written as "# key: value" comment
// lines at the top of each run's CSV and copied into the report.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace rsm::bench {

using facts = std::vector<std::pair<std::string, std::string>>;

// cpu, cpus, hypervisor, llc, memory, kernel, host.
facts describe_machine();
// "/proc/loadavg" first three fields.
std::string load_average();
// UTC, ISO 8601.
std::string utc_now();

} // namespace rsm::bench
