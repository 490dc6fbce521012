// peer_watch.cpp - polling a peer's heartbeat and state in sysfs.
#include "peer_watch.hpp"

#include "xfer.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>

namespace rsm::xfer {
namespace {

std::string read_line(const std::string &path) {
    std::ifstream in(path);
    std::string s;
    std::getline(in, s);
    return s;
}

} // namespace

std::unique_ptr<peer_watch> peer_watch::start(std::uint32_t id) {
    std::error_code ec;
    for (const auto &e :
         std::filesystem::directory_iterator("/sys/bus/pci/drivers/rsm_ivshmem", ec)) {
        const auto dir = e.path() / "rsm_nodes" / std::to_string(id);
        if (std::filesystem::exists(dir / "state", ec)) {
            return std::make_unique<peer_watch>(dir.string());
        }
    }
    return nullptr;
}

peer_watch::peer_watch(std::string dir) : dir_(std::move(dir)) {
    last_beat_ = now_ns();
    thread_ = std::thread([this] { run(); });
}

peer_watch::~peer_watch() {
    quit_ = true;
    thread_.join();
}

std::string peer_watch::state() const {
    return read_line(dir_ + "/state");
}

void peer_watch::run() {
    std::string last = read_line(dir_ + "/heartbeat");
    while (!quit_) {
        const std::string hb = read_line(dir_ + "/heartbeat");
        const std::int64_t t = now_ns();
        if (hb != last) {
            last = hb;
            last_beat_ = t;
        }
        if (down_ == 0 && state() == "down") {
            down_ = t;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

} // namespace rsm::xfer
