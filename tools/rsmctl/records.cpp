// records.cpp - the field tables of the family's objects and their formats.
#include "records.hpp"

#include "error.hpp"

#include <array>
#include <cstdio>
#include <linux/rsmdev.h>

namespace rsm::ctl {

namespace {

using enum Format;

constexpr Field seg_table[] = {
    {"id", "ID", RSM_A_SEG_ID, number},
    {"node_id", "NODE", RSM_A_SEG_NODE_ID, number},
    {"key", "KEY", RSM_A_SEG_KEY, number},
    {"state", "STATE", RSM_A_SEG_STATE, seg_state},
    {"part_size", "PART_SIZE", RSM_A_SEG_PART_SIZE, number},
    {"part_count", "PARTS", RSM_A_SEG_PART_COUNT, number},
    {"span", "SPAN", RSM_A_SEG_SPAN, number},
    {"size", "SIZE", RSM_A_SEG_SIZE, number},
    {"interconnect", "IC", RSM_A_SEG_INTERCONNECT, interconnect},
    {"uid", "UID", RSM_A_SEG_UID, number},
    {"gid", "", RSM_A_SEG_GID, number},
    {"mode", "MODE", RSM_A_SEG_MODE, mode},
    {"generation", "", RSM_A_SEG_GENERATION, number},
    {"importers", "IMPORTERS", RSM_A_SEG_IMPORTERS, number},
    {"signals", "", RSM_A_SEG_SIGNALS, number},
    {"messages", "", RSM_A_SEG_MESSAGES, number},
    {"bytes", "", RSM_A_SEG_BYTES, number},
};

constexpr Field desc_table[] = {
    {"key", "KEY", RSM_A_SEG_KEY, number},
    {"node_id", "NODE", RSM_A_SEG_NODE_ID, number},
    {"seg_id", "SEG", RSM_A_SEG_ID, number},
    {"state", "", RSM_A_SEG_STATE, seg_state},
    {"part_size", "PART_SIZE", RSM_A_SEG_PART_SIZE, number},
    {"part_count", "PARTS", RSM_A_SEG_PART_COUNT, number},
    {"span", "SPAN", RSM_A_SEG_SPAN, number},
    {"size", "SIZE", RSM_A_SEG_SIZE, number},
    {"interconnect", "IC", RSM_A_SEG_INTERCONNECT, interconnect},
    {"uid", "UID", RSM_A_SEG_UID, number},
    {"gid", "GID", RSM_A_SEG_GID, number},
    {"mode", "MODE", RSM_A_SEG_MODE, mode},
    {"generation", "GEN", RSM_A_SEG_GENERATION, number},
    {"importers", "IMPORTERS", RSM_A_SEG_IMPORTERS, number},
};

constexpr Field group_table[] = {
    {"id", "ID", RSM_A_GROUP_ID, number},
    {"seg_id", "SEG", RSM_A_GROUP_SEG_ID, number},
    {"node_id", "NODE", RSM_A_GROUP_NODE_ID, number},
    {"key", "KEY", RSM_A_GROUP_KEY, number},
    {"part_size", "PART_SIZE", RSM_A_GROUP_PART_SIZE, number},
    {"part_count", "PARTS", RSM_A_GROUP_PART_COUNT, number},
    {"channel_id", "CHANNEL", RSM_A_GROUP_CHANNEL_ID, number},
    {"state", "STATE", RSM_A_GROUP_REVOKED, group_state},
    {"error", "", RSM_A_GROUP_REVOKED, error},
    {"messages", "MESSAGES", RSM_A_GROUP_MESSAGES, number},
    {"bytes", "BYTES", RSM_A_GROUP_BYTES, number},
};

constexpr Field chan_table[] = {
    {"id", "ID", RSM_A_CHANNEL_ID, number},
    {"node_id", "NODE", RSM_A_CHANNEL_NODE_ID, number},
    {"key", "KEY", RSM_A_CHANNEL_KEY, number},
    {"slot", "SLOT", RSM_A_CHANNEL_SLOT, number},
    {"seg_id", "SEG", RSM_A_CHANNEL_SEG_ID, number},
    {"groups", "GROUPS", RSM_A_CHANNEL_GROUPS, number},
    {"state", "STATE", RSM_A_CHANNEL_REVOKED, chan_state},
    {"error", "", RSM_A_CHANNEL_REVOKED, error},
};

constexpr Field node_table[] = {
    {"node_id", "NODE", RSM_A_NODE_ID, number},
    {"local", "", RSM_A_NODE_LOCAL, flag},
    {"state", "STATE", RSM_A_NODE_STATE, node_state},
    {"interconnect", "IC", RSM_A_NODE_INTERCONNECT, interconnect},
    {"changes", "", RSM_A_NODE_CHANGES, number},
    {"interconnects", "", RSM_A_NODE_INTERCONNECTS, ic_mask},
    {"abi_version", "", RSM_A_NODE_ABI_VERSION, number},
    {"part_size_min", "", RSM_A_NODE_PART_SIZE_MIN, number},
    {"part_size_max", "", RSM_A_NODE_PART_SIZE_MAX, number},
    {"part_count_max", "", RSM_A_NODE_PART_COUNT_MAX, number},
    {"max_segs_per_process", "", RSM_A_NODE_MAX_SEGS_PER_PROCESS, number},
    {"max_bytes_per_user", "", RSM_A_NODE_MAX_BYTES_PER_USER, number},
    {"max_bytes_total", "", RSM_A_NODE_MAX_BYTES_TOTAL, number},
    {"bytes", "", RSM_A_NODE_BYTES, number},
};

std::string seg_state_name(std::uint64_t s) {
    switch (s) {
    case RSM_SEG_STATE_CREATED:
        return "created";
    case RSM_SEG_STATE_PUBLISHED:
        return "published";
    case RSM_SEG_STATE_REVOKED:
        return "revoked";
    case RSM_SEG_STATE_DESTROYED:
        return "destroyed";
    default:
        return "unknown";
    }
}

void set(Cell &c, std::string text) {
    c.json = text;
    c.text = std::move(text);
}

void set(Cell &c, std::uint64_t v) {
    c.json = v;
    c.text = std::to_string(v);
}

} // namespace

const std::span<const Field> segment_fields{seg_table};
const std::span<const Field> descriptor_fields{desc_table};
const std::span<const Field> group_fields{group_table};
const std::span<const Field> channel_fields{chan_table};
const std::span<const Field> node_fields{node_table};

std::string interconnect_name(std::uint64_t id) {
    switch (id) {
    case RSM_IC_LOOPBACK:
        return "loopback";
    case RSM_IC_IVSHMEM:
        return "ivshmem";
    default:
        return "ic" + std::to_string(id);
    }
}

Record make_record(std::span<const Field> fields, const Message &m) {
    Record r;
    for (const Field &f : fields) {
        const auto v = m.get(f.attr);
        if (!v || (f.format == error && *v == 0)) {
            continue;
        }
        Cell c{&f, {}, {}};
        switch (f.format) {
        case number:
            set(c, *v);
            break;
        case mode: {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "%04llo", static_cast<unsigned long long>(*v & 07777));
            set(c, std::string(buf));
            break;
        }
        case seg_state:
            set(c, seg_state_name(*v));
            break;
        case interconnect:
            set(c, interconnect_name(*v));
            break;
        case node_state:
            set(c, std::string(*v == RSM_NODE_STATE_UP ? "up" : "down"));
            break;
        case group_state:
            set(c, std::string(*v ? "revoked" : "active"));
            break;
        case chan_state:
            set(c, std::string(*v ? "revoked" : "open"));
            break;
        case error:
            set(c, errno_name(static_cast<int>(*v)));
            break;
        case flag:
            c.json = true;
            c.text = "yes";
            break;
        case ic_mask: {
            c.json = Json::array();
            for (unsigned ic = 0; ic < 32; ic++) {
                if (*v & (1ULL << ic)) {
                    c.json.push_back(interconnect_name(ic));
                    c.text += (c.text.empty() ? "" : ",") + interconnect_name(ic);
                }
            }
            break;
        }
        }
        r.push_back(std::move(c));
    }
    return r;
}

EventKind event_kind(std::uint8_t cmd) {
    switch (cmd) {
    case RSM_CMD_SEG_CREATED_NTF:
        return {"seg-created", segment_fields};
    case RSM_CMD_SEG_PUBLISHED_NTF:
        return {"seg-published", segment_fields};
    case RSM_CMD_SEG_UNPUBLISHED_NTF:
        return {"seg-unpublished", segment_fields};
    case RSM_CMD_SEG_REVOKED_NTF:
        return {"seg-revoked", segment_fields};
    case RSM_CMD_SEG_DESTROYED_NTF:
        return {"seg-destroyed", segment_fields};
    case RSM_CMD_SEG_IMPORTED_NTF:
        return {"seg-imported", segment_fields};
    case RSM_CMD_SEG_UNIMPORTED_NTF:
        return {"seg-unimported", segment_fields};
    case RSM_CMD_GROUP_CREATED_NTF:
        return {"group-created", group_fields};
    case RSM_CMD_GROUP_DESTROYED_NTF:
        return {"group-destroyed", group_fields};
    case RSM_CMD_CHANNEL_OPENED_NTF:
        return {"channel-opened", channel_fields};
    case RSM_CMD_CHANNEL_CLOSED_NTF:
        return {"channel-closed", channel_fields};
    case RSM_CMD_NODE_UP_NTF:
        return {"node-up", node_fields};
    case RSM_CMD_NODE_DOWN_NTF:
        return {"node-down", node_fields};
    default:
        return {};
    }
}

} // namespace rsm::ctl
