// `rsm-bench report`: folds the CSVs of several launches into a summary CSV,
// plots, and the Markdown sections of Documentation/benchmarks.md.
#pragma once

#include "aggregate.hpp"
#include "failure.hpp"

#include <map>
#include <string>
#include <vector>

namespace rsm::bench {

// The system whose figures the targets are about.
inline constexpr const char *rsm_system = "libshm";

struct efficiency_row {
    std::string label;  // "default template", "fixed 4K"
    std::string groups; // "64x4096/16 ..."
    uint64_t messages = 0, payload_bytes = 0, part_bytes = 0, partitions = 0, fallbacks = 0;
    double efficiency() const {
        return part_bytes ? static_cast<double>(payload_bytes) / static_cast<double>(part_bytes)
                          : 0;
    }
};

std::string efficiency_header();
std::string to_csv(const efficiency_row &r);
result<std::vector<efficiency_row>> read_efficiency(const std::string &path);

struct report_options {
    std::vector<std::string> csv_paths;
    std::vector<std::string> vm_csv_paths; // optional: runs inside a VM
    std::string efficiency_path;           // optional
    std::string out_dir;                   // summary.csv, plots
    std::string plot_url;                  // how the Markdown refers to out_dir
    std::string template_path;             // optional: Markdown with {{section}} lines
    std::string markdown_path;             // optional
    bool plots = true;
};

// Markdown for each {{name}}: machine, targets, latency, tail, modes,
// bandwidth, rate, bidirectional, zero-copy, dram, regimes, efficiency,
// plots, problems; and the same with a "vm-" prefix for the in-VM runs
// (machine, latency, tail, modes, bandwidth, regimes, plots, problems).
std::map<std::string, std::string> report_sections(const results &res,
                                                   const std::vector<efficiency_row> &eff,
                                                   const std::vector<std::string> &plot_files,
                                                   const std::string &plot_url);
std::map<std::string, std::string> vm_sections(const results *vm,
                                               const std::vector<std::string> &plot_files,
                                               const std::string &plot_url);

// Replaces each line that is exactly "{{name}}" with that section; an
// unknown name is an error (a typo must not silently drop a table).
result<std::string> fill_template(const std::string &text,
                                  const std::map<std::string, std::string> &sections);

int run_report(const report_options &opt);

} // namespace rsm::bench
