// options_test.cpp - every bad command line gets a one-line error naming
// what was wrong; good ones give the documented values.
#include "options.hpp"

#include <gtest/gtest.h>
#include <vector>

namespace rsm::ivshmem {
namespace {

Result<Options> parse(std::vector<const char *> args) {
    return parse_options(args);
}

void expect_rejected(std::vector<const char *> args, const std::string &mentions) {
    auto o = parse(args);
    ASSERT_FALSE(o.has_value()) << "accepted: " << args.back();
    EXPECT_EQ(Errc::invalid_argument, o.error().code);
    EXPECT_NE(std::string::npos, o.error().message().find(mentions)) << o.error().message();
    EXPECT_EQ(std::string::npos, o.error().message().find('\n')) << "one line";
}

TEST(Options, Defaults) {
    auto o = parse({"-S", "/tmp/s"});
    ASSERT_TRUE(o.has_value()) << o.error().message();
    EXPECT_EQ("/tmp/s", o->socket_path);
    EXPECT_EQ(4U << 20, o->shm_size);
    EXPECT_EQ(1U, o->vectors);
    EXPECT_EQ(64U, o->max_peers);
    EXPECT_TRUE(o->shm_path.empty());
    EXPECT_FALSE(o->verbose);
}

TEST(Options, AllOptionsLongAndShort) {
    auto o = parse({"--socket", "s", "-M", "/dev/shm/x", "--size", "64K", "-n", "4", "--max-peers",
                    "2", "-p", "pid", "-v"});
    ASSERT_TRUE(o.has_value()) << o.error().message();
    EXPECT_EQ("/dev/shm/x", o->shm_path);
    EXPECT_EQ(64U << 10, o->shm_size);
    EXPECT_EQ(4U, o->vectors);
    EXPECT_EQ(2U, o->max_peers);
    EXPECT_EQ("pid", o->pid_file);
    EXPECT_TRUE(o->verbose);
}

TEST(Options, SizeSuffixes) {
    EXPECT_EQ(4096U, parse_size("4096").value());
    EXPECT_EQ(8U << 10, parse_size("8k").value());
    EXPECT_EQ(2U << 20, parse_size("2M").value());
    EXPECT_EQ(1ULL << 30, parse_size("1G").value());
    EXPECT_FALSE(parse_size("1T").has_value());
    EXPECT_FALSE(parse_size("M").has_value());
    EXPECT_FALSE(parse_size("-1").has_value());
    EXPECT_FALSE(parse_size("99999999999999999999G").has_value());
}

TEST(Options, SizeMustBeAPowerOfTwoInRange) {
    expect_rejected({"-S", "s", "-l", "3M"}, "power of two");
    expect_rejected({"-S", "s", "-l", "2K"}, "power of two");
    expect_rejected({"-S", "s", "-l", "2048G"}, "power of two");
    expect_rejected({"-S", "s", "-l", "lots"}, "not a size");
}

TEST(Options, CountsOutOfRange) {
    expect_rejected({"-S", "s", "-n", "0"}, "-n needs a number from 1 to 64");
    expect_rejected({"-S", "s", "-n", "65"}, "not '65'");
    expect_rejected({"-S", "s", "-n", "2x"}, "not '2x'");
    expect_rejected({"-S", "s", "-P", "65537"}, "from 1 to 65536");
}

TEST(Options, MissingValueUnknownOptionNoSocket) {
    expect_rejected({"-S"}, "-S needs a value");
    expect_rejected({"-S", "s", "--bogus"}, "unknown option '--bogus'");
    expect_rejected({"-n", "2"}, "no socket path");
}

TEST(Options, HelpNeedsNothingElse) {
    auto o = parse({"--help"});
    ASSERT_TRUE(o.has_value());
    EXPECT_TRUE(o->help);
    EXPECT_NE(std::string::npos, usage().find("--max-peers"));
}

} // namespace
} // namespace rsm::ivshmem
