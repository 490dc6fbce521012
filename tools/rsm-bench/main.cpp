// rsm-bench: latency, bandwidth and memory efficiency of rsm against peers.
//
//   rsm-bench run [options]               measure, write CSV rows
//   rsm-bench report [options] CSV...     median and spread over launches,
//                                         plots, Markdown
//   rsm-bench systems                     list what can be measured here
//
// See rsm-bench(1).
#include "options.hpp"

#include <cstdio>
#include <string_view>

int main(int argc, char **argv) {
    using namespace rsm::bench;
    if (argc < 2) {
        std::fputs(usage_text, stderr);
        return 2;
    }
    std::string_view cmd = argv[1];
    if (cmd == "-h" || cmd == "--help") {
        std::fputs(usage_text, stdout);
        return 0;
    }
    return run_command(cmd, argc - 2, argv + 2);
}
