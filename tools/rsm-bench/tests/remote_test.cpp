// Two-VM mode (libshm-ivshmem): what can be checked without two machines:
// the template fits a node's ivshmem arena, and a run that cannot be one
// side of a two-machine pair is refused before it writes anything.
#include "libshm_transport.hpp"
#include "options.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>
#include <vector>

using namespace rsm::bench;

namespace {

// run_command("run", ARGS...) with a CSV path that must stay unwritten.
int run_args(std::vector<std::string> args, const std::string &csv) {
    args.insert(args.end(), {"--csv", csv, "--quiet"});
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(a.data());
    return run_command("run", static_cast<int>(argv.size()), argv.data());
}

class RemoteOptions : public ::testing::Test {
  protected:
    void SetUp() override {
        csv_ = (std::filesystem::temp_directory_path() /
                ("rsm-bench-remote-" + std::to_string(::getpid()) + ".csv"))
                   .string();
        std::filesystem::remove(csv_);
    }
    void TearDown() override { std::filesystem::remove(csv_); }
    void refused(std::vector<std::string> args) {
        EXPECT_EQ(run_args(args, csv_), 2);
        EXPECT_FALSE(std::filesystem::exists(csv_)) << "a refused run wrote " << csv_;
    }
    std::string csv_;
};

} // namespace

TEST(Remote, TemplateCarriesUpTo64KiBAndFitsAnArena) {
    std::size_t largest = 0, bytes = 0;
    for (const auto &g : remote_template()) {
        largest = std::max<std::size_t>(largest, std::size_t{g.part_size} * g.span);
        bytes += std::size_t{g.part_size} * g.part_count;
    }
    EXPECT_EQ(largest, remote_max_message);
    // A 64 MiB region laid out for 4 nodes gives each node a 15.9 MiB arena:
    // two endpoints (one held in quarantine while the next pair starts) fit.
    EXPECT_LE(2 * bytes, 15u << 20);
}

TEST_F(RemoteOptions, ARemoteSystemNeedsPeerNodeAndSide) {
    refused({"--systems", "libshm-ivshmem", "--tests", "lat", "--sizes", "8"});
}

TEST_F(RemoteOptions, ALocalSystemIsNotOneSideOfTwoMachines) {
    refused({"--systems", "unix", "--peer-node", "1", "--side", "0", "--sizes", "8"});
}

TEST_F(RemoteOptions, BadSidePeerNodeAndKeyAreRefused) {
    refused({"--side", "2"});
    refused({"--peer-node", "one"});
    refused({"--peer-node", "4294967295"}); // SHM_NODE_LOCAL is not a peer
    refused({"--key", "0"});
    refused({"--key", "0xzz"});
}
