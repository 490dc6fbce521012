// SPDX-License-Identifier: GPL-2.0
/*
 * The segment group table and the channel table.
 *
 * A segment group pairs a source segment (an import of the calling file)
 * with its target; the library sends through groups. A channel is one
 * sender's connection to one receiving endpoint, named by the endpoint's
 * registry key and the slot the sender claimed in it; its groups belong to
 * it and are destroyed with it. Both tables exist so that administrators
 * (sysfs, later netlink) see who talks to whom; the data path never looks
 * at them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/rsmdev.h>

#include "rsm.h"

/* cursors of the cyclic id allocations; rsm_lock */
static u32 rsm_next_group_id;
static u32 rsm_next_channel_id;

/**
 * rsm_group_destroy() - remove a segment group from the table and free it
 * @grp:	the group
 *
 * Context: rsm_lock held.
 */
void rsm_group_destroy(struct rsm_group *grp)
{
	lockdep_assert_held(&rsm_lock);
	rsm_event_notify(RSM_EVENT_GROUP_DESTROYED, grp);
	rsm_sysfs_del(&grp->kobj);
	xa_erase(&rsm_groups, grp->id);
	list_del(&grp->file_node);
	if (grp->chan) {
		list_del(&grp->chan_node);
		grp->chan->nr_groups--;
	}
	grp->imp->nr_groups--;
	atomic_long_dec(&rsm_stats.groups);
	kfree(grp);
}

/* Destroy group @id if it is one of @rf's. */
static int rsm_group_destroy_id(struct rsm_file *rf, u32 id)
{
	struct rsm_group *grp;
	int err = 0;

	mutex_lock(&rsm_lock);
	grp = xa_load(&rsm_groups, id);
	if (grp && grp->file == rf)
		rsm_group_destroy(grp);
	else
		err = -ENOENT;
	mutex_unlock(&rsm_lock);
	return err;
}

/**
 * rsm_ioctl_group_create() - RSM_IOC_GROUP_CREATE: enter a segment group in the table
 * @rf:		the calling file
 * @argp:	struct rsm_group_create in user memory
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EINVAL for sizes not the target's, a flag or reserved field;
 * -ENOENT for no such import or channel on this file; the revocation errno
 * (-EIDRM, -EHOSTDOWN) of a revoked import or channel; -ENOMEM; -EFAULT.
 */
long rsm_ioctl_group_create(struct rsm_file *rf, void __user *argp)
{
	struct rsm_channel *chan = NULL;
	struct rsm_group_create args;
	struct rsm_segment *target;
	struct rsm_imp *imp;
	struct rsm_group *grp;
	u32 id;
	int err;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || rsm_check_zero(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	grp = kzalloc(sizeof(*grp), GFP_KERNEL_ACCOUNT);
	if (!grp)
		return -ENOMEM;

	mutex_lock(&rsm_lock);
	imp = xa_load(&rf->imports, args.import_id);
	if (!imp) {
		err = -ENOENT;
		goto out_unlock;
	}
	if (imp->mobj.revoked) {
		err = imp->mobj.revoked;
		goto out_unlock;
	}
	target = imp->mobj.seg;
	if (args.part_size != target->part_size ||
	    args.part_count != target->part_count) {
		err = -EINVAL;
		goto out_unlock;
	}
	if (args.channel_id) {
		chan = xa_load(&rsm_channels, args.channel_id);
		if (!chan || chan->file != rf) {
			err = -ENOENT;
			goto out_unlock;
		}
		if (chan->revoked) {
			err = chan->revoked;
			goto out_unlock;
		}
	}
	grp->file = rf;
	grp->imp = imp;
	grp->chan = chan;
	err = xa_alloc_cyclic(&rsm_groups, &grp->id, grp, XA_LIMIT(1, U32_MAX),
			      &rsm_next_group_id, GFP_KERNEL);
	if (err < 0)
		goto out_unlock;
	err = rsm_sysfs_add_group(grp);
	if (err)
		goto out_erase_id;
	list_add_tail(&grp->file_node, &rf->groups);
	if (chan) {
		list_add_tail(&grp->chan_node, &chan->groups);
		chan->nr_groups++;
	}
	imp->nr_groups++;
	atomic_long_inc(&rsm_stats.groups);
	rsm_event_notify(RSM_EVENT_GROUP_CREATED, grp);
	id = grp->id;
	mutex_unlock(&rsm_lock);

	args.group_id = id;
	if (copy_to_user(argp, &args, sizeof(args))) {
		/* the caller cannot know the id: do not leave it behind */
		rsm_group_destroy_id(rf, id);
		return -EFAULT;
	}
	return 0;

out_erase_id:
	xa_erase(&rsm_groups, grp->id);
out_unlock:
	mutex_unlock(&rsm_lock);
	kfree(grp);
	return err;
}

/**
 * rsm_ioctl_group_destroy() - RSM_IOC_GROUP_DESTROY: remove a segment group
 * @rf:		the calling file
 * @argp:	struct rsm_handle in user memory
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EINVAL for a flag or reserved field; -ENOENT for no such group on
 * this file; -EFAULT.
 */
long rsm_ioctl_group_destroy(struct rsm_file *rf, void __user *argp)
{
	struct rsm_handle args;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.reserved)
		return -EINVAL;
	return rsm_group_destroy_id(rf, args.id);
}

/**
 * rsm_channel_close() - destroy a channel's groups, remove it from the
 * table and free it
 * @chan:	the channel
 *
 * Context: rsm_lock held.
 */
void rsm_channel_close(struct rsm_channel *chan)
{
	struct rsm_group *grp, *grp_next;

	lockdep_assert_held(&rsm_lock);
	list_for_each_entry_safe(grp, grp_next, &chan->groups, chan_node)
		rsm_group_destroy(grp);
	rsm_event_notify(RSM_EVENT_CHANNEL_CLOSED, chan);
	rsm_sysfs_del(&chan->kobj);
	xa_erase(&rsm_channels, chan->id);
	list_del(&chan->file_node);
	if (!list_empty(&chan->seg_node))
		list_del(&chan->seg_node);
	atomic_long_dec(&rsm_stats.channels);
	rsm_seg_put(chan->seg);
	kfree(chan);
}

/* Close channel @id if it is one of @rf's. */
static int rsm_channel_close_id(struct rsm_file *rf, u32 id)
{
	struct rsm_channel *chan;
	int err = 0;

	mutex_lock(&rsm_lock);
	chan = xa_load(&rsm_channels, id);
	if (chan && chan->file == rf)
		rsm_channel_close(chan);
	else
		err = -ENOENT;
	mutex_unlock(&rsm_lock);
	return err;
}

/**
 * rsm_ioctl_channel_open() - RSM_IOC_CHANNEL_OPEN: enter a channel in the table
 * @rf:		the calling file, the sender
 * @argp:	struct rsm_channel_open in user memory
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EINVAL for a zero key, a flag or reserved field; -ENOENT,
 * -EACCES, -ENXIO, -EHOSTDOWN as rsm_resolve(); -EEXIST for a slot in use;
 * -ENOMEM; -EFAULT.
 */
long rsm_ioctl_channel_open(struct rsm_file *rf, void __user *argp)
{
	struct rsm_channel_open args;
	struct rsm_channel *chan, *other;
	struct rsm_segment *seg;
	u32 id;
	int err;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || rsm_check_zero(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	if (!args.key)
		return -EINVAL;
	chan = kzalloc(sizeof(*chan), GFP_KERNEL_ACCOUNT);
	if (!chan)
		return -ENOMEM;
	INIT_LIST_HEAD(&chan->seg_node);
	INIT_LIST_HEAD(&chan->groups);

	mutex_lock(&rsm_lock);
	/* a sender must be allowed to write to the endpoint */
	seg = rsm_resolve(args.node_id, args.key, 0, RSM_ACCESS_WRITE);
	if (IS_ERR(seg)) {
		err = PTR_ERR(seg);
		goto out_unlock;
	}
	list_for_each_entry(other, &seg->channels, seg_node) {
		if (other->slot == args.slot) {
			err = -EEXIST;
			goto out_put_seg;
		}
	}
	chan->file = rf;
	chan->seg = seg;
	chan->node_id = seg->node_id;
	chan->slot = args.slot;
	chan->key = args.key;
	err = xa_alloc_cyclic(&rsm_channels, &chan->id, chan,
			      XA_LIMIT(1, U32_MAX), &rsm_next_channel_id,
			      GFP_KERNEL);
	if (err < 0)
		goto out_put_seg;
	err = rsm_sysfs_add_channel(chan);
	if (err)
		goto out_erase_id;
	list_add_tail(&chan->file_node, &rf->channels);
	list_add_tail(&chan->seg_node, &seg->channels);
	atomic_long_inc(&rsm_stats.channels);
	rsm_event_notify(RSM_EVENT_CHANNEL_OPENED, chan);
	id = chan->id;
	mutex_unlock(&rsm_lock);

	args.channel_id = id;
	if (copy_to_user(argp, &args, sizeof(args))) {
		rsm_channel_close_id(rf, id);
		return -EFAULT;
	}
	return 0;

out_erase_id:
	xa_erase(&rsm_channels, chan->id);
out_put_seg:
	rsm_seg_put(seg);
out_unlock:
	mutex_unlock(&rsm_lock);
	kfree(chan);
	return err;
}

/**
 * rsm_ioctl_channel_close() - RSM_IOC_CHANNEL_CLOSE: remove a channel and its groups
 * @rf:		the calling file
 * @argp:	struct rsm_handle in user memory
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EINVAL for a flag or reserved field; -ENOENT for no such channel
 * on this file; -EFAULT.
 */
long rsm_ioctl_channel_close(struct rsm_file *rf, void __user *argp)
{
	struct rsm_handle args;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.reserved)
		return -EINVAL;
	return rsm_channel_close_id(rf, args.id);
}
