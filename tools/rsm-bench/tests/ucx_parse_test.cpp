// Parsing ucx_perftest's output (UCX 1.13, -v): the final line counts,
// progress lines do not; units are converted by the caller.
#include "ucx_peer.hpp"

#include <gtest/gtest.h>

using namespace rsm::bench;

TEST(UcxParse, FinalLineWinsOverProgressLines) {
    const char *out =
        "iterations,50.0_percentile_lat,avg_lat,overall_lat,avg_bw,overall_bw,avg_mr,overall_mr\n"
        "[thread 0]1042,0.351,1115.953,1115.953,56.01,56.01,896,896\n"
        "6400,0.201,58.494,401.162,1068.48,155.80,17096,2493\n";
    auto f = parse_ucx_output(out);
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->iterations, 6400u);
    EXPECT_DOUBLE_EQ(f->p50_us, 0.201);
    EXPECT_DOUBLE_EQ(f->mean_us, 401.162);
    EXPECT_DOUBLE_EQ(f->mib_per_s, 155.80);
    EXPECT_DOUBLE_EQ(f->msg_per_s, 2493);
}

TEST(UcxParse, ShortRunsPadTheIterationCount) {
    auto f = parse_ucx_output(
        "iterations,50.0_percentile_lat,avg_lat,overall_lat,avg_bw,overall_bw,avg_mr,"
        "overall_mr\n 200,0.618,0.730,0.730,10.45,10.45,1369569,1369569\n");
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->iterations, 200u);
    EXPECT_DOUBLE_EQ(f->p50_us, 0.618);
}

TEST(UcxParse, NoResultLineIsAnError) {
    EXPECT_FALSE(parse_ucx_output("Waiting for connection...\n"));
    EXPECT_FALSE(parse_ucx_output("10000,0.6,8.8\n"));
    EXPECT_FALSE(parse_ucx_output("10000,0.6,8.8,8.8,x,0.86,1,1\n"));
}
