// protocol_test.cpp - the server speaks QEMU's ivshmem protocol: a fake
// client checks every message of the connect sequence, the join and leave
// notifications, that the eventfds are wired peer to peer, and that the
// shared memory is one and the same for every client.
#include "fake_client.hpp"

#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

namespace rsm::ivshmem::test {
namespace {

constexpr unsigned vectors = 3;

Options three_vectors() {
    Options o;
    o.vectors = vectors;
    o.shm_size = 1 << 20;
    return o;
}

// Nothing more arrives within a short while.
void expect_silence(FakeClient &c) {
    auto m = c.next(150ms);
    ASSERT_FALSE(m.has_value()) << "unexpected message " << m->value;
    EXPECT_EQ(Errc::timed_out, m.error().code) << m.error().message();
}

// Reads `vectors` join messages for `peer`, returning their fds.
std::vector<UniqueFd> read_join(FakeClient &c, std::int64_t peer) {
    std::vector<UniqueFd> fds;
    for (unsigned v = 0; v < vectors; ++v) {
        auto m = c.next();
        if (!m) {
            ADD_FAILURE() << "join message " << v << ": " << m.error().message();
            break;
        }
        EXPECT_EQ(peer, m->value);
        EXPECT_TRUE(m->fd) << "join message " << v << " without fd";
        fds.push_back(std::move(m->fd));
    }
    return fds;
}

TEST(Protocol, FirstClientGetsVersionIdZeroShmThenOwnVectors) {
    RunningServer srv(three_vectors());
    FakeClient a(srv.options().socket_path);
    ASSERT_TRUE(a.connected());
    auto s = a.read_setup(vectors, 0);
    ASSERT_TRUE(s.has_value()) << s.error();
    EXPECT_EQ(0, s->id); // the spec: the first client receives id zero
    struct stat st {};
    ASSERT_EQ(0, ::fstat(s->shm.get(), &st));
    EXPECT_EQ(1 << 20, st.st_size);
    ASSERT_EQ(vectors, s->own.size());
    for (const auto &fd : s->own) {
        EXPECT_EQ("anon_inode:[eventfd]", fd_kind(fd.get()));
    }
    expect_silence(a);
}

TEST(Protocol, SecondClientGetsPeerVectorsAndFirstGetsJoin) {
    RunningServer srv(three_vectors());
    FakeClient a(srv.options().socket_path);
    auto sa = a.read_setup(vectors, 0);
    ASSERT_TRUE(sa.has_value()) << sa.error();
    FakeClient b(srv.options().socket_path);
    auto sb = b.read_setup(vectors, 1);
    ASSERT_TRUE(sb.has_value()) << sb.error();
    EXPECT_EQ(1, sb->id);
    ASSERT_TRUE(sb->peers.contains(0));
    auto a_has_b = read_join(a, 1);
    ASSERT_EQ(vectors, a_has_b.size());
    expect_silence(a);
    expect_silence(b);

    // Wiring: ringing peer P's vector v reaches exactly P's own vector v.
    for (unsigned v = 0; v < vectors; ++v) {
        ring(sb->peers[0][v].get());
        for (unsigned w = 0; w < vectors; ++w) {
            EXPECT_EQ(v == w ? 1U : 0U, take(sa->own[w].get())) << "b rang a's vector " << v;
        }
        ring(a_has_b[v].get());
        for (unsigned w = 0; w < vectors; ++w) {
            EXPECT_EQ(v == w ? 1U : 0U, take(sb->own[w].get())) << "a rang b's vector " << v;
        }
    }
}

TEST(Protocol, BothClientsMapTheSameMemoryAsTheFile) {
    Options o = three_vectors();
    auto dir = make_test_dir();
    o.shm_path = dir / "shm";
    {
        RunningServer srv(o);
        FakeClient a(srv.options().socket_path);
        auto sa = a.read_setup(vectors, 0);
        ASSERT_TRUE(sa.has_value()) << sa.error();
        FakeClient b(srv.options().socket_path);
        auto sb = b.read_setup(vectors, 1);
        ASSERT_TRUE(sb.has_value()) << sb.error();
        const std::size_t len = o.shm_size;
        void *pa = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, sa->shm.get(), 0);
        void *pb = ::mmap(nullptr, len, PROT_READ, MAP_SHARED, sb->shm.get(), 0);
        ASSERT_NE(MAP_FAILED, pa);
        ASSERT_NE(MAP_FAILED, pb);
        std::memcpy(static_cast<char *>(pa) + len - 16, "rsm ivshmem ok", 15);
        EXPECT_STREQ("rsm ivshmem ok", static_cast<char *>(pb) + len - 16);
        ::munmap(pa, len);
        ::munmap(pb, len);
    }
    // The file is the memory, and the server left it in place.
    char buf[15] = {};
    UniqueFd f(::open(o.shm_path.c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(f);
    ASSERT_EQ(15, ::pread(f.get(), buf, 15, static_cast<off_t>(o.shm_size) - 16));
    EXPECT_STREQ("rsm ivshmem ok", buf);
    std::filesystem::remove_all(dir);
}

TEST(Protocol, LeaveIsAnnouncedWithoutFdAndIdIsReused) {
    RunningServer srv(three_vectors());
    FakeClient a(srv.options().socket_path);
    ASSERT_TRUE(a.read_setup(vectors, 0).has_value());
    auto b = std::make_unique<FakeClient>(srv.options().socket_path);
    ASSERT_TRUE(b->read_setup(vectors, 1).has_value());
    auto old_b = read_join(a, 1);

    b.reset(); // b's QEMU dies
    auto leave = a.next();
    ASSERT_TRUE(leave.has_value()) << leave.error().message();
    EXPECT_EQ(1, leave->value);
    EXPECT_FALSE(leave->fd) << "a leave notification carries no fd";
    expect_silence(a);

    // A restarted QEMU gets the freed id back, with fresh eventfds.
    FakeClient c(srv.options().socket_path);
    auto sc = c.read_setup(vectors, 1);
    ASSERT_TRUE(sc.has_value()) << sc.error();
    EXPECT_EQ(1, sc->id);
    auto new_c = read_join(a, 1);
    ASSERT_EQ(vectors, new_c.size());
    ring(old_b[0].get()); // the old eventfd reaches no one now
    EXPECT_EQ(0U, take(sc->own[0].get()));
    ring(new_c[0].get());
    EXPECT_EQ(1U, take(sc->own[0].get()));
}

TEST(Protocol, ThirdClientGetsPeersInIdOrder) {
    RunningServer srv(three_vectors());
    FakeClient a(srv.options().socket_path);
    ASSERT_TRUE(a.read_setup(vectors, 0).has_value());
    FakeClient b(srv.options().socket_path);
    ASSERT_TRUE(b.read_setup(vectors, 1).has_value());
    FakeClient c(srv.options().socket_path);
    auto sc = c.read_setup(vectors, 2); // read_setup checks ascending ids
    ASSERT_TRUE(sc.has_value()) << sc.error();
    EXPECT_EQ(2, sc->id);
    EXPECT_EQ(2U, sc->peers.size());
    EXPECT_EQ(vectors, read_join(a, 1).size());
    EXPECT_EQ(vectors, read_join(a, 2).size());
    EXPECT_EQ(vectors, read_join(b, 2).size());
}

TEST(Protocol, ClientBeyondMaxPeersIsRefusedAndNobodyHearsOfIt) {
    Options o = three_vectors();
    o.max_peers = 2;
    RunningServer srv(o);
    FakeClient a(srv.options().socket_path);
    ASSERT_TRUE(a.read_setup(vectors, 0).has_value());
    FakeClient b(srv.options().socket_path);
    ASSERT_TRUE(b.read_setup(vectors, 1).has_value());
    ASSERT_EQ(vectors, read_join(a, 1).size());
    FakeClient c(srv.options().socket_path);
    auto m = c.next();
    ASSERT_FALSE(m.has_value());
    EXPECT_EQ(Errc::closed, m.error().code) << m.error().message();
    expect_silence(a);
    expect_silence(b);
    EXPECT_NE(std::string::npos, srv.log().find("refusing a client"));
}

TEST(Protocol, ClientThatWritesIsDroppedAndAnnouncedGone) {
    RunningServer srv(three_vectors());
    FakeClient a(srv.options().socket_path);
    ASSERT_TRUE(a.read_setup(vectors, 0).has_value());
    FakeClient b(srv.options().socket_path);
    ASSERT_TRUE(b.read_setup(vectors, 1).has_value());
    ASSERT_EQ(vectors, read_join(a, 1).size());
    const char junk[8] = {1};
    ASSERT_EQ(8, ::write(b.fd(), junk, sizeof(junk)));
    auto end = b.next();
    ASSERT_FALSE(end.has_value());
    EXPECT_EQ(Errc::closed, end.error().code);
    auto leave = a.next();
    ASSERT_TRUE(leave.has_value()) << leave.error().message();
    EXPECT_EQ(1, leave->value);
    EXPECT_FALSE(leave->fd);
}

TEST(Protocol, SecondServerOnALiveSocketIsRefused) {
    RunningServer srv(three_vectors());
    auto second = Server::create(srv.options(), nullptr);
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(Errc::socket_in_use, second.error().code);
    // ...and the first still serves.
    FakeClient a(srv.options().socket_path);
    EXPECT_TRUE(a.read_setup(vectors, 0).has_value());
}

TEST(Protocol, StaleSocketIsReplacedButAnOrdinaryFileIsNot) {
    auto dir = make_test_dir();
    Options o = three_vectors();
    o.socket_path = dir / "sock";
    {
        UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        o.socket_path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
        ASSERT_EQ(0, ::bind(s.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)));
    } // bound, never listening, closed: what a killed server leaves
    {
        auto server = Server::create(o, nullptr);
        ASSERT_TRUE(server.has_value()) << server.error().message();
    }
    EXPECT_FALSE(std::filesystem::exists(o.socket_path)) << "the server removes its socket";
    { UniqueFd f(::open(o.socket_path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600)); }
    auto refused = Server::create(o, nullptr);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(Errc::invalid_argument, refused.error().code);
    EXPECT_TRUE(std::filesystem::exists(o.socket_path)) << "an ordinary file is left alone";
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace rsm::ivshmem::test
