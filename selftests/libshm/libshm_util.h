/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the libshm selftests (libshm over /dev/rsmdev, in the VM):
 * deterministic payloads, the mixed length of message k of sender s, a pipe
 * to hear from a forked child, and waiting for a child with a limit.
 * The node-wide counter baseline comes from the rsmdev selftests.
 */
#ifndef LIBSHM_UTIL_H
#define LIBSHM_UTIL_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libshm/shm.h>

#include "../rsmdev/rsm_util.h"

#define SEC 1000000000LL

static inline uint64_t lt_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* the payload of message k of sender s */
static inline void lt_fill(void *buf, size_t len, uint64_t s, uint64_t k)
{
	unsigned char *p = buf;
	uint64_t x = lt_mix(s << 40 ^ k);
	size_t i;

	for (i = 0; i < len; i += 8) {
		x = lt_mix(x);
		memcpy(p + i, &x, len - i < 8 ? len - i : 8);
	}
}

static inline int lt_matches(const void *buf, size_t len, uint64_t s, uint64_t k)
{
	const unsigned char *p = buf;
	uint64_t x = lt_mix(s << 40 ^ k);
	size_t i;

	for (i = 0; i < len; i += 8) {
		x = lt_mix(x);
		if (memcmp(p + i, &x, len - i < 8 ? len - i : 8))
			return 0;
	}
	return 1;
}

/* log-uniform in 1 B .. max; message 1 is 1 B, message 2 is max */
static inline size_t lt_length(uint64_t s, uint64_t k, size_t max)
{
	uint64_t r = lt_mix(s * 1000003 + k);
	unsigned int bits = 0;
	size_t base, len;

	if (k == 1)
		return 1;
	if (k == 2)
		return max;
	while ((2ULL << bits) <= max)
		bits++;
	base = (size_t)1 << (r % (bits + 1));
	len = base + (r >> 8) % base;
	return len > max ? max : len;
}

/*
 * The first message of every sender says who it is: 8 bytes, this magic
 * and the sender's number.
 */
#define LT_HELLO 0x4f4c4c45u /* "ELLO" */

struct lt_hello {
	uint32_t magic;
	uint32_t sender;
};

struct lt_pipe {
	int fd[2];
};

static inline int lt_pipe_open(struct lt_pipe *p)
{
	return pipe2(p->fd, O_CLOEXEC);
}

static inline void lt_tell(struct lt_pipe *p)
{
	char c = 1;

	if (write(p->fd[1], &c, 1) != 1)
		_exit(90);
}

/* 1 when the child told within ms */
static inline int lt_heard(struct lt_pipe *p, int ms)
{
	struct pollfd pf = { .fd = p->fd[0], .events = POLLIN };
	char c;

	return poll(&pf, 1, ms) == 1 && read(p->fd[0], &c, 1) == 1;
}

/* the child's wait status, or -1 if it did not end within ms (then killed) */
static inline int lt_reap(pid_t pid, int ms)
{
	int status;

	for (; ms >= 0; ms -= 10) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static inline struct shm_endpoint_attr lt_endpoint_attr(uint32_t channels)
{
	struct shm_endpoint_attr a = {
		.backend = SHM_BACKEND_KERNEL,
		.max_channels = channels,
	};

	return a;
}

static inline struct shm_connect_attr lt_connect_attr(uint32_t wait_mode, int64_t timeout_ns)
{
	struct shm_connect_attr a = {
		.backend = SHM_BACKEND_KERNEL,
		.wait_mode = wait_mode,
		.timeout_ns = timeout_ns,
	};

	return a;
}

#endif /* LIBSHM_UTIL_H */
