// sysfs.cpp - reading /sys/kernel/rsm/stats (one value per file).
#include "sysfs.hpp"

#include "options.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace rsm::ctl {

std::string sysfs_root() {
    const char *env = std::getenv("RSM_SYSFS_ROOT");
    return env != nullptr && *env != '\0' ? env : "/sys/kernel/rsm";
}

Result<std::vector<std::pair<std::string, std::uint64_t>>> read_stats() {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(sysfs_root()) / "stats";
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec == std::errc::no_such_file_or_directory) {
        return fail(Errc::not_loaded, "the rsmdev module is not loaded (no " + dir.string() + ")");
    }
    if (ec) {
        return fail(Errc::system, dir.string() + ": " + ec.message(), ec.value());
    }
    std::vector<std::pair<std::string, std::uint64_t>> stats;
    for (const auto &entry : it) {
        std::ifstream in(entry.path());
        std::string text;
        if (!in || !std::getline(in, text)) {
            return fail(Errc::system, entry.path().string() + ": " + std::strerror(errno), errno);
        }
        const auto v = parse_number(text, std::numeric_limits<std::uint64_t>::max());
        if (!v) {
            return fail(Errc::protocol, entry.path().string() + ": not a counter: '" + text + "'");
        }
        stats.emplace_back(entry.path().filename().string(), *v);
    }
    std::sort(stats.begin(), stats.end());
    return stats;
}

} // namespace rsm::ctl
