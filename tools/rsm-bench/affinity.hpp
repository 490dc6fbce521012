// Pinning each side of a benchmark to its own CPU.
#pragma once

#include "failure.hpp"

#include <vector>

namespace rsm::bench {

// The CPUs this process may run on, in ascending order.
result<std::vector<int>> allowed_cpus();
// Restricts the calling thread to one CPU.
result<> pin_to_cpu(int cpu);
// Restricts the calling thread to a set of CPUs (restoring a saved mask).
result<> pin_to_cpus(const std::vector<int> &cpus);

} // namespace rsm::bench
