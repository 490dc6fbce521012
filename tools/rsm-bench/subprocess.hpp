// Running an external peer program (ucx_perftest): spawn with extra
// environment, capture its standard output, wait with a deadline.
#pragma once

#include "failure.hpp"
#include "unique_fd.hpp"

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace rsm::bench {

class subprocess {
  public:
    // argv[0] is looked up in PATH; env entries ("NAME=value") are added to
    // the inherited environment. Standard output is captured, standard
    // error inherited.
    static result<subprocess> spawn(const std::vector<std::string> &argv,
                                    const std::vector<std::string> &env);
    ~subprocess();
    subprocess(subprocess &&o) noexcept;
    subprocess &operator=(subprocess &&) = delete;
    subprocess(const subprocess &) = delete;

    // Reads output until the process exits or the deadline passes (then it
    // is killed). Returns the exit status (as waitpid reports it).
    result<int> wait(std::chrono::steady_clock::time_point deadline);
    const std::string &output() const noexcept { return output_; }
    pid_t pid() const noexcept { return pid_; }

  private:
    subprocess() = default;
    pid_t pid_ = -1;
    unique_fd out_;
    std::string output_;
};

// Whether something listens on this TCP port (from /proc/net/tcp{,6}).
bool tcp_port_listening(int port);
// A TCP port that was free a moment ago.
result<int> free_tcp_port();

} // namespace rsm::bench
