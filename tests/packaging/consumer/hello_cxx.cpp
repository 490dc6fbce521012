// hello_cxx - a C++ program outside the tree, built only from what is
// installed: the same exchange as hello_c through libshm's C++ API
// (libshm/shm.hpp, C++23).
//
//   hello_cxx kernel|host
#include <cstdio>
#include <cstring>
#include <libshm/shm.hpp>
#include <span>
#include <string_view>
#include <unistd.h>

namespace {

int fail(const char *what, shm::errc e) {
    std::fprintf(stderr, "hello_cxx: %s: %s\n", what, shm::message(e).c_str());
    return 1;
}

} // namespace

int main(int argc, char **argv) {
    const std::string_view arg = argc == 2 ? argv[1] : "";
    if (arg != "kernel" && arg != "host") {
        std::fprintf(stderr, "usage: hello_cxx kernel|host\n");
        return 2;
    }
    const shm_backend backend = arg == "kernel" ? SHM_BACKEND_KERNEL : SHM_BACKEND_HOST;
    const uint64_t key = 0x6b68000000000000ULL | static_cast<uint64_t>(getpid());
    using namespace std::chrono_literals;

    shm::endpoint::options eo;
    eo.backend = backend;
    auto ep = shm::endpoint::create(key, eo);
    if (!ep)
        return fail("endpoint::create", ep.error());
    shm::channel::options co;
    co.backend = backend;
    co.slot_timeout = 1s;
    auto ch = shm::channel::connect(key, co);
    if (!ch)
        return fail("channel::connect", ch.error());

    constexpr std::string_view msg = "one C++ message through the installed libshm";
    if (auto r = ch->send(std::as_bytes(std::span(msg)), 1s); !r)
        return fail("channel::send", r.error());
    std::byte buf[128];
    auto n = ep->recv(buf, 1s);
    if (!n)
        return fail("endpoint::recv", n.error());
    const std::string_view got(reinterpret_cast<const char *>(buf), *n);
    if (got != msg) {
        std::fprintf(stderr, "hello_cxx: received %zu bytes that are not the message sent\n", *n);
        return 1;
    }
    std::printf("hello_cxx: %s: received '%.*s'\n", argv[1], static_cast<int>(got.size()),
                got.data());
    return 0;
}
