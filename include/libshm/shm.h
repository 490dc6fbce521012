/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libshm - message passing over remote shared memory (rsm).
 *
 * A receiver creates an *endpoint* under a registry key; it publishes a
 * template of segment groups (partition size, partition count, span factor)
 * and a number of channel slots. A sender *connects* to (node, key) and gets
 * a *channel*: its own target segments, one per group of the template, and
 * its own notification ring. Sending picks a group by the message length,
 * copies the message into contiguous free partitions, records it in the
 * segment's directory and publishes one ring entry; no system call is made
 * unless the receiver said it is going to sleep.
 *
 * Every function that can fail returns a negative errno value (it never
 * sets errno); zero or a positive value means success. An endpoint is used
 * by one thread at a time (single consumer), a channel by one thread at a
 * time (single producer); different endpoints and channels are independent.
 * Documentation/libshm.md and the shm_*(3) man pages describe every call.
 */
#ifndef LIBSHM_SHM_H
#define LIBSHM_SHM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SHM_VERSION_MAJOR 0
#define SHM_VERSION_MINOR 1

/* Where the segments live (shm_endpoint_attr.backend, shm_connect_attr.backend). */
enum shm_backend {
    /* /dev/rsmdev: segments owned by rsmdev.ko, any interconnect. */
    SHM_BACKEND_KERNEL = 0,
    /* No kernel module: segments are files in /dev/shm and doorbells are
     * abstract Unix datagram sockets; same machine only. */
    SHM_BACKEND_HOST = 1,
};

/* How a call that finds nothing to do waits (attr.wait_mode). */
enum shm_wait_mode {
    /* Spin for an adaptive time, then sleep on the doorbell. */
    SHM_WAIT_ADAPTIVE = 0,
    /* Busy-poll until the timeout; never sleep, never ring a doorbell. */
    SHM_WAIT_SPIN = 1,
    /* Sleep on the doorbell at once. */
    SHM_WAIT_BLOCK = 2,
};

/* The receiving endpoint is on this node (shm_channel_connect's node). */
#define SHM_NODE_LOCAL 0xffffffffU

/* Timeouts are in nanoseconds: 0 never waits (-EAGAIN), this waits forever. */
#define SHM_WAIT_FOREVER (-1LL)

#define SHM_MAX_GROUPS 16    /* groups in one template */
#define SHM_MAX_CHANNELS 256 /* channel slots of one endpoint */

/* shm_send()/shm_commit() flags */
/* More sends follow at once: skip the doorbell check; the next send without
 * this flag, or shm_flush(), does it for every message before it. */
#define SHM_SEND_MORE 0x1U

/* shm_recv() and shm_release() flags */
/* More receives or releases follow at once: skip the check for a sender
 * waiting for room; the next receive or release without it does it for all,
 * and so does a receive that finds nothing or goes to sleep. */
#define SHM_RECV_MORE 0x1U
#define SHM_RELEASE_MORE 0x1U

/**
 * struct shm_group_spec - one segment group of a template
 * @part_size:	partition size in bytes, a power of two, 64 B to 4 MiB
 * @part_count:	partitions in the segment, 1 to 2^20
 * @span:	most partitions one message may span, 1 to @part_count; the
 *		group carries messages of up to @part_size * @span bytes
 * @reserved:	zero
 */
struct shm_group_spec {
    uint32_t part_size;
    uint32_t part_count;
    uint32_t span;
    uint32_t reserved;
};

/**
 * struct shm_endpoint_attr - how to create an endpoint (all zero: defaults)
 * @backend:	enum shm_backend
 * @wait_mode:	enum shm_wait_mode for shm_recv() and shm_recv_view()
 * @groups:	the template, in any order; NULL for the default template
 *		(shm_default_template())
 * @group_count: entries in @groups, 1 to SHM_MAX_GROUPS (0 with NULL)
 * @max_channels: channel slots, 1 to SHM_MAX_CHANNELS; 0 for 8
 * @mode:	permission bits of the endpoint's segments, at most 0777;
 *		0 for 0600 (kernel backend: checked when a sender imports)
 * @reserved:	zero
 */
struct shm_endpoint_attr {
    uint32_t backend;
    uint32_t wait_mode;
    const struct shm_group_spec *groups;
    uint32_t group_count;
    uint32_t max_channels;
    uint32_t mode;
    uint32_t reserved0;
    uint64_t reserved[4];
};

/**
 * struct shm_connect_attr - how to connect (all zero: defaults)
 * @backend:	enum shm_backend; must be the endpoint's
 * @wait_mode:	enum shm_wait_mode for sends that find no room
 * @timeout_ns:	how long to wait for a free channel slot: 0 fails at once
 *		with -EBUSY, SHM_WAIT_FOREVER waits
 * @reserved:	zero
 */
struct shm_connect_attr {
    uint32_t backend;
    uint32_t wait_mode;
    int64_t timeout_ns;
    uint64_t reserved[4];
};

/**
 * struct shm_msg_info - where a received message was
 * @seq:	its sequence number in its channel (1, 2, 3, ...)
 * @channel:	channel slot it came from
 * @group:	index of its segment group in the template
 * @first:	first partition
 * @count:	partitions it spans
 * @part_size:	partition size of the group
 * @reserved:	zero
 */
struct shm_msg_info {
    uint64_t seq;
    uint32_t channel;
    uint32_t group;
    uint32_t first;
    uint32_t count;
    uint32_t part_size;
    uint32_t reserved;
};

/**
 * struct shm_view - a received message, in place (zero-copy)
 * @data:	the message; valid until shm_release()
 * @len:	its length in bytes
 * @info:	where it is
 * @token:	the library's; pass the view unchanged to shm_release()
 */
struct shm_view {
    const void *data;
    size_t len;
    struct shm_msg_info info;
    uint64_t token;
};

/**
 * struct shm_reservation - room for a message being written in place
 * @data:	where to write it
 * @cap:	bytes reserved (the length given to shm_reserve())
 * @group:	segment group chosen
 * @first:	first partition
 * @count:	partitions reserved
 * @part_size:	partition size of the group
 * @token:	the library's; pass the reservation unchanged to
 *		shm_commit() or shm_cancel()
 */
struct shm_reservation {
    void *data;
    size_t cap;
    uint32_t group;
    uint32_t first;
    uint32_t count;
    uint32_t part_size;
    uint64_t token;
};

/**
 * struct shm_info - what an endpoint or a channel is connected to
 * @key:	the endpoint's registry key
 * @node:	node of the endpoint (SHM_NODE_LOCAL on this node)
 * @backend:	enum shm_backend
 * @group_count: groups in the template
 * @max_channels: channel slots of the endpoint
 * @channel:	the channel's slot (shm_channel_info() only; else 0)
 * @max_message: the longest message any group carries
 * @groups:	the template, in the endpoint's order
 */
struct shm_info {
    uint64_t key;
    uint32_t node;
    uint32_t backend;
    uint32_t group_count;
    uint32_t max_channels;
    uint32_t channel;
    uint32_t reserved0;
    uint64_t max_message;
    struct shm_group_spec groups[SHM_MAX_GROUPS];
};

/**
 * struct shm_stats - counters of one endpoint or one channel, this process
 * @messages:	messages sent (channel) or received (endpoint)
 * @bytes:	payload bytes of those messages
 * @part_bytes:	partition bytes they occupied (count * part_size); bytes /
 *		part_bytes is the memory efficiency of the template
 * @fallbacks:	messages placed in a larger partition size than preferred
 *		because the preferred segment lacked contiguous room
 * @waits:	times a call went to sleep on the doorbell
 * @doorbells:	doorbells rung (wake-ups sent to the other side)
 * @reclaimed:	channel slots reclaimed from closed or dead senders
 *		(endpoint only)
 * @broken:	channels whose ring or directory broke the protocol; the
 *		endpoint stopped reading them (endpoint only)
 * @reserved:	zero
 */
struct shm_stats {
    uint64_t messages;
    uint64_t bytes;
    uint64_t part_bytes;
    uint64_t fallbacks;
    uint64_t waits;
    uint64_t doorbells;
    uint64_t reclaimed;
    uint64_t broken;
    uint64_t reserved[4];
};

struct shm_endpoint;
struct shm_channel;

/* --- templates and selection -------------------------------------------- */

int shm_default_template(struct shm_group_spec *groups, unsigned int cap);
ssize_t shm_selection_format(const struct shm_group_spec *groups, unsigned int count, char *buf,
                             size_t size);

/* --- the receiving endpoint ---------------------------------------------- */

int shm_endpoint_create(uint64_t key, const struct shm_endpoint_attr *attr,
                        struct shm_endpoint **endpoint);
void shm_endpoint_close(struct shm_endpoint *endpoint);
int shm_endpoint_fd(const struct shm_endpoint *endpoint);
int shm_endpoint_arm(struct shm_endpoint *endpoint);
int shm_endpoint_info(const struct shm_endpoint *endpoint, struct shm_info *info);
int shm_endpoint_stats(const struct shm_endpoint *endpoint, struct shm_stats *stats);
ssize_t shm_recv(struct shm_endpoint *endpoint, void *buf, size_t size, struct shm_msg_info *info,
                 unsigned int flags, int64_t timeout_ns);
int shm_recv_view(struct shm_endpoint *endpoint, struct shm_view *view, int64_t timeout_ns);
int shm_release(struct shm_endpoint *endpoint, const struct shm_view *view, unsigned int flags);

/* --- the sending channel ------------------------------------------------- */

int shm_channel_connect(uint32_t node, uint64_t key, const struct shm_connect_attr *attr,
                        struct shm_channel **channel);
void shm_channel_close(struct shm_channel *channel);
int shm_channel_fd(const struct shm_channel *channel);
int shm_channel_arm(struct shm_channel *channel, size_t len);
int shm_channel_info(const struct shm_channel *channel, struct shm_info *info);
int shm_channel_stats(const struct shm_channel *channel, struct shm_stats *stats);
int shm_send(struct shm_channel *channel, const void *buf, size_t len, unsigned int flags,
             int64_t timeout_ns);
int shm_reserve(struct shm_channel *channel, size_t len, struct shm_reservation *res,
                int64_t timeout_ns);
int shm_commit(struct shm_channel *channel, struct shm_reservation *res, size_t len,
               unsigned int flags);
int shm_cancel(struct shm_channel *channel, struct shm_reservation *res);
int shm_flush(struct shm_channel *channel);

#ifdef __cplusplus
}
#endif

#endif /* LIBSHM_SHM_H */
