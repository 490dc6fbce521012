// fake_client.cpp - the ivshmem test client and the in-process server.
#include "fake_client.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>

namespace rsm::ivshmem::test {

FakeClient::FakeClient(const std::string &socket_path) {
    UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    socket_path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    if (s && ::connect(s.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0) {
        sock_ = std::move(s);
    }
}

std::expected<Setup, std::string> FakeClient::read_setup(unsigned vectors, unsigned peers) {
    Setup s;
    auto expect = [&](const char *step, bool want_fd) -> std::expected<Message, std::string> {
        auto m = next();
        if (!m) {
            return std::unexpected(std::string(step) + ": " + m.error().message());
        }
        if (bool(m->fd) != want_fd) {
            return std::unexpected(std::string(step) + (want_fd ? ": no fd" : ": unexpected fd"));
        }
        return std::move(*m);
    };
    auto version = expect("version", false);
    if (!version) {
        return std::unexpected(version.error());
    }
    if (version->value != protocol_version) {
        return std::unexpected("version " + std::to_string(version->value));
    }
    auto id = expect("own id", false);
    if (!id) {
        return std::unexpected(id.error());
    }
    s.id = id->value;
    auto shm = expect("shared memory", true);
    if (!shm) {
        return std::unexpected(shm.error());
    }
    if (shm->value != shm_message) {
        return std::unexpected("shared memory message has value " + std::to_string(shm->value));
    }
    s.shm = std::move(shm->fd);
    std::int64_t last_peer = -1;
    for (unsigned p = 0; p < peers; ++p) {
        std::int64_t peer = -1;
        for (unsigned v = 0; v < vectors; ++v) {
            auto m = expect("peer vector", true);
            if (!m) {
                return std::unexpected(m.error());
            }
            if (v == 0) {
                peer = m->value;
                if (peer == s.id || peer <= last_peer) {
                    return std::unexpected("peer " + std::to_string(peer) +
                                           " out of order or own id");
                }
            } else if (m->value != peer) {
                return std::unexpected("peer " + std::to_string(m->value) + " in the vectors of " +
                                       std::to_string(peer));
            }
            s.peers[peer].push_back(std::move(m->fd));
        }
        last_peer = peer;
    }
    for (unsigned v = 0; v < vectors; ++v) {
        auto m = expect("own vector", true);
        if (!m) {
            return std::unexpected(m.error());
        }
        if (m->value != s.id) {
            return std::unexpected("own vector carries id " + std::to_string(m->value));
        }
        s.own.push_back(std::move(m->fd));
    }
    return s;
}

std::string fd_kind(int fd) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), ec);
    return ec ? "invalid fd" : target.string();
}

void ring(int eventfd) {
    ASSERT_EQ(0, ::eventfd_write(eventfd, 1));
}

std::uint64_t take(int eventfd) {
    // The server creates eventfds non-blocking; that flag lives in the open
    // file description, which SCM_RIGHTS shares, so this read never blocks.
    eventfd_t v = 0;
    return ::eventfd_read(eventfd, &v) == 0 ? v : 0;
}

std::filesystem::path make_test_dir() {
    const char *tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr ? tmp : "/tmp") + "/rsm-ivshmem-test-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
        ADD_FAILURE() << "mkdtemp failed";
    }
    return tmpl;
}

RunningServer::RunningServer(Options options)
    : dir_(make_test_dir()), options_(std::move(options)) {
    if (options_.socket_path.empty()) {
        options_.socket_path = dir_ / "sock";
    }
    // Append mode: log() reads the file through its own stream meanwhile.
    log_ = std::fopen((dir_ / "log").c_str(), "ae");
    stop_.reset(::eventfd(0, EFD_CLOEXEC));
    auto s = Server::create(options_, log_);
    if (!s) {
        ADD_FAILURE() << "Server::create: " << s.error().message();
        return;
    }
    server_.emplace(std::move(*s));
    thread_ = std::thread([this] {
        auto r = server_->run(stop_.get());
        EXPECT_TRUE(r.has_value()) << r.error().message();
    });
}

RunningServer::~RunningServer() {
    if (thread_.joinable()) {
        ring(stop_.get());
        thread_.join();
    }
    server_.reset();
    if (log_ != nullptr) {
        std::fclose(log_);
    }
    std::filesystem::remove_all(dir_);
}

std::string RunningServer::log() const {
    std::ifstream in(dir_ / "log");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace rsm::ivshmem::test
