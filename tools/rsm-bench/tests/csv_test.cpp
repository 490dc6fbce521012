// The CSV is the interface between launches and the report: what is
// written must read back the same, and malformed lines must be refused.
#include "csv.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <sstream>

using namespace rsm::bench;

TEST(Csv, LatencyRowRoundTrips) {
    row r;
    r.launch = 3;
    r.system = "floor";
    r.test = "lat";
    r.mode = "busy-poll";
    r.variant = "copy";
    r.size = 64;
    r.iterations = 10'000;
    r.lat = {10'000, 50.5, 61, 300, 1200, 9000, 70.25};
    r.note = "a, b";
    auto back = parse_row(to_csv(r));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->launch, 3);
    EXPECT_EQ(back->system, "floor");
    EXPECT_EQ(back->size, 64u);
    EXPECT_EQ(back->lat.p50, 61);
    EXPECT_EQ(back->lat.p999, 1200);
    EXPECT_EQ(back->lat.mean, 70.25);
    EXPECT_EQ(back->note, "a; b"); // commas cannot break the columns
    EXPECT_TRUE(std::isnan(back->mb_per_s));
}

TEST(Csv, BandwidthRowRoundTrips) {
    row r;
    r.system = "pipe";
    r.test = "bw";
    r.mode = "blocking";
    r.variant = "copy";
    r.size = 1 << 20;
    r.mb_per_s = 4321.5;
    r.msg_per_s = 4121;
    auto back = parse_row(to_csv(r));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->mb_per_s, 4321.5);
    EXPECT_EQ(back->msg_per_s, 4121);
    EXPECT_TRUE(std::isnan(back->lat.p50));
}

TEST(Csv, MissingPeerFiguresStayMissing) {
    row r;
    r.system = "ucx";
    r.test = "lat";
    r.mode = "busy-poll";
    r.variant = "copy";
    r.size = 8;
    r.lat.p50 = 170;
    r.lat.min = r.lat.p99 = r.lat.p999 = r.lat.max = NAN;
    auto back = parse_row(to_csv(r));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->lat.p50, 170);
    EXPECT_TRUE(std::isnan(back->lat.p99));
}

TEST(Csv, MalformedLinesAreRefused) {
    // The same shape with valid fields parses: each line below fails for
    // the one reason it shows.
    const std::string tail = ",0,1,1,2,3,4,5,2,,,60,";
    ASSERT_TRUE(parse_row("1,floor,lat,busy-poll,copy,8" + tail));
    EXPECT_FALSE(parse_row("1,floor,lat"));
    EXPECT_FALSE(parse_row("1,floor,lat,busy-poll,copy,x" + tail));
    EXPECT_FALSE(parse_row("1,floor,nope,busy-poll,copy,8" + tail));
    EXPECT_FALSE(parse_row("1,floor,lat,busy-poll,copy,0" + tail));
    EXPECT_FALSE(parse_row("1,floor,lat,busy-poll,copy,8" + tail + ",extra"));
}

TEST(Csv, ReadSkipsCommentsAndHeadersAndNamesTheBadLine) {
    row r;
    r.system = "tcp";
    r.test = "bw";
    r.mode = "busy-poll";
    r.variant = "copy";
    r.size = 8;
    r.mb_per_s = 1;
    std::stringstream ok("# date: x\n" + csv_header() + "\n" + to_csv(r) + "\n\n" + to_csv(r) +
                         "\n");
    auto rows = read_rows(ok, "a.csv");
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->size(), 2u);
    std::stringstream bad(csv_header() + "\n" + to_csv(r) + "\ngarbage\n");
    auto err = read_rows(bad, "b.csv");
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().message.substr(0, 6), "b.csv:");
}
