// genl.hpp - a generic netlink socket speaking the family "rsm"
// (Documentation/netlink/specs/rsm.yaml), over libnl-genl-3.
#pragma once

#include "error.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

struct nl_sock;

namespace rsm::ctl {

// One message of the family: its command and its attributes by type. Every
// attribute of the family is a u32, a u64 or a flag (1 when present).
struct Message {
    std::uint8_t cmd = 0;
    std::map<int, std::uint64_t> attrs;

    [[nodiscard]] std::optional<std::uint64_t> get(int attr) const;
};

// One attribute of a request: a u32 or a u64.
struct Attr {
    int type;
    std::uint64_t value;
    bool wide; // u64
};

class Genl {
  public:
    // A socket with the family resolved: Errc::not_loaded when there is no
    // family "rsm" (rsmdev.ko is not loaded).
    [[nodiscard]] static Result<Genl> open();

    // Sends one request. With @dump the reply is every object of the table
    // (asked again when a table changed during the dump, so the objects are
    // one snapshot); otherwise exactly one message, or none for an
    // operation without a reply. Kernel errors become typed errors, with
    // @what_missing naming the object of an ENOENT.
    [[nodiscard]] Result<std::vector<Message>> request(std::uint8_t cmd,
                                                       std::span<const Attr> attrs, bool dump,
                                                       const std::string &what_missing);

    // Joins the "events" multicast group, and the generic netlink
    // controller's, to learn when the family goes away.
    [[nodiscard]] Result<void> subscribe_events();

    // What receive_events() hands over.
    enum class Event { message, lost, family_gone };

    // Waits for events until @stop_fd is readable or @on_event returns
    // false; calls @on_event for each event message (Event::message),
    // after an overrun of the socket's buffer (Event::lost: some events were
    // dropped) and when the family is unregistered (Event::family_gone,
    // after which nothing more can come).
    [[nodiscard]] Result<void>
    receive_events(int stop_fd, const std::function<bool(Event, const Message &)> &on_event);

  private:
    struct SockFree {
        void operator()(nl_sock *s) const;
    };
    explicit Genl(std::unique_ptr<nl_sock, SockFree> sock, int family)
        : sock_(std::move(sock)), family_(family) {}

    std::unique_ptr<nl_sock, SockFree> sock_;
    int family_;
};

} // namespace rsm::ctl
