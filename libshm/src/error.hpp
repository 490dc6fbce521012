// error.hpp - libshm's internal error type: an errno value behind a distinct
// type, returned through std::expected. The C API turns it into -errno, the
// C++ API (include/libshm/shm.hpp) into shm::errc.
#pragma once

#include <cerrno>
#include <expected>

namespace shm::detail {

// A positive errno value. Its own type so an error is never mistaken for a
// count or a length.
enum class errc : int {};

template <class T = void>
using result = std::expected<T, errc>;

inline std::unexpected<errc> fail(int e) {
    return std::unexpected(errc{e});
}

// The errno of the system call that just failed.
inline std::unexpected<errc> fail_errno() {
    return fail(errno);
}

inline int code(errc e) {
    return static_cast<int>(e);
}

} // namespace shm::detail
