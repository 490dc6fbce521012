/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the security and reliability tests (selftests/security/):
 *
 *  - sec_kmsg: remember where the kernel log is, then find a warning, a
 *    KASAN/UBSAN/lockdep report or an oops logged since. The in-VM suite
 *    scans dmesg after every entry too; a test that scans by itself fails
 *    with the offending line in its own output, also when run by hand;
 *  - sec_vmalloc_bytes(): the bytes /proc/vmallocinfo attributes to a
 *    caller (loopback segment memory is vmalloc'ed by
 *    rsm_loopback_seg_alloc), so a test can show that kernel memory, not
 *    only the sysfs counters, is back where it was;
 *  - sec_params: save, set and restore the module's limits;
 *  - sec_become(): drop to another uid, gid and supplementary groups,
 *    optionally keeping some capabilities (fork first);
 *  - sec_rng: a small seeded generator (splitmix64), so every random
 *    choice of a test can be replayed from its seed.
 */
#ifndef SEC_UTIL_H
#define SEC_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "../rsmdev/rsm_util.h"

/* --- the kernel log -------------------------------------------------- */

/* what the in-VM suite (selftests/vm-suite) counts as a kernel failure */
static const char *const sec_kmsg_bad[] = {
	"WARNING:", "BUG:", "Oops", "general protection", "Call Trace",
	"UBSAN:", "kernel BUG at",
	"sleeping function called from invalid context",
	"possible circular locking", "inconsistent lock state",
	"suspicious RCU usage", "blocked for more than",
};

struct sec_kmsg {
	int fd;
};

/* Start watching: later records only. 0 or -errno. */
static inline int sec_kmsg_open(struct sec_kmsg *k)
{
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	if (lseek(k->fd, 0, SEEK_END) < 0)
		return -errno;
	return 0;
}

/*
 * Read the records logged since sec_kmsg_open() (or the last scan); return
 * how many are bad and copy the first bad one into @first.
 */
static inline int sec_kmsg_scan(struct sec_kmsg *k, char *first, size_t len)
{
	char rec[2048];
	unsigned int i;
	ssize_t n;
	int bad = 0;

	if (len)
		first[0] = 0;
	for (;;) {
		n = read(k->fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		for (i = 0; i < sizeof(sec_kmsg_bad) / sizeof(*sec_kmsg_bad); i++) {
			if (!strstr(rec, sec_kmsg_bad[i]))
				continue;
			if (!bad++ && len) {
				const char *msg = strchr(rec, ';');
				size_t n = strlen(msg = msg ? msg + 1 : rec);

				n = n < len - 1 ? n : len - 1;
				memcpy(first, msg, n);
				first[n] = 0;
			}
			break;
		}
	}
	return bad;
}

static inline void sec_kmsg_close(struct sec_kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

/* --- kernel memory --------------------------------------------------- */

#define SEC_SEG_ALLOCATOR "rsm_loopback_seg_alloc"

/*
 * Bytes of the vmalloc areas whose caller is @caller (a symbol name), as
 * /proc/vmallocinfo shows them (each area's size includes its guard page);
 * -1 when the file cannot be read (it needs root).
 */
static inline long long sec_vmalloc_bytes(const char *caller)
{
	char line[512];
	long long sum = 0, size;
	FILE *f = fopen("/proc/vmallocinfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, caller) &&
		    sscanf(line, "%*s %lld", &size) == 1)
			sum += size;
	fclose(f);
	return sum;
}

/*
 * Wait up to @ms for the vmalloc bytes of @caller to be back at @base
 * (memory is given back when a dying process's file is released). Returns
 * the last value read.
 */
static inline long long sec_vmalloc_settle(const char *caller, long long base,
					   int ms)
{
	long long now = sec_vmalloc_bytes(caller);

	for (; now != base && ms > 0; ms -= 10) {
		usleep(10000);
		now = sec_vmalloc_bytes(caller);
	}
	return now;
}

/* --- sysfs objects ---------------------------------------------------- */

/*
 * The live counters of stats/ (rsm_baseline) and the object directories
 * of sysfs both say what exists; a test compares both with a baseline.
 * The cumulative counters of stats/ (segments_created, imports_created,
 * signals, revocations) only grow and are not part of it.
 */
static const char *const sec_obj_dirs[] = { "segments", "groups", "channels" };
#define SEC_NR_OBJ_DIRS	3

struct sec_objs {
	int n[SEC_NR_OBJ_DIRS];
};

/* entries in /sys/kernel/rsm/@dir; -1 when it cannot be read */
static inline int sec_sysfs_entries(const char *dir)
{
	char path[128];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), RSM_SYSFS "/%s", dir);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static inline void sec_objs_take(struct sec_objs *o)
{
	unsigned int i;

	for (i = 0; i < SEC_NR_OBJ_DIRS; i++)
		o->n[i] = sec_sysfs_entries(sec_obj_dirs[i]);
}

/*
 * Wait up to @ms for every object directory to hold as many entries as in
 * @base; the name of the first that does not, or NULL.
 */
static inline const char *sec_objs_check(const struct sec_objs *base, int ms)
{
	const char *bad;
	unsigned int i;

	for (;; ms -= 10) {
		for (bad = NULL, i = 0; i < SEC_NR_OBJ_DIRS && !bad; i++)
			if (sec_sysfs_entries(sec_obj_dirs[i]) != base->n[i])
				bad = sec_obj_dirs[i];
		if (!bad || ms <= 0)
			return bad;
		usleep(10000);
	}
}

/* --- the state a test must leave as it found --------------------------- */

/*
 * What must be back where it was once every process of a test is gone:
 * the live counters, the object directories, the segment memory; and the
 * kernel log must have gained no report.
 */
struct sec_state {
	struct rsm_baseline base;
	struct sec_objs objs;
	long long vmalloc;
	struct sec_kmsg kmsg;
};

/* 0, or -1 with @why filled when something cannot be read */
static inline int sec_state_take(struct sec_state *s, char *why, size_t len)
{
	unsigned int i;
	int err = sec_kmsg_open(&s->kmsg);

	if (err) {
		snprintf(why, len, "/dev/kmsg: %s", strerror(-err));
		return -1;
	}
	rsm_baseline_take(&s->base);
	for (i = 0; i < RSM_NR_LIVE_STATS; i++)
		if (s->base.v[i] < 0) {
			snprintf(why, len, "stats/%s unreadable",
				 rsm_live_stats[i]);
			return -1;
		}
	sec_objs_take(&s->objs);
	for (i = 0; i < SEC_NR_OBJ_DIRS; i++)
		if (s->objs.n[i] < 0) {
			snprintf(why, len, "%s/ unreadable", sec_obj_dirs[i]);
			return -1;
		}
	s->vmalloc = sec_vmalloc_bytes(SEC_SEG_ALLOCATOR);
	if (s->vmalloc < 0) {
		snprintf(why, len, "/proc/vmallocinfo unreadable");
		return -1;
	}
	return 0;
}

/*
 * Wait up to @ms for the state to be back (a dying process's files are
 * released after it is reaped); 0, or -1 with the first difference in
 * @why. The kernel log is read once, at the end.
 */
static inline int sec_state_check(struct sec_state *s, int ms, char *why,
				  size_t len)
{
	char first[400];
	const char *bad;
	unsigned int i;
	long long vm;

	bad = rsm_baseline_check(&s->base, ms);
	for (i = 0; bad && i < RSM_NR_LIVE_STATS; i++)
		if (bad == rsm_live_stats[i]) {
			snprintf(why, len, "stats/%s: %lld, %lld before", bad,
				 rsm_sysfs_num(RSM_SYSFS "/stats/%s", bad),
				 s->base.v[i]);
			return -1;
		}
	bad = sec_objs_check(&s->objs, ms);
	for (i = 0; bad && i < SEC_NR_OBJ_DIRS; i++)
		if (bad == sec_obj_dirs[i]) {
			snprintf(why, len, "%s/: %d entries, %d before", bad,
				 sec_sysfs_entries(bad), s->objs.n[i]);
			return -1;
		}
	vm = sec_vmalloc_settle(SEC_SEG_ALLOCATOR, s->vmalloc, ms);
	if (vm != s->vmalloc) {
		snprintf(why, len, "segment memory: %lld bytes vmalloc'ed, %lld before",
			 vm, s->vmalloc);
		return -1;
	}
	if (sec_kmsg_scan(&s->kmsg, first, sizeof(first))) {
		snprintf(why, len, "kernel log: %s", first);
		return -1;
	}
	return 0;
}

static inline void sec_state_close(struct sec_state *s)
{
	sec_kmsg_close(&s->kmsg);
}

/* --- broken promises, across processes --------------------------------- */

#define SEC_WHY	512

/*
 * Where the processes of a test report a broken promise: in memory they
 * share (MAP_SHARED), counted, the first kept for the report, the first
 * few printed as they happen.
 */
struct sec_report {
	_Atomic uint32_t count;
	_Atomic int claimed;
	char why[SEC_WHY];
};

static inline void sec_vviolation(struct sec_report *rep, const char *fmt,
				  va_list ap)
{
	char msg[SEC_WHY], line[SEC_WHY + 32];
	uint32_t n;
	int len;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = atomic_fetch_add(&rep->count, 1);
	if (!atomic_exchange(&rep->claimed, 1))
		memcpy(rep->why, msg, sizeof(msg));
	if (n >= 20)
		return;
	/* one write(2): lines of several processes do not interleave */
	len = snprintf(line, sizeof(line), "# violation: %s\n", msg);
	if (write(2, line, len) < 0)
		return;
}

static inline void __attribute__((format(printf, 2, 3)))
sec_violation(struct sec_report *rep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sec_vviolation(rep, fmt, ap);
	va_end(ap);
}

/* --- module parameters (limits) -------------------------------------- */

static const char *const sec_param_names[] = {
	"max_segs_per_process", "max_bytes_per_user", "max_bytes_total",
};
#define SEC_NR_PARAMS	3
#define SEC_SEGS	0
#define SEC_BYTES_USER	1
#define SEC_BYTES_TOTAL	2

struct sec_params {
	char saved[SEC_NR_PARAMS][32];
};

/* 0, or -errno if a parameter cannot be read */
static inline int sec_params_save(struct sec_params *p)
{
	unsigned int i;

	for (i = 0; i < SEC_NR_PARAMS; i++)
		if (!rsm_sysfs_str(p->saved[i], sizeof(p->saved[i]),
				   RSM_PARAMS "/%s", sec_param_names[i])[0])
			return -ENOENT;
	return 0;
}

static inline int sec_param_set(unsigned int which, unsigned long long v)
{
	char path[128], val[32];

	snprintf(path, sizeof(path), RSM_PARAMS "/%s", sec_param_names[which]);
	snprintf(val, sizeof(val), "%llu", v);
	return rsm_write_file(path, val);
}

static inline long long sec_param_get(unsigned int which)
{
	return rsm_sysfs_num(RSM_PARAMS "/%s", sec_param_names[which]);
}

/* 0, or -errno of the first parameter that could not be written back */
static inline int sec_params_restore(const struct sec_params *p)
{
	char path[128];
	unsigned int i;
	int err, ret = 0;

	for (i = 0; i < SEC_NR_PARAMS; i++) {
		snprintf(path, sizeof(path), RSM_PARAMS "/%s",
			 sec_param_names[i]);
		err = rsm_write_file(path, p->saved[i]);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/* --- identities ------------------------------------------------------ */

#define SEC_CAP(c)	(1ULL << (c))

/*
 * Become @uid/@gid with supplementary @groups (real, effective and saved
 * ids alike), keeping only the capabilities in @caps (0: none, as any
 * unprivileged process). Call in a child: there is no way back.
 * 0 or -errno.
 */
static inline int sec_become(uid_t uid, gid_t gid, const gid_t *groups,
			     int ngroups, uint64_t caps)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -errno;
	if (setgroups(ngroups, groups) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		return -errno;
	if (!caps)
		return 0;
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)caps;
	data[1].effective = data[1].permitted = (uint32_t)(caps >> 32);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/* --- randomness -------------------------------------------------------- */

struct sec_rng {
	uint64_t s;
};

static inline uint64_t sec_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline void sec_rng_init(struct sec_rng *r, uint64_t seed, uint64_t a,
				uint64_t b)
{
	r->s = sec_mix(seed ^ sec_mix(a * 0x100000001b3ULL ^ sec_mix(b)));
}

static inline uint64_t sec_rand(struct sec_rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return sec_mix(r->s);
}

/* uniform in [0, n); n > 0 */
static inline uint64_t sec_below(struct sec_rng *r, uint64_t n)
{
	return sec_rand(r) % n;
}

/* true with probability pct / 100 */
static inline int sec_chance(struct sec_rng *r, unsigned int pct)
{
	return sec_below(r, 100) < pct;
}

/* a seed for a run that names none: differs between runs */
static inline uint64_t sec_fresh_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return sec_mix((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec) ^
	       ((uint64_t)getpid() << 32);
}

#endif /* SEC_UTIL_H */
