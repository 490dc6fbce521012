#include "ucx_peer.hpp"

#include "pair_runner.hpp"
#include "subprocess.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace rsm::bench {

namespace {

constexpr double mib_to_mb = 1.048576;

std::vector<std::string_view> split(std::string_view line, char sep) {
    std::vector<std::string_view> f;
    for (std::size_t start = 0;;) {
        auto at = line.find(sep, start);
        f.push_back(line.substr(start, at - start));
        if (at == std::string_view::npos)
            return f;
        start = at + 1;
    }
}

bool to_double(std::string_view s, double &out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

result<ucx_figures> run_once(const ucx_job &job, std::size_t size) {
    auto port = free_tcp_port();
    if (!port)
        return std::unexpected(port.error());
    const std::vector<std::string> env{"UCX_TLS=posix,self"};
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        std::chrono::duration<double>(job.timeout_s));
    auto server = subprocess::spawn(
        {"ucx_perftest", "-c", std::to_string(job.cpus[0]), "-p", std::to_string(*port)}, env);
    if (!server)
        return std::unexpected(server.error());
    // The server prints nothing until it exits; wait for its socket instead.
    while (!tcp_port_listening(*port)) {
        int status;
        if (waitpid(server->pid(), &status, WNOHANG) == server->pid())
            return fail("ucx_perftest server exited before listening");
        if (std::chrono::steady_clock::now() > deadline)
            return fail("ucx_perftest server did not listen");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    bool lat = job.plan.test == test_kind::latency;
    auto [warmup, measured] = job.plan.iterations(size);
    if (!lat) {
        // tag_bw counts messages, not windows of them.
        warmup *= job.plan.window;
        measured *= job.plan.window;
    }
    auto client = subprocess::spawn({"ucx_perftest", "localhost", "-p", std::to_string(*port), "-c",
                                     std::to_string(job.cpus[1]), "-t", lat ? "tag_lat" : "tag_bw",
                                     "-s", std::to_string(size), "-n", std::to_string(measured),
                                     "-w", std::to_string(warmup), "-v"},
                                    env);
    if (!client)
        return std::unexpected(client.error());
    auto cs = client->wait(deadline);
    auto ss = server->wait(deadline + std::chrono::seconds(5));
    if (!cs)
        return fail("ucx_perftest client: " + cs.error().message);
    if (*cs != 0)
        return fail("ucx_perftest client failed (status " + std::to_string(*cs) + ")");
    if (!ss || *ss != 0)
        return fail("ucx_perftest server failed");
    return parse_ucx_output(client->output());
}

} // namespace

result<ucx_figures> parse_ucx_output(std::string_view output) {
    std::string_view last;
    for (auto line : split(output, '\n')) {
        // Short runs print the count right-aligned (" 200,0.618,...").
        line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
        if (!line.empty() && line[0] >= '0' && line[0] <= '9')
            last = line;
    }
    if (last.empty())
        return fail("no result line in ucx_perftest output");
    auto f = split(last, ',');
    double v[8];
    if (f.size() != 8)
        return fail("ucx_perftest result line has " + std::to_string(f.size()) + " fields, not 8");
    for (int i = 0; i < 8; i++)
        if (!to_double(f[i], v[i]))
            return fail("ucx_perftest result field " + std::to_string(i + 1) + " is not a number");
    ucx_figures r;
    r.iterations = static_cast<uint64_t>(v[0]);
    r.p50_us = v[1];
    r.mean_us = v[3];
    r.mib_per_s = v[5];
    r.msg_per_s = v[7];
    return r;
}

bool ucx_available() {
    std::string path = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
    for (auto dir : split(path, ':'))
        if (access((std::string(dir) + "/ucx_perftest").c_str(), X_OK) == 0)
            return true;
    return false;
}

result<std::vector<row>> run_ucx(const ucx_job &job) {
    std::vector<row> rows;
    std::string errors;
    for (std::size_t size : job.plan.sizes) {
        // ucx_perftest cannot be probed from inside: probe the two CPUs
        // just before, so the row still says which regime it ran in.
        auto line = probe_cores(job.cpus, *job.clock);
        auto f = run_once(job, size);
        if (!f) {
            errors +=
                (errors.empty() ? "" : "; ") + std::to_string(size) + " B: " + f.error().message;
            continue;
        }
        row r = job.base;
        r.size = size;
        r.iterations = f->iterations;
        r.line_ns = line ? *line : NAN;
        if (job.plan.test == test_kind::latency) {
            r.lat.count = f->iterations;
            r.lat.p50 = f->p50_us * 1000;
            r.lat.mean = f->mean_us * 1000;
            r.lat.min = r.lat.p99 = r.lat.p999 = r.lat.max = NAN;
        } else {
            r.mb_per_s = f->mib_per_s * mib_to_mb;
            r.msg_per_s = f->msg_per_s;
        }
        rows.push_back(r);
    }
    if (!errors.empty() && rows.empty())
        return fail(errors);
    if (!errors.empty())
        std::fprintf(stderr, "rsm-bench: ucx: %s\n", errors.c_str());
    return rows;
}

} // namespace rsm::bench
