// sysfs_test.cpp - rsmctl as a program against a fake sysfs tree: stats in
// text and JSON, the module-not-loaded line and exit status, usage errors
// (exit 2, one line).
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct Outcome {
    int status;
    std::string out;
    std::string err;
};

// Runs rsmctl with @args and the environment @env_root as RSM_SYSFS_ROOT.
Outcome run(const std::string &args, const std::string &env_root) {
    const fs::path err_file =
        fs::temp_directory_path() / ("rsmctl_err." + std::to_string(getpid()));
    const std::string cmd =
        "RSM_SYSFS_ROOT='" + env_root + "' " RSMCTL_BIN " " + args + " 2>" + err_file.string();
    Outcome r{};
    FILE *p = popen(cmd.c_str(), "r");
    if (p == nullptr) {
        r.status = -1;
        return r;
    }
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) {
        r.out.append(buf.data(), n);
    }
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream in(err_file);
    r.err.assign(std::istreambuf_iterator<char>(in), {});
    fs::remove(err_file);
    return r;
}

class FakeSysfs : public ::testing::Test {
  protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("rsmctl_sysfs." + std::to_string(getpid()));
        fs::create_directories(root_ / "stats");
        write("segments", "3\n");
        write("bytes", "40960\n");
        write("signals", "18446744073709551615\n");
    }
    void TearDown() override { fs::remove_all(root_); }
    void write(const std::string &name, const std::string &value) {
        std::ofstream(root_ / "stats" / name) << value;
    }
    fs::path root_;
};

TEST_F(FakeSysfs, StatsText) {
    const Outcome r = run("stats", root_.string());
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "bytes     40960\nsegments  3\nsignals   18446744073709551615\n");
    EXPECT_EQ(r.err, "");
}

TEST_F(FakeSysfs, StatsJson) {
    const Outcome r = run("-j stats", root_.string());
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["segments"], 3);
    EXPECT_EQ(j["bytes"], 40960);
    EXPECT_EQ(j["signals"].get<std::uint64_t>(), 18446744073709551615ULL);
}

TEST_F(FakeSysfs, StatsGarbageIsOneLine) {
    write("mappings", "lots\n");
    const Outcome r = run("stats", root_.string());
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "rsmctl: stats: " + (root_ / "stats" / "mappings").string() +
                         ": not a counter: 'lots'\n");
}

TEST(Program, StatsWithoutModule) {
    const Outcome r = run("stats", "/nonexistent/rsm");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "rsmctl: the rsmdev module is not loaded (no /nonexistent/rsm/stats)\n");
    EXPECT_EQ(r.out, "");
}

TEST(Program, UsageErrorsExitTwo) {
    for (const char *args : {"", "bogus", "seg show", "seg show x", "--frob"}) {
        const Outcome r = run(args, "/nonexistent");
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_EQ(r.out, "") << args;
        ASSERT_FALSE(r.err.empty()) << args;
        EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << args << ": " << r.err;
        EXPECT_EQ(r.err.rfind("rsmctl: ", 0), 0U) << args;
    }
}

TEST(Program, HelpAndVersion) {
    Outcome r = run("--help", "/nonexistent");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("usage: rsmctl"), std::string::npos);
    r = run("-V", "/nonexistent");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out.rfind("rsmctl ", 0), 0U);
}

} // namespace
