// error.cpp - formatting of the server's typed errors.
#include "error.hpp"

#include <cerrno>
#include <cstring>

namespace rsm::ivshmem {

std::string Error::message() const {
    if (code == Errc::system && sys_errno != 0) {
        return context + ": " + std::strerror(sys_errno);
    }
    return context;
}

Error system_error(std::string context) {
    return Error{Errc::system, errno, std::move(context)};
}

} // namespace rsm::ivshmem
