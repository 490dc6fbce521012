// group_table.hpp - per segment group: messages, bytes, and how many of
// them fell back to a larger partition size than the selection policy
// prefers for their length (Documentation/libshm.md, the claims of the
// selection policy: the preferred size is the largest partition size not
// above the length among the groups that can carry it, else the smallest
// that can).
#pragma once

#include <cstdint>
#include <libshm/shm.h>
#include <span>
#include <string>
#include <vector>

namespace rsm::xfer {

class group_table {
  public:
    explicit group_table(std::span<const shm_group_spec> groups);

    // The partition size the policy prefers for len (0 if no group fits).
    [[nodiscard]] std::uint32_t preferred_part_size(std::uint64_t len) const;

    // Counts a message of len bytes that arrived in group (template index).
    void record(std::uint32_t group, std::uint64_t len);

    struct row {
        std::uint64_t messages = 0;
        std::uint64_t bytes = 0;
        std::uint64_t fallbacks = 0; // arrived here though a smaller size was preferred
    };
    [[nodiscard]] const row &at(std::uint32_t group) const { return rows_.at(group); }
    [[nodiscard]] row total() const;

    // The table, one line per group and a total line.
    [[nodiscard]] std::string format() const;

  private:
    std::vector<shm_group_spec> groups_;
    std::vector<row> rows_;
};

// "64 B", "4 KiB", "1 MiB", or plain bytes when not a round multiple.
[[nodiscard]] std::string human_size(std::uint64_t bytes);

} // namespace rsm::xfer
