#include "wait_policy.hpp"

#include <string>

namespace rsm::bench {

std::string_view to_string(wait_mode m) {
    switch (m) {
    case wait_mode::busy_poll:
        return "busy-poll";
    case wait_mode::poll_then_block:
        return "poll-then-block";
    case wait_mode::blocking:
        return "blocking";
    }
    return "?";
}

result<wait_mode> parse_wait_mode(std::string_view name) {
    for (wait_mode m : all_wait_modes)
        if (name == to_string(m))
            return m;
    return fail("unknown mode '" + std::string(name) +
                "' (busy-poll, poll-then-block or blocking)");
}

} // namespace rsm::bench
