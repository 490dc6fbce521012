// fake_client.hpp - a test client of the ivshmem protocol: connects like
// QEMU's ivshmem-doorbell device does and records what the server sends.
#pragma once

#include "options.hpp"
#include "protocol.hpp"
#include "server.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace rsm::ivshmem::test {

using namespace std::chrono_literals;

// What a client holds after the connect sequence.
struct Setup {
    std::int64_t id = -1;
    UniqueFd shm;
    std::map<std::int64_t, std::vector<UniqueFd>> peers; // peer id -> its vectors
    std::vector<UniqueFd> own;                           // own vectors
};

class FakeClient {
  public:
    explicit FakeClient(const std::string &socket_path);
    [[nodiscard]] bool connected() const { return bool(sock_); }
    [[nodiscard]] int fd() const { return sock_.get(); }
    Result<Message> next(std::chrono::milliseconds timeout = 5s) {
        return receive_message(sock_.get(), timeout);
    }
    // Reads the whole connect sequence for `vectors` vectors and `peers`
    // existing peers, checking every message's order and payload; a
    // failure is returned as text for the test to print.
    std::expected<Setup, std::string> read_setup(unsigned vectors, unsigned peers);
    void close() { sock_.reset(); }

  private:
    UniqueFd sock_;
};

// "anon_inode:[eventfd]" for an eventfd, else what the fd is.
std::string fd_kind(int fd);
// Adds 1 to an eventfd; reads (and so resets) its counter, 0 if unset.
void ring(int eventfd);
std::uint64_t take(int eventfd);

// A Server running on its own thread in a fresh directory.
class RunningServer {
  public:
    explicit RunningServer(Options options);
    ~RunningServer();
    RunningServer(const RunningServer &) = delete;
    RunningServer &operator=(const RunningServer &) = delete;
    [[nodiscard]] const Options &options() const { return options_; }
    [[nodiscard]] const std::filesystem::path &dir() const { return dir_; }
    [[nodiscard]] std::string log() const;

  private:
    std::filesystem::path dir_;
    Options options_;
    std::FILE *log_ = nullptr;
    UniqueFd stop_;
    std::optional<Server> server_;
    std::thread thread_;
};

// A fresh empty directory under TMPDIR for one test.
std::filesystem::path make_test_dir();

} // namespace rsm::ivshmem::test
