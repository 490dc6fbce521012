/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctl and mmap fuzzer (fuzz_test.c): what its processes share.
 *
 * The driver maps one struct fz_shared (MAP_SHARED | MAP_ANONYMOUS) before
 * it forks the workers: the run's options, the stop flag, counters of every
 * call by command and result, the first violation found, and a board where
 * every worker posts the ids it obtained (segments, groups, channels, mmap
 * offsets, generations) so that the others use them: handles of other
 * processes. Every entry carries the tag of the worker incarnation that
 * posted it, so a worker knows which ids are not its own and may assert
 * that they stay out of its reach.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>

#include "sec_util.h"

#define FZ_MAX_PROCS	8
#define FZ_MAX_THREADS	8
#define FZ_BOARD	64	/* board entries of each kind */
#define FZ_NR_KEYS	32	/* keys shared by every worker */
#define FZ_ERRNO_MAX	140	/* errno values counted one by one */

/* rows of the result table besides the ioctl commands */
enum {
	FZ_ROW_MMAP = 14,	/* after the 14 commands of the uapi */
	FZ_ROW_BADCMD,		/* unknown numbers, known numbers with a wrong size */
	FZ_NR_ROWS,
};

/* the kinds of step a thread takes (fz_op()) */
enum {
	FZ_KIND_IOCTL, FZ_KIND_MMAP, FZ_KIND_MAPPING, FZ_KIND_CHURN,
	FZ_KIND_POLL, FZ_KIND_SYSFS, FZ_KIND_FORK, FZ_KIND_LIMITS,
	FZ_NR_KINDS,
};

/* an id on the board: the poster's tag in the high half */
#define FZ_ENTRY(tag, id)	(((uint64_t)(tag) << 32) | (uint32_t)(id))
#define FZ_TAG(e)		((uint32_t)((e) >> 32))
#define FZ_ID(e)		((uint32_t)(e))

struct fz_board {
	_Atomic uint64_t segs[FZ_BOARD];	/* FZ_ENTRY(tag, seg_id) */
	_Atomic uint64_t groups[FZ_BOARD];	/* FZ_ENTRY(tag, group_id) */
	_Atomic uint64_t channels[FZ_BOARD];	/* FZ_ENTRY(tag, channel_id) */
	_Atomic uint64_t objs[FZ_BOARD];	/* FZ_ENTRY(tag, mmap object id) */
	_Atomic uint64_t gens[FZ_BOARD];	/* generations seen */
};

struct fz_opts {
	uint64_t seed;
	double seconds;		/* time bound */
	uint64_t max_calls;	/* count bound */
	unsigned int procs;
	unsigned int threads;
};

struct fz_shared {
	struct fz_opts opts;
	uint64_t key_base;		/* keys are key_base + [0, FZ_NR_KEYS) */
	long long deadline_ns;		/* CLOCK_MONOTONIC */
	_Atomic int stop;

	/* every call made: on the device, its mappings, or a churned fd */
	_Atomic uint64_t calls;
	_Atomic uint64_t pages_touched;
	_Atomic uint64_t map_ops;	/* munmap, mremap, mprotect, madvise... */
	_Atomic uint64_t forks;
	_Atomic uint64_t fd_churn;
	_Atomic uint64_t unfiled;	/* made while their slot was churned */
	_Atomic uint64_t sysfs_reads;
	_Atomic uint64_t interrupts;
	/* [row][0]: successes; [row][e]: failures with errno e */
	_Atomic uint64_t results[FZ_NR_ROWS][FZ_ERRNO_MAX];
	_Atomic uint64_t row_ns[FZ_NR_ROWS];	/* time in those calls */
	_Atomic uint64_t kind_ns[FZ_NR_KINDS];	/* time per kind of step */
	_Atomic uint64_t kind_n[FZ_NR_KINDS];

	struct sec_report report;	/* violations, the first in words */

	_Atomic uint32_t next_tag;
	struct fz_board board;
};

/* a broken promise of the kernel (or a broken fuzzer) */
static inline void __attribute__((format(printf, 2, 3)))
fz_violation(struct fz_shared *sh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sec_vviolation(&sh->report, fmt, ap);
	va_end(ap);
}

/* count a result; @t0 is when the call began (rsm_now_ns()) */
static inline void fz_count(struct fz_shared *sh, unsigned int row, int err,
			    long long t0)
{
	atomic_fetch_add_explicit(&sh->row_ns[row], rsm_now_ns() - t0,
				  memory_order_relaxed);
	unsigned int col = err < 0 ? (unsigned int)-err : 0;

	if (col >= FZ_ERRNO_MAX)
		col = FZ_ERRNO_MAX - 1;
	atomic_fetch_add_explicit(&sh->results[row][col], 1,
				  memory_order_relaxed);
}

static inline void fz_post(_Atomic uint64_t *slots, struct sec_rng *r,
			   uint32_t tag, uint32_t id)
{
	atomic_store_explicit(&slots[sec_below(r, FZ_BOARD)],
			      FZ_ENTRY(tag, id), memory_order_relaxed);
}

static inline uint64_t fz_pick(_Atomic uint64_t *slots, struct sec_rng *r)
{
	return atomic_load_explicit(&slots[sec_below(r, FZ_BOARD)],
				    memory_order_relaxed);
}

static inline int fz_stopping(struct fz_shared *sh)
{
	return atomic_load_explicit(&sh->stop, memory_order_relaxed);
}

#endif /* FUZZ_H */
