#include "machine.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <sys/utsname.h>
#include <unistd.h>

namespace rsm::bench {

namespace {

std::string first_line(const char *path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string cpuinfo_field(const std::string &key) {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(key)) {
            auto colon = line.find(':');
            return colon == std::string::npos ? ""
                                              : line.substr(line.find_first_not_of(' ', colon + 1));
        }
    return "";
}

} // namespace

facts describe_machine() {
    facts f;
    utsname u{};
    uname(&u);
    f.emplace_back("cpu", cpuinfo_field("model name"));
    f.emplace_back("cpus", std::to_string(sysconf(_SC_NPROCESSORS_ONLN)));
    std::string flags = " " + cpuinfo_field("flags") + " ";
    f.emplace_back("hypervisor", flags.find(" hypervisor ") != std::string::npos
                                     ? "yes (a virtual machine)"
                                     : "no");
    std::string l3 = first_line("/sys/devices/system/cpu/cpu0/cache/index3/size");
    f.emplace_back("llc", l3.empty() ? "unknown" : l3);
    std::ifstream mem("/proc/meminfo");
    std::string key, kb;
    mem >> key >> kb;
    // One decimal: a 1 GiB guest has a little less than 1 GiB of MemTotal.
    char gib[32];
    std::snprintf(gib, sizeof(gib), "%.1f GiB",
                  static_cast<double>(std::stoull(kb.empty() ? "0" : kb)) / (1 << 20));
    f.emplace_back("memory", gib);
    f.emplace_back("kernel", std::string(u.sysname) + " " + u.release);
    f.emplace_back("host", u.nodename);
    return f;
}

std::string load_average() {
    std::istringstream in(first_line("/proc/loadavg"));
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace rsm::bench
