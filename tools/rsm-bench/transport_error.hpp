// A transport call failed in a benchmark process: there is no one to return
// an error to inside a timed loop, so the process says why and exits; the
// supervisor reports it and goes on with the next system.
#pragma once

#include <string_view>

namespace rsm::bench {

// "rsm-bench: TRANSPORT: WHAT: strerror(errno)", then _exit(1).
[[noreturn]] void transport_failed(std::string_view transport, std::string_view what);

} // namespace rsm::bench
