/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's ioctls (fuzz_test.c): build an argument for a command from
 * the handles the worker holds, the board (other processes' handles) and
 * random or edge values; mutate it; pass it through a valid pointer, a bad
 * one, one that runs into an unmapped page, read-only memory or one of the
 * worker's own segment mappings; then hold the result to the promises of
 * Documentation/rsmdev.rst:
 *
 *  - every errno is one the command documents (or EFAULT for a bad pointer,
 *    ENOTTY for an unknown command), whatever the state;
 *  - a nonzero reserved field, an undefined flag or an out-of-range value
 *    gives EINVAL, and a valid geometry is never refused with EINVAL;
 *  - a command that writes its result back never reports success when it
 *    could not;
 *  - nothing of another file is reachable: no destroy, unpublish, publish,
 *    wait or signal of another process's segment (without CAP_SYS_ADMIN
 *    where the documentation allows it), no group destroy or channel close
 *    of another's, no group on another's channel;
 *  - an import succeeds only when the descriptor it returns allows the
 *    access for the caller's ids (or it has CAP_IPC_OWNER); outputs are
 *    consistent (sizes, offsets, generations, geometry).
 */
#ifndef FUZZ_IOCTL_H
#define FUZZ_IOCTL_H

#include <linux/ioctl.h>

#include "fuzz_proc.h"

#define FZ_NR_CMDS	14
#define FZ_MAX_ERRS	8

struct fz_cmd {
	const char *name;
	unsigned long nr;
	int out;			/* writes its argument back */
	int errs[FZ_MAX_ERRS];		/* documented, besides EFAULT */
	unsigned int weight;		/* how often the fuzzer picks it */
};

/* indexed by _IOC_NR() */
static const struct fz_cmd fz_cmds[FZ_NR_CMDS] = {
	{ "NODE_INFO", RSM_IOC_NODE_INFO, 1, { 0 }, 3 },
	{ "SEG_CREATE", RSM_IOC_SEG_CREATE, 1,
	  { EINVAL, ENODEV, ENOSPC, ENOMEM }, 14 },
	{ "SEG_DESTROY", RSM_IOC_SEG_DESTROY, 0, { EINVAL, ENOENT, EPERM }, 7 },
	{ "SEG_PUBLISH", RSM_IOC_SEG_PUBLISH, 0,
	  { EINVAL, EPERM, ENOENT, EBUSY, EEXIST }, 11 },
	{ "SEG_UNPUBLISH", RSM_IOC_SEG_UNPUBLISH, 0,
	  { EINVAL, ENOENT, EPERM }, 6 },
	{ "LOOKUP", RSM_IOC_LOOKUP, 1, { EINVAL, ENOENT, ENXIO, EHOSTDOWN }, 6 },
	{ "IMPORT", RSM_IOC_IMPORT, 1,
	  { EINVAL, ENOENT, ENXIO, EHOSTDOWN, ESTALE, EACCES, ENOMEM }, 12 },
	{ "UNIMPORT", RSM_IOC_UNIMPORT, 0, { EINVAL, ENOENT, EBUSY }, 7 },
	{ "GROUP_CREATE", RSM_IOC_GROUP_CREATE, 1,
	  { EINVAL, ENOENT, EIDRM, EHOSTDOWN, ENOMEM }, 8 },
	{ "GROUP_DESTROY", RSM_IOC_GROUP_DESTROY, 0, { EINVAL, ENOENT }, 5 },
	{ "SIGNAL", RSM_IOC_SIGNAL, 0,
	  { EINVAL, ENOENT, EPERM, EIDRM, EHOSTDOWN, EOPNOTSUPP }, 7 },
	{ "WAIT", RSM_IOC_WAIT, 1,
	  { EINVAL, ENOENT, EPERM, EAGAIN, ETIMEDOUT, EINTR, EIDRM }, 6 },
	{ "CHANNEL_OPEN", RSM_IOC_CHANNEL_OPEN, 1,
	  { EINVAL, ENOENT, ENXIO, EHOSTDOWN, EACCES, EEXIST, ENOMEM }, 6 },
	{ "CHANNEL_CLOSE", RSM_IOC_CHANNEL_CLOSE, 0, { EINVAL, ENOENT }, 4 },
};

#define FZ_BADCMD_WEIGHT 4

union fz_arg {
	struct rsm_node_info info;
	struct rsm_seg_create create;
	struct rsm_seg_ref ref;
	struct rsm_seg_publish pub;
	struct rsm_lookup lookup;
	struct rsm_import imp;
	struct rsm_handle handle;
	struct rsm_group_create grp;
	struct rsm_channel_open chan;
	struct rsm_signal sig;
	struct rsm_wait wait;
	unsigned char bytes[256];
};

enum fz_ptr {
	FZ_PTR_GOOD,		/* on the stack */
	FZ_PTR_BAD,		/* NULL, low, kernel or non-canonical address */
	FZ_PTR_STRADDLE,	/* runs into a PROT_NONE page */
	FZ_PTR_RO,		/* readable, not writable */
	FZ_PTR_MAPPING,		/* inside one of the thread's rsm mappings */
};

/* what a call was built from, for the checks after it */
struct fz_call {
	unsigned int nr;
	struct fz_fd fd;
	unsigned int slot;
	enum fz_ptr ptr;
	int einval;		/* the input alone must give EINVAL */
	uint32_t id;		/* the id field as built (before mutation) */
	struct fz_obj obj;	/* the own handle @id came from, if valid */
	uint32_t foreign;	/* the tag of another process @id came from */
};

/* -- values ------------------------------------------------------------ */

static inline uint32_t fz_u32(struct sec_rng *r, uint32_t good)
{
	switch (sec_below(r, 24)) {
	case 0:
		return 0;
	case 1:
		return (uint32_t)sec_rand(r);
	case 2:
		return UINT32_MAX;
	case 3:
		return good + 1;
	case 4:
		return good - 1;
	case 5:
		return 1U << sec_below(r, 32);
	default:
		return good;
	}
}

static inline uint64_t fz_key(struct fz_thread *t)
{
	struct sec_rng *r = &t->rng;

	switch (sec_below(r, 20)) {
	case 0:
		return 0;
	case 1:
		return sec_rand(r);
	default:
		return t->sh->key_base + sec_below(r, FZ_NR_KEYS);
	}
}

/*
 * An id for a command: from the worker's own pool @k, from the board
 * (another process's, @board), or made up. Records where it came from.
 */
static inline uint32_t fz_id(struct fz_thread *t, struct fz_call *c,
			     enum fz_pool_kind k, _Atomic uint64_t *board)
{
	struct sec_rng *r = &t->rng;
	unsigned int roll = sec_below(r, 100);
	uint64_t e;

	memset(&c->obj, 0, sizeof(c->obj));
	c->foreign = 0;
	if (roll < 65 && fz_pool_get(t->p, k, r, &c->obj)) {
		c->id = c->obj.id;
	} else if (roll < 85 && board && (e = fz_pick(board, r))) {
		c->id = FZ_ID(e);
		if (FZ_TAG(e) != t->p->tag)
			c->foreign = FZ_TAG(e);
	} else {
		memset(&c->obj, 0, sizeof(c->obj));
		c->id = sec_chance(r, 50) ? 1 + sec_below(r, 64) :
					    fz_u32(r, 1);
	}
	return c->id;
}

static inline uint32_t fz_geometry_size(struct sec_rng *r)
{
	unsigned int roll = sec_below(r, 100);

	if (roll < 75)
		return 1U << (6 + sec_below(r, 7));	/* 64 B .. 4 KiB */
	if (roll < 85)
		return 1U << (6 + sec_below(r, 17));	/* .. 4 MiB */
	if (roll < 92)
		return 1U << sec_below(r, 32);
	if (roll < 97)
		return (uint32_t)sec_rand(r);
	return 0;
}

static inline uint32_t fz_geometry_count(struct sec_rng *r)
{
	unsigned int roll = sec_below(r, 100);

	if (roll < 70)
		return 1 + sec_below(r, 64);
	if (roll < 80)
		return 1 + sec_below(r, 4096);
	if (roll < 90)
		return RSM_PART_COUNT_MAX - 1 + sec_below(r, 3);
	return fz_u32(r, 0);
}

/* the rules of RSM_IOC_SEG_CREATE's geometry, as documented */
static inline int fz_geometry_ok(uint32_t size, uint32_t count, uint32_t span)
{
	if (size < RSM_PART_SIZE_MIN || size > RSM_PART_SIZE_MAX ||
	    (size & (size - 1)))
		return 0;
	if (!count || count > RSM_PART_COUNT_MAX || !span || span > count)
		return 0;
	return rsm_seg_layout(size, count).size <= (1ULL << 32);
}

static inline uint32_t fz_mode(struct sec_rng *r)
{
	static const uint32_t modes[] = {
		0600, 0640, 0644, 0660, 0666, 0400, 0200, 0000, 0606, 0622,
	};
	unsigned int roll = sec_below(r, 100);

	if (roll < 80)
		return modes[sec_below(r, sizeof(modes) / sizeof(*modes))];
	if (roll < 95)
		return sec_below(r, 01000);
	return fz_u32(r, 0777);
}

static inline uint32_t fz_ugid(struct fz_thread *t, int gid)
{
	struct sec_rng *r = &t->rng;
	unsigned int roll = sec_below(r, 100);

	if (roll < 75)
		return RSM_ID_SELF;
	if (roll < 85)
		return gid ? t->p->gid : t->p->uid;
	if (roll < 90)
		return 0;
	if (roll < 95)
		return gid ? 3000 : 1001 + sec_below(r, 2);
	return (uint32_t)sec_rand(r);
}

static inline int64_t fz_timeout(struct sec_rng *r)
{
	unsigned int roll = sec_below(r, 100);

	if (roll < 50)
		return 0;
	if (roll < 75)
		return 1 + sec_below(r, 2000000);	/* up to 2 ms */
	if (roll < 83)
		return RSM_WAIT_FOREVER;	/* the interrupter ends it */
	if (roll < 90)
		return -(int64_t)(2 + sec_below(r, 1000));
	if (roll < 95)
		return 1000000000LL + sec_below(r, 9000000000LL);
	return (int64_t)sec_rand(r);
}

static inline uint32_t fz_access(struct sec_rng *r)
{
	unsigned int roll = sec_below(r, 100);

	if (roll < 60)
		return RSM_ACCESS_RW;
	if (roll < 75)
		return RSM_ACCESS_READ;
	if (roll < 85)
		return RSM_ACCESS_WRITE;
	if (roll < 90)
		return 0;
	if (roll < 95)
		return 4;
	return (uint32_t)sec_rand(r);
}

static inline uint32_t fz_node(struct sec_rng *r)
{
	unsigned int roll = sec_below(r, 100);

	if (roll < 85)
		return RSM_NODE_LOCAL;
	if (roll < 90)
		return 0;	/* this node's id (node_id=0) */
	return fz_u32(r, 1);
}

/* -- building ------------------------------------------------------------ */

static inline int fz_zero(const void *p, size_t len)
{
	const unsigned char *b = p;

	while (len--)
		if (*b++)
			return 0;
	return 1;
}

/* Whether the argument alone (its bytes) must make the command fail with EINVAL. */
static inline int fz_predict_einval(unsigned int nr, const union fz_arg *a)
{
	switch (nr) {
	case 1: /* SEG_CREATE */
		return a->create.flags ||
		       !fz_zero(a->create.reserved, sizeof(a->create.reserved)) ||
		       !fz_geometry_ok(a->create.part_size, a->create.part_count,
				       a->create.span) ||
		       a->create.interconnect > RSM_IC_MAX;
	case 2: /* SEG_DESTROY */
	case 4: /* SEG_UNPUBLISH */
		return a->ref.flags || a->ref.reserved;
	case 3: /* SEG_PUBLISH */
		return a->pub.flags || a->pub.reserved ||
		       (a->pub.mode & ~0777U) || !a->pub.key;
	case 5: /* LOOKUP */
		return a->lookup.flags || !a->lookup.key;
	case 6: /* IMPORT */
		return a->imp.flags ||
		       !fz_zero(a->imp.reserved, sizeof(a->imp.reserved)) ||
		       !a->imp.access || (a->imp.access & ~RSM_ACCESS_RW) ||
		       !a->imp.key;
	case 7: /* UNIMPORT */
	case 9: /* GROUP_DESTROY */
	case 13: /* CHANNEL_CLOSE */
		return a->handle.flags || a->handle.reserved;
	case 8: /* GROUP_CREATE */
		return a->grp.flags ||
		       !fz_zero(a->grp.reserved, sizeof(a->grp.reserved));
	case 10: /* SIGNAL */
		return (a->sig.flags & ~RSM_SIGNAL_F_IMPORTERS) ||
		       a->sig.reserved;
	case 11: /* WAIT */
		return a->wait.flags || a->wait.reserved ||
		       (a->wait.timeout_ns < 0 &&
			a->wait.timeout_ns != RSM_WAIT_FOREVER);
	case 12: /* CHANNEL_OPEN */
		return a->chan.flags ||
		       !fz_zero(a->chan.reserved, sizeof(a->chan.reserved)) ||
		       !a->chan.key;
	default:
		return 0;
	}
}

static inline void fz_build(struct fz_thread *t, struct fz_call *c,
			    union fz_arg *a)
{
	struct fz_board *b = &t->sh->board;
	struct sec_rng *r = &t->rng;

	memset(a, 0, sizeof(*a));
	c->id = 0;
	c->foreign = 0;
	memset(&c->obj, 0, sizeof(c->obj));
	switch (c->nr) {
	case 0: /* NODE_INFO: output only; garbage in must not matter */
		if (sec_chance(r, 50))
			memset(a, 0xcc, sizeof(a->info));
		break;
	case 1:
		a->create.part_size = fz_geometry_size(r);
		a->create.part_count = fz_geometry_count(r);
		a->create.span = a->create.part_count && sec_chance(r, 85) ?
			1 + sec_below(r, a->create.part_count) :
			fz_u32(r, a->create.part_count);
		a->create.interconnect = sec_chance(r, 85) ? RSM_IC_DEFAULT :
					 fz_u32(r, RSM_IC_LOOPBACK);
		break;
	case 2:
	case 4:
		a->ref.seg_id = fz_id(t, c, FZ_SEGS, b->segs);
		break;
	case 3:
		fz_id(t, c, FZ_SEGS, b->segs);
		a->pub.seg_id = c->id;
		a->pub.mode = fz_mode(r);
		a->pub.key = fz_key(t);
		a->pub.uid = fz_ugid(t, 0);
		a->pub.gid = fz_ugid(t, 1);
		break;
	case 5:
		a->lookup.node_id = fz_node(r);
		a->lookup.key = fz_key(t);
		break;
	case 6:
		a->imp.node_id = fz_node(r);
		a->imp.access = fz_access(r);
		a->imp.key = fz_key(t);
		if (sec_chance(r, 15))
			a->imp.generation = sec_chance(r, 70) ?
				fz_pick(b->gens, r) : sec_rand(r);
		break;
	case 7:
		a->handle.id = fz_id(t, c, FZ_IMPORTS, NULL);
		break;
	case 8:
		a->grp.import_id = fz_id(t, c, FZ_IMPORTS, NULL);
		a->grp.part_size = fz_u32(r, c->obj.part_size);
		a->grp.part_count = fz_u32(r, c->obj.part_count);
		if (sec_chance(r, 40)) {
			struct fz_call chan = *c;

			/* the channel's origin, kept apart from the import's */
			a->grp.channel_id = fz_id(t, &chan, FZ_CHANNELS,
						  b->channels);
			c->foreign = chan.foreign;
			c->id = a->grp.channel_id;
		}
		break;
	case 9:
		a->handle.id = fz_id(t, c, FZ_GROUPS, b->groups);
		break;
	case 10:
		if (sec_chance(r, 80)) {
			a->sig.id = fz_id(t, c, FZ_IMPORTS, NULL);
		} else {
			a->sig.id = fz_id(t, c, FZ_SEGS, b->segs);
			a->sig.flags = RSM_SIGNAL_F_IMPORTERS;
		}
		if (sec_chance(r, 5))
			a->sig.flags = fz_u32(r, a->sig.flags);
		break;
	case 11:
		a->wait.timeout_ns = fz_timeout(r);
		if (sec_chance(r, 30))
			a->wait.seg_id = fz_id(t, c, FZ_SEGS, b->segs);
		break;
	case 12:
		a->chan.node_id = fz_node(r);
		a->chan.key = fz_key(t);
		a->chan.slot = sec_chance(r, 90) ? sec_below(r, 8) :
						   fz_u32(r, 0);
		break;
	case 13:
		a->handle.id = fz_id(t, c, FZ_CHANNELS, b->channels);
		break;
	}
	/* now and then a few flipped bits anywhere, reserved fields included */
	if (sec_chance(r, 20)) {
		unsigned int n = 1 + sec_below(r, 3);

		while (n--)
			a->bytes[sec_below(r, _IOC_SIZE(fz_cmds[c->nr].nr))] ^=
				1U << sec_below(r, 8);
	}
}

/* -- the argument pointer ------------------------------------------------ */

static inline void *fz_pointer(struct fz_thread *t, struct fz_call *c,
			       union fz_arg *a, size_t size)
{
	static const uintptr_t bad[] = {
		0, 1, 4096, 0xffff888000000000ULL, 0x8000000000000000ULL,
		0xfffffffffffff000ULL,
	};
	struct sec_rng *r = &t->rng;
	unsigned int roll = sec_below(r, 100);
	struct fz_map *m;
	size_t in;

	c->ptr = FZ_PTR_GOOD;
	if (roll < 84)
		return a;
	if (roll < 88) {
		c->ptr = FZ_PTR_BAD;
		return (void *)bad[sec_below(r, sizeof(bad) / sizeof(*bad))];
	}
	if (roll < 92) {
		/* 1 .. size-1 bytes readable, the rest in the guard page */
		c->ptr = FZ_PTR_STRADDLE;
		in = 1 + sec_below(r, size - 1);
		memcpy(t->guard + 4096 - in, a, in);
		return t->guard + 4096 - in;
	}
	if (roll < 96 || !t->nmaps) {
		c->ptr = FZ_PTR_RO;
		memcpy(t->ro_alias, a, size);
		return t->ro_view;
	}
	/* inside one of our segment mappings, revoked or not */
	m = &t->maps[sec_below(r, t->nmaps)];
	if (m->len < size || !(m->prot & (PROT_READ | PROT_WRITE)))
		return a;
	c->ptr = FZ_PTR_MAPPING;
	in = sec_below(r, (m->len - size) / 8 + 1) * 8;
	if (m->prot & PROT_WRITE)
		memcpy(m->addr + in, a, size);
	return m->addr + in;
}

/* -- checks -------------------------------------------------------------- */

static inline int fz_documented(const struct fz_cmd *cmd, int err)
{
	unsigned int i;

	for (i = 0; i < FZ_MAX_ERRS && cmd->errs[i]; i++)
		if (cmd->errs[i] == err)
			return 1;
	return 0;
}

static inline int fz_in_groups(const struct fz_proc *p, uint32_t gid)
{
	int i;

	if (gid == p->gid)
		return 1;
	for (i = 0; i < p->ngroups; i++)
		if (gid == p->groups[i])
			return 1;
	return 0;
}

/* whether this worker's ids may import with @access under @d, by the rule */
static inline int fz_may_import(const struct fz_proc *p,
				const struct rsm_descriptor *d, uint32_t access)
{
	uint32_t want = 0, granted;

	if (access & RSM_ACCESS_READ)
		want |= 04;
	if (access & RSM_ACCESS_WRITE)
		want |= 02;
	if (d->uid == p->uid)
		granted = d->mode >> 6;
	else if (fz_in_groups(p, d->gid))
		granted = d->mode >> 3;
	else
		granted = d->mode;
	return (granted & want) == want || p->admin;
}

static inline int fz_descriptor_ok(const struct rsm_descriptor *d)
{
	return fz_geometry_ok(d->part_size, d->part_count, d->span) &&
	       d->size == rsm_seg_layout(d->part_size, d->part_count).size &&
	       d->mode <= 0777 && d->state == RSM_SEG_STATE_PUBLISHED &&
	       d->key;
}

/* What a successful call promised; a violation if it broke a promise. */
static inline void fz_check_success(struct fz_thread *t, struct fz_call *c,
				    const union fz_arg *in,
				    const union fz_arg *out)
{
	struct fz_shared *sh = t->sh;
	struct fz_proc *p = t->p;
	const char *name = fz_cmds[c->nr].name;

	switch (c->nr) {
	case 0:
		if (out->info.abi_version != RSMDEV_ABI_VERSION ||
		    out->info.part_size_min != RSM_PART_SIZE_MIN ||
		    out->info.part_size_max != RSM_PART_SIZE_MAX ||
		    !fz_zero(out->info.reserved, sizeof(out->info.reserved)) ||
		    out->info.reserved0)
			fz_violation(sh, "NODE_INFO returned inconsistent values");
		break;
	case 1:
		if (!out->create.seg_id ||
		    out->create.size != rsm_seg_layout(in->create.part_size,
						       in->create.part_count).size ||
		    (uint32_t)out->create.mmap_offset)
			fz_violation(sh, "SEG_CREATE %u x %u: size %llu, offset %#llx",
				     in->create.part_size, in->create.part_count,
				     (unsigned long long)out->create.size,
				     (unsigned long long)out->create.mmap_offset);
		break;
	case 2:
	case 4:
		if (c->foreign && in->ref.seg_id == c->id && !p->admin)
			fz_violation(sh, "%s of another process's segment %u by uid %u",
				     name, c->id, p->uid);
		break;
	case 3:
		if (c->foreign && in->pub.seg_id == c->id)
			fz_violation(sh, "SEG_PUBLISH of another process's segment %u",
				     c->id);
		if (!p->admin &&
		    ((in->pub.uid != RSM_ID_SELF && in->pub.uid != p->uid) ||
		     (in->pub.gid != RSM_ID_SELF && !fz_in_groups(p, in->pub.gid))))
			fz_violation(sh, "uid %u published as uid %u gid %u",
				     p->uid, in->pub.uid, in->pub.gid);
		break;
	case 5:
		if (!fz_descriptor_ok(&out->lookup.desc) ||
		    out->lookup.desc.key != in->lookup.key)
			fz_violation(sh, "LOOKUP %#llx: bad descriptor",
				     (unsigned long long)in->lookup.key);
		break;
	case 6:
		if (!fz_descriptor_ok(&out->imp.desc) ||
		    out->imp.desc.key != in->imp.key ||
		    out->imp.size != out->imp.desc.size ||
		    !out->imp.import_id || (uint32_t)out->imp.mmap_offset ||
		    (in->imp.generation &&
		     in->imp.generation != out->imp.desc.generation))
			fz_violation(sh, "IMPORT %#llx: inconsistent result",
				     (unsigned long long)in->imp.key);
		if (!fz_may_import(p, &out->imp.desc, in->imp.access))
			fz_violation(sh, "uid %u imported %#llx (uid %u gid %u mode %04o) with access %u",
				     p->uid, (unsigned long long)in->imp.key,
				     out->imp.desc.uid, out->imp.desc.gid,
				     out->imp.desc.mode, in->imp.access);
		break;
	case 8:
		if (c->obj.valid && c->obj.id == in->grp.import_id &&
		    c->obj.file == c->fd.file &&
		    (in->grp.part_size != c->obj.part_size ||
		     in->grp.part_count != c->obj.part_count))
			fz_violation(sh, "GROUP_CREATE accepted %u x %u for a %u x %u target",
				     in->grp.part_size, in->grp.part_count,
				     c->obj.part_size, c->obj.part_count);
		if (c->foreign && in->grp.channel_id == c->id)
			fz_violation(sh, "GROUP_CREATE on another process's channel %u",
				     c->id);
		break;
	case 9:
	case 13:
		if (c->foreign && in->handle.id == c->id)
			fz_violation(sh, "%s of another process's %u", name,
				     c->id);
		break;
	case 10:
		if (c->foreign && in->sig.id == c->id &&
		    (in->sig.flags & RSM_SIGNAL_F_IMPORTERS))
			fz_violation(sh, "SIGNAL to the importers of another process's segment %u",
				     c->id);
		break;
	case 11:
		if (!out->wait.pending && !out->wait.revoked)
			fz_violation(sh, "WAIT returned 0 with nothing taken");
		if (c->foreign && in->wait.seg_id == c->id)
			fz_violation(sh, "WAIT on another process's segment %u",
				     c->id);
		break;
	}
}

/* Hold the result of one call to the documentation. */
static inline void fz_check(struct fz_thread *t, struct fz_call *c, int err,
			    const union fz_arg *in, const union fz_arg *out)
{
	const struct fz_cmd *cmd = &fz_cmds[c->nr];
	struct fz_shared *sh = t->sh;

	/* another kind of file, or the slot changed under the call */
	if (!fz_is_rsm(&c->fd) || !fz_fd_same(t->p, c->slot, &c->fd))
		return;
	if (c->ptr == FZ_PTR_BAD || c->ptr == FZ_PTR_STRADDLE) {
		if (err != -EFAULT)
			fz_violation(sh, "%s with an unreadable argument: %s",
				     cmd->name, err ? strerror(-err) : "success");
		return;
	}
	if (c->ptr == FZ_PTR_RO && cmd->out && !err) {
		fz_violation(sh, "%s reported success into read-only memory",
			     cmd->name);
		return;
	}
	if (err == -EFAULT) {
		if (c->ptr == FZ_PTR_GOOD ||
		    (c->ptr == FZ_PTR_RO && !cmd->out))
			fz_violation(sh, "%s: EFAULT for a valid argument",
				     cmd->name);
		return;
	}
	if (c->ptr != FZ_PTR_MAPPING && c->einval && err != -EINVAL) {
		fz_violation(sh, "%s: %s where its input demands EINVAL",
			     cmd->name, err ? strerror(-err) : "success");
		return;
	}
	if (c->nr == 1 && c->ptr != FZ_PTR_MAPPING && !c->einval &&
	    err == -EINVAL) {
		fz_violation(sh, "SEG_CREATE refused a valid geometry %u x %u span %u",
			     in->create.part_size, in->create.part_count,
			     in->create.span);
		return;
	}
	if (err && !fz_documented(cmd, -err)) {
		fz_violation(sh, "%s: undocumented errno %s", cmd->name,
			     strerror(-err));
		return;
	}
	if (!err && c->ptr != FZ_PTR_MAPPING)
		fz_check_success(t, c, in, out);
}

/* -- harvesting ------------------------------------------------------------ */

/* Keep what a successful call made, and tell the others about it. */
static inline void fz_harvest(struct fz_thread *t, struct fz_call *c,
			      const union fz_arg *in, const union fz_arg *out)
{
	struct fz_board *b = &t->sh->board;
	struct sec_rng *r = &t->rng;
	struct fz_proc *p = t->p;
	struct fz_obj o = { .valid = 1, .file = c->fd.file };

	switch (c->nr) {
	case 1:
		o.id = out->create.seg_id;
		o.offset = out->create.mmap_offset;
		o.size = out->create.size;
		o.part_size = in->create.part_size;
		o.part_count = in->create.part_count;
		o.access = c->fd.kind == FZ_FD_RSM ? RSM_ACCESS_RW :
						     RSM_ACCESS_READ;
		fz_pool_put(p, FZ_SEGS, r, &o);
		fz_post(b->segs, r, p->tag, o.id);
		fz_post(b->objs, r, p->tag, (uint32_t)(o.offset >> 32));
		break;
	case 5:
		atomic_store_explicit(&b->gens[sec_below(r, FZ_BOARD)],
				      out->lookup.desc.generation,
				      memory_order_relaxed);
		break;
	case 6:
		o.id = out->imp.import_id;
		o.offset = out->imp.mmap_offset;
		o.size = out->imp.size;
		o.part_size = out->imp.desc.part_size;
		o.part_count = out->imp.desc.part_count;
		o.access = in->imp.access;
		if (c->fd.kind != FZ_FD_RSM)
			o.access &= ~RSM_ACCESS_WRITE;
		fz_pool_put(p, FZ_IMPORTS, r, &o);
		fz_post(b->objs, r, p->tag, (uint32_t)(o.offset >> 32));
		atomic_store_explicit(&b->gens[sec_below(r, FZ_BOARD)],
				      out->imp.desc.generation,
				      memory_order_relaxed);
		break;
	case 8:
		o.id = out->grp.group_id;
		fz_pool_put(p, FZ_GROUPS, r, &o);
		fz_post(b->groups, r, p->tag, o.id);
		break;
	case 12:
		o.id = out->chan.channel_id;
		fz_pool_put(p, FZ_CHANNELS, r, &o);
		fz_post(b->channels, r, p->tag, o.id);
		break;
	}
}

/* -- unknown commands ---------------------------------------------------- */

/* type bytes the VFS handles itself on any file (FIONBIO, FIFREEZE, ...) */
static inline int fz_vfs_type(unsigned int type)
{
	return type == 0 || type == 'T' || type == 'X' || type == 'f' ||
	       type == 0x94;
}

static inline unsigned long fz_bad_cmd(struct sec_rng *r)
{
	const struct fz_cmd *k = &fz_cmds[sec_below(r, FZ_NR_CMDS)];
	unsigned long cmd;
	unsigned int size = _IOC_SIZE(k->nr), delta;

	switch (sec_below(r, 4)) {
	case 0: /* a number past the last command */
		return _IOC(sec_below(r, 4), RSM_IOC_MAGIC,
			    FZ_NR_CMDS + sec_below(r, 64), sec_below(r, 512));
	case 1: /* a known number with the wrong size */
		delta = 1 + sec_below(r, 64);
		return _IOC(_IOC_DIR(k->nr), RSM_IOC_MAGIC, _IOC_NR(k->nr),
			    sec_chance(r, 50) || size <= delta ? size + delta :
								 size - delta);
	case 2: /* a known number in the wrong direction */
		return _IOC((_IOC_DIR(k->nr) + 1 + sec_below(r, 3)) & 3,
			    RSM_IOC_MAGIC, _IOC_NR(k->nr), size);
	default: /* anything but what the VFS answers itself */
		do {
			cmd = (uint32_t)sec_rand(r);
		} while (fz_vfs_type(_IOC_TYPE(cmd)) ||
			 (_IOC_TYPE(cmd) == RSM_IOC_MAGIC &&
			  _IOC_NR(cmd) < FZ_NR_CMDS));
		return cmd;
	}
}

static inline void fz_op_badcmd(struct fz_thread *t)
{
	struct sec_rng *r = &t->rng;
	unsigned int slot = sec_below(r, FZ_FDS);
	struct fz_fd fd = fz_fd_get(t->p, slot);
	unsigned long cmd = fz_bad_cmd(r);
	union fz_arg a;
	int err;

	long long t0;

	memset(&a, 0, sizeof(a));
	t0 = rsm_now_ns();
	err = ioctl(fd.fd, cmd, &a) ? -errno : 0;
	fz_count(t->sh, FZ_ROW_BADCMD, err, t0);
	if (fz_is_rsm(&fd) && fz_fd_same(t->p, slot, &fd) && err != -ENOTTY)
		fz_violation(t->sh, "unknown command %#lx: %s, not ENOTTY", cmd,
			     err ? strerror(-err) : "success");
}

/* -- one ioctl --------------------------------------------------------------- */

static inline unsigned int fz_pick_cmd(struct sec_rng *r)
{
	unsigned int total = FZ_BADCMD_WEIGHT, i, w;

	for (i = 0; i < FZ_NR_CMDS; i++)
		total += fz_cmds[i].weight;
	w = sec_below(r, total);
	for (i = 0; i < FZ_NR_CMDS; i++) {
		if (w < fz_cmds[i].weight)
			return i;
		w -= fz_cmds[i].weight;
	}
	return FZ_NR_CMDS;	/* an unknown command */
}

static inline void fz_op_ioctl(struct fz_thread *t)
{
	struct sec_rng *r = &t->rng;
	union fz_arg in, a;
	struct fz_call c;
	long long t0;
	void *ptr;
	size_t size;
	int err;

	c.nr = fz_pick_cmd(r);
	if (c.nr == FZ_NR_CMDS) {
		fz_op_badcmd(t);
		return;
	}
	size = _IOC_SIZE(fz_cmds[c.nr].nr);
	fz_build(t, &c, &in);
	c.slot = fz_slot_for(t, c.obj.valid ? c.obj.file : 0);
	c.fd = fz_fd_get(t->p, c.slot);
	c.einval = fz_predict_einval(c.nr, &in);
	a = in;
	ptr = fz_pointer(t, &c, &a, size);
	t0 = rsm_now_ns();
	err = ioctl(c.fd.fd, fz_cmds[c.nr].nr, ptr) ? -errno : 0;
	/* what the kernel wrote back, wherever it was */
	if (!err && c.ptr == FZ_PTR_MAPPING)
		memcpy(&a, ptr, size);
	fz_count(t->sh, c.nr, err, t0);
	fz_check(t, &c, err, &in, &a);
	/*
	 * Only a call whose slot did not change under it made its object on
	 * c.fd.file: a slot churned meanwhile may have reopened the same
	 * number as another open, and the object filed under the old one
	 * later "mapped through another open" (a false violation, seen at
	 * 9,600 calls/s).
	 */
	if (err || c.ptr == FZ_PTR_MAPPING || !fz_is_rsm(&c.fd))
		return;
	if (fz_fd_same(t->p, c.slot, &c.fd))
		fz_harvest(t, &c, &in, &a);
	else
		atomic_fetch_add_explicit(&t->sh->unfiled, 1,
					  memory_order_relaxed);
}

#endif /* FUZZ_IOCTL_H */
