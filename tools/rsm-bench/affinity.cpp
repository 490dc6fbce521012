#include "affinity.hpp"

#include <sched.h>
#include <string>

namespace rsm::bench {

result<std::vector<int>> allowed_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0)
        return sys_fail("sched_getaffinity");
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set))
            cpus.push_back(c);
    return cpus;
}

result<> pin_to_cpus(const std::vector<int> &cpus) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c : cpus) {
        if (c < 0 || c >= CPU_SETSIZE)
            return fail("CPU " + std::to_string(c) + " is out of range");
        CPU_SET(c, &set);
    }
    if (sched_setaffinity(0, sizeof(set), &set) != 0)
        return sys_fail("sched_setaffinity to CPU " + std::to_string(cpus.empty() ? -1 : cpus[0]));
    return {};
}

result<> pin_to_cpu(int cpu) {
    return pin_to_cpus({cpu});
}

} // namespace rsm::bench
