// error.hpp - the typed error every fallible call of rsmctl returns, and
// the one line and exit status it becomes.
#pragma once

#include <expected>
#include <string>

namespace rsm::ctl {

enum class Errc {
    usage,      // bad command line: exit status 2
    not_loaded, // rsmdev.ko is not loaded (no family, no sysfs)
    not_found,  // no such segment, group, channel, node or key
    permission, // the kernel said EPERM or EACCES
    exists,     // the key is already published
    system,     // any other failure; sys_errno says why
    protocol,   // a reply that breaks the family's spec
};

struct Error {
    Errc code;
    std::string what;  // what was wrong, in words, without the program name
    int sys_errno = 0; // the errno behind it, when there is one

    // "rsmctl: <context>: <what>" or "rsmctl: <what>"; one line.
    [[nodiscard]] std::string line(const std::string &context) const;
    // 2 for usage errors, 1 for everything else.
    [[nodiscard]] int exit_status() const { return code == Errc::usage ? 2 : 1; }
};

template <typename T>
using Result = std::expected<T, Error>;

[[nodiscard]] inline std::unexpected<Error> fail(Errc code, std::string what, int sys_errno = 0) {
    return std::unexpected(Error{code, std::move(what), sys_errno});
}

// An error for a negative errno from the kernel or the C library: EPERM and
// EACCES become Errc::permission, ENOENT Errc::not_found, EEXIST Errc::exists,
// anything else Errc::system. @what_missing names the object for ENOENT
// ("no such segment"); @detail, when not empty, is the kernel's own message.
[[nodiscard]] Error errno_error(int err, const std::string &what_missing,
                                const std::string &detail = {});

// "EIDRM" for EIDRM, "E123" for an errno without a symbolic name here.
[[nodiscard]] std::string errno_name(int err);

} // namespace rsm::ctl
