// error.cpp - turning errors into the one line rsmctl prints.
#include "error.hpp"

#include <cerrno>
#include <cstring>

namespace rsm::ctl {

std::string Error::line(const std::string &context) const {
    std::string s = "rsmctl: ";
    if (!context.empty() && code != Errc::not_loaded) {
        s += context + ": ";
    }
    s += what;
    // never more than one line, whatever the kernel or libc said
    for (char &c : s) {
        if (c == '\n') {
            c = ' ';
        }
    }
    return s;
}

Error errno_error(int err, const std::string &what_missing, const std::string &detail) {
    err = err < 0 ? -err : err;
    std::string what;
    Errc code = Errc::system;
    switch (err) {
    case EPERM:
    case EACCES:
        code = Errc::permission;
        what = "permission denied";
        break;
    case ENOENT:
        code = Errc::not_found;
        what = what_missing;
        break;
    case EEXIST:
        code = Errc::exists;
        what = "key already published";
        break;
    case ENXIO: // the family's answer for a node no interconnect reaches
        code = Errc::not_found;
        what = "no such node";
        break;
    case EHOSTDOWN:
        what = "node is down";
        break;
    default:
        what = std::strerror(err);
        break;
    }
    if (!detail.empty() && detail != what) {
        what += " (" + detail + ")";
    }
    return Error{code, what, err};
}

std::string errno_name(int err) {
    err = err < 0 ? -err : err;
    switch (err) {
    case EIDRM:
        return "EIDRM";
    case EHOSTDOWN:
        return "EHOSTDOWN";
    case ESTALE:
        return "ESTALE";
    case ENOENT:
        return "ENOENT";
    default:
        return "E" + std::to_string(err);
    }
}

} // namespace rsm::ctl
