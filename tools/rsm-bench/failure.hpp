// Typed errors of rsm-bench: every fallible call returns result<T>, and the
// tool prints failure::message as its one line of explanation.
#pragma once

#include <cerrno>
#include <cstring>
#include <expected>
#include <string>
#include <string_view>

namespace rsm::bench {

struct failure {
    std::string message;
};

template <class T = void>
using result = std::expected<T, failure>;

// "what: strerror(err)" for a failed system call.
inline failure sys_failure(std::string_view what, int err = errno) {
    return failure{std::string(what) + ": " + std::strerror(err)};
}

inline std::unexpected<failure> fail(std::string message) {
    return std::unexpected(failure{std::move(message)});
}

inline std::unexpected<failure> sys_fail(std::string_view what, int err = errno) {
    return std::unexpected(sys_failure(what, err));
}

} // namespace rsm::bench
