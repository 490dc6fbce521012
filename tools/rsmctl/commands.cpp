// commands.cpp - the inspection commands: each asks the family "rsm" (or
// sysfs) and prints a table, a block or JSON.
#include "commands.hpp"

#include "genl.hpp"
#include "output.hpp"
#include "records.hpp"
#include "sysfs.hpp"

#include <linux/rsmdev.h>
#include <vector>

namespace rsm::ctl {

namespace {

// What a request asks and how its answer is shown.
struct Query {
    std::uint8_t cmd;
    std::span<const Field> fields;
    std::string what_missing; // the one line of an ENOENT
};

Result<std::vector<Record>> ask(const Query &q, std::span<const Attr> attrs, bool dump) {
    auto genl = Genl::open();
    if (!genl) {
        return std::unexpected(genl.error());
    }
    auto msgs = genl->request(q.cmd, attrs, dump, q.what_missing);
    if (!msgs) {
        return std::unexpected(msgs.error());
    }
    std::vector<Record> records;
    for (const Message &m : *msgs) {
        records.push_back(make_record(q.fields, m));
    }
    return records;
}

Result<void> written(bool ok) {
    if (!ok) {
        return fail(Errc::system, "writing the output failed");
    }
    return {};
}

Result<void> list(const Command &cmd, const Query &q) {
    auto records = ask(q, {}, true);
    if (!records) {
        return std::unexpected(records.error());
    }
    if (cmd.json) {
        return written(put(to_json(*records).dump(2) + "\n"));
    }
    return written(put(format_table(q.fields, *records)));
}

Result<void> show(const Command &cmd, const Query &q, std::span<const Attr> attrs) {
    auto records = ask(q, attrs, false);
    if (!records) {
        return std::unexpected(records.error());
    }
    if (records->size() != 1) {
        return fail(Errc::protocol, "the kernel sent no reply");
    }
    if (cmd.json) {
        return written(put(to_json(records->front()).dump(2) + "\n"));
    }
    return written(put(format_show(records->front())));
}

Result<void> nodes(const Command &cmd) {
    const Query q{RSM_CMD_NODE_GET, node_fields, "no such node"};
    auto records = ask(q, {}, true);
    if (!records) {
        return std::unexpected(records.error());
    }
    if (cmd.json) {
        return written(put(to_json(*records).dump(2) + "\n"));
    }
    std::string text;
    for (const Record &r : *records) {
        text += (text.empty() ? "" : "\n") + format_show(r);
    }
    return written(put(text));
}

Result<void> seg_destroy(const Command &cmd) {
    auto genl = Genl::open();
    if (!genl) {
        return std::unexpected(genl.error());
    }
    const Attr id{RSM_A_SEG_ID, cmd.id, false};
    auto r = genl->request(RSM_CMD_SEG_DESTROY, {&id, 1}, false, "no such segment");
    if (!r && r.error().code == Errc::permission && r.error().what == "permission denied") {
        r.error().what += " (needs CAP_NET_ADMIN and CAP_SYS_ADMIN)";
    }
    if (!r) {
        return std::unexpected(r.error());
    }
    return {};
}

Result<void> stats(const Command &cmd) {
    auto stats = read_stats();
    if (!stats) {
        return std::unexpected(stats.error());
    }
    if (cmd.json) {
        Json o = Json::object();
        for (const auto &[name, value] : *stats) {
            o[name] = value;
        }
        return written(put(o.dump(2) + "\n"));
    }
    std::size_t width = 0;
    for (const auto &s : *stats) {
        width = std::max(width, s.first.size());
    }
    std::string text;
    for (const auto &[name, value] : *stats) {
        text += name + std::string(width - name.size() + 2, ' ') + std::to_string(value) + "\n";
    }
    return written(put(text));
}

} // namespace

Result<void> run(const Command &cmd, int stop_fd) {
    const Query seg{RSM_CMD_SEG_GET, segment_fields, "no such segment"};
    const Query desc{RSM_CMD_DESC_GET, descriptor_fields, "no such key"};
    const Query group{RSM_CMD_GROUP_GET, group_fields, "no such segment group"};
    const Query chan{RSM_CMD_CHANNEL_GET, channel_fields, "no such channel"};

    switch (cmd.verb) {
    case Verb::node:
        return nodes(cmd);
    case Verb::seg_list:
        return list(cmd, seg);
    case Verb::seg_show: {
        const Attr id{RSM_A_SEG_ID, cmd.id, false};
        return show(cmd, seg, {&id, 1});
    }
    case Verb::seg_destroy:
        return seg_destroy(cmd);
    case Verb::group_list:
        return list(cmd, group);
    case Verb::group_show: {
        const Attr id{RSM_A_GROUP_ID, cmd.id, false};
        return show(cmd, group, {&id, 1});
    }
    case Verb::channel_list:
        return list(cmd, chan);
    case Verb::registry_list:
        return list(cmd, desc);
    case Verb::registry_show: {
        std::vector<Attr> attrs{{RSM_A_SEG_KEY, cmd.key, true}};
        if (cmd.node) {
            attrs.push_back({RSM_A_SEG_NODE_ID, *cmd.node, false});
        }
        return show(cmd, desc, attrs);
    }
    case Verb::monitor:
        return run_monitor(cmd, stop_fd);
    case Verb::stats:
        return stats(cmd);
    case Verb::send:
        return run_send(cmd, stop_fd);
    case Verb::recv:
        return run_recv(cmd, stop_fd);
    case Verb::help:
    case Verb::version:
        break;
    }
    return {};
}

} // namespace rsm::ctl
