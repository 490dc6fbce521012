// The C API's argument checking: every bad input is refused with the errno
// the man pages give, and nothing is created or changed.
#include "test_util.hpp"

#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libshm/shm.h>
#include <linux/rsmdev.h>
#include <sys/stat.h>
#include <unistd.h>

using test::host_attr;
using test::host_connect;

namespace {

int create_with(const shm_group_spec *g, unsigned n) {
    shm_endpoint_attr a = host_attr();
    a.groups = g;
    a.group_count = n;
    shm_endpoint *ep = reinterpret_cast<shm_endpoint *>(0x1);
    const int r = shm_endpoint_create(test::unique_key(), &a, &ep);
    if (r == 0)
        shm_endpoint_close(ep);
    else
        EXPECT_EQ(nullptr, ep); // never left dangling
    return r;
}

struct pair_c {
    uint64_t key = test::unique_key();
    shm_endpoint *ep = nullptr;
    shm_channel *ch = nullptr;
    pair_c() {
        shm_endpoint_attr a = host_attr();
        EXPECT_EQ(0, shm_endpoint_create(key, &a, &ep));
        shm_connect_attr c = host_connect();
        EXPECT_EQ(0, shm_channel_connect(SHM_NODE_LOCAL, key, &c, &ch));
    }
    ~pair_c() {
        shm_channel_close(ch);
        shm_endpoint_close(ep);
    }
};

} // namespace

TEST(CApi, TemplatesOutsideTheGeometryRulesAreEINVAL) {
    const shm_group_spec ok{64, 16, 4, 0};
    EXPECT_EQ(0, create_with(&ok, 1));
    const shm_group_spec bad[] = {
        {32, 16, 4, 0},             // below 64 B
        {96, 16, 4, 0},             // not a power of two
        {8u << 20, 4, 1, 0},        // above 4 MiB
        {64, 0, 1, 0},              // no partitions
        {64, (1u << 20) + 1, 1, 0}, // too many
        {64, 16, 0, 0},             // span 0
        {64, 16, 17, 0},            // span beyond the segment
        {64, 16, 4, 1},             // reserved
        {4u << 20, 1024, 1024, 0},  // 4 GiB messages: lengths are 32-bit
    };
    for (const auto &g : bad)
        EXPECT_EQ(-EINVAL, create_with(&g, 1))
            << g.part_size << " " << g.part_count << " " << g.span;
    EXPECT_EQ(-EINVAL, create_with(&ok, 0));
    EXPECT_EQ(-EINVAL, create_with(nullptr, 2));
    std::vector<shm_group_spec> many(SHM_MAX_GROUPS + 1, ok);
    EXPECT_EQ(-EINVAL, create_with(many.data(), SHM_MAX_GROUPS + 1));
    EXPECT_EQ(0, create_with(many.data(), SHM_MAX_GROUPS));
}

TEST(CApi, EndpointAttributesAreChecked) {
    shm_endpoint *ep = nullptr;
    shm_endpoint_attr a = host_attr();
    EXPECT_EQ(-EINVAL, shm_endpoint_create(0, &a, &ep)); // key 0
    EXPECT_EQ(-EINVAL, shm_endpoint_create(test::unique_key(), &a, nullptr));
    a = host_attr();
    a.max_channels = SHM_MAX_CHANNELS + 1;
    EXPECT_EQ(-EINVAL, shm_endpoint_create(test::unique_key(), &a, &ep));
    a = host_attr();
    a.wait_mode = 3;
    EXPECT_EQ(-EINVAL, shm_endpoint_create(test::unique_key(), &a, &ep));
    a = host_attr();
    a.backend = 2;
    EXPECT_EQ(-EINVAL, shm_endpoint_create(test::unique_key(), &a, &ep));
    a = host_attr();
    a.mode = 01777;
    EXPECT_EQ(-EINVAL, shm_endpoint_create(test::unique_key(), &a, &ep));
    a = host_attr();
    a.reserved[3] = 1;
    EXPECT_EQ(-EINVAL, shm_endpoint_create(test::unique_key(), &a, &ep));
    a = host_attr();
    a.reserved0 = 1;
    EXPECT_EQ(-EINVAL, shm_endpoint_create(test::unique_key(), &a, &ep));
    EXPECT_EQ(nullptr, ep);
}

TEST(CApi, ConnectAttributesAreChecked) {
    shm_channel *ch = nullptr;
    shm_connect_attr c = host_connect();
    EXPECT_EQ(-EINVAL, shm_channel_connect(SHM_NODE_LOCAL, 0, &c, &ch));
    EXPECT_EQ(-EINVAL, shm_channel_connect(SHM_NODE_LOCAL, 1, &c, nullptr));
    c.reserved[0] = 1;
    EXPECT_EQ(-EINVAL, shm_channel_connect(SHM_NODE_LOCAL, 1, &c, &ch));
    c = host_connect();
    c.timeout_ns = -2;
    EXPECT_EQ(-EINVAL, shm_channel_connect(SHM_NODE_LOCAL, 1, &c, &ch));
    c = host_connect();
    c.wait_mode = 7;
    EXPECT_EQ(-EINVAL, shm_channel_connect(SHM_NODE_LOCAL, 1, &c, &ch));
    c = host_connect();
    EXPECT_EQ(-EHOSTUNREACH, shm_channel_connect(5, test::unique_key(), &c, &ch));
    EXPECT_EQ(nullptr, ch);
}

TEST(CApi, ConnectingToSomethingThatIsNotAnEndpointIsEPROTO) {
    // A file under an endpoint's name that is not one: a short file, then a
    // segment header whose libshm part is empty.
    const uint64_t key = test::unique_key();
    char path[64];
    std::snprintf(path, sizeof(path), "/dev/shm/rsm-%016llx", (unsigned long long)key);
    int fd = ::open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
    ASSERT_LE(0, fd);
    ASSERT_EQ(0, ::ftruncate(fd, 100));
    shm_channel *ch = nullptr;
    shm_connect_attr c = host_connect();
    EXPECT_EQ(-EPROTO, shm_channel_connect(SHM_NODE_LOCAL, key, &c, &ch));
    ASSERT_EQ(0, ::ftruncate(fd, 8192));
    rsm_seg_header h{};
    h.magic = RSM_SEG_MAGIC;
    ASSERT_EQ(ssize_t(sizeof(h)), ::pwrite(fd, &h, sizeof(h), 0));
    EXPECT_EQ(-EPROTO, shm_channel_connect(SHM_NODE_LOCAL, key, &c, &ch));
    ::close(fd);
    ::unlink(path);
}

TEST(CApi, TheKernelBackendWithoutTheModuleIsENOENT) {
    if (::access("/dev/rsmdev", F_OK) == 0)
        GTEST_SKIP() << "/dev/rsmdev exists here; the in-VM suite covers it";
    shm_endpoint *ep = nullptr;
    EXPECT_EQ(-ENOENT, shm_endpoint_create(test::unique_key(), nullptr, &ep));
    shm_channel *ch = nullptr;
    EXPECT_EQ(-ENOENT, shm_channel_connect(SHM_NODE_LOCAL, test::unique_key(), nullptr, &ch));
}

TEST(CApi, DataPathCallsCheckTheirArguments) {
    pair_c p;
    char buf[64] = {};
    EXPECT_EQ(-EINVAL, shm_send(nullptr, buf, 1, 0, 0));
    EXPECT_EQ(-EINVAL, shm_send(p.ch, nullptr, 1, 0, 0));
    EXPECT_EQ(-EINVAL, shm_send(p.ch, buf, 1, 0x2, 0)); // unknown flag
    EXPECT_EQ(-EINVAL, shm_send(p.ch, buf, 1, 0, -5));  // timeout below SHM_WAIT_FOREVER
    EXPECT_EQ(-EMSGSIZE, shm_send(p.ch, buf, (1 << 20) + 1, 0, 0));
    EXPECT_EQ(-EINVAL, shm_recv(nullptr, buf, sizeof(buf), nullptr, 0, 0));
    EXPECT_EQ(-EINVAL, shm_recv(p.ep, nullptr, 10, nullptr, 0, 0));
    EXPECT_EQ(-EINVAL, shm_recv(p.ep, buf, sizeof(buf), nullptr, 0, -2));
    EXPECT_EQ(-EINVAL, shm_recv(p.ep, buf, sizeof(buf), nullptr, 0x10, 0)); // unknown flag
    EXPECT_EQ(-EAGAIN, shm_recv(p.ep, buf, sizeof(buf), nullptr, 0, 0));
    EXPECT_EQ(-EINVAL, shm_recv_view(p.ep, nullptr, 0));
    EXPECT_EQ(-EINVAL, shm_release(p.ep, nullptr, 0));
    EXPECT_EQ(-EINVAL, shm_reserve(p.ch, 10, nullptr, 0));
    EXPECT_EQ(-EINVAL, shm_flush(nullptr));
    EXPECT_EQ(-EINVAL, shm_endpoint_fd(nullptr));
    EXPECT_EQ(-EINVAL, shm_channel_fd(nullptr));
    EXPECT_EQ(-EINVAL, shm_endpoint_arm(nullptr));
    EXPECT_EQ(-EINVAL, shm_channel_arm(nullptr, 1));
    EXPECT_EQ(-EMSGSIZE, shm_channel_arm(p.ch, (1 << 20) + 1));
    shm_info info;
    EXPECT_EQ(-EINVAL, shm_endpoint_info(p.ep, nullptr));
    EXPECT_EQ(-EINVAL, shm_channel_info(nullptr, &info));
    shm_stats st;
    EXPECT_EQ(-EINVAL, shm_endpoint_stats(nullptr, &st));
    EXPECT_EQ(-EINVAL, shm_channel_stats(p.ch, nullptr));
    // nothing was sent by any of that
    EXPECT_EQ(0, shm_channel_stats(p.ch, &st));
    EXPECT_EQ(0U, st.messages);
}

TEST(CApi, ReservationsAreCheckedAtCommitAndCancel) {
    pair_c p;
    shm_reservation r{};
    EXPECT_EQ(-EINVAL, shm_commit(p.ch, &r, 0, 0)); // nothing reserved
    EXPECT_EQ(-EINVAL, shm_cancel(p.ch, &r));
    ASSERT_EQ(0, shm_reserve(p.ch, 100, &r, 0));
    shm_reservation other{};
    EXPECT_EQ(-EBUSY, shm_reserve(p.ch, 100, &other, 0));
    EXPECT_EQ(-EINVAL, shm_commit(p.ch, &r, 101, 0)); // longer than reserved
    EXPECT_EQ(-EINVAL, shm_commit(p.ch, &r, 10, 0x4));
    shm_reservation forged = r;
    forged.token += 1;
    EXPECT_EQ(-EINVAL, shm_commit(p.ch, &forged, 10, 0));
    EXPECT_EQ(0, shm_commit(p.ch, &r, 100, 0));
    EXPECT_EQ(-EINVAL, shm_cancel(p.ch, &r));
    char buf[128];
    EXPECT_EQ(100, shm_recv(p.ep, buf, sizeof(buf), nullptr, 0, 0));
}

TEST(CApi, InfoDescribesTheTemplateOnBothSides) {
    pair_c p;
    shm_info e{}, c{};
    ASSERT_EQ(0, shm_endpoint_info(p.ep, &e));
    ASSERT_EQ(0, shm_channel_info(p.ch, &c));
    EXPECT_EQ(p.key, e.key);
    EXPECT_EQ(p.key, c.key);
    EXPECT_EQ(uint32_t(SHM_BACKEND_HOST), c.backend);
    EXPECT_EQ(4U, e.group_count);
    EXPECT_EQ(8U, e.max_channels);
    EXPECT_EQ(uint64_t(1) << 20, e.max_message);
    EXPECT_EQ(0, std::memcmp(e.groups, c.groups, sizeof(e.groups)));
    EXPECT_EQ(e.max_message, c.max_message);
    shm_group_spec d[SHM_MAX_GROUPS];
    ASSERT_EQ(4, shm_default_template(d, SHM_MAX_GROUPS));
    EXPECT_EQ(0, std::memcmp(d, e.groups, 4 * sizeof(shm_group_spec)));
    EXPECT_EQ(4, shm_default_template(nullptr, 0));
    EXPECT_EQ(-EINVAL, shm_default_template(nullptr, 3));
}

TEST(CApi, SelectionFormatBehavesLikeSnprintf) {
    const ssize_t len = shm_selection_format(nullptr, 0, nullptr, 0);
    ASSERT_GT(len, 100);
    std::string full(size_t(len) + 1, 'x');
    EXPECT_EQ(len, shm_selection_format(nullptr, 0, full.data(), full.size()));
    EXPECT_EQ('\0', full[size_t(len)]);
    char small[16];
    EXPECT_EQ(len, shm_selection_format(nullptr, 0, small, sizeof(small)));
    EXPECT_EQ(15U, std::strlen(small));
    EXPECT_EQ(0, std::strncmp(small, full.c_str(), 15));
    const shm_group_spec bad{63, 1, 1, 0};
    EXPECT_EQ(-EINVAL, shm_selection_format(&bad, 1, small, sizeof(small)));
    EXPECT_EQ(-EINVAL, shm_selection_format(nullptr, 0, nullptr, 5));
}

TEST(CApi, EndpointModeIsTheSegmentsFileMode) {
    shm_endpoint_attr a = host_attr();
    a.mode = 0640;
    const uint64_t key = test::unique_key();
    shm_endpoint *ep = nullptr;
    ASSERT_EQ(0, shm_endpoint_create(key, &a, &ep));
    char path[64];
    std::snprintf(path, sizeof(path), "/dev/shm/rsm-%016llx", (unsigned long long)key);
    struct stat st;
    ASSERT_EQ(0, ::stat(path, &st));
    EXPECT_EQ(0640U, st.st_mode & 0777);
    shm_endpoint_close(ep);
    EXPECT_NE(0, ::stat(path, &st)); // removed on close
}
