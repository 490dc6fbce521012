// What one benchmark run measures: the test, the variant, the sizes and how
// many iterations each size gets (after BENCHMARKS.md / the OSU method).
#pragma once

#include "failure.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace rsm::bench {

enum class test_kind { latency, bandwidth, bidirectional };
inline constexpr std::array all_tests{test_kind::latency, test_kind::bandwidth,
                                      test_kind::bidirectional};
std::string_view to_string(test_kind t);
result<test_kind> parse_test_kind(std::string_view name);

// copy: the sender copies from its own buffer, the receiver into its own.
// zero-copy: the sender writes the payload in place in the transport's
// memory (reserve/commit), the receiver reads every cache line of it in
// place (view/release). Only shared-memory transports offer it.
enum class variant { copy, zero_copy };
inline constexpr std::array all_variants{variant::copy, variant::zero_copy};
std::string_view to_string(variant v);
result<variant> parse_variant(std::string_view name);

struct iteration_counts {
    uint64_t warmup = 0;
    uint64_t measured = 0;
};

struct run_plan {
    test_kind test = test_kind::latency;
    variant var = variant::copy;
    std::vector<std::size_t> sizes;
    // Messages in flight per acknowledgement (bandwidth tests).
    std::size_t window = 64;
    // Bytes the sender reads from and the receiver writes to, cycling
    // through it message by message; 0 means one message-sized buffer
    // (cache-hot, as OSU does). Larger than the last-level cache: DRAM regime.
    std::size_t working_set = 0;
    // Stamp every message with a pattern and check it on arrival.
    bool verify = false;
    // From this size up, the "large" iteration counts apply.
    std::size_t large_from = 8192;
    iteration_counts latency_small{100, 10'000}, latency_large{10, 1'000};
    iteration_counts bandwidth_small{10, 100}, bandwidth_large{2, 20};

    iteration_counts iterations(std::size_t size) const;
    std::size_t max_size() const;
    // Multiplies every count by factor (at least one measured, one warm-up).
    void scale_iterations(double factor);
};

// "1-4M" (powers of two), "8,64,4K" (a list), or a mix: "1-64,1M".
result<std::vector<std::size_t>> parse_sizes(std::string_view spec);
// "64K" -> 65536 (K, M, G binary suffixes).
result<std::size_t> parse_size(std::string_view text);
// 65536 -> "64K"; sizes that are not a whole number of KiB print in bytes.
std::string format_size(std::size_t bytes);
// 65536 -> "64 KiB", 8 -> "8 B": for people rather than options.
std::string format_bytes(std::size_t bytes);

} // namespace rsm::bench
