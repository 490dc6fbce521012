// One process of a benchmark pair: side 0 (the initiator) times and reports,
// side 1 (the responder) mirrors it. Both run the same plan in lock step.
#pragma once

#include "clock.hpp"
#include "csv.hpp"
#include "pair_control.hpp"
#include "plan.hpp"
#include "wait_policy.hpp"

#include <cmath>
#include <cstddef>
#include <functional>
#include <string_view>

namespace rsm::bench {

// Exit status of a side whose payload check failed (any other failure: 1).
inline constexpr int exit_verify_failed = 2;

struct side_context {
    int index = 0;
    const tick_clock *clock = nullptr;
    wait_policy wait;
    const run_plan *plan = nullptr;
    pair_control *control = nullptr;
    // Side 0 writes its result rows here (a pipe to the supervisor).
    int report_fd = -1;
    // system, test, mode, variant, launch, working set, note: filled in.
    row base;
    // Sides in two machines share no page: their barrier is a token each
    // way over the transport itself (set once it is connected), and there
    // is no cache line between them to probe.
    std::function<void()> remote_barrier;

    bool initiator() const { return index == 0; }
    void barrier() const {
        if (remote_barrier)
            remote_barrier();
        else
            control->barrier.arrive_and_wait();
    }
    // The cache-line probe; side 0 gets the one-way ns, side 1 gets 0; NaN
    // (not measured) across machines.
    double probe_line() const { return remote_barrier ? NAN : control->probe.run(index, *clock); }
    void emit(const row &r) const;
};

// A side cannot go on (an I/O error, a peer that vanished): say why and exit.
[[noreturn]] void die(const side_context &s, std::string_view what);
[[noreturn]] void die_errno(const side_context &s, std::string_view what);
// A message arrived wrong.
[[noreturn]] void verify_failed(const side_context &s, std::size_t size, uint64_t seq);

} // namespace rsm::bench
