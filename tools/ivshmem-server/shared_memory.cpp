// shared_memory.cpp - creation of the shared memory file or memfd.
#include "shared_memory.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

namespace rsm::ivshmem {

Result<UniqueFd> open_shared_memory(const std::string &path, std::uint64_t size) {
    UniqueFd fd;
    if (path.empty()) {
        fd.reset(::memfd_create("rsm-ivshmem", MFD_CLOEXEC));
        if (!fd) {
            return std::unexpected(system_error("memfd_create"));
        }
    } else {
        fd.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (!fd) {
            return std::unexpected(system_error(path));
        }
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0) {
        return std::unexpected(system_error(path.empty() ? "memfd" : path));
    }
    if (!S_ISREG(st.st_mode)) {
        return std::unexpected(Error{Errc::invalid_argument, 0, path + ": not a regular file"});
    }
    if (static_cast<std::uint64_t>(st.st_size) != size &&
        ::ftruncate(fd.get(), static_cast<off_t>(size)) < 0) {
        return std::unexpected(system_error(path.empty() ? "memfd: resize" : path + ": resize"));
    }
    return fd;
}

} // namespace rsm::ivshmem
