// One launch is several rsm-bench runs appending to one CSV file, each
// writing its own machine facts: the report must see when the launch began
// (the first run) and ended (the last), and every time limit that was hit.
#include "aggregate.hpp"
#include "csv.hpp"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

using namespace rsm::bench;

namespace {

std::string run_block(const std::string &date, const std::string &start, const std::string &end,
                      const std::string &timeout) {
    row r;
    r.launch = 1;
    r.system = "floor";
    r.test = "lat";
    r.mode = "busy-poll";
    r.variant = "copy";
    r.size = 8;
    r.iterations = 10;
    r.lat = {10, 50, 60, 70, 80, 90, 65};
    std::string s = "# launch: 1\n# date: " + date + "\n# load average at start: " + start + "\n";
    if (!timeout.empty())
        s += "# timeout: " + timeout + "\n";
    return s + csv_header() + "\n" + to_csv(r) + "\n# load average at end: " + end + "\n";
}

} // namespace

TEST(Aggregate, LaunchBeginsAtItsFirstRunAndEndsAtItsLast) {
    char path[] = "/tmp/rsm-bench-aggregate-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    {
        std::ofstream out(path);
        out << run_block("2026-11-26T01:50:35Z", "19.25 18.38 17.36", "15.0 16.0 17.0", "")
            << run_block("2026-11-26T02:00:00Z", "12.0 14.0 16.0", "11.0 13.0 15.0", "floor bw 4M")
            << run_block("2026-11-26T02:10:53Z", "10.72 15.88 17.59", "9.42 14.36 16.94",
                         "pipe lat 1M");
    }
    auto res = load_results({path});
    std::remove(path);
    ASSERT_TRUE(res) << res.error().message;
    ASSERT_EQ(res->launches().size(), 1u);
    const auto &f = res->launches().front().facts;
    EXPECT_EQ(f.at("date"), "2026-11-26T01:50:35Z");
    EXPECT_EQ(f.at("load average at start"), "19.25 18.38 17.36");
    EXPECT_EQ(f.at("load average at end"), "9.42 14.36 16.94");
    EXPECT_EQ(f.at("timeout"), "floor bw 4M; pipe lat 1M");
}
