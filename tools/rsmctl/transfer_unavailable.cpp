// transfer_unavailable.cpp - send and recv when rsmctl is built without
// libshm (the library is not part of the tree yet): a clear failure.
#include "commands.hpp"

namespace rsm::ctl {

Result<void> run_send(const Command &, int) {
    return fail(Errc::system, "not available: rsmctl was built without libshm");
}

Result<void> run_recv(const Command &, int) {
    return fail(Errc::system, "not available: rsmctl was built without libshm");
}

} // namespace rsm::ctl
