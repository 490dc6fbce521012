// SPDX-License-Identifier: GPL-2.0
/*
 * Target segments and the registry: create, publish, unpublish, destroy,
 * and the revocation of imports and channels that the last three cause.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/hashtable.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/rsmdev.h>

#include "rsm.h"

/* the registry: published local segments by key; rsm_lock */
static DEFINE_HASHTABLE(rsm_registry, 8);
/* the generation given to the last publish on this node; rsm_lock */
static u64 rsm_generation;
/* cursor of the cyclic seg_id allocation, so ids are not soon reused */
static u32 rsm_next_seg_id;
static const char *const rsm_state_names[] = {
	[RSM_SEG_STATE_CREATED] = "created",
	[RSM_SEG_STATE_PUBLISHED] = "published",
	[RSM_SEG_STATE_REVOKED] = "revoked",
	[RSM_SEG_STATE_DESTROYED] = "destroyed",
};

/**
 * rsm_seg_state_name() - the sysfs word for a segment state
 * @state:	RSM_SEG_STATE_*
 *
 * Context: any.
 * Return: a static string.
 */
const char *rsm_seg_state_name(u32 state)
{
	if (state < ARRAY_SIZE(rsm_state_names) && rsm_state_names[state])
		return rsm_state_names[state];
	return "unknown";
}

/**
 * rsm_check_geometry() - check a segment geometry this node accepts
 * @part_size:	partition size
 * @part_count:	partitions
 * @span:	span factor
 *
 * Context: any.
 * Return: 0 or -EINVAL.
 */
int rsm_check_geometry(u32 part_size, u32 part_count, u32 span)
{
	if (part_size < RSM_PART_SIZE_MIN || part_size > RSM_PART_SIZE_MAX ||
	    !is_power_of_2(part_size))
		return -EINVAL;
	if (!part_count || part_count > RSM_PART_COUNT_MAX)
		return -EINVAL;
	if (!span || span > part_count)
		return -EINVAL;
	/* each object has a 4 GiB window of the mmap offset space */
	if (rsm_seg_layout(part_size, part_count).size > RSM_OBJ_SIZE_MAX)
		return -EINVAL;
	return 0;
}

/**
 * rsm_seg_new() - allocate a segment struct, with one reference
 * @ic:		interconnect of its memory (NULL: set later)
 * @part_size:	checked partition size
 * @part_count:	checked partition count
 * @span:	checked span factor
 *
 * Context: process context.
 * Return: the segment, or NULL.
 */
struct rsm_segment *rsm_seg_new(struct rsm_interconnect *ic, u32 part_size,
				u32 part_count, u32 span)
{
	struct rsm_segment *seg;

	seg = kzalloc(sizeof(*seg), GFP_KERNEL_ACCOUNT);
	if (!seg)
		return NULL;
	kref_init(&seg->ref);
	seg->ic = ic;
	seg->part_size = part_size;
	seg->part_count = part_count;
	seg->span = span;
	seg->size = rsm_seg_layout(part_size, part_count).size;
	seg->state = RSM_SEG_STATE_CREATED;
	INIT_LIST_HEAD(&seg->file_node);
	INIT_HLIST_NODE(&seg->registry_node);
	INIT_LIST_HEAD(&seg->importers);
	INIT_LIST_HEAD(&seg->channels);
	init_rwsem(&seg->fault_rwsem);
	atomic64_set(&seg->signals, 0);
	seg->mobj.seg = seg;
	return seg;
}

static void rsm_seg_release(struct kref *ref)
{
	struct rsm_segment *seg = container_of(ref, struct rsm_segment, ref);

	/* only a remote segment can still hold memory here */
	if (seg->mem_live)
		seg->ic->ops->seg_free(seg->ic, seg);
	rsm_mobj_fini(&seg->mobj);
	kfree_rcu(seg, rcu);
}

/**
 * rsm_seg_get() - take a reference on a segment
 * @seg:	a segment the caller already holds a reference to, or finds
 *		in a table under rsm_lock
 *
 * Context: any.
 */
void rsm_seg_get(struct rsm_segment *seg)
{
	kref_get(&seg->ref);
}

/**
 * rsm_seg_put() - drop a reference on a segment
 * @seg:	the segment
 *
 * The last put frees the struct (and, for a remote segment not yet
 * revoked, gives its memory back to the interconnect).
 *
 * Context: process context; may be called with mmap_lock or rsm_lock held.
 */
void rsm_seg_put(struct rsm_segment *seg)
{
	kref_put(&seg->ref, rsm_seg_release);
}

/* Write what the kernel owns of the header: geometry, then identity. */
static void rsm_seg_init_header(struct rsm_segment *seg)
{
	struct rsm_seg_layout_info l = rsm_seg_layout(seg->part_size,
						      seg->part_count);
	struct rsm_seg_header *hdr = seg->vaddr;

	/* the interconnect handed the memory over zeroed: every entry free */
	hdr->magic = RSM_SEG_MAGIC;
	hdr->version = RSM_SEG_VERSION;
	hdr->header_size = RSM_SEG_HEADER_SIZE;
	hdr->part_size = seg->part_size;
	hdr->part_count = seg->part_count;
	hdr->span = seg->span;
	hdr->state = seg->state;
	hdr->dir_offset = l.dir_offset;
	hdr->data_offset = l.data_offset;
	hdr->size = l.size;
	hdr->node_id = seg->node_id;
	hdr->seg_id = seg->id;
}

/*
 * Mirror a publish or unpublish into the header. The state is stored last
 * with release ordering, so a reader that sees PUBLISHED (acquire) also
 * sees the key and generation it was published with.
 */
static void rsm_seg_sync_header(struct rsm_segment *seg)
{
	struct rsm_seg_header *hdr = seg->vaddr;

	lockdep_assert_held(&rsm_lock);
	WRITE_ONCE(hdr->key, seg->key);
	WRITE_ONCE(hdr->generation, seg->generation);
	/* pairs with the reader's load-acquire of the state */
	smp_store_release(&hdr->state, seg->state);
}

/**
 * rsm_seg_counter() - read a counter the sending library keeps in a
 * segment's header
 * @seg:	the segment
 * @offset:	offsetof(struct rsm_seg_header, messages or bytes)
 *
 * Context: process context; takes @seg->fault_rwsem.
 * Return: the counter, or 0 once the memory is revoked or not mapped in the
 * kernel.
 */
u64 rsm_seg_counter(struct rsm_segment *seg, size_t offset)
{
	u64 val = 0;

	down_read(&seg->fault_rwsem);
	if (!seg->mobj.revoked && seg->vaddr)
		val = READ_ONCE(*(u64 *)(seg->vaddr + offset));
	up_read(&seg->fault_rwsem);
	return val;
}

/**
 * rsm_registry_find() - the local segment published under a key
 * @key:	the key
 *
 * Context: rsm_lock held.
 * Return: the segment, or NULL.
 */
struct rsm_segment *rsm_registry_find(u64 key)
{
	struct rsm_segment *seg;

	lockdep_assert_held(&rsm_lock);
	hash_for_each_possible(rsm_registry, seg, registry_node, key)
		if (seg->key == key)
			return seg;
	return NULL;
}

static void rsm_registry_remove(struct rsm_segment *seg)
{
	lockdep_assert_held(&rsm_lock);
	hash_del(&seg->registry_node);
	if (seg->ic->ops->unpublish)
		seg->ic->ops->unpublish(seg->ic, seg);
	atomic_long_dec(&rsm_stats.published);
	/* the event names the key the segment was published under */
	rsm_event_notify(RSM_EVENT_SEG_UNPUBLISHED, seg);
	seg->key = 0;
}

/*
 * Revoke every import and channel of @seg with @err and, with @memory_too,
 * the owner's own view (the memory is going). See "Revocation" in main.c.
 */
static void rsm_seg_revoke_locked(struct rsm_segment *seg, int err,
				  bool memory_too)
{
	struct rsm_imp *imp, *imp_next;
	struct rsm_channel *chan, *chan_next;
	unsigned int n = 0;

	lockdep_assert_held(&rsm_lock);
	down_write(&seg->fault_rwsem);
	list_for_each_entry(imp, &seg->importers, seg_node)
		imp->mobj.revoked = err;
	if (memory_too)
		seg->mobj.revoked = err;
	up_write(&seg->fault_rwsem);

	/* no fault maps the memory any more; remove what is mapped */
	list_for_each_entry_safe(imp, imp_next, &seg->importers, seg_node) {
		rsm_mobj_zap(&imp->mobj);
		list_del_init(&imp->seg_node);
		rsm_file_note_revoked(imp->mobj.file);
		n++;
	}
	seg->nr_importers = 0;
	list_for_each_entry_safe(chan, chan_next, &seg->channels, seg_node) {
		chan->revoked = err;
		list_del_init(&chan->seg_node);
		rsm_file_note_revoked(chan->file);
		n++;
	}
	if (memory_too)
		rsm_mobj_zap(&seg->mobj);
	if (n) {
		atomic64_add(n, &rsm_stats.revocations);
		rsm_event_notify(RSM_EVENT_SEG_REVOKED, seg);
	}
}

/**
 * rsm_seg_revoke() - revoke a remote segment: its node withdrew it or went
 * down
 * @seg:	a remote segment the caller holds a reference to
 * @err:	-EIDRM (withdrawn) or -EHOSTDOWN (node down): what the imports'
 *		next ioctls fail with
 *
 * Every import and channel of @seg is revoked, their mappings zapped, and
 * the interconnect's @seg_free called. Revoking twice is harmless.
 *
 * Context: process context; takes rsm_lock.
 */
void rsm_seg_revoke(struct rsm_segment *seg, int err)
{
	mutex_lock(&rsm_lock);
	if (!seg->mobj.revoked) {
		rsm_seg_revoke_locked(seg, err, true);
		seg->state = RSM_SEG_STATE_REVOKED;
		if (seg->mem_live) {
			seg->ic->ops->seg_free(seg->ic, seg);
			seg->mem_live = false;
		}
	}
	mutex_unlock(&rsm_lock);
}

/**
 * rsm_seg_kill() - destroy a local segment
 * @seg:	a segment in the segment table
 * @by_owner:	its owner file destroys it (ioctl or release); otherwise an
 *		administrator or the interconnect's removal does, and the
 *		owner file is told by a revocation
 *
 * Unpublishes it if published, revokes its imports, channels and the
 * owner's view, removes it from the tables and sysfs, gives its memory back
 * and drops the owner's reference.
 *
 * Context: rsm_lock held.
 */
void rsm_seg_kill(struct rsm_segment *seg, bool by_owner)
{
	struct rsm_file *owner;

	lockdep_assert_held(&rsm_lock);
	owner = rcu_dereference_protected(seg->owner,
					  lockdep_is_held(&rsm_lock));
	if (seg->state == RSM_SEG_STATE_PUBLISHED)
		rsm_registry_remove(seg);
	rsm_seg_revoke_locked(seg, -EIDRM, true);
	seg->state = RSM_SEG_STATE_DESTROYED;
	xa_erase(&rsm_segs, seg->id);
	rsm_mobj_remove(&seg->mobj);
	rsm_sysfs_del(&seg->kobj);

	spin_lock_irq(&owner->event_lock);
	list_del_init(&seg->file_node);
	owner->pending -= seg->pending;
	seg->pending = 0;
	spin_unlock_irq(&owner->event_lock);
	RCU_INIT_POINTER(seg->owner, NULL);
	if (by_owner)
		rsm_file_wake(owner);	/* a wait on this segment ends */
	else
		rsm_file_note_revoked(owner);
	rsm_event_notify(RSM_EVENT_SEG_DESTROYED, seg);

	rsm_uncharge(seg);
	seg->ic->ops->seg_free(seg->ic, seg);
	seg->mem_live = false;
	atomic_long_dec(&rsm_stats.segments);
	rsm_seg_put(seg);
}

/**
 * rsm_seg_find() - a local segment the calling file may act on
 * @rf:		the calling file
 * @seg_id:	the segment
 * @admin_ok:	CAP_SYS_ADMIN may act on a segment of another file
 *
 * Context: rsm_lock held.
 * Return: the segment, ERR_PTR(-ENOENT) if there is none, ERR_PTR(-EPERM)
 * if it belongs to another file.
 */
struct rsm_segment *rsm_seg_find(struct rsm_file *rf, u32 seg_id,
				 bool admin_ok)
{
	struct rsm_segment *seg;

	lockdep_assert_held(&rsm_lock);
	seg = xa_load(&rsm_segs, seg_id);
	if (!seg)
		return ERR_PTR(-ENOENT);
	if (rcu_access_pointer(seg->owner) == rf)
		return seg;
	if (admin_ok && capable(CAP_SYS_ADMIN))
		return seg;
	return ERR_PTR(-EPERM);
}

/* Destroy segment @id: @rf's, or any with CAP_SYS_ADMIN. */
static int rsm_seg_destroy_id(struct rsm_file *rf, u32 id)
{
	struct rsm_segment *seg;

	mutex_lock(&rsm_lock);
	seg = rsm_seg_find(rf, id, true);
	if (!IS_ERR(seg))
		rsm_seg_kill(seg, rcu_access_pointer(seg->owner) == rf);
	mutex_unlock(&rsm_lock);
	return PTR_ERR_OR_ZERO(seg);
}

/**
 * rsm_ioctl_seg_create() - RSM_IOC_SEG_CREATE: allocate a target segment
 * @rf:		the calling file, which will own it
 * @argp:	struct rsm_seg_create in user memory
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EINVAL for a bad geometry, flag or reserved field; -ENODEV for
 * an interconnect that is not present; -ENOSPC or -ENOMEM past a limit or
 * out of memory; -EFAULT.
 */
long rsm_ioctl_seg_create(struct rsm_file *rf, void __user *argp)
{
	struct rsm_seg_create args;
	struct rsm_interconnect *ic;
	struct rsm_segment *seg;
	int err;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || rsm_check_zero(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	err = rsm_check_geometry(args.part_size, args.part_count, args.span);
	if (err)
		return err;
	if (args.interconnect > RSM_IC_MAX)
		return -EINVAL;

	seg = rsm_seg_new(NULL, args.part_size, args.part_count, args.span);
	if (!seg)
		return -ENOMEM;
	err = rsm_mobj_init(&seg->mobj, RSM_MOBJ_SEGMENT, rf, RSM_ACCESS_RW);
	if (err)
		goto out_put;

	mutex_lock(&rsm_lock);
	ic = args.interconnect ? rsm_interconnect_get(args.interconnect) :
				 rsm_interconnect_default();
	if (!ic) {
		err = -ENODEV;
		goto out_unlock;
	}
	seg->ic = ic;
	seg->node_id = READ_ONCE(rsm_node_id);
	seg->uid = current_euid();
	seg->gid = current_egid();
	err = rsm_charge(seg);
	if (err)
		goto out_unlock;
	err = ic->ops->seg_alloc(ic, seg);
	if (err)
		goto out_uncharge;
	seg->mem_live = true;
	err = xa_alloc_cyclic(&rsm_segs, &seg->id, seg, XA_LIMIT(1, U32_MAX),
			      &rsm_next_seg_id, GFP_KERNEL);
	if (err < 0)
		goto out_free_mem;
	err = rsm_mobj_add(&seg->mobj);
	if (err)
		goto out_erase_id;
	rsm_seg_init_header(seg);
	err = rsm_sysfs_add_segment(seg);
	if (err)
		goto out_remove_mobj;

	rcu_assign_pointer(seg->owner, rf);
	spin_lock_irq(&rf->event_lock);
	list_add_tail(&seg->file_node, &rf->segments);
	spin_unlock_irq(&rf->event_lock);
	atomic_long_inc(&rsm_stats.segments);
	atomic64_inc(&rsm_stats.segments_created);
	rsm_event_notify(RSM_EVENT_SEG_CREATED, seg);

	args.seg_id = seg->id;
	args.size = seg->size;
	args.mmap_offset = RSM_MMAP_OFFSET(seg->mobj.id);
	mutex_unlock(&rsm_lock);

	if (copy_to_user(argp, &args, sizeof(args))) {
		/* the caller cannot know the id: do not leave it behind */
		rsm_seg_destroy_id(rf, args.seg_id);
		return -EFAULT;
	}
	return 0;

out_remove_mobj:
	rsm_mobj_remove(&seg->mobj);
out_erase_id:
	xa_erase(&rsm_segs, seg->id);
out_free_mem:
	ic->ops->seg_free(ic, seg);
	seg->mem_live = false;
out_uncharge:
	rsm_uncharge(seg);
out_unlock:
	mutex_unlock(&rsm_lock);
out_put:
	rsm_seg_put(seg);
	return err;
}

/**
 * rsm_ioctl_seg_destroy() - RSM_IOC_SEG_DESTROY: destroy a segment
 * @rf:		the calling file
 * @argp:	struct rsm_seg_ref in user memory
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EINVAL for a flag or reserved field; -ENOENT for no such
 * segment; -EPERM for another file's without CAP_SYS_ADMIN; -EFAULT.
 */
long rsm_ioctl_seg_destroy(struct rsm_file *rf, void __user *argp)
{
	struct rsm_seg_ref args;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.reserved)
		return -EINVAL;
	return rsm_seg_destroy_id(rf, args.seg_id);
}

/* the descriptor's owner and group: the caller's, or given by an admin */
static int rsm_publish_ids(const struct rsm_seg_publish *args, kuid_t *uid,
			   kgid_t *gid)
{
	*uid = current_euid();
	if (args->uid != RSM_ID_SELF) {
		*uid = make_kuid(current_user_ns(), args->uid);
		if (!uid_valid(*uid))
			return -EINVAL;
	}
	*gid = current_egid();
	if (args->gid != RSM_ID_SELF) {
		*gid = make_kgid(current_user_ns(), args->gid);
		if (!gid_valid(*gid))
			return -EINVAL;
	}
	if (!uid_eq(*uid, current_euid()) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!in_egroup_p(*gid) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

/**
 * rsm_ioctl_seg_publish() - RSM_IOC_SEG_PUBLISH: enter a segment in the registry
 * @rf:		the calling file, owner of the segment
 * @argp:	struct rsm_seg_publish in user memory
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EINVAL for a bad key, mode, id, flag or reserved field; -EPERM
 * for ids the caller may not claim or another file's segment; -ENOENT;
 * -EBUSY if already published; -EEXIST if the key is taken; -EFAULT.
 */
long rsm_ioctl_seg_publish(struct rsm_file *rf, void __user *argp)
{
	struct rsm_seg_publish args;
	struct rsm_segment *seg;
	kuid_t uid;
	kgid_t gid;
	int err;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.reserved || (args.mode & ~0777) || !args.key)
		return -EINVAL;
	err = rsm_publish_ids(&args, &uid, &gid);
	if (err)
		return err;

	mutex_lock(&rsm_lock);
	seg = rsm_seg_find(rf, args.seg_id, false);
	if (IS_ERR(seg)) {
		err = PTR_ERR(seg);
		goto out_unlock;
	}
	if (seg->state == RSM_SEG_STATE_PUBLISHED) {
		err = -EBUSY;
		goto out_unlock;
	}
	if (rsm_registry_find(args.key)) {
		err = -EEXIST;
		goto out_unlock;
	}
	seg->key = args.key;
	seg->uid = uid;
	seg->gid = gid;
	seg->mode = args.mode;
	seg->generation = ++rsm_generation;
	hash_add(rsm_registry, &seg->registry_node, seg->key);
	if (seg->ic->ops->publish) {
		err = seg->ic->ops->publish(seg->ic, seg);
		if (err) {
			hash_del(&seg->registry_node);
			seg->key = 0;
			goto out_unlock;
		}
	}
	seg->state = RSM_SEG_STATE_PUBLISHED;
	rsm_seg_sync_header(seg);
	atomic_long_inc(&rsm_stats.published);
	rsm_event_notify(RSM_EVENT_SEG_PUBLISHED, seg);
out_unlock:
	mutex_unlock(&rsm_lock);
	return err;
}

/**
 * rsm_ioctl_seg_unpublish() - RSM_IOC_SEG_UNPUBLISH: withdraw a segment and revoke its imports
 * @rf:		the calling file
 * @argp:	struct rsm_seg_ref in user memory
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EINVAL for a flag or reserved field or a segment not published;
 * -ENOENT; -EPERM for another file's without CAP_SYS_ADMIN; -EFAULT.
 */
long rsm_ioctl_seg_unpublish(struct rsm_file *rf, void __user *argp)
{
	struct rsm_segment *seg;
	struct rsm_seg_ref args;
	int err = 0;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.reserved)
		return -EINVAL;

	mutex_lock(&rsm_lock);
	seg = rsm_seg_find(rf, args.seg_id, true);
	if (IS_ERR(seg)) {
		err = PTR_ERR(seg);
	} else if (seg->state != RSM_SEG_STATE_PUBLISHED) {
		err = -EINVAL;
	} else {
		rsm_registry_remove(seg);
		rsm_seg_revoke_locked(seg, -EIDRM, false);
		seg->state = RSM_SEG_STATE_REVOKED;
		rsm_seg_sync_header(seg);
	}
	mutex_unlock(&rsm_lock);
	return err;
}

