#include "shared_mapping.hpp"

#include <string>
#include <sys/mman.h>

namespace rsm::bench {

result<shared_mapping> shared_mapping::create(std::size_t bytes) {
    void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return sys_fail("mmap of " + std::to_string(bytes) + " shared bytes");
    return shared_mapping(p, bytes);
}

shared_mapping::~shared_mapping() {
    if (addr_)
        munmap(addr_, size_);
}

} // namespace rsm::bench
