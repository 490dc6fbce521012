// monitor.cpp - rsmctl monitor: the "events" multicast group, one line per
// event (text or JSON), until interrupted, until --count events, or until
// the module is unloaded (an error: nothing more can come).
#include "commands.hpp"
#include "genl.hpp"
#include "output.hpp"
#include "records.hpp"

#include <cstdio>

namespace rsm::ctl {

Result<void> run_monitor(const Command &cmd, int stop_fd) {
    auto genl = Genl::open();
    if (!genl) {
        return std::unexpected(genl.error());
    }
    if (auto r = genl->subscribe_events(); !r) {
        return r;
    }
    std::uint64_t seen = 0;
    bool gone = false, broken_pipe = false;
    auto on_event = [&](Genl::Event ev, const Message &m) {
        switch (ev) {
        case Genl::Event::lost:
            // keep going: the lines that follow are still true events
            std::fputs("rsmctl: monitor: events were lost (receive buffer overrun)\n", stderr);
            return true;
        case Genl::Event::family_gone:
            gone = true;
            return false;
        case Genl::Event::message:
            break;
        }
        const EventKind kind = event_kind(m.cmd);
        if (kind.name.empty()) {
            return true; // not an event (a newer module's, or a reply)
        }
        const Record r = make_record(kind.fields, m);
        std::string line;
        if (cmd.json) {
            Json o = Json::object();
            o["event"] = kind.name;
            o.update(to_json(r));
            line = o.dump();
        } else {
            line = format_event(kind.name, r);
        }
        if (!put(line + "\n")) {
            broken_pipe = true;
            return false;
        }
        return cmd.count == 0 || ++seen < cmd.count;
    };
    if (auto r = genl->receive_events(stop_fd, on_event); !r) {
        return r;
    }
    if (gone) {
        return fail(Errc::not_loaded, "the rsmdev module was unloaded");
    }
    if (broken_pipe) {
        return fail(Errc::system, "writing the output failed");
    }
    return {};
}

} // namespace rsm::ctl
