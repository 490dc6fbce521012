// records.hpp - what a message of the family says, as named fields: one
// table of fields per kind of object drives the text table, the "show"
// block, the JSON object and the event line alike.
#pragma once

#include "genl.hpp"

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rsm::ctl {

// JSON objects keep their keys in the order the fields are listed.
using Json = nlohmann::ordered_json;

// How an attribute's number is shown.
enum class Format {
    number,       // decimal (JSON number)
    mode,         // "0644", as in sysfs
    seg_state,    // "created", "published", ... as in sysfs
    interconnect, // "loopback", "ivshmem"
    node_state,   // "up", "down"
    group_state,  // from the revoked errno: "active" or "revoked", as in sysfs
    chan_state,   // from the revoked errno: "open" or "revoked", as in sysfs
    error,        // an errno by name ("EIDRM"); the field is left out when 0
    flag,         // true when present (JSON boolean)
    ic_mask,      // RSM_IC_BIT() mask as the list of interconnect names
};

struct Field {
    std::string_view key;    // JSON key, "show" label (sysfs file name where one exists)
    std::string_view column; // table column; empty: not in tables or event lines
    int attr;                // the attribute it comes from
    Format format;
};

// The fields of each kind, in the order they are shown.
extern const std::span<const Field> segment_fields;
extern const std::span<const Field> descriptor_fields;
extern const std::span<const Field> group_fields;
extern const std::span<const Field> channel_fields;
extern const std::span<const Field> node_fields;

struct Cell {
    const Field *field;
    std::string text;
    Json json;
};
using Record = std::vector<Cell>;

// The fields of @fields that @m carries (absent attributes are left out).
[[nodiscard]] Record make_record(std::span<const Field> fields, const Message &m);

// The name of an event command ("seg-created") and the fields of its
// object; empty name for a command that is not an event.
struct EventKind {
    std::string_view name;
    std::span<const Field> fields;
};
[[nodiscard]] EventKind event_kind(std::uint8_t cmd);

[[nodiscard]] std::string interconnect_name(std::uint64_t id);

} // namespace rsm::ctl
