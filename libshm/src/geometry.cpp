// geometry.cpp - geometry rules and the default template.
#include "geometry.hpp"

#include "layout.hpp"

#include <array>

namespace shm::detail {

result<void> validate_geometry(const group_geometry &g) {
    if (g.part_size < RSM_PART_SIZE_MIN || g.part_size > RSM_PART_SIZE_MAX ||
        (g.part_size & (g.part_size - 1)) != 0)
        return fail(EINVAL);
    if (g.part_count == 0 || g.part_count > RSM_PART_COUNT_MAX)
        return fail(EINVAL);
    if (g.span == 0 || g.span > g.part_count)
        return fail(EINVAL);
    if (g.capacity() > max_message_limit + 1)
        return fail(EINVAL);
    return {};
}

result<void> validate_template(std::span<const group_geometry> groups) {
    if (groups.empty() || groups.size() > max_groups)
        return fail(EINVAL);
    for (const auto &g : groups)
        if (auto r = validate_geometry(g); !r)
            return r;
    return {};
}

namespace {
// 2.8 MiB of segments per channel; the largest message is 1 MiB.
constexpr std::array<group_geometry, 4> default_groups{{
    {64, 1024, 4},   // 64 KiB of data, messages up to 256 B
    {256, 512, 16},  // 128 KiB, up to 4 KiB
    {4096, 128, 16}, // 512 KiB, up to 64 KiB
    {65536, 32, 16}, // 2 MiB, up to 1 MiB
}};
} // namespace

std::span<const group_geometry> default_template() {
    return default_groups;
}

} // namespace shm::detail
