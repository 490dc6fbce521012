#include "mqueue_transport.hpp"

#include "transport_error.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>
#include <utility>

namespace rsm::bench {

namespace {

constexpr long queue_depth = 10; // the kernel's default msg_max

} // namespace

void mqueue_endpoint::failed(std::string_view what) {
    transport_failed("mqueue", what);
}

void mqueue_endpoint::block(bool tx, bool rx) {
    // On Linux a message queue descriptor is a file descriptor that polls.
    pollfd p[2];
    nfds_t n = 0;
    if (rx)
        p[n++] = {rx_, POLLIN, 0};
    if (tx)
        p[n++] = {tx_, POLLOUT, 0};
    if (::poll(p, n, -1) < 0 && errno != EINTR)
        failed("poll");
}

result<mqueue_pair> mqueue_pair::create(std::size_t max_size, wait_mode mode, test_kind test) {
    // Queues are charged to RLIMIT_MSGQUEUE (800 KiB by default); raise it
    // for this process when allowed, else settle for smaller chunks below.
    rlimit lim{RLIM_INFINITY, RLIM_INFINITY};
    if (setrlimit(RLIMIT_MSGQUEUE, &lim) != 0 && getrlimit(RLIMIT_MSGQUEUE, &lim) == 0) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_MSGQUEUE, &lim);
    }
    bool blocking_io = mode == wait_mode::blocking && test != test_kind::bidirectional;
    mqueue_pair p;
    std::size_t want = std::max<std::size_t>(max_size, 1);
    for (std::size_t chunk = want;; chunk /= 2) {
        int err = 0;
        for (int d = 0; d < 2 && err == 0; d++) {
            std::string name = "/rsm-bench-" + std::to_string(getpid()) + "-" + std::to_string(d);
            mq_attr attr{};
            attr.mq_maxmsg = queue_depth;
            attr.mq_msgsize = static_cast<long>(chunk);
            mqd_t q =
                mq_open(name.c_str(),
                        O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | (blocking_io ? 0 : O_NONBLOCK),
                        0600, &attr);
            if (q == -1) {
                err = errno;
                break;
            }
            // Unlinked at once: nothing is left behind if the run dies.
            mq_unlink(name.c_str());
            p.q_[d] = q;
        }
        if (err == 0) {
            p.chunk_ = chunk;
            return p;
        }
        for (mqd_t &q : p.q_)
            if (q != -1)
                mq_close(std::exchange(q, -1));
        if ((err != EINVAL && err != EMFILE && err != ENOMEM) || chunk <= 64)
            return sys_fail("mq_open", err);
    }
}

mqueue_pair::~mqueue_pair() {
    for (mqd_t q : q_)
        if (q != -1)
            mq_close(q);
}

mqueue_pair::mqueue_pair(mqueue_pair &&o) noexcept
    : q_(std::exchange(o.q_, {-1, -1})), chunk_(o.chunk_) {}

mqueue_endpoint mqueue_pair::endpoint(int side) const noexcept {
    return mqueue_endpoint(q_[side], q_[1 - side], chunk_);
}

} // namespace rsm::bench
