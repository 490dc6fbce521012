// options.cpp - parsing rsmctl's command line: global options anywhere,
// then a command of one or two words and its arguments.
#include "options.hpp"

#include <charconv>
#include <limits>
#include <vector>

namespace rsm::ctl {

namespace {

Result<Command> usage_error(const std::string &what) {
    return fail(Errc::usage, what + " (see rsmctl --help)");
}

// The verb of "WORD [SUBWORD]", and how many words it took.
struct VerbName {
    std::string_view word;
    std::string_view sub; // empty: a one-word command
    Verb verb;
};

constexpr VerbName verbs[] = {
    {"node", "", Verb::node},
    {"seg", "list", Verb::seg_list},
    {"seg", "show", Verb::seg_show},
    {"seg", "destroy", Verb::seg_destroy},
    {"group", "list", Verb::group_list},
    {"group", "show", Verb::group_show},
    {"channel", "list", Verb::channel_list},
    {"registry", "list", Verb::registry_list},
    {"registry", "show", Verb::registry_show},
    {"monitor", "", Verb::monitor},
    {"stats", "", Verb::stats},
    {"send", "", Verb::send},
    {"recv", "", Verb::recv},
    {"help", "", Verb::help},
};

bool has_subcommands(std::string_view word) {
    for (const auto &v : verbs) {
        if (v.word == word && !v.sub.empty()) {
            return true;
        }
    }
    return false;
}

// What each verb takes after its name.
enum class Operand { none, id, key };

Operand operand_of(Verb verb) {
    switch (verb) {
    case Verb::seg_show:
    case Verb::seg_destroy:
    case Verb::group_show:
        return Operand::id;
    case Verb::registry_show:
    case Verb::send:
    case Verb::recv:
        return Operand::key;
    default:
        return Operand::none;
    }
}

std::string_view operand_name(Verb verb) {
    switch (verb) {
    case Verb::seg_show:
    case Verb::seg_destroy:
        return "segment id";
    case Verb::group_show:
        return "group id";
    default:
        return "key";
    }
}

// Options that take a value, and which verbs accept them.
bool option_allowed(std::string_view opt, Verb verb) {
    if (opt == "--node") {
        return verb == Verb::registry_show || verb == Verb::send;
    }
    if (opt == "--count") {
        return verb == Verb::monitor;
    }
    if (opt == "--mode") {
        return verb == Verb::recv;
    }
    return false;
}

std::string_view long_name(std::string_view opt) {
    if (opt == "-c") {
        return "--count";
    }
    if (opt == "-n") {
        return "--node";
    }
    if (opt == "-m") {
        return "--mode";
    }
    return opt;
}

} // namespace

std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t max) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v > max) {
        return std::nullopt;
    }
    return v;
}

Result<Command> parse_command(std::span<const char *const> args) {
    Command cmd;
    std::vector<std::string_view> words;
    std::vector<std::pair<std::string_view, std::string_view>> valued; // option, value
    bool options_done = false;

    for (std::size_t i = 0; i < args.size(); i++) {
        const std::string_view a = args[i];
        if (options_done || a.empty() || a[0] != '-' || a == "-") {
            words.push_back(a);
            continue;
        }
        if (a == "--") {
            options_done = true;
        } else if (a == "-j" || a == "--json") {
            cmd.json = true;
        } else if (a == "-h" || a == "--help") {
            cmd.verb = Verb::help;
            return cmd;
        } else if (a == "-V" || a == "--version") {
            cmd.verb = Verb::version;
            return cmd;
        } else {
            // --name=value, --name value, -n value
            std::string_view opt = a, value;
            const auto eq = a.find('=');
            const bool inline_value = a.starts_with("--") && eq != std::string_view::npos;
            if (inline_value) {
                opt = a.substr(0, eq);
                value = a.substr(eq + 1);
            }
            opt = long_name(opt);
            if (opt != "--count" && opt != "--node" && opt != "--mode") {
                return usage_error("unknown option '" + std::string(a) + "'");
            }
            if (!inline_value) {
                if (i + 1 == args.size()) {
                    return usage_error("option '" + std::string(a) + "' needs a value");
                }
                value = args[++i];
            }
            valued.emplace_back(opt, value);
        }
    }

    if (words.empty()) {
        return usage_error("no command given");
    }
    const VerbName *found = nullptr;
    for (const auto &v : verbs) {
        if (v.word == words[0] && (v.sub.empty() || (words.size() > 1 && v.sub == words[1]))) {
            found = &v;
            break;
        }
    }
    if (found == nullptr) {
        if (has_subcommands(words[0])) {
            return usage_error(words.size() > 1
                                   ? "unknown command '" + std::string(words[0]) + " " +
                                         std::string(words[1]) + "'"
                                   : "'" + std::string(words[0]) + "' needs a subcommand");
        }
        return usage_error("unknown command '" + std::string(words[0]) + "'");
    }
    cmd.verb = found->verb;
    cmd.context = std::string(found->word);
    if (!found->sub.empty()) {
        cmd.context += " " + std::string(found->sub);
    }
    std::size_t next = found->sub.empty() ? 1 : 2;

    switch (operand_of(cmd.verb)) {
    case Operand::none:
        break;
    case Operand::id: {
        if (next == words.size()) {
            return fail(Errc::usage, cmd.context + ": missing " +
                                         std::string(operand_name(cmd.verb)) +
                                         " (see rsmctl --help)");
        }
        const auto id = parse_number(words[next], std::numeric_limits<std::uint32_t>::max());
        if (!id || *id == 0) {
            return fail(Errc::usage, cmd.context + ": invalid " +
                                         std::string(operand_name(cmd.verb)) + " '" +
                                         std::string(words[next]) + "'");
        }
        cmd.id = static_cast<std::uint32_t>(*id);
        cmd.context += " " + std::string(words[next++]);
        break;
    }
    case Operand::key: {
        if (next == words.size()) {
            return fail(Errc::usage, cmd.context + ": missing key (see rsmctl --help)");
        }
        const auto key = parse_number(words[next], std::numeric_limits<std::uint64_t>::max());
        if (!key || *key == 0) {
            return fail(Errc::usage,
                        cmd.context + ": invalid key '" + std::string(words[next]) + "'");
        }
        cmd.key = *key;
        cmd.context += " " + std::string(words[next++]);
        break;
    }
    }
    if (next < words.size()) {
        return fail(Errc::usage,
                    cmd.context + ": unexpected argument '" + std::string(words[next]) + "'");
    }

    for (const auto &[opt, value] : valued) {
        if (!option_allowed(opt, cmd.verb)) {
            return fail(Errc::usage,
                        cmd.context + ": option '" + std::string(opt) + "' does not apply");
        }
        if (opt == "--node") {
            const auto n = parse_number(value, std::numeric_limits<std::uint32_t>::max());
            if (!n) {
                return fail(Errc::usage,
                            cmd.context + ": invalid node '" + std::string(value) + "'");
            }
            cmd.node = static_cast<std::uint32_t>(*n);
        } else if (opt == "--count") {
            const auto n = parse_number(value, std::numeric_limits<std::uint64_t>::max());
            if (!n || *n == 0) {
                return fail(Errc::usage,
                            cmd.context + ": invalid count '" + std::string(value) + "'");
            }
            cmd.count = *n;
        } else if (opt == "--mode") {
            std::uint32_t mode = 0;
            const auto [end, ec] =
                std::from_chars(value.data(), value.data() + value.size(), mode, 8);
            if (value.empty() || ec != std::errc{} || end != value.data() + value.size() ||
                mode > 0777) {
                return fail(Errc::usage, cmd.context + ": invalid mode '" + std::string(value) +
                                             "' (octal, at most 0777)");
            }
            cmd.mode = mode;
        }
    }
    return cmd;
}

std::string usage() {
    return R"(usage: rsmctl [-j] COMMAND [ARGUMENTS]

Inspect and watch rsmdev, the remote shared memory module, through its
generic netlink family "rsm" and /sys/kernel/rsm; move data through libshm.

commands:
  node                        this node (limits, usage) and the nodes it reaches
  seg list                    the segment table
  seg show ID                 one segment
  seg destroy ID              destroy any process's segment (needs CAP_NET_ADMIN
                              and CAP_SYS_ADMIN); its owner and importers see a
                              revocation
  group list                  the segment group table
  group show ID               one segment group
  channel list                the channel table
  registry list               the descriptors published on this node
  registry show KEY [--node N]
                              the descriptor published under KEY (on node N)
  monitor [-c N]              print events as they arrive until interrupted
                              (or until N events)
  stats                       the node-wide counters of /sys/kernel/rsm/stats
  send KEY [--node N]         send standard input to the endpoint KEY
  recv KEY [--mode MODE]      create the endpoint KEY (permission bits MODE,
                              default 0600) and write what one sender sends to
                              standard output

options:
  -j, --json      JSON output (monitor: one object per line)
  -h, --help      this text
  -V, --version   the version

IDs and keys are decimal or 0x-prefixed hexadecimal. Exit status: 0 success,
1 failure (one line on standard error says what), 2 bad command line.
)";
}

} // namespace rsm::ctl
