// main.cpp - rsmctl: inspect and watch rsmdev through its generic netlink
// family and sysfs; move data through libshm. Exit status 0 on success, 1
// on failure, 2 on a bad command line; every failure is one line on
// standard error.
#include "commands.hpp"
#include "options.hpp"

#include <csignal>
#include <cstdio>
#include <sys/signalfd.h>
#include <unistd.h>

#ifndef RSMCTL_VERSION
#define RSMCTL_VERSION "unknown"
#endif

int main(int argc, char **argv) {
    using namespace rsm::ctl;
    auto cmd = parse_command({argv + 1, static_cast<std::size_t>(argc > 0 ? argc - 1 : 0)});
    if (!cmd) {
        std::fprintf(stderr, "%s\n", cmd.error().line({}).c_str());
        return cmd.error().exit_status();
    }
    if (cmd->verb == Verb::help) {
        std::fputs(usage().c_str(), stdout);
        return 0;
    }
    if (cmd->verb == Verb::version) {
        std::printf("rsmctl %s\n", RSMCTL_VERSION);
        return 0;
    }

    // SIGINT and SIGTERM arrive through a signalfd that the waiting
    // commands poll, so they end cleanly (exit 0) instead of dying.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    int stop_fd = -1;
    if (cmd->verb == Verb::monitor || cmd->verb == Verb::recv || cmd->verb == Verb::send) {
        if (sigprocmask(SIG_BLOCK, &stop_signals, nullptr) == 0) {
            stop_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
        }
        if (stop_fd < 0) {
            std::perror("rsmctl: signalfd");
            return 1;
        }
    }
    const auto r = run(*cmd, stop_fd);
    if (stop_fd >= 0) {
        close(stop_fd);
    }
    if (!r) {
        std::fprintf(stderr, "%s\n", r.error().line(cmd->context).c_str());
        return r.error().exit_status();
    }
    return 0;
}
