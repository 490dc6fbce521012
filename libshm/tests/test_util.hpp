// Helpers shared by the host tests: unique keys, deterministic payloads.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <libshm/shm.hpp>
#include <unistd.h>
#include <vector>

namespace test {

// A key nobody else uses: tests run in parallel (ctest -j).
inline uint64_t unique_key() {
    static uint64_t n = 0;
    uint64_t x = uint64_t(getpid()) << 32 ^ uint64_t(++n) << 20 ^
                 uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
    x ^= x >> 31;
    x *= 0x9e3779b97f4a7c15ULL;
    return x | 1;
}

// A loop's repetitions: N, divided by RSM_ROUNDS_DIV when set (the debug
// kernel's run sets 4: its detectors report a bad access the first time it
// happens, and every repetition costs several times more there; Debian's
// kernel runs the full count).
inline int rounds(int n) {
    const char *div = std::getenv("RSM_ROUNDS_DIV");
    const int d = div ? std::atoi(div) : 1;
    return d > 1 ? n / d : n;
}

inline uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// The payload of message k of sender s: a stream only (s, k) determines.
inline void fill(void *buf, size_t len, uint64_t s, uint64_t k) {
    auto *p = static_cast<unsigned char *>(buf);
    uint64_t x = mix(s << 40 ^ k);
    for (size_t i = 0; i < len; i += 8) {
        x = mix(x);
        std::memcpy(p + i, &x, len - i < 8 ? len - i : 8);
    }
}

// Allocates nothing: a child that may make no system call uses it too.
inline bool matches(const void *buf, size_t len, uint64_t s, uint64_t k) {
    auto *p = static_cast<const unsigned char *>(buf);
    uint64_t x = mix(s << 40 ^ k);
    for (size_t i = 0; i < len; i += 8) {
        x = mix(x);
        if (std::memcmp(p + i, &x, len - i < 8 ? len - i : 8) != 0)
            return false;
    }
    return true;
}

// Waits (up to 10 s) until thread tid of this process sleeps in the kernel
// ('S' in /proc: a blocking wait on a doorbell), so that a test wakes a
// sleeper instead of racing one that has not gone to sleep yet.
inline bool wait_until_asleep(pid_t tid) {
    char path[64];
    std::snprintf(path, sizeof(path), "/proc/self/task/%d/stat", int(tid));
    for (int i = 0; i < 10000; ++i) {
        if (FILE *f = std::fopen(path, "r")) {
            char line[512] = {};
            const bool got = std::fgets(line, sizeof(line), f) != nullptr;
            std::fclose(f);
            // "tid (comm) S ...": the state follows the last ')'.
            const char *e = got ? std::strrchr(line, ')') : nullptr;
            if (e && e[1] == ' ' && e[2] == 'S')
                return true;
        }
        usleep(1000);
    }
    return false;
}

// The backend the data-path tests run over: the host backend, or the
// kernel's when RSM_TEST_BACKEND=kernel (the in-VM suite runs them so).
inline shm_backend backend() {
    const char *b = std::getenv("RSM_TEST_BACKEND");
    return b && std::strcmp(b, "kernel") == 0 ? SHM_BACKEND_KERNEL : SHM_BACKEND_HOST;
}

inline shm_endpoint_attr host_attr(uint32_t wait_mode = SHM_WAIT_ADAPTIVE) {
    shm_endpoint_attr a{};
    a.backend = SHM_BACKEND_HOST;
    a.wait_mode = wait_mode;
    return a;
}

inline shm_connect_attr host_connect(uint32_t wait_mode = SHM_WAIT_ADAPTIVE,
                                     int64_t timeout_ns = 0) {
    shm_connect_attr a{};
    a.backend = SHM_BACKEND_HOST;
    a.wait_mode = wait_mode;
    a.timeout_ns = timeout_ns;
    return a;
}

constexpr int64_t second = 1000000000;

// The error of a result, errc{0} when it succeeded (never .error() of a
// value).
template <class T>
shm::errc err_of(const shm::result<T> &r) {
    return r ? shm::errc{0} : r.error();
}

} // namespace test
