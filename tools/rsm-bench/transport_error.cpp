#include "transport_error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace rsm::bench {

void transport_failed(std::string_view transport, std::string_view what) {
    int err = errno;
    std::fprintf(stderr, "rsm-bench: %.*s: %.*s: %s\n", static_cast<int>(transport.size()),
                 transport.data(), static_cast<int>(what.size()), what.data(), std::strerror(err));
    _exit(1);
}

} // namespace rsm::bench
