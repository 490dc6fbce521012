// output_test.cpp - records from messages: sysfs's words and formats
// (mode "0644", state names), absent attributes left out, tables aligned,
// JSON with the expected keys and types, event lines.
#include "output.hpp"
#include "records.hpp"

#include <gtest/gtest.h>
#include <linux/rsmdev.h>

namespace rsm::ctl {
namespace {

Message segment_message() {
    Message m;
    m.cmd = RSM_CMD_SEG_GET;
    m.attrs = {
        {RSM_A_SEG_ID, 5},         {RSM_A_SEG_NODE_ID, 0},
        {RSM_A_SEG_KEY, 77},       {RSM_A_SEG_PART_SIZE, 4096},
        {RSM_A_SEG_PART_COUNT, 8}, {RSM_A_SEG_SPAN, 2},
        {RSM_A_SEG_SIZE, 40960},   {RSM_A_SEG_INTERCONNECT, RSM_IC_LOOPBACK},
        {RSM_A_SEG_UID, 1000},     {RSM_A_SEG_GID, 100},
        {RSM_A_SEG_MODE, 0644},    {RSM_A_SEG_STATE, RSM_SEG_STATE_PUBLISHED},
        {RSM_A_SEG_GENERATION, 3}, {RSM_A_SEG_IMPORTERS, 1},
        {RSM_A_SEG_SIGNALS, 9},    {RSM_A_SEG_MESSAGES, 10},
        {RSM_A_SEG_BYTES, 12345},
    };
    return m;
}

TEST(Records, SegmentJsonHasEveryField) {
    const auto j = to_json(make_record(segment_fields, segment_message()));
    EXPECT_EQ(j.size(), 17U);
    EXPECT_EQ(j["id"], 5);
    EXPECT_EQ(j["key"], 77);
    EXPECT_EQ(j["mode"], "0644");
    EXPECT_EQ(j["state"], "published");
    EXPECT_EQ(j["interconnect"], "loopback");
    EXPECT_EQ(j["bytes"], 12345);
    EXPECT_TRUE(j["part_size"].is_number_unsigned());
}

TEST(Records, AbsentAttributesAreLeftOut) {
    Message m = segment_message();
    m.attrs.erase(RSM_A_SEG_SIGNALS);
    const auto j = to_json(make_record(segment_fields, m));
    EXPECT_FALSE(j.contains("signals"));
    const std::string table = format_table(segment_fields, {make_record(segment_fields, m)});
    EXPECT_NE(table.find("published"), std::string::npos);
}

TEST(Records, GroupAndChannelStatesAsSysfs) {
    Message g;
    g.attrs = {{RSM_A_GROUP_ID, 1}, {RSM_A_GROUP_REVOKED, 0}};
    auto j = to_json(make_record(group_fields, g));
    EXPECT_EQ(j["state"], "active");
    EXPECT_FALSE(j.contains("error"));
    g.attrs[RSM_A_GROUP_REVOKED] = EIDRM;
    j = to_json(make_record(group_fields, g));
    EXPECT_EQ(j["state"], "revoked");
    EXPECT_EQ(j["error"], "EIDRM");

    Message c;
    c.attrs = {{RSM_A_CHANNEL_ID, 1}, {RSM_A_CHANNEL_REVOKED, 0}};
    EXPECT_EQ(to_json(make_record(channel_fields, c))["state"], "open");
    c.attrs[RSM_A_CHANNEL_REVOKED] = EHOSTDOWN;
    j = to_json(make_record(channel_fields, c));
    EXPECT_EQ(j["state"], "revoked");
    EXPECT_EQ(j["error"], "EHOSTDOWN");
}

TEST(Records, NodeFlagsAndMask) {
    Message n;
    n.attrs = {
        {RSM_A_NODE_ID, 0},
        {RSM_A_NODE_LOCAL, 1},
        {RSM_A_NODE_STATE, RSM_NODE_STATE_UP},
        {RSM_A_NODE_INTERCONNECTS, RSM_IC_BIT(RSM_IC_LOOPBACK) | RSM_IC_BIT(RSM_IC_IVSHMEM)}};
    const auto j = to_json(make_record(node_fields, n));
    EXPECT_EQ(j["local"], true);
    EXPECT_EQ(j["state"], "up");
    EXPECT_EQ(j["interconnects"], Json({"loopback", "ivshmem"}));
}

TEST(Output, TableIsAligned) {
    Message a = segment_message();
    Message b = segment_message();
    b.attrs[RSM_A_SEG_ID] = 123456;
    const std::string t = format_table(
        segment_fields, {make_record(segment_fields, a), make_record(segment_fields, b)});
    // three lines; every column starts at the same offset in each
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < t.size()) {
        const auto nl = t.find('\n', pos);
        lines.push_back(t.substr(pos, nl - pos));
        pos = nl + 1;
    }
    ASSERT_EQ(lines.size(), 3U);
    EXPECT_EQ(lines[0].rfind("ID", 0), 0U);
    const auto col = lines[0].find("NODE");
    EXPECT_EQ(lines[1][col], '0');
    EXPECT_EQ(lines[2][col], '0');
    EXPECT_EQ(lines[1][col - 1], ' ');
}

TEST(Output, EventLine) {
    const auto r = make_record(segment_fields, segment_message());
    const std::string line = format_event("seg-published", r);
    EXPECT_EQ(line.rfind("seg-published id=5 node_id=0 key=77 state=published", 0), 0U) << line;
    EXPECT_EQ(event_kind(RSM_CMD_SEG_IMPORTED_NTF).name, "seg-imported");
    EXPECT_EQ(event_kind(RSM_CMD_NODE_DOWN_NTF).name, "node-down");
    EXPECT_TRUE(event_kind(RSM_CMD_SEG_GET).name.empty());
}

TEST(Output, ShowBlock) {
    const std::string s = format_show(make_record(segment_fields, segment_message()));
    EXPECT_NE(s.find("\nmode          0644\n"), std::string::npos) << s;
}

} // namespace
} // namespace rsm::ctl
