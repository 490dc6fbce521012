/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's worker process (fuzz_test.c): its descriptors and the
 * handles it obtained, shared by its threads.
 *
 * Descriptors live in a few slots. A slot is churned now and then: closed
 * and opened again as a new open of /dev/rsmdev (read-write or read-only),
 * a dup of another slot, /dev/null, a pipe, or left closed - so threads
 * that still hold its old number call on a closed descriptor or on one
 * that now means something else. Each open of the device gets a file
 * number, and every handle remembers the file it was made on; a thread
 * reads its slot before and after a call, and only when the slot did not
 * change under it does it hold the kernel to what that file may do (e.g.
 * "mmap of another open's object fails").
 *
 * Handles (segments, imports, groups, channels) go into small pools with
 * random replacement and are never forgotten when destroyed, so stale
 * handles keep being used.
 */
#ifndef FUZZ_PROC_H
#define FUZZ_PROC_H

#include <signal.h>
#include <sys/types.h>

#include "fuzz.h"

#define FZ_FDS		6
#define FZ_POOL		16
#define FZ_MAPS		24

enum fz_fd_kind {
	FZ_FD_RSM,	/* /dev/rsmdev, read-write */
	FZ_FD_RSM_RO,	/* /dev/rsmdev, read-only: no writable shared mapping */
	FZ_FD_NULL,	/* /dev/null */
	FZ_FD_PIPE,	/* the read end of a pipe */
	FZ_FD_CLOSED,	/* a number that was closed (and may be reused) */
};

struct fz_fd {
	int fd;
	int kind;
	uint32_t file;	/* which open of the device; 0 for other kinds */
	/*
	 * Bumped by every reopen of the slot: a slot reopened twice during
	 * one call (closed, a dup of another open, then a dup of the first
	 * one again) shows the same fd, kind and file before and after,
	 * although the call went to another file in between.
	 */
	uint32_t gen;
};

/* a handle and what the fuzzer knows of it */
struct fz_obj {
	uint32_t id;		/* seg_id, import_id, group_id or channel_id */
	uint32_t file;		/* the open it was made on */
	uint64_t offset;	/* mmap offset (segments, imports) */
	uint64_t size;		/* bytes that may be mapped */
	uint32_t part_size;
	uint32_t part_count;
	uint32_t access;	/* RSM_ACCESS_* its mappings may have */
	uint32_t valid;
};

enum fz_pool_kind { FZ_SEGS, FZ_IMPORTS, FZ_GROUPS, FZ_CHANNELS, FZ_NR_POOLS };

struct fz_proc {
	struct fz_shared *sh;
	unsigned int index;	/* worker number: decides the identity */
	uint32_t tag;		/* this incarnation's board tag */
	int admin;		/* root: CAP_SYS_ADMIN and CAP_IPC_OWNER */
	uid_t uid;
	gid_t gid;
	gid_t groups[2];
	int ngroups;

	pthread_mutex_t lock;	/* guards the rest */
	struct fz_fd fds[FZ_FDS];
	uint32_t next_file;
	struct fz_obj pool[FZ_NR_POOLS][FZ_POOL];
};

/* one of the worker's mappings, kept by the thread that made it */
struct fz_map {
	char *addr;
	size_t len;
	int prot;
	int write_known;	/* may_write is known (made from a known handle) */
	int may_write;		/* the object allows a writable mapping */
	int dontfork;		/* MADV_DONTFORK: absent in a fork child */
};

struct fz_thread {
	struct fz_proc *p;
	struct fz_shared *sh;
	unsigned int index;
	pthread_t tid;
	struct sec_rng rng;
	struct fz_map maps[FZ_MAPS];
	unsigned int nmaps;
	char *guard;		/* a RW page followed by a PROT_NONE page */
	char *ro_alias;		/* a page mapped writable here ... */
	char *ro_view;		/* ... and read-only here */
	int pipe[2];		/* for copies from and to mappings */
	_Atomic int done;
};

static inline int fz_is_rsm(const struct fz_fd *f)
{
	return f->fd >= 0 && (f->kind == FZ_FD_RSM || f->kind == FZ_FD_RSM_RO);
}

static inline struct fz_fd fz_fd_get(struct fz_proc *p, unsigned int slot)
{
	struct fz_fd f;

	pthread_mutex_lock(&p->lock);
	f = p->fds[slot];
	pthread_mutex_unlock(&p->lock);
	return f;
}

/* the slot still holds what @was says: a call on it went to that file */
static inline int fz_fd_same(struct fz_proc *p, unsigned int slot,
			     const struct fz_fd *was)
{
	struct fz_fd now = fz_fd_get(p, slot);

	return now.fd == was->fd && now.file == was->file &&
	       now.kind == was->kind && now.gen == was->gen &&
	       was->kind != FZ_FD_CLOSED;
}

/* Open slot @slot as @kind; the caller holds p->lock and closed it. */
static inline void fz_fd_open(struct fz_proc *p, unsigned int slot, int kind,
			      struct sec_rng *r)
{
	struct fz_fd *f = &p->fds[slot];
	unsigned int other = sec_below(r, FZ_FDS);
	int pfd[2];

	f->file = 0;
	f->kind = kind;
	f->gen++;
	switch (kind) {
	case FZ_FD_RSM:
		/* one time in four a dup of another open: same file */
		if (other != slot && fz_is_rsm(&p->fds[other]) &&
		    sec_chance(r, 25)) {
			f->fd = dup(p->fds[other].fd);
			f->kind = p->fds[other].kind;
			f->file = p->fds[other].file;
			break;
		}
		f->fd = open(RSM_DEV, O_RDWR | O_CLOEXEC);
		f->file = ++p->next_file;
		break;
	case FZ_FD_RSM_RO:
		f->fd = open(RSM_DEV, O_RDONLY | O_CLOEXEC);
		f->file = ++p->next_file;
		break;
	case FZ_FD_NULL:
		f->fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		break;
	case FZ_FD_PIPE:
		if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK)) {
			f->fd = -1;
			break;
		}
		close(pfd[1]);
		f->fd = pfd[0];
		break;
	default:
		break;	/* FZ_FD_CLOSED keeps the closed number */
	}
	if (f->fd < 0)
		f->kind = FZ_FD_CLOSED;
}

/* Close a random slot and open it as something else. */
static inline void fz_fd_churn(struct fz_proc *p, struct sec_rng *r)
{
	static const int kinds[] = {
		FZ_FD_RSM, FZ_FD_RSM, FZ_FD_RSM, FZ_FD_RSM, FZ_FD_RSM,
		FZ_FD_RSM, FZ_FD_RSM_RO, FZ_FD_NULL, FZ_FD_PIPE, FZ_FD_CLOSED,
	};
	unsigned int slot = sec_below(r, FZ_FDS);
	int kind = kinds[sec_below(r, sizeof(kinds) / sizeof(*kinds))];

	pthread_mutex_lock(&p->lock);
	if (p->fds[slot].kind != FZ_FD_CLOSED)
		close(p->fds[slot].fd);
	fz_fd_open(p, slot, kind, r);
	pthread_mutex_unlock(&p->lock);
	atomic_fetch_add_explicit(&p->sh->fd_churn, 1, memory_order_relaxed);
}

static inline void fz_pool_put(struct fz_proc *p, enum fz_pool_kind k,
			       struct sec_rng *r, const struct fz_obj *o)
{
	pthread_mutex_lock(&p->lock);
	p->pool[k][sec_below(r, FZ_POOL)] = *o;
	pthread_mutex_unlock(&p->lock);
}

/*
 * A random entry of a pool, preferring one that holds a handle; returns
 * whether it does.
 */
static inline int fz_pool_get(struct fz_proc *p, enum fz_pool_kind k,
			      struct sec_rng *r, struct fz_obj *o)
{
	unsigned int i, at = sec_below(r, FZ_POOL);

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < FZ_POOL && !p->pool[k][(at + i) % FZ_POOL].valid; i++)
		;
	*o = p->pool[k][(at + i) % FZ_POOL];
	pthread_mutex_unlock(&p->lock);
	return o->valid;
}

/*
 * The slot to call through: mostly one holding open @file (the one a
 * handle was made on), else any.
 */
static inline unsigned int fz_slot_for(struct fz_thread *t, uint32_t file)
{
	unsigned int i, at = sec_below(&t->rng, FZ_FDS);

	if (file && sec_chance(&t->rng, 85)) {
		pthread_mutex_lock(&t->p->lock);
		for (i = 0; i < FZ_FDS; i++)
			if (t->p->fds[(at + i) % FZ_FDS].file == file)
				break;
		pthread_mutex_unlock(&t->p->lock);
		if (i < FZ_FDS)
			return (at + i) % FZ_FDS;
	}
	return at;
}

#endif /* FUZZ_PROC_H */
