#include "pair_runner.hpp"

#include "affinity.hpp"
#include "shared_mapping.hpp"
#include "side.hpp"
#include "unique_fd.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rsm::bench {

namespace {

[[noreturn]] void child(const pair_spec &spec, int side, pair_control &control, int report_fd,
                        pid_t parent) {
    // Die with the supervisor, whatever kills it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    signal(SIGPIPE, SIG_IGN);
    if (auto r = pin_to_cpu(spec.cpus[side]); !r) {
        std::fprintf(stderr, "rsm-bench: %s side %d: %s\n", spec.label.c_str(), side,
                     r.error().message.c_str());
        _exit(1);
    }
    _exit(spec.side_main(side, control, report_fd));
}

std::string describe_status(int status) {
    if (WIFSIGNALED(status))
        return "killed by signal " + std::to_string(WTERMSIG(status));
    return "exit status " + std::to_string(WEXITSTATUS(status));
}

} // namespace

result<pair_outcome> run_pair(const pair_spec &spec) {
    auto control = shared_mapping::create(4096);
    if (!control)
        return std::unexpected(control.error());
    auto *shared = new (control->data()) pair_control;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return sys_fail("pipe2");
    unique_fd report_r(p[0]), report_w(p[1]);

    std::fflush(stdout);
    std::fflush(stderr);
    pid_t parent = getpid();
    std::array<pid_t, 2> pid{-1, -1};
    std::array<unique_fd, 2> pidfd;
    std::array<bool, 2> exited{!spec.local[0], !spec.local[1]};
    for (int side : {0, 1}) {
        if (!spec.local[side])
            continue;
        pid[side] = fork();
        if (pid[side] < 0) {
            int err = errno;
            if (pid[0] > 0) {
                kill(pid[0], SIGKILL);
                waitpid(pid[0], nullptr, 0);
            }
            return sys_fail("fork", err);
        }
        if (pid[side] == 0) {
            report_r.reset();
            if (side == 1)
                report_w.reset();
            child(spec, side, *shared, report_w.get(), parent);
        }
        pidfd[side].reset(static_cast<int>(syscall(SYS_pidfd_open, pid[side], 0)));
    }
    report_w.reset();

    pair_outcome out;
    std::string text;
    bool eof = false;
    fcntl(report_r.get(), F_SETFL, O_NONBLOCK);
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(spec.timeout_s);
    auto kill_all = [&] {
        for (int side : {0, 1})
            if (!exited[side])
                kill(pid[side], SIGKILL);
    };
    // Until both children are reaped and the pipe reached EOF (which it
    // does once both are gone: only they hold its write end).
    while (!(exited[0] && exited[1] && eof)) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 && !out.timed_out) {
            out.timed_out = true;
            out.error =
                "timed out after " + std::to_string(static_cast<int>(spec.timeout_s)) + " s";
            kill_all();
        }
        pollfd fds[3];
        nfds_t n = 0;
        if (!eof)
            fds[n++] = {report_r.get(), POLLIN, 0};
        for (int side : {0, 1})
            if (!exited[side] && pidfd[side])
                fds[n++] = {pidfd[side].get(), POLLIN, 0};
        // Without pidfds (old kernels) the children are polled every 100 ms.
        int wait_ms = static_cast<int>(std::clamp<long>(left.count(), 0, 100));
        poll(fds, n, out.timed_out ? 100 : wait_ms);
        for (char buf[4096]; !eof;) {
            ssize_t got = read(report_r.get(), buf, sizeof(buf));
            if (got > 0)
                text.append(buf, static_cast<std::size_t>(got));
            else if (got == 0)
                eof = true;
            else if (errno != EINTR)
                break;
        }
        for (int side : {0, 1}) {
            int status = 0;
            if (exited[side] || waitpid(pid[side], &status, WNOHANG) != pid[side])
                continue;
            exited[side] = true;
            if (status != 0 && !out.timed_out && out.error.empty()) {
                out.error =
                    "side " + std::to_string(side) + " failed (" + describe_status(status) + ")";
                out.verify_failed = WIFEXITED(status) && WEXITSTATUS(status) == exit_verify_failed;
                kill_all();
            }
        }
    }

    out.probe_result = shared->probe_result;
    std::istringstream lines(text);
    auto rows = read_rows(lines, spec.label);
    if (!rows) {
        if (out.error.empty())
            out.error = rows.error().message;
    } else {
        out.rows = std::move(*rows);
    }
    return out;
}

result<double> probe_cores(std::array<int, 2> cpus, const tick_clock &clock) {
    pair_spec spec;
    spec.label = "line probe";
    spec.cpus = cpus;
    spec.timeout_s = 30;
    spec.side_main = [&](int side, pair_control &c, int) {
        double ns = c.probe.run(side, clock);
        if (side == 0)
            c.probe_result = ns;
        return 0;
    };
    auto out = run_pair(spec);
    if (!out)
        return std::unexpected(out.error());
    if (!out->error.empty())
        return fail("line probe: " + out->error);
    return out->probe_result;
}

} // namespace rsm::bench
