#include "side.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

namespace rsm::bench {

void side_context::emit(const row &r) const {
    std::string line = to_csv(r) + '\n';
    std::string_view rest = line;
    while (!rest.empty()) {
        ssize_t n = write(report_fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die_errno(*this, "writing results to the supervisor");
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
}

void die(const side_context &s, std::string_view what) {
    std::fprintf(stderr, "rsm-bench: %s %s %s side %d: %.*s\n", s.base.system.c_str(),
                 s.base.test.c_str(), s.base.mode.c_str(), s.index, static_cast<int>(what.size()),
                 what.data());
    _exit(1);
}

void die_errno(const side_context &s, std::string_view what) {
    int err = errno;
    die(s, std::string(what) + ": " + std::strerror(err));
}

void verify_failed(const side_context &s, std::size_t size, uint64_t seq) {
    std::fprintf(stderr,
                 "rsm-bench: %s %s %s side %d: message %llu of %zu bytes arrived corrupted\n",
                 s.base.system.c_str(), s.base.test.c_str(), s.base.mode.c_str(), s.index,
                 static_cast<unsigned long long>(seq), size);
    _exit(exit_verify_failed);
}

} // namespace rsm::bench
