#include "subprocess.hpp"

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

extern char **environ;

namespace rsm::bench {

result<subprocess> subprocess::spawn(const std::vector<std::string> &argv,
                                     const std::vector<std::string> &env) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return sys_fail("pipe2");
    unique_fd r(p[0]), w(p[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, w.get(), STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

    std::vector<std::string> envs;
    for (char **e = environ; *e; e++)
        envs.emplace_back(*e);
    envs.insert(envs.end(), env.begin(), env.end());
    std::vector<char *> cargv, cenv;
    for (auto &a : argv)
        cargv.push_back(const_cast<char *>(a.c_str()));
    cargv.push_back(nullptr);
    for (auto &e : envs)
        cenv.push_back(const_cast<char *>(e.c_str()));
    cenv.push_back(nullptr);

    subprocess sp;
    int err = posix_spawnp(&sp.pid_, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&fa);
    if (err != 0)
        return sys_fail("running " + argv[0], err);
    sp.out_ = std::move(r);
    fcntl(sp.out_.get(), F_SETFL, O_NONBLOCK);
    return sp;
}

subprocess::~subprocess() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

subprocess::subprocess(subprocess &&o) noexcept
    : pid_(std::exchange(o.pid_, -1)), out_(std::move(o.out_)), output_(std::move(o.output_)) {}

result<int> subprocess::wait(std::chrono::steady_clock::time_point deadline) {
    bool eof = false;
    for (;;) {
        for (char buf[4096]; !eof;) {
            ssize_t n = read(out_.get(), buf, sizeof(buf));
            if (n > 0)
                output_.append(buf, static_cast<std::size_t>(n));
            else if (n == 0)
                eof = true;
            else if (errno != EINTR)
                break;
        }
        // Once it exited, what it wrote is in the pipe and was read above.
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            for (char buf[4096];;) {
                ssize_t n = read(out_.get(), buf, sizeof(buf));
                if (n <= 0)
                    break;
                output_.append(buf, static_cast<std::size_t>(n));
            }
            pid_ = -1;
            return status;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
            pid_ = -1;
            return fail("timed out");
        }
        pollfd pfd{out_.get(), POLLIN, 0};
        poll(&pfd, eof ? 0 : 1, static_cast<int>(std::min<long>(left.count(), 50)));
    }
}

bool tcp_port_listening(int port) {
    for (const char *file : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(file);
        std::string line;
        std::getline(in, line); // header
        while (std::getline(in, line)) {
            // "  0: 00000000:3419 00000000:0000 0A ..." local address, remote, state
            std::istringstream f(line);
            std::string slot, local, remote, state;
            f >> slot >> local >> remote >> state;
            auto colon = local.rfind(':');
            if (colon == std::string::npos || state != "0A")
                continue;
            if (std::stoi(local.substr(colon + 1), nullptr, 16) == port)
                return true;
        }
    }
    return false;
}

result<int> free_tcp_port() {
    unique_fd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!s)
        return sys_fail("socket");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    socklen_t len = sizeof(a);
    if (bind(s.get(), reinterpret_cast<sockaddr *>(&a), sizeof(a)) < 0 ||
        getsockname(s.get(), reinterpret_cast<sockaddr *>(&a), &len) < 0)
        return sys_fail("finding a free TCP port");
    return ntohs(a.sin_port);
}

} // namespace rsm::bench
