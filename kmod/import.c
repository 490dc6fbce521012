// SPDX-License-Identifier: GPL-2.0
/*
 * The importing side: look up a descriptor, import a published segment
 * (permission and generation checked here), unimport. An import is the
 * importing file's handle; its mapping is the source segment.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/rsmdev.h>

#include "rsm.h"

static bool rsm_node_is_local(u32 node_id)
{
	return node_id == RSM_NODE_LOCAL || node_id == READ_ONCE(rsm_node_id);
}

/*
 * Permission to import with @access (RSM_ACCESS_*), as for a file: the
 * owner bits if the caller's effective uid owns the descriptor, else the
 * group bits if it is in the descriptor's group, else the other bits.
 * CAP_IPC_OWNER overrides, as for System V shared memory.
 */
static int rsm_may_access(kuid_t uid, kgid_t gid, umode_t mode, u32 access)
{
	umode_t want = 0, granted;

	if (access & RSM_ACCESS_READ)
		want |= 04;
	if (access & RSM_ACCESS_WRITE)
		want |= 02;
	if (uid_eq(current_euid(), uid))
		granted = mode >> 6;
	else if (in_egroup_p(gid))
		granted = mode >> 3;
	else
		granted = mode;
	if ((granted & want) == want)
		return 0;
	return capable(CAP_IPC_OWNER) ? 0 : -EACCES;
}

/**
 * rsm_seg_describe() - the descriptor of a segment
 * @seg:	a segment (local or remote)
 * @ns:		user namespace to express the owner uid and gid in
 * @desc:	filled in
 *
 * Context: rsm_lock held.
 */
void rsm_seg_describe(struct rsm_segment *seg, struct user_namespace *ns,
		      struct rsm_descriptor *desc)
{
	struct rsm_interconnect *ic = seg->ic;

	lockdep_assert_held(&rsm_lock);
	memset(desc, 0, sizeof(*desc));
	desc->key = seg->key;
	desc->node_id = seg->node_id;
	desc->seg_id = seg->id;
	desc->part_size = seg->part_size;
	desc->part_count = seg->part_count;
	desc->span = seg->span;
	desc->interconnect = ic->id;
	desc->uid = from_kuid_munged(ns, seg->uid);
	desc->gid = from_kgid_munged(ns, seg->gid);
	desc->mode = seg->mode;
	desc->state = seg->state;
	desc->size = seg->size;
	desc->generation = seg->generation;
	desc->importers = seg->nr_importers;
	if (!seg->remote && ic->ops->remote_importers)
		desc->importers += ic->ops->remote_importers(ic, seg);
}

/**
 * rsm_resolve() - find a published segment and check that the caller may
 * import it
 * @node_id:	node of the segment, or RSM_NODE_LOCAL
 * @key:	its registry key
 * @generation:	0, or the generation it must still have
 * @access:	RSM_ACCESS_* wanted
 *
 * Context: rsm_lock held.
 * Return: the segment (local, or a remote one from the interconnect) with a
 * reference for the caller; ERR_PTR(-ENOENT) for no such key,
 * -ESTALE for another generation, -EACCES when not permitted, -ENXIO for a
 * node no interconnect reaches, -EHOSTDOWN for a node that is down.
 */
struct rsm_segment *rsm_resolve(u32 node_id, u64 key, u64 generation,
				u32 access)
{
	struct rsm_descriptor desc;
	struct rsm_interconnect *ic;
	struct rsm_segment *seg;
	int err;

	lockdep_assert_held(&rsm_lock);
	if (rsm_node_is_local(node_id)) {
		seg = rsm_registry_find(key);
		if (!seg)
			return ERR_PTR(-ENOENT);
		if (generation && generation != seg->generation)
			return ERR_PTR(-ESTALE);
		err = rsm_may_access(seg->uid, seg->gid, seg->mode, access);
		if (err)
			return ERR_PTR(err);
		rsm_seg_get(seg);
		return seg;
	}

	ic = rsm_ic_for_node(node_id);
	if (IS_ERR(ic))
		return ERR_CAST(ic);
	err = ic->ops->lookup(ic, node_id, key, &desc);
	if (err)
		return ERR_PTR(err);
	if (generation && generation != desc.generation)
		return ERR_PTR(-ESTALE);
	err = rsm_may_access(make_kuid(&init_user_ns, desc.uid),
			     make_kgid(&init_user_ns, desc.gid), desc.mode,
			     access);
	if (err)
		return ERR_PTR(err);
	return ic->ops->import(ic, &desc, access);
}

/**
 * rsm_ioctl_lookup() - RSM_IOC_LOOKUP: read a descriptor from a registry
 * @rf:		the calling file
 * @argp:	struct rsm_lookup in user memory
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EINVAL for a zero key or a flag; -ENOENT for no such key; -ENXIO
 * for an unknown node; -EHOSTDOWN for a node that is down; -EFAULT.
 */
long rsm_ioctl_lookup(struct rsm_file *rf, void __user *argp)
{
	struct rsm_interconnect *ic;
	struct rsm_segment *seg;
	struct rsm_lookup args;
	int err = 0;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || !args.key)
		return -EINVAL;

	mutex_lock(&rsm_lock);
	if (rsm_node_is_local(args.node_id)) {
		seg = rsm_registry_find(args.key);
		if (seg)
			rsm_seg_describe(seg, current_user_ns(), &args.desc);
		else
			err = -ENOENT;
	} else {
		ic = rsm_ic_for_node(args.node_id);
		if (IS_ERR(ic))
			err = PTR_ERR(ic);
		else
			err = ic->ops->lookup(ic, args.node_id, args.key,
					      &args.desc);
	}
	mutex_unlock(&rsm_lock);
	if (err)
		return err;
	if (copy_to_user(argp, &args, sizeof(args)))
		return -EFAULT;
	return 0;
}

static void rsm_import_release(struct kref *ref)
{
	struct rsm_imp *imp = container_of(ref, struct rsm_imp, ref);

	if (imp->mobj.seg)
		rsm_seg_put(imp->mobj.seg);
	rsm_mobj_fini(&imp->mobj);
	kfree_rcu(imp, rcu);
}

/**
 * rsm_import_get() - take a reference on an import
 * @imp:	an import the caller holds a reference to or found under
 *		rsm_lock
 *
 * Context: any.
 */
void rsm_import_get(struct rsm_imp *imp)
{
	kref_get(&imp->ref);
}

/**
 * rsm_import_put() - drop a reference on an import
 * @imp:	the import
 *
 * Context: process context; may be called with mmap_lock or rsm_lock held.
 */
void rsm_import_put(struct rsm_imp *imp)
{
	kref_put(&imp->ref, rsm_import_release);
}

/**
 * rsm_import_drop() - unimport: end an import's access and drop its handle
 * @imp:	an import in its file's table
 *
 * Its mappings, if any are left, are revoked (zapped; later faults see the
 * scratch page), so no mapping outlives the handle it was made from.
 *
 * Context: rsm_lock held.
 */
void rsm_import_drop(struct rsm_imp *imp)
{
	struct rsm_segment *seg = imp->mobj.seg;

	lockdep_assert_held(&rsm_lock);
	if (!imp->mobj.revoked) {
		down_write(&seg->fault_rwsem);
		imp->mobj.revoked = -EIDRM;
		up_write(&seg->fault_rwsem);
		rsm_mobj_zap(&imp->mobj);
	}
	if (!list_empty(&imp->seg_node)) {
		list_del_init(&imp->seg_node);
		seg->nr_importers--;
		rsm_event_notify(RSM_EVENT_SEG_UNIMPORTED, seg);
	}
	xa_erase(&imp->mobj.file->imports, imp->id);
	rsm_mobj_remove(&imp->mobj);
	atomic_long_dec(&rsm_stats.imports);
	rsm_import_put(imp);
}

/* Unimport @id if it is an import of @rf that no group uses. */
static int rsm_unimport_id(struct rsm_file *rf, u32 id)
{
	struct rsm_imp *imp;
	int err = 0;

	mutex_lock(&rsm_lock);
	imp = xa_load(&rf->imports, id);
	if (!imp)
		err = -ENOENT;
	else if (imp->nr_groups)
		err = -EBUSY;
	else
		rsm_import_drop(imp);
	mutex_unlock(&rsm_lock);
	return err;
}

/**
 * rsm_ioctl_import() - RSM_IOC_IMPORT: obtain an image of a published segment
 * @rf:		the calling file, which will hold the import
 * @argp:	struct rsm_import in user memory
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EINVAL for a bad access, key, flag or reserved field; -ENOENT,
 * -ESTALE, -EACCES, -ENXIO, -EHOSTDOWN as rsm_resolve(); -ENOMEM;
 * -EFAULT.
 */
long rsm_ioctl_import(struct rsm_file *rf, void __user *argp)
{
	struct rsm_segment *seg;
	struct rsm_import args;
	struct rsm_imp *imp;
	int err;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || rsm_check_zero(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	if (!args.access || (args.access & ~RSM_ACCESS_RW) || !args.key)
		return -EINVAL;

	imp = kzalloc(sizeof(*imp), GFP_KERNEL_ACCOUNT);
	if (!imp)
		return -ENOMEM;
	kref_init(&imp->ref);
	INIT_LIST_HEAD(&imp->seg_node);
	err = rsm_mobj_init(&imp->mobj, RSM_MOBJ_IMPORT, rf, args.access);
	if (err)
		goto out_put;

	mutex_lock(&rsm_lock);
	seg = rsm_resolve(args.node_id, args.key, args.generation,
			  args.access);
	if (IS_ERR(seg)) {
		err = PTR_ERR(seg);
		goto out_unlock;
	}
	imp->mobj.seg = seg;	/* the import's reference from here */
	err = xa_alloc_cyclic(&rf->imports, &imp->id, imp,
			      XA_LIMIT(1, U32_MAX), &rf->next_import_id,
			      GFP_KERNEL);
	if (err < 0)
		goto out_unlock;
	err = rsm_mobj_add(&imp->mobj);
	if (err)
		goto out_erase_id;
	list_add_tail(&imp->seg_node, &seg->importers);
	seg->nr_importers++;
	rsm_event_notify(RSM_EVENT_SEG_IMPORTED, seg);
	atomic_long_inc(&rsm_stats.imports);
	atomic64_inc(&rsm_stats.imports_created);

	args.import_id = imp->id;
	args.size = seg->size;
	args.mmap_offset = RSM_MMAP_OFFSET(imp->mobj.id);
	rsm_seg_describe(seg, current_user_ns(), &args.desc);
	mutex_unlock(&rsm_lock);

	if (copy_to_user(argp, &args, sizeof(args))) {
		/* the caller cannot know the id: do not leave it behind */
		rsm_unimport_id(rf, args.import_id);
		return -EFAULT;
	}
	return 0;

out_erase_id:
	xa_erase(&rf->imports, imp->id);
out_unlock:
	mutex_unlock(&rsm_lock);
out_put:
	rsm_import_put(imp);
	return err;
}

/**
 * rsm_ioctl_unimport() - RSM_IOC_UNIMPORT: drop an import
 * @rf:		the calling file
 * @argp:	struct rsm_handle in user memory
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EINVAL for a flag or reserved field; -ENOENT for no such import
 * on this file; -EBUSY while a segment group uses it; -EFAULT.
 */
long rsm_ioctl_unimport(struct rsm_file *rf, void __user *argp)
{
	struct rsm_handle args;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.reserved)
		return -EINVAL;
	return rsm_unimport_id(rf, args.id);
}

