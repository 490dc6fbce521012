// POSIX message queues as a peer: one queue each way. A queue carries
// messages of at most its mq_msgsize; the pair asks for the largest size in
// the run (raising RLIMIT_MSGQUEUE when allowed) and halves it until the
// kernel agrees, so larger messages go as several queue messages: the
// note column of the results says which chunk size was used.
#pragma once

#include "endpoint.hpp"
#include "failure.hpp"
#include "plan.hpp"
#include "wait_policy.hpp"

#include <array>
#include <cerrno>
#include <cstddef>
#include <mqueue.h>
#include <string>

namespace rsm::bench {

class mqueue_endpoint {
  public:
    mqueue_endpoint(mqd_t tx, mqd_t rx, std::size_t chunk) noexcept
        : tx_(tx), rx_(rx), chunk_(chunk) {}

    void prepare(std::size_t) noexcept {}
    // mq_receive() wants a buffer of at least mq_msgsize bytes.
    std::size_t recv_slack() const noexcept { return chunk_; }

    bool try_send(tx_cursor &c) {
        while (c.done < c.size) {
            std::size_t n = std::min(chunk_, c.size - c.done);
            if (mq_send(tx_, reinterpret_cast<const char *>(c.data + c.done), n, 0) == 0) {
                c.done += n;
                continue;
            }
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return false;
            failed("mq_send");
        }
        return true;
    }

    bool try_recv(rx_cursor &c) {
        while (c.done < c.size) {
            ssize_t n = mq_receive(rx_, reinterpret_cast<char *>(c.data + c.done), chunk_, nullptr);
            if (n >= 0) {
                c.done += static_cast<std::size_t>(n);
                continue;
            }
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return false;
            failed("mq_receive");
        }
        return true;
    }

    void block(bool tx, bool rx);

  private:
    [[noreturn]] static void failed(std::string_view what);

    mqd_t tx_, rx_;
    std::size_t chunk_;
};

class mqueue_pair {
  public:
    static result<mqueue_pair> create(std::size_t max_size, wait_mode mode, test_kind test);
    ~mqueue_pair();
    mqueue_pair(mqueue_pair &&o) noexcept;
    mqueue_pair &operator=(mqueue_pair &&) = delete;
    mqueue_pair(const mqueue_pair &) = delete;

    mqueue_endpoint endpoint(int side) const noexcept;
    std::size_t chunk() const noexcept { return chunk_; }

  private:
    mqueue_pair() = default;
    // q_[d] carries messages from side d to side 1 - d.
    std::array<mqd_t, 2> q_{-1, -1};
    std::size_t chunk_ = 0;
};

} // namespace rsm::bench
