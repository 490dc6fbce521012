// options_test.cpp - rsmctl's command line: every command parses, every
// mistake is a usage error (exit 2) whose one line names what is wrong.
#include "options.hpp"

#include <gtest/gtest.h>
#include <initializer_list>
#include <vector>

namespace rsm::ctl {
namespace {

Result<Command> parse(std::initializer_list<const char *> args) {
    std::vector<const char *> v(args);
    return parse_command({v.data(), v.size()});
}

void expect_usage(std::initializer_list<const char *> args, const std::string &needle) {
    const auto r = parse(args);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::usage);
    EXPECT_EQ(r.error().exit_status(), 2);
    const std::string line = r.error().line({});
    EXPECT_NE(line.find(needle), std::string::npos) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    EXPECT_EQ(line.rfind("rsmctl: ", 0), 0U) << line;
}

TEST(Options, EveryCommandParses) {
    const struct {
        std::initializer_list<const char *> args;
        Verb verb;
    } cases[] = {
        {{"node"}, Verb::node},
        {{"seg", "list"}, Verb::seg_list},
        {{"seg", "show", "3"}, Verb::seg_show},
        {{"seg", "destroy", "3"}, Verb::seg_destroy},
        {{"group", "list"}, Verb::group_list},
        {{"group", "show", "7"}, Verb::group_show},
        {{"channel", "list"}, Verb::channel_list},
        {{"registry", "list"}, Verb::registry_list},
        {{"registry", "show", "99"}, Verb::registry_show},
        {{"monitor"}, Verb::monitor},
        {{"stats"}, Verb::stats},
        {{"send", "5"}, Verb::send},
        {{"recv", "5"}, Verb::recv},
        {{"help"}, Verb::help},
        {{"--help"}, Verb::help},
        {{"-V"}, Verb::version},
    };
    for (const auto &c : cases) {
        const auto r = parse(c.args);
        ASSERT_TRUE(r.has_value()) << *c.args.begin() << ": " << r.error().what;
        EXPECT_EQ(r->verb, c.verb) << *c.args.begin();
        EXPECT_FALSE(r->json);
    }
}

TEST(Options, JsonAnywhere) {
    auto r = parse({"-j", "seg", "list"});
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->json);
    r = parse({"seg", "list", "--json"});
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->json);
}

TEST(Options, IdsAndKeys) {
    auto r = parse({"seg", "show", "42"});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->id, 42U);
    EXPECT_EQ(r->context, "seg show 42");
    r = parse({"registry", "show", "0x1F", "--node", "2"});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->key, 0x1FU);
    ASSERT_TRUE(r->node.has_value());
    EXPECT_EQ(*r->node, 2U);
    r = parse({"registry", "show", "18446744073709551615", "--node=4294967295"});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->key, 18446744073709551615ULL);
    EXPECT_EQ(*r->node, 4294967295U);
    r = parse({"monitor", "-c", "4"});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->count, 4U);
    r = parse({"recv", "9", "--mode", "0644"});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->mode, 0644U);
    r = parse({"recv", "9"});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->mode, 0600U);
}

TEST(Options, Mistakes) {
    expect_usage({}, "no command given");
    expect_usage({"frobnicate"}, "unknown command 'frobnicate'");
    expect_usage({"seg"}, "'seg' needs a subcommand");
    expect_usage({"seg", "eat"}, "unknown command 'seg eat'");
    expect_usage({"seg", "show"}, "seg show: missing segment id");
    expect_usage({"group", "show"}, "group show: missing group id");
    expect_usage({"seg", "show", "abc"}, "seg show: invalid segment id 'abc'");
    expect_usage({"seg", "show", "0"}, "invalid segment id '0'");
    expect_usage({"seg", "show", "4294967296"}, "invalid segment id");
    expect_usage({"seg", "show", "-5"}, "unknown option '-5'");
    expect_usage({"seg", "show", "3", "4"}, "unexpected argument '4'");
    expect_usage({"seg", "list", "--node", "1"}, "option '--node' does not apply");
    expect_usage({"registry", "show"}, "registry show: missing key");
    expect_usage({"registry", "show", "0"}, "invalid key '0'");
    expect_usage({"registry", "show", "18446744073709551616"}, "invalid key");
    expect_usage({"registry", "show", "1", "--node", "x"}, "invalid node 'x'");
    expect_usage({"registry", "show", "1", "--node"}, "option '--node' needs a value");
    expect_usage({"monitor", "--count", "0"}, "invalid count '0'");
    expect_usage({"recv", "1", "--mode", "0778"}, "invalid mode '0778'");
    expect_usage({"recv", "1", "--mode", "1777"}, "invalid mode '1777'");
    expect_usage({"send"}, "send: missing key");
    expect_usage({"stats", "--bogus"}, "unknown option '--bogus'");
    expect_usage({"stats", "--bogus=1"}, "unknown option '--bogus=1'");
    expect_usage({"monitor", "-c"}, "option '-c' needs a value");
}

TEST(Options, Numbers) {
    EXPECT_EQ(parse_number("0", 10), 0U);
    EXPECT_EQ(parse_number("10", 10), 10U);
    EXPECT_EQ(parse_number("11", 10), std::nullopt);
    EXPECT_EQ(parse_number("0x10", 100), 16U);
    EXPECT_EQ(parse_number("0x", 100), std::nullopt);
    EXPECT_EQ(parse_number("", 100), std::nullopt);
    EXPECT_EQ(parse_number(" 1", 100), std::nullopt);
    EXPECT_EQ(parse_number("1 ", 100), std::nullopt);
    EXPECT_EQ(parse_number("+1", 100), std::nullopt);
}

} // namespace
} // namespace rsm::ctl
