// shared_memory.hpp - the memory every peer maps as its BAR2.
#pragma once

#include "error.hpp"
#include "unique_fd.hpp"

#include <cstdint>
#include <string>

namespace rsm::ivshmem {

// Opens the shared memory: with a path, that file (created with mode 0600
// if missing, and resized to size if its size differs; its contents are kept
// otherwise, so a restarted server serves the same memory); without one, an
// anonymous memfd. The server never unlinks the file: whoever chose the
// path owns it.
[[nodiscard]] Result<UniqueFd> open_shared_memory(const std::string &path, std::uint64_t size);

} // namespace rsm::ivshmem
