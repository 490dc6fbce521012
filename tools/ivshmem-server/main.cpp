// main.cpp - rsm-ivshmem-server: QEMU's ivshmem server protocol, for the
// two-VM runner and anyone running ivshmem-doorbell guests (Debian does not
// ship QEMU's contrib/ivshmem-server).
#include "options.hpp"
#include "server.hpp"

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <sys/signalfd.h>
#include <unistd.h>

namespace {

constexpr const char *prog = "rsm-ivshmem-server";

int fail(const std::string &what, int status) {
    std::fprintf(stderr, "%s: %s\n", prog, what.c_str());
    return status;
}

// Written only once the socket listens, so whoever waits for the file can
// start QEMU at once (QEMU's device reads its setup messages during start).
bool write_pid_file(const std::string &path) {
    const std::string tmp = path + ".tmp";
    std::FILE *f = std::fopen(tmp.c_str(), "we");
    if (f == nullptr) {
        return false;
    }
    const bool ok = std::fprintf(f, "%d\n", static_cast<int>(::getpid())) > 0;
    return (std::fclose(f) == 0) && ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

} // namespace

int main(int argc, char **argv) {
    using namespace rsm::ivshmem;
    auto options = parse_options({argv + 1, static_cast<std::size_t>(argc - 1)});
    if (!options) {
        return fail(options.error().message(), 2);
    }
    if (options->help) {
        std::fputs(usage().c_str(), stdout);
        return 0;
    }

    // SIGINT/SIGTERM arrive through a signalfd the loop polls, so the
    // socket is always removed on the way out.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &stop_signals, nullptr) < 0) {
        return fail(system_error("sigprocmask").message(), 1);
    }
    UniqueFd stop(::signalfd(-1, &stop_signals, SFD_CLOEXEC));
    if (!stop) {
        return fail(system_error("signalfd").message(), 1);
    }
    std::signal(SIGPIPE, SIG_IGN);

    auto server = Server::create(*options, stderr);
    if (!server) {
        return fail(server.error().message(), 1);
    }
    if (!options->pid_file.empty() && !write_pid_file(options->pid_file)) {
        return fail(system_error(options->pid_file).message(), 1);
    }
    auto r = server->run(stop.get());
    if (!options->pid_file.empty()) {
        ::unlink(options->pid_file.c_str());
    }
    return r ? 0 : fail(r.error().message(), 1);
}
