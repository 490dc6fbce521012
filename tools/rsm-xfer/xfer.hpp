// xfer.hpp - the receiving and sending halves of rsm-xfer over libshm.
#pragma once

#include "group_table.hpp"
#include "workload.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <libshm/shm.hpp>
#include <optional>
#include <string>

namespace rsm::xfer {

enum class xfer_errc {
    setup,           // endpoint or channel could not be made
    timed_out,       // messages stopped coming, or no endpoint to connect to
    corrupt,         // a message's length or checksum is wrong
    out_of_sequence, // a message was lost, repeated or reordered
    send_failed,     // a send failed (the receiver went away)
};

struct xfer_error {
    xfer_errc code;
    std::string what; // one line
};

template <typename T>
using xfer_result = std::expected<T, xfer_error>;

// Monotonic nanoseconds.
[[nodiscard]] std::int64_t now_ns();

struct receive_options {
    std::uint64_t key = 0;
    std::uint64_t count = 0; // messages to receive
    workload load;           // what the sender sends
    shm_backend backend = SHM_BACKEND_KERNEL;
    std::chrono::seconds idle_timeout{60};   // fail if nothing arrives this long
    const std::atomic<bool> *stop = nullptr; // end early when set
    // After this many messages, call on_count (e.g. to ask for a kill).
    std::uint64_t notify_after = 0;
    void (*on_count)(void *) = nullptr;
    void *on_count_arg = nullptr;
};

struct receive_report {
    std::uint64_t messages = 0;
    std::uint64_t bytes = 0;
    double seconds = 0;
    std::int64_t last_ns = 0; // when the last message was taken
    group_table table;
    shm_stats stats{};
};

// Creates the endpoint under key (one channel slot), receives count
// messages, checking every length, checksum and sequence number.
[[nodiscard]] xfer_result<receive_report> receive(const receive_options &o);

// As receive(), on an endpoint the caller made (to publish it first).
[[nodiscard]] xfer_result<receive_report> receive_on(shm::endpoint &ep, const receive_options &o);

// The endpoint receive() makes.
[[nodiscard]] xfer_result<shm::endpoint> make_endpoint(std::uint64_t key, shm_backend backend);

struct send_options {
    std::uint32_t node = SHM_NODE_LOCAL;
    std::uint64_t key = 0;
    std::uint64_t count = 0;
    workload load;
    shm_backend backend = SHM_BACKEND_KERNEL;
    std::chrono::seconds connect_timeout{120}; // the endpoint may not exist yet
    std::chrono::seconds room_timeout{60};     // a send that finds no room
    const std::atomic<bool> *stop = nullptr;
    bool announce = false; // say on stderr when connected
    // Called once connected, before the first send.
    void (*on_connected)(void *) = nullptr;
    void *on_connected_arg = nullptr;
};

struct send_report {
    std::uint64_t messages = 0;
    std::uint64_t bytes = 0;
    double seconds = 0;
    shm_stats stats{};
    std::optional<shm::errc> failed; // the error that ended sending early
    std::int64_t failed_ns = 0;
};

// Connects to (node, key), retrying until the endpoint exists, and sends
// count messages (written in place: reserve, fill, commit). A failing send
// ends the run with report.failed set; only setup failures are errors.
[[nodiscard]] xfer_result<send_report> send(const send_options &o);

} // namespace rsm::xfer
