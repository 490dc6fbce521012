// program_test.cpp - the rsm-ivshmem-server program: one-line errors with
// exit 2, a pid file once listening, a clean exit on SIGTERM that removes
// its socket and pid file and leaves the shared memory file.
#include "fake_client.hpp"

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

namespace rsm::ivshmem::test {
namespace {

struct Child {
    pid_t pid = -1;
    std::filesystem::path err;
};

Child spawn(const std::filesystem::path &dir, std::vector<std::string> args) {
    Child c;
    c.err = dir / "stderr";
    args.insert(args.begin(), RSM_IVSHMEM_SERVER_BIN);
    std::vector<char *> argv;
    for (auto &a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, c.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    EXPECT_EQ(0, posix_spawn(&c.pid, argv[0], &fa, nullptr, argv.data(), environ));
    posix_spawn_file_actions_destroy(&fa);
    return c;
}

int wait_exit(pid_t pid) {
    int st = 0;
    EXPECT_EQ(pid, ::waitpid(pid, &st, 0));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

std::string slurp(const std::filesystem::path &p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Program, BadOptionIsOneLineAndExit2) {
    auto dir = make_test_dir();
    Child c = spawn(dir, {"-S", (dir / "s").string(), "-l", "3M"});
    EXPECT_EQ(2, wait_exit(c.pid));
    std::string err = slurp(c.err);
    EXPECT_EQ(0U, err.find("rsm-ivshmem-server: ")) << err;
    EXPECT_EQ(err.size() - 1, err.find('\n')) << "exactly one line: " << err;
    EXPECT_FALSE(std::filesystem::exists(dir / "s"));
    std::filesystem::remove_all(dir);
}

TEST(Program, ServesUntilSigtermThenCleansUp) {
    auto dir = make_test_dir();
    const auto sock = dir / "sock", pid = dir / "pid", shm = dir / "shm";
    Child c = spawn(
        dir, {"-S", sock.string(), "-p", pid.string(), "-M", shm.string(), "-l", "64K", "-n", "2"});
    for (int i = 0; i < 500 && !std::filesystem::exists(pid); ++i) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_TRUE(std::filesystem::exists(pid)) << slurp(c.err);
    EXPECT_EQ(std::to_string(c.pid) + "\n", slurp(pid));
    {
        FakeClient a(sock.string());
        auto s = a.read_setup(2, 0);
        ASSERT_TRUE(s.has_value()) << s.error();
        EXPECT_EQ(0, s->id);
    }
    for (int i = 0; i < 500 && slurp(c.err).find("peer 0 left") == std::string::npos; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(0, ::kill(c.pid, SIGTERM));
    EXPECT_EQ(0, wait_exit(c.pid)) << slurp(c.err);
    EXPECT_FALSE(std::filesystem::exists(sock));
    EXPECT_FALSE(std::filesystem::exists(pid));
    EXPECT_EQ(64U << 10, std::filesystem::file_size(shm));
    std::string log = slurp(c.err);
    EXPECT_NE(std::string::npos, log.find("peer 0 joined")) << log;
    EXPECT_NE(std::string::npos, log.find("peer 0 left")) << log;
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace rsm::ivshmem::test
