// output.hpp - rendering records: aligned text tables, "show" blocks, JSON
// and the one-line form of an event.
#pragma once

#include "records.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rsm::ctl {

// One row per record under a header of the fields that have a column; a
// field a record lacks shows as "-".
[[nodiscard]] std::string format_table(std::span<const Field> fields,
                                       const std::vector<Record> &records);

// "key  value" lines, keys aligned.
[[nodiscard]] std::string format_show(const Record &record);

[[nodiscard]] Json to_json(const Record &record);
[[nodiscard]] Json to_json(const std::vector<Record> &records);

// "seg-created id=5 node_id=0 key=0 ...": the event's name, then its
// object's table fields.
[[nodiscard]] std::string format_event(std::string_view name, const Record &record);

// Writes @text to stdout; false when it could not (a closed pipe).
bool put(const std::string &text);

} // namespace rsm::ctl
