// connection_table_test.cpp - with -r the server keeps rsm's table of
// connected VMs in the shared memory, rings vector 0 of the remaining VMs
// when one leaves, and keeps the id's eventfds for the VM that comes back
// instead of announcing the leave; without it the memory is left alone.
#include "fake_client.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/rsm_ivshmem.h>
#include <poll.h>
#include <sys/mman.h>

namespace rsm::ivshmem::test {
namespace {

constexpr unsigned vectors = 2;

struct Mapped {
    void *p = MAP_FAILED;
    explicit Mapped(const std::string &path) {
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (fd) {
            p = ::mmap(nullptr, RSM_IVS_PAGE, PROT_READ, MAP_SHARED, fd.get(), 0);
        }
    }
    ~Mapped() {
        if (p != MAP_FAILED) {
            ::munmap(p, RSM_IVS_PAGE);
        }
    }
    const rsm_ivs_server *table() const {
        return reinterpret_cast<const rsm_ivs_server *>(static_cast<const char *>(p) +
                                                        RSM_IVS_SERVER_OFFSET);
    }
};

bool rung_within(int eventfd, std::chrono::milliseconds timeout) {
    pollfd p{eventfd, POLLIN, 0};
    return ::poll(&p, 1, int(timeout.count())) == 1;
}

Options with_table(const std::filesystem::path &dir, bool table) {
    Options o;
    o.vectors = vectors;
    o.shm_size = 1 << 16;
    o.shm_path = dir / "shm";
    o.rsm_table = table;
    return o;
}

TEST(ConnectionTable, TracksConnectionsAndRingsTheOthersWhenOneLeaves) {
    auto dir = make_test_dir();
    {
        RunningServer srv(with_table(dir, true));
        Mapped m(srv.options().shm_path);
        ASSERT_NE(MAP_FAILED, m.p);
        const rsm_ivs_server *t = m.table();
        EXPECT_EQ(RSM_IVS_SERVER_MAGIC, t->magic);
        EXPECT_EQ(RSM_IVS_SERVER_IDS, t->ids);
        EXPECT_NE(0U, t->incarnation);
        EXPECT_EQ(0U, t->conn[0]);

        FakeClient a(srv.options().socket_path);
        auto sa = a.read_setup(vectors, 0);
        ASSERT_TRUE(sa.has_value()) << sa.error();
        EXPECT_EQ(3U, t->conn[0]) << "connected once: count 1, bit 0 set";
        auto b = std::make_unique<FakeClient>(srv.options().socket_path);
        ASSERT_TRUE(b->read_setup(vectors, 1).has_value());
        EXPECT_EQ(3U, t->conn[1]);
        std::vector<UniqueFd> a_has_b;
        for (unsigned v = 0; v < vectors; ++v) {
            auto join = a.next();
            ASSERT_TRUE(join.has_value());
            EXPECT_EQ(1, join->value);
            a_has_b.push_back(std::move(join->fd));
        }

        b.reset(); // b's QEMU dies
        ASSERT_TRUE(rung_within(sa->own[0].get(), 5s)) << "a's vector 0 rang so its node looks";
        EXPECT_EQ(1U, take(sa->own[0].get()));
        // the server cleared the bit before it rang
        EXPECT_EQ(2U, t->conn[1]) << "disconnected: bit 0 clear, count kept";
        EXPECT_EQ(3U, t->conn[0]);
        EXPECT_EQ(0U, take(sa->own[1].get()));
        // No leave notice: QEMU would free its eventfd array for id 1 and
        // write into it when id 1 comes back.
        auto none = a.next(150ms);
        EXPECT_FALSE(none.has_value()) << "a leave notice for " << none->value;

        ring(a_has_b[1].get()); // rung while nobody is there: stale
        FakeClient c(srv.options().socket_path);
        auto sc = c.read_setup(vectors, 1);
        ASSERT_TRUE(sc.has_value()) << sc.error();
        EXPECT_EQ(1, sc->id);
        EXPECT_EQ(5U, t->conn[1]) << "the same id again: count 2, connected";
        auto again = a.next(150ms);
        EXPECT_FALSE(again.has_value()) << "a was sent id 1's eventfds twice";
        // a's old eventfds for id 1 reach the newcomer, and only fresh rings
        EXPECT_EQ(0U, take(sc->own[1].get()));
        ring(a_has_b[1].get());
        EXPECT_EQ(1U, take(sc->own[1].get()));
        ring(sc->peers.at(0)[0].get());
        EXPECT_EQ(1U, take(sa->own[0].get())) << "the newcomer reaches a";
    }
    std::filesystem::remove_all(dir);
}

TEST(ConnectionTable, WithoutTheOptionTheMemoryIsLeftAlone) {
    auto dir = make_test_dir();
    {
        RunningServer srv(with_table(dir, false));
        FakeClient a(srv.options().socket_path);
        auto sa = a.read_setup(vectors, 0);
        ASSERT_TRUE(sa.has_value()) << sa.error();
        Mapped m(srv.options().shm_path);
        ASSERT_NE(MAP_FAILED, m.p);
        const auto *bytes = static_cast<const unsigned char *>(m.p);
        EXPECT_TRUE(std::all_of(bytes, bytes + RSM_IVS_PAGE, [](unsigned char b) { return !b; }));
    }
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace rsm::ivshmem::test
