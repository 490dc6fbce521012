/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's mappings (fuzz_test.c): mmap() of segments and imports at
 * random offsets, lengths, protections and flags, through any slot; then
 * touching, splitting, shrinking, moving, growing, reprotecting, advising,
 * syncing the mappings and copying from and to them through the kernel
 * (pipes, process_vm_readv(), /proc/self/mem). Each thread keeps its own
 * mappings, so no thread touches what another unmapped.
 *
 * Promises held (Documentation/rsmdev.rst, "mmap"):
 *  - only the file that owns an object maps it: never another process's
 *    object, never another open's;
 *  - only MAP_SHARED, only within the object, no PROT_WRITE on a read-only
 *    import or a read-only open, and mprotect() cannot add it later;
 *  - mremap() cannot grow a mapping; MADV_DONTNEED is refused;
 *    get_user_pages() (process_vm_readv, /proc/pid/mem) refuses the range;
 *  - every page of a mapping that was made reads and writes without a
 *    SIGBUS, revoked or not (the worker dies of it and the driver fails
 *    the run).
 */
#ifndef FUZZ_MMAP_H
#define FUZZ_MMAP_H

#include <sys/mman.h>
#include <sys/uio.h>

#include "fuzz_ioctl.h"

#define FZ_PAGE 4096UL

static const int fz_mmap_errs[] = {
	EINVAL, EACCES, EIDRM, EHOSTDOWN, ENOMEM, EOVERFLOW, 0,
};

static inline void fz_touch(struct fz_thread *t, struct fz_map *m)
{
	struct sec_rng *r = &t->rng;
	unsigned int n = 1 + sec_below(r, 4);
	size_t pages = m->len / FZ_PAGE, off;

	if (!(m->prot & (PROT_READ | PROT_WRITE)))
		return;
	while (n--) {
		off = sec_below(r, pages) * FZ_PAGE + sec_below(r, FZ_PAGE);
		(void)*(volatile char *)(m->addr + off);
		if (m->prot & PROT_WRITE)
			m->addr[off] = (char)sec_rand(r);
		atomic_fetch_add_explicit(&t->sh->pages_touched, 1,
					  memory_order_relaxed);
	}
}

static inline void fz_map_add(struct fz_thread *t, const struct fz_map *m)
{
	struct fz_map *old;

	if (t->nmaps == FZ_MAPS) {
		old = &t->maps[sec_below(&t->rng, FZ_MAPS)];
		munmap(old->addr, old->len);
		*old = *m;
		return;
	}
	t->maps[t->nmaps++] = *m;
}

static inline void fz_map_del(struct fz_thread *t, struct fz_map *m)
{
	*m = t->maps[--t->nmaps];
}

static inline void fz_op_mmap(struct fz_thread *t)
{
	struct fz_shared *sh = t->sh;
	struct sec_rng *r = &t->rng;
	unsigned int slot, roll = sec_below(r, 100);
	struct fz_obj o = { 0 };
	struct fz_fd fd;
	uint32_t foreign = 0;
	uint64_t off, pages, first, e;
	int prot, flags, err, known = 0;
	struct fz_map m;
	long long t0;
	void *addr;

	if (roll < 50)
		known = fz_pool_get(t->p, FZ_SEGS, r, &o);
	else if (roll < 80)
		known = fz_pool_get(t->p, FZ_IMPORTS, r, &o);
	else if (roll < 88 && (e = fz_pick(sh->board.objs, r)) &&
		 FZ_TAG(e) != t->p->tag)
		foreign = FZ_TAG(e), o.offset = RSM_MMAP_OFFSET(FZ_ID(e)),
		o.size = FZ_PAGE;
	if (!known && !foreign) {
		o.offset = sec_chance(r, 50) ?
			RSM_MMAP_OFFSET(1 + sec_below(r, 4096)) : sec_rand(r);
		o.size = FZ_PAGE * (1 + sec_below(r, 16));
	}
	slot = fz_slot_for(t, known ? o.file : 0);
	fd = fz_fd_get(t->p, slot);
	pages = o.size / FZ_PAGE;
	first = sec_chance(r, 80) ? 0 : sec_below(r, pages + 2);
	roll = sec_below(r, 100);
	if (roll < 70)
		pages = pages > first ? pages - first : 1;
	else if (roll < 90)
		pages = 1 + sec_below(r, pages + 2);
	else if (roll < 95)
		pages = 0;
	else
		pages = sec_rand(r) >> sec_below(r, 64);
	off = o.offset + first * FZ_PAGE + (sec_chance(r, 3) ? 1 : 0);
	switch (sec_below(r, 10)) {
	case 0:
	case 1:
	case 2:
		prot = PROT_READ;
		break;
	case 3:
		prot = PROT_WRITE;
		break;
	case 4:
		prot = PROT_NONE;
		break;
	default:
		prot = PROT_READ | PROT_WRITE;
	}
	roll = sec_below(r, 100);
	flags = roll < 85 ? MAP_SHARED : roll < 90 ? MAP_PRIVATE :
		roll < 95 ? MAP_SHARED | MAP_POPULATE : MAP_SHARED_VALIDATE;

	t0 = rsm_now_ns();
	addr = mmap(NULL, pages * FZ_PAGE, prot, flags, fd.fd, (off_t)off);
	err = addr == MAP_FAILED ? -errno : 0;
	fz_count(sh, FZ_ROW_MMAP, err, t0);
	if (!fz_is_rsm(&fd) || !fz_fd_same(t->p, slot, &fd)) {
		if (!err)
			munmap(addr, pages * FZ_PAGE);
		return;
	}
	if (err) {
		const int *ok;

		for (ok = fz_mmap_errs; *ok && *ok != -err; ok++)
			;
		if (!*ok)
			fz_violation(sh, "mmap: undocumented errno %s",
				     strerror(-err));
		return;
	}
	if ((flags & MAP_TYPE) == MAP_PRIVATE)
		fz_violation(sh, "a private mapping of the device was made");
	if (foreign)
		fz_violation(sh, "mapped object %u of another process",
			     (unsigned int)(o.offset >> 32));
	if (known && o.file != fd.file)
		fz_violation(sh, "mapped an object of open %u through open %u",
			     o.file, fd.file);
	if (known && first + pages > o.size / FZ_PAGE)
		fz_violation(sh, "mapped pages %llu..%llu of a %llu-page object",
			     (unsigned long long)first,
			     (unsigned long long)(first + pages),
			     (unsigned long long)(o.size / FZ_PAGE));
	if (known && (prot & PROT_WRITE) && !(o.access & RSM_ACCESS_WRITE))
		fz_violation(sh, "writable mapping of a read-only object");
	m = (struct fz_map){
		.addr = addr,
		.len = pages * FZ_PAGE,
		.prot = prot,
		.write_known = known && o.file == fd.file,
		.may_write = !!(o.access & RSM_ACCESS_WRITE),
	};
	fz_map_add(t, &m);
	fz_touch(t, &t->maps[t->nmaps - 1]);
}

/* mremap onto a fresh address: the only way to move without growing */
static inline void fz_move(struct fz_thread *t, struct fz_map *m)
{
	void *dst = mmap(NULL, m->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	void *to;

	if (dst == MAP_FAILED)
		return;
	to = mremap(m->addr, m->len, m->len, MREMAP_MAYMOVE | MREMAP_FIXED,
		    dst);
	if (to == MAP_FAILED) {
		munmap(dst, m->len);
		return;
	}
	m->addr = to;
}

static inline void fz_op_mapping(struct fz_thread *t)
{
	struct fz_shared *sh = t->sh;
	struct sec_rng *r = &t->rng;
	unsigned int roll = sec_below(r, 100);
	struct fz_map *m, half;
	size_t pages, cut;
	char buf[4096];
	void *res;
	int prot, mfd;

	if (!t->nmaps) {
		fz_op_mmap(t);
		return;
	}
	m = &t->maps[sec_below(r, t->nmaps)];
	pages = m->len / FZ_PAGE;
	atomic_fetch_add_explicit(&sh->map_ops, 1, memory_order_relaxed);
	if (roll < 40) {
		fz_touch(t, m);
	} else if (roll < 52) {
		munmap(m->addr, m->len);
		fz_map_del(t, m);
	} else if (roll < 58 && pages >= 3 && t->nmaps < FZ_MAPS) {
		/* punch out one page: one mapping becomes two */
		cut = 1 + sec_below(r, pages - 2);
		munmap(m->addr + cut * FZ_PAGE, FZ_PAGE);
		half = *m;
		half.addr = m->addr + (cut + 1) * FZ_PAGE;
		half.len = (pages - cut - 1) * FZ_PAGE;
		m->len = cut * FZ_PAGE;
		t->maps[t->nmaps++] = half;
	} else if (roll < 64 && pages >= 2) {
		res = mremap(m->addr, m->len, m->len - FZ_PAGE, 0);
		if (res != MAP_FAILED)
			m->len -= FZ_PAGE;
	} else if (roll < 68) {
		res = mremap(m->addr, m->len, m->len + FZ_PAGE,
			     sec_chance(r, 50) ? MREMAP_MAYMOVE : 0);
		if (res != MAP_FAILED) {
			fz_violation(sh, "mremap grew a mapping of the device");
			m->addr = res;
			m->len += FZ_PAGE;
		}
	} else if (roll < 72) {
		fz_move(t, m);
	} else if (roll < 78) {
		prot = sec_chance(r, 50) ? PROT_READ | PROT_WRITE :
		       sec_chance(r, 50) ? PROT_READ : PROT_NONE;
		if (!mprotect(m->addr, m->len, prot)) {
			if ((prot & PROT_WRITE) && m->write_known &&
			    !m->may_write)
				fz_violation(sh, "mprotect made a read-only mapping writable");
			m->prot = prot;
		}
	} else if (roll < 83) {
		switch (sec_below(r, 4)) {
		case 0:
			if (!madvise(m->addr, m->len, MADV_DONTNEED))
				fz_violation(sh, "MADV_DONTNEED accepted on a device mapping");
			break;
		case 1:
			madvise(m->addr, m->len, MADV_WILLNEED);
			break;
		case 2:
			if (!madvise(m->addr, m->len, MADV_DONTFORK))
				m->dontfork = 1;
			break;
		default:
			if (!madvise(m->addr, m->len, MADV_DOFORK))
				m->dontfork = 0;
		}
	} else if (roll < 86) {
		msync(m->addr, m->len, sec_chance(r, 50) ? MS_SYNC : MS_ASYNC);
	} else if (roll < 90) {
		struct iovec local = { buf, sizeof(buf) };
		struct iovec remote = { m->addr, FZ_PAGE };

		if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) > 0)
			fz_violation(sh, "process_vm_readv read a device mapping");
	} else if (roll < 93) {
		mfd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
		if (mfd >= 0) {
			if (pread(mfd, buf, 64, (off_t)(uintptr_t)m->addr) > 0)
				fz_violation(sh, "/proc/self/mem read a device mapping");
			close(mfd);
		}
	} else if (roll < 97) {
		/* the kernel copies from the mapping */
		if (write(t->pipe[1], m->addr, FZ_PAGE) > 0 &&
		    read(t->pipe[0], buf, sizeof(buf)) < 0)
			return;
	} else if (m->prot & PROT_WRITE) {
		/* and into it */
		if (write(t->pipe[1], buf, 64) == 64 &&
		    read(t->pipe[0], m->addr + sec_below(r, pages) * FZ_PAGE,
			 64) < 0)
			return;
	}
}

#endif /* FUZZ_MMAP_H */
