// protocol.hpp - the messages of QEMU's ivshmem client-server protocol
// (QEMU docs/specs/ivshmem-spec.rst).
//
// The connection is one-way, server to client. Every message is one
// little-endian int64, optionally carrying one file descriptor by
// SCM_RIGHTS. On connect a client receives, in order: the protocol version
// (0), its own id, -1 with the shared memory fd, each existing peer's id once
// per vector with that vector's eventfd, then its own id once per vector with
// its own eventfds. Later, a peer id with an fd announces (one vector at a
// time) a peer that joined, and a peer id without an fd one that left.
#pragma once

#include "error.hpp"
#include "unique_fd.hpp"

#include <chrono>
#include <cstdint>

namespace rsm::ivshmem {

inline constexpr std::int64_t protocol_version = 0;
inline constexpr std::int64_t shm_message = -1; // value sent with the shm fd
inline constexpr unsigned max_peer_id = 65535;  // the doorbell has 16 bits

struct Message {
    std::int64_t value = 0;
    UniqueFd fd; // empty when the message carried none
};

// Sends one message (with fd >= 0: carrying that fd, which stays open here).
// Never blocks: a client whose socket buffer is full is broken, and
// send_message then fails with EAGAIN rather than stall every other client.
[[nodiscard]] Result<void> send_message(int sock, std::int64_t value, int fd = -1);

// Receives one message, waiting at most timeout. Fails with Errc::closed at
// end of stream, Errc::timed_out when nothing complete arrived in time, and
// Errc::protocol when more than one fd came with a message.
[[nodiscard]] Result<Message> receive_message(int sock, std::chrono::milliseconds timeout);

} // namespace rsm::ivshmem
