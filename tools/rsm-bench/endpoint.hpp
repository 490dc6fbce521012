// What a transport offers one side of a pair. Benchmarks are templates over
// it, so a transport's calls inline into the timed loops.
//
//   prepare(size)    before each message size, on both sides, before the
//                    barrier that starts it (a transport may re-lay itself out)
//   try_send(tx)     move the message on without sleeping; true when all of it
//                    has gone (a stream may move part of it: tx.done grows)
//   try_recv(rx)     likewise; a message transport sets rx.done to the
//                    length that arrived (copying at most rx.size bytes)
//   block(tx, rx)    sleep until sending (tx) or receiving (rx) may progress
//   recv_slack()     extra bytes a receive buffer needs past the message
//
// Zero-copy transports also offer try_reserve(n) (a writable span of n bytes
// inside the transport's memory, or nullptr when full), commit(n),
// try_view() (the next message in place, empty when none) and release().
#pragma once

#include <concepts>
#include <cstddef>
#include <span>

namespace rsm::bench {

struct tx_cursor {
    const std::byte *data = nullptr;
    std::size_t size = 0;
    std::size_t done = 0;
};

struct rx_cursor {
    std::byte *data = nullptr;
    std::size_t size = 0;
    std::size_t done = 0;
};

template <class E>
concept endpoint = requires(E &e, tx_cursor &t, rx_cursor &r, std::size_t n) {
    e.prepare(n);
    { e.try_send(t) } -> std::same_as<bool>;
    { e.try_recv(r) } -> std::same_as<bool>;
    e.block(true, true);
    { e.recv_slack() } -> std::convertible_to<std::size_t>;
};

template <class E>
concept zero_copy_endpoint = endpoint<E> && requires(E &e, std::size_t n) {
    { e.try_reserve(n) } -> std::same_as<std::byte *>;
    e.commit(n);
    { e.try_view() } -> std::same_as<std::span<const std::byte>>;
    e.release();
};

} // namespace rsm::bench
