// error.hpp - the typed error every fallible call of the server returns.
#pragma once

#include <expected>
#include <string>

namespace rsm::ivshmem {

enum class Errc {
    invalid_argument, // a command-line value is out of range or malformed
    socket_in_use,    // another server answers on the socket path
    system,           // a system call failed; sys_errno says why
    closed,           // the peer closed the connection
    protocol,         // a message broke the ivshmem protocol
    timed_out,        // nothing arrived in time (test client only)
};

struct Error {
    Errc code;
    int sys_errno = 0;   // errno for Errc::system, else 0
    std::string context; // what was being done, for the one-line message

    // "context: strerror" for system errors, else the context alone.
    [[nodiscard]] std::string message() const;
};

template <typename T>
using Result = std::expected<T, Error>;

// An Errc::system error from the current errno.
[[nodiscard]] Error system_error(std::string context);

} // namespace rsm::ivshmem
