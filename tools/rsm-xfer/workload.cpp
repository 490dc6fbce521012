// workload.cpp - deterministic message lengths and contents.
#include "workload.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace rsm::xfer {
namespace {

std::uint64_t mix(std::uint64_t x) { // splitmix64's finaliser
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// The words of a message: xorshift64 from a state that depends on seed and
// sequence number (cheap per word: the receiver regenerates every message).
struct word_stream {
    std::uint64_t x;
    word_stream(std::uint64_t seed, std::uint64_t seq)
        : x(mix(seed * 0x100000001b3ULL ^ mix(seq)) | 1) {}
    std::uint64_t next() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    }
};

// Checksum state over 8-byte words (FNV-style fold, mixed at the end).
struct folder {
    std::uint64_t h;
    explicit folder(std::size_t len) : h(0xcbf29ce484222325ULL ^ len) {}
    void add(std::uint64_t v) { h = (h ^ v) * 0x100000001b3ULL; }
    std::uint64_t done() const { return mix(h); }
};

std::uint64_t load_tail(const std::byte *p, std::size_t n) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, n);
    return v;
}

} // namespace

std::uint64_t message_size(const workload &w, std::uint64_t seq) {
    if (seq == 1 || w.max_size <= w.min_size) {
        return w.min_size;
    }
    if (seq == 2) {
        return w.max_size;
    }
    const double u = double(mix(w.seed ^ mix(seq + 0x51ed)) >> 11) * 0x1.0p-53; // [0, 1)
    const double span = std::log(double(w.max_size + 1) / double(w.min_size));
    const auto len = std::uint64_t(double(w.min_size) * std::exp(u * span));
    return std::clamp(len, w.min_size, w.max_size);
}

void fill_message(std::span<std::byte> buf, std::uint64_t seed, std::uint64_t seq) {
    word_stream g(seed, seq);
    std::size_t i = 0;
    for (; i + 8 <= buf.size(); i += 8) {
        const std::uint64_t v = g.next();
        std::memcpy(buf.data() + i, &v, 8);
    }
    if (i < buf.size()) {
        const std::uint64_t v = g.next();
        std::memcpy(buf.data() + i, &v, buf.size() - i);
    }
}

std::uint64_t checksum(std::span<const std::byte> data) {
    folder f(data.size());
    std::size_t i = 0;
    for (; i + 8 <= data.size(); i += 8) {
        std::uint64_t v;
        std::memcpy(&v, data.data() + i, 8);
        f.add(v);
    }
    if (i < data.size()) {
        f.add(load_tail(data.data() + i, data.size() - i));
    }
    return f.done();
}

std::string check_message(const workload &w, std::uint64_t seq, std::span<const std::byte> msg) {
    const std::uint64_t want = message_size(w, seq);
    if (msg.size() != want) {
        return "message " + std::to_string(seq) + ": " + std::to_string(msg.size()) +
               " bytes, expected " + std::to_string(want);
    }
    // One pass: the checksum of what arrived and of what should have, side
    // by side, without materialising the expected message.
    word_stream g(w.seed, seq);
    folder got(want), expect(want);
    std::size_t i = 0;
    for (; i + 8 <= want; i += 8) {
        std::uint64_t v;
        std::memcpy(&v, msg.data() + i, 8);
        got.add(v);
        expect.add(g.next());
    }
    if (i < want) {
        got.add(load_tail(msg.data() + i, want - i));
        expect.add(g.next() & (~0ULL >> (64 - 8 * (want - i))));
    }
    const std::uint64_t got_sum = got.done(), want_sum = expect.done();
    if (got_sum == want_sum) {
        return {};
    }
    std::vector<std::byte> ref(want);
    fill_message(ref, w.seed, seq);
    const auto diff = std::mismatch(msg.begin(), msg.end(), ref.begin()).first - msg.begin();
    char line[160];
    std::snprintf(line, sizeof(line),
                  "message %llu (%llu bytes): checksum %016llx, expected %016llx; first "
                  "difference at byte %lld",
                  (unsigned long long)seq, (unsigned long long)want, (unsigned long long)got_sum,
                  (unsigned long long)want_sum, (long long)diff);
    return line;
}

} // namespace rsm::xfer
