// peer_watch.hpp - watches another node through the ivshmem driver's sysfs
// (rsm_nodes/<id>/heartbeat and state) on a thread, to time how long after
// its last heartbeat the node was declared down.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace rsm::xfer {

class peer_watch {
  public:
    // Starts watching node id; null when this node has no ivshmem device.
    static std::unique_ptr<peer_watch> start(std::uint32_t id);
    explicit peer_watch(std::string dir);
    peer_watch(const peer_watch &) = delete;
    peer_watch &operator=(const peer_watch &) = delete;
    ~peer_watch();

    // When the heartbeat last moved, and when the state first read "down"
    // (0 if not yet), in monotonic nanoseconds.
    [[nodiscard]] std::int64_t last_beat_ns() const { return last_beat_.load(); }
    [[nodiscard]] std::int64_t down_ns() const { return down_.load(); }
    [[nodiscard]] std::string state() const;

  private:
    void run();
    std::string dir_;
    std::atomic<std::int64_t> last_beat_{0};
    std::atomic<std::int64_t> down_{0};
    std::atomic<bool> quit_{false};
    std::thread thread_;
};

} // namespace rsm::xfer
