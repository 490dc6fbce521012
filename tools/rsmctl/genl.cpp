// genl.cpp - the family "rsm" over libnl-genl-3: requests (get, dump,
// destroy) with the kernel's extended ack turned into one-line errors, and
// the event subscription.
#include "genl.hpp"

#include <cerrno>
#include <cstring>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rsmdev.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>

namespace rsm::ctl {

namespace {

constexpr int dump_attempts = 5; // a dump interrupted this often is returned as is

struct CbFree {
    void operator()(nl_cb *cb) const { nl_cb_put(cb); }
};
struct MsgFree {
    void operator()(nl_msg *m) const { nlmsg_free(m); }
};

Error libnl_error(int err, const std::string &doing) {
    return Error{Errc::system, doing + ": " + nl_geterror(err), 0};
}

Message parse_message(nl_msg *msg) {
    nlmsghdr *nlh = nlmsg_hdr(msg);
    auto *gnlh = static_cast<genlmsghdr *>(nlmsg_data(nlh));
    Message m;
    m.cmd = gnlh->cmd;
    nlattr *a = nullptr;
    int rem = 0;
    nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem) {
        switch (nla_len(a)) {
        case 0: // a flag, or padding
            m.attrs[nla_type(a)] = 1;
            break;
        case 4:
            m.attrs[nla_type(a)] = nla_get_u32(a);
            break;
        case 8:
            m.attrs[nla_type(a)] = nla_get_u64(a);
            break;
        default: // not of this family's types: ignored
            break;
        }
    }
    return m;
}

// What one request collects from its replies.
struct Exchange {
    std::vector<Message> replies;
    bool done = false;
    bool interrupted = false; // NLM_F_DUMP_INTR: a table changed meanwhile
    int error = 0;            // the kernel's negative errno
    std::string detail;       // the kernel's extended ack message
};

int on_valid(nl_msg *msg, void *arg) {
    static_cast<Exchange *>(arg)->replies.push_back(parse_message(msg));
    return NL_OK;
}

int on_finish(nl_msg *, void *arg) {
    static_cast<Exchange *>(arg)->done = true;
    return NL_STOP;
}

int on_dump_intr(nl_msg *, void *arg) {
    static_cast<Exchange *>(arg)->interrupted = true;
    return NL_OK;
}

// The extended ack's message, when the kernel gave one (NETLINK_EXT_ACK,
// with NETLINK_CAP_ACK so the request is not echoed before it).
std::string ext_ack_message(const nlmsgerr *e) {
    const auto *nlh =
        reinterpret_cast<const nlmsghdr *>(reinterpret_cast<const char *>(e) - NLMSG_HDRLEN);
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
        return {};
    }
    std::size_t off = sizeof(*e);
    if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
        off += e->msg.nlmsg_len - NLMSG_HDRLEN;
    }
    if (nlh->nlmsg_len < NLMSG_HDRLEN + off) {
        return {};
    }
    const int len = static_cast<int>(nlh->nlmsg_len - NLMSG_HDRLEN - off);
    auto *tlvs =
        reinterpret_cast<nlattr *>(const_cast<char *>(reinterpret_cast<const char *>(e) + off));
    nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};
    if (nla_parse(tb, NLMSGERR_ATTR_MAX, tlvs, len, nullptr) < 0 ||
        tb[NLMSGERR_ATTR_MSG] == nullptr) {
        return {};
    }
    return {static_cast<const char *>(nla_data(tb[NLMSGERR_ATTR_MSG])),
            strnlen(static_cast<const char *>(nla_data(tb[NLMSGERR_ATTR_MSG])),
                    static_cast<std::size_t>(nla_len(tb[NLMSGERR_ATTR_MSG])))};
}

int on_error(sockaddr_nl *, nlmsgerr *e, void *arg) {
    auto *x = static_cast<Exchange *>(arg);
    x->error = e->error;
    x->detail = ext_ack_message(e);
    x->done = true;
    return NL_STOP;
}

// Is @msg the controller telling that family @family was unregistered?
bool family_deleted(nl_msg *msg, int family) {
    nlmsghdr *nlh = nlmsg_hdr(msg);
    if (nlh->nlmsg_type != GENL_ID_CTRL) {
        return false;
    }
    auto *gnlh = static_cast<genlmsghdr *>(nlmsg_data(nlh));
    if (gnlh->cmd != CTRL_CMD_DELFAMILY) {
        return false;
    }
    nlattr *id = nla_find(genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), CTRL_ATTR_FAMILY_ID);
    return id != nullptr && nla_get_u16(id) == family;
}

} // namespace

std::optional<std::uint64_t> Message::get(int attr) const {
    const auto it = attrs.find(attr);
    if (it == attrs.end()) {
        return std::nullopt;
    }
    return it->second;
}

void Genl::SockFree::operator()(nl_sock *s) const {
    nl_socket_free(s);
}

Result<Genl> Genl::open() {
    std::unique_ptr<nl_sock, SockFree> sock(nl_socket_alloc());
    if (!sock) {
        return fail(Errc::system, "out of memory", ENOMEM);
    }
    int err = genl_connect(sock.get());
    if (err < 0) {
        return std::unexpected(libnl_error(err, "generic netlink socket"));
    }
    const int family = genl_ctrl_resolve(sock.get(), RSM_FAMILY_NAME);
    if (family == -NLE_OBJ_NOTFOUND) {
        return fail(Errc::not_loaded,
                    "the rsmdev module is not loaded (no generic netlink family \"rsm\")");
    }
    if (family < 0) {
        return std::unexpected(libnl_error(family, "resolving generic netlink family \"rsm\""));
    }
    // Kernel error messages come back with the error, not the request.
    const int one = 1;
    const int fd = nl_socket_get_fd(sock.get());
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
    return Genl(std::move(sock), family);
}

Result<std::vector<Message>> Genl::request(std::uint8_t cmd, std::span<const Attr> attrs, bool dump,
                                           const std::string &what_missing) {
    for (int attempt = 1;; attempt++) {
        std::unique_ptr<nl_msg, MsgFree> msg(nlmsg_alloc());
        if (!msg) {
            return fail(Errc::system, "out of memory", ENOMEM);
        }
        if (genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0, dump ? NLM_F_DUMP : 0,
                        cmd, RSM_FAMILY_VERSION) == nullptr) {
            return fail(Errc::system, "building the request", ENOMEM);
        }
        for (const Attr &a : attrs) {
            const int err =
                a.wide ? nla_put_u64(msg.get(), a.type, a.value)
                       : nla_put_u32(msg.get(), a.type, static_cast<std::uint32_t>(a.value));
            if (err < 0) {
                return std::unexpected(libnl_error(err, "building the request"));
            }
        }
        std::unique_ptr<nl_cb, CbFree> cb(nl_cb_alloc(NL_CB_DEFAULT));
        if (!cb) {
            return fail(Errc::system, "out of memory", ENOMEM);
        }
        Exchange x;
        nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &x);
        nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &x);
        nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_finish, &x);
        nl_cb_set(cb.get(), NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &x);
        nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &x);

        int err = nl_send_auto(sock_.get(), msg.get());
        if (err < 0) {
            return std::unexpected(libnl_error(err, "sending the request"));
        }
        while (!x.done) {
            err = nl_recvmsgs(sock_.get(), cb.get());
            if (err < 0 && x.error == 0) {
                return std::unexpected(libnl_error(err, "receiving the reply"));
            }
        }
        if (x.error != 0) {
            return std::unexpected(errno_error(x.error, what_missing, x.detail));
        }
        if (dump && x.interrupted && attempt < dump_attempts) {
            continue; // a table changed during the dump: ask for a fresh one
        }
        if (!dump && x.replies.size() > 1) {
            return fail(Errc::protocol, "the kernel sent " + std::to_string(x.replies.size()) +
                                            " replies to one request");
        }
        return std::move(x.replies);
    }
}

Result<void> Genl::subscribe_events() {
    const int grp = genl_ctrl_resolve_grp(sock_.get(), RSM_FAMILY_NAME, RSM_MCGRP_EVENTS);
    if (grp < 0) {
        return std::unexpected(libnl_error(grp, "resolving the multicast group \"events\""));
    }
    const int ctrl = genl_ctrl_resolve_grp(sock_.get(), "nlctrl", "notify");
    if (ctrl < 0) {
        return std::unexpected(libnl_error(ctrl, "resolving the controller's group"));
    }
    int err = nl_socket_add_memberships(sock_.get(), grp, ctrl, 0);
    if (err < 0) {
        return std::unexpected(libnl_error(err, "joining the multicast group \"events\""));
    }
    nl_socket_set_buffer_size(sock_.get(), 1 << 20, 0);
    err = nl_socket_set_nonblocking(sock_.get());
    if (err < 0) {
        return std::unexpected(libnl_error(err, "netlink socket"));
    }
    return {};
}

namespace {

struct Listener {
    int family;
    const std::function<bool(Genl::Event, const Message &)> *on_event;
    bool stop = false;
    bool gone = false;
};

int accept_any_seq(nl_msg *, void *) {
    return NL_OK;
}

int on_event_msg(nl_msg *msg, void *arg) {
    auto *l = static_cast<Listener *>(arg);
    if (family_deleted(msg, l->family)) {
        l->gone = true;
        l->stop = !(*l->on_event)(Genl::Event::family_gone, Message{});
        return NL_STOP;
    }
    if (nlmsg_hdr(msg)->nlmsg_type != l->family) {
        return NL_SKIP; // the controller's other news
    }
    if (!(*l->on_event)(Genl::Event::message, parse_message(msg))) {
        l->stop = true;
        return NL_STOP;
    }
    return NL_OK;
}

} // namespace

Result<void> Genl::receive_events(int stop_fd,
                                  const std::function<bool(Event, const Message &)> &on_event) {
    std::unique_ptr<nl_cb, CbFree> cb(nl_cb_alloc(NL_CB_DEFAULT));
    if (!cb) {
        return fail(Errc::system, "out of memory", ENOMEM);
    }
    Listener l{family_, &on_event};
    nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_event_msg, &l);
    // events come unasked: no sequence numbers to check
    nl_cb_set(cb.get(), NL_CB_SEQ_CHECK, NL_CB_CUSTOM, accept_any_seq, nullptr);

    pollfd fds[2] = {{nl_socket_get_fd(sock_.get()), POLLIN, 0}, {stop_fd, POLLIN, 0}};
    while (!l.stop && !l.gone) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail(Errc::system, std::string("poll: ") + strerror(errno), errno);
        }
        if (fds[1].revents != 0) {
            return {}; // interrupted: a normal end
        }
        const int err = nl_recvmsgs(sock_.get(), cb.get());
        if (err == -NLE_NOMEM) { // ENOBUFS: the kernel dropped events for us
            if (!on_event(Event::lost, Message{})) {
                return {};
            }
        } else if (err < 0 && err != -NLE_AGAIN && !l.stop && !l.gone) {
            return std::unexpected(libnl_error(err, "receiving events"));
        }
    }
    return {};
}

} // namespace rsm::ctl
