/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the rsmdev selftests: thin wrappers over the ioctls that
 * return 0 or -errno (so a test can EXPECT_EQ(-EINVAL, ...)), sysfs readers,
 * and a baseline of the node-wide counters that must come back once a test's
 * objects are gone.
 */
#ifndef RSM_UTIL_H
#define RSM_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/rsmdev.h>

#define RSM_DEV		"/dev/" RSMDEV_NAME
#define RSM_SYSFS	"/sys/kernel/rsm"
#define RSM_PARAMS	"/sys/module/rsmdev/parameters"

static inline int rsm_open(void)
{
	return open(RSM_DEV, O_RDWR | O_CLOEXEC);
}

/* ioctl returning 0 or -errno */
static inline int rsm_ioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* a key no other test process uses */
static inline __u64 rsm_key(unsigned int n)
{
	return ((__u64)getpid() << 20) | n;
}

static inline int rsm_create(int fd, __u32 part_size, __u32 part_count,
			     __u32 span, struct rsm_seg_create *out)
{
	struct rsm_seg_create c = {
		.part_size = part_size,
		.part_count = part_count,
		.span = span,
	};
	int err = rsm_ioc(fd, RSM_IOC_SEG_CREATE, &c);

	if (!err && out)
		*out = c;
	return err;
}

static inline int rsm_publish(int fd, __u32 seg_id, __u64 key, __u32 mode)
{
	struct rsm_seg_publish p = {
		.seg_id = seg_id,
		.mode = mode,
		.key = key,
		.uid = RSM_ID_SELF,
		.gid = RSM_ID_SELF,
	};

	return rsm_ioc(fd, RSM_IOC_SEG_PUBLISH, &p);
}

static inline int rsm_seg_op(int fd, unsigned long cmd, __u32 seg_id)
{
	struct rsm_seg_ref r = { .seg_id = seg_id };

	return rsm_ioc(fd, cmd, &r);
}

static inline int rsm_destroy(int fd, __u32 seg_id)
{
	return rsm_seg_op(fd, RSM_IOC_SEG_DESTROY, seg_id);
}

static inline int rsm_unpublish(int fd, __u32 seg_id)
{
	return rsm_seg_op(fd, RSM_IOC_SEG_UNPUBLISH, seg_id);
}

static inline int rsm_import_key(int fd, __u64 key, __u32 access,
				 struct rsm_import *out)
{
	struct rsm_import i = {
		.node_id = RSM_NODE_LOCAL,
		.access = access,
		.key = key,
	};
	int err = rsm_ioc(fd, RSM_IOC_IMPORT, &i);

	if (!err && out)
		*out = i;
	return err;
}

static inline int rsm_handle_op(int fd, unsigned long cmd, __u32 id)
{
	struct rsm_handle h = { .id = id };

	return rsm_ioc(fd, cmd, &h);
}

static inline int rsm_signal(int fd, __u32 id, __u32 flags)
{
	struct rsm_signal s = { .id = id, .flags = flags };

	return rsm_ioc(fd, RSM_IOC_SIGNAL, &s);
}

static inline int rsm_wait(int fd, __s64 timeout_ns, __u32 seg_id,
			   struct rsm_wait *out)
{
	struct rsm_wait w = { .timeout_ns = timeout_ns, .seg_id = seg_id };
	int err = rsm_ioc(fd, RSM_IOC_WAIT, &w);

	if (!err && out)
		*out = w;
	return err;
}

/* mmap an object at the offset an ioctl returned; MAP_FAILED on error */
static inline void *rsm_map(int fd, __u64 offset, size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)offset);
}

static inline int rsm_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return 0;
}

/* one sysfs value as a string; "" when unreadable */
static inline const char *rsm_sysfs_str(char *buf, size_t len,
					const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (rsm_read_file(path, buf, len))
		buf[0] = 0;
	return buf;
}

/* one sysfs value as a number; -1 when unreadable */
static inline long long rsm_sysfs_num(const char *fmt, ...)
{
	char path[256], buf[64], *end;
	long long v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (rsm_read_file(path, buf, sizeof(buf)) || !buf[0])
		return -1;
	v = strtoll(buf, &end, 0);
	return *end ? -1 : v;
}

static inline int rsm_write_file(const char *path, const char *val)
{
	ssize_t n, len = (ssize_t)strlen(val);
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	close(fd);
	return n == len ? 0 : -EIO;
}

/* The counters of what exists now; they return to their values once the
 * objects a test made are gone.
 */
static const char *const rsm_live_stats[] = {
	"segments", "published", "imports", "groups", "channels", "mappings",
	"bytes",
};
#define RSM_NR_LIVE_STATS \
	(sizeof(rsm_live_stats) / sizeof(rsm_live_stats[0]))

struct rsm_baseline {
	long long v[RSM_NR_LIVE_STATS];
};

static inline void rsm_baseline_take(struct rsm_baseline *b)
{
	unsigned int i;

	for (i = 0; i < RSM_NR_LIVE_STATS; i++)
		b->v[i] = rsm_sysfs_num(RSM_SYSFS "/stats/%s",
					rsm_live_stats[i]);
}

/*
 * Wait up to @ms for every live counter to be back at @b (a dying process
 * releases its file asynchronously). Returns the name of the first counter
 * that is not, or NULL.
 */
static inline const char *rsm_baseline_check(const struct rsm_baseline *b,
					     int ms)
{
	const char *bad = NULL;
	unsigned int i;

	for (; ms >= 0; ms -= 10) {
		bad = NULL;
		for (i = 0; i < RSM_NR_LIVE_STATS && !bad; i++)
			if (rsm_sysfs_num(RSM_SYSFS "/stats/%s",
					  rsm_live_stats[i]) != b->v[i])
				bad = rsm_live_stats[i];
		if (!bad)
			return NULL;
		usleep(10000);
	}
	return bad;
}

static inline long long rsm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif /* RSM_UTIL_H */
