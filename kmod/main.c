// SPDX-License-Identifier: GPL-2.0
/*
 * rsmdev - remote shared memory: target segments, their registry, source
 * images, segment groups, channels and doorbells. Documentation/rsmdev.rst
 * describes the interface; this comment describes how the code holds it
 * together.
 *
 * Objects. Each open of /dev/rsmdev is a struct rsm_file and owns what is
 * made through it: target segments (struct rsm_segment), imports of
 * published segments (struct rsm_imp; the import's mapping is the source
 * segment), segment groups (struct rsm_group) and channels (struct
 * rsm_channel). Segments, groups and channels have node-wide ids: the
 * segment table rsm_segs, the segment group table rsm_groups and the channel
 * table rsm_channels. Imports have ids per file. Every segment and import is
 * also a mappable object (struct rsm_mobj) with a node-wide object id in
 * rsm_mobjs, which mmap() selects by offset (RSM_MMAP_OFFSET(id)); only the
 * file owning an object may map it. The registry is a hash of the published
 * segments by key. An interconnect (interconnect.h) provides the memory.
 *
 * Reference counting. A segment is referenced by its owner until destroyed,
 * by each import and channel of it and by each VMA mapping it; an import by
 * its file's handle until unimported and by each VMA mapping it. Groups and
 * channels are not refcounted: they are destroyed explicitly under rsm_lock
 * and nothing that outlives them points at them. The memory of a local
 * segment is not tied to the refcount: it goes back to the interconnect when
 * the segment is destroyed, after every mapping of it was zapped (see
 * revocation); the struct lives until its last reference. Every VMA holds
 * the struct file it was made on, so a file is released only after all its
 * mappings are gone; release (close, exit and SIGKILL alike) then closes its
 * channels, destroys its groups, drops its imports and destroys its
 * segments, in that order, and nothing it held is left behind.
 *
 * Revocation. Unpublishing or destroying a segment revokes its imports and
 * channels; destroying also revokes the owner's own view; unimporting
 * revokes that import's view. Revoking a mappable object sets
 * rsm_mobj.revoked with the segment's fault_rwsem held for writing, then
 * zaps every PTE of the object in every process with unmap_mapping_range()
 * on rsm_mapping, the one address space all opens share (open points
 * file->f_mapping at it). A fault holds fault_rwsem for reading while it
 * checks revoked and inserts the page frame, so once the zap is done no PTE
 * can point into the segment: later faults map the object's own zeroed
 * scratch pages, never SIGBUS. There are two: one for the header page, one
 * shared by every other page, so what a racing sender writes into the data
 * area can never make the header read as valid (magic and state stay 0
 * unless the sender writes the kernel-owned fields itself). Mappings are
 * VM_PFNMAP, so get_user_pages() cannot pin segment memory behind the
 * revocation's back either. A revoked import keeps its handle until
 * unimported; its ioctls fail with EIDRM (EHOSTDOWN when a node went down)
 * and its file's waiters wake with a revocation counted.
 *
 * Locking, outermost first:
 *  - mmap_lock of an mm: held around ->mmap, VMA open/close and faults.
 *  - rsm_lock: a mutex serialising every change of the tables, the
 *    registry, the per-file object lists, object state and the accounts.
 *    Control ioctls take it; the data path (doorbells, faults) does not. It
 *    is never held across copy_from_user()/copy_to_user(), so a fault on
 *    one of our own mappings never nests inside it. sysfs show functions do
 *    not take it (they read single values with READ_ONCE()), so sysfs
 *    entries are removed with it held.
 *  - rsm_segment.fault_rwsem: read by faults, written by revocation.
 *  - the i_mmap_rwsem of rsm_mapping, taken by unmap_mapping_range() with
 *    rsm_lock held.
 *  - rsm_file.event_lock: a spinlock, irqsave because an interconnect may
 *    ring a doorbell from its interrupt handler; guards the signal and
 *    revocation counts.
 * Doorbells find a segment's owner file under RCU (rsm_segment.owner);
 * files, segments and imports are freed after a grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/rsmdev.h>

#include "rsm.h"

unsigned long rsm_max_bytes_per_user = 256UL << 20;
module_param_named(max_bytes_per_user, rsm_max_bytes_per_user, ulong, 0644);
MODULE_PARM_DESC(max_bytes_per_user,
		 "Segment bytes one uid may hold (default 256 MiB)");

unsigned long rsm_max_bytes_total = 1UL << 30;
module_param_named(max_bytes_total, rsm_max_bytes_total, ulong, 0644);
MODULE_PARM_DESC(max_bytes_total,
		 "Segment bytes all users may hold (default 1 GiB)");

unsigned int rsm_max_segs_per_process = 256;
module_param_named(max_segs_per_process, rsm_max_segs_per_process, uint,
		   0644);
MODULE_PARM_DESC(max_segs_per_process,
		 "Segments one process may own at once (default 256)");

unsigned int rsm_node_id;
module_param_named(node_id, rsm_node_id, uint, 0444);
MODULE_PARM_DESC(node_id, "This node's id (default 0)");

/* serialises every change of the tables and of object state; see above */
DEFINE_MUTEX(rsm_lock);
DEFINE_XARRAY_ALLOC1(rsm_segs);
DEFINE_XARRAY_ALLOC1(rsm_mobjs);
DEFINE_XARRAY_ALLOC1(rsm_groups);
DEFINE_XARRAY_ALLOC1(rsm_channels);
struct rsm_stats rsm_stats;

/*
 * The address space every open shares, so that one unmap_mapping_range()
 * reaches the mappings of an object in every process, whichever device node
 * they opened. It belongs to an inode of a private pseudo filesystem that is
 * mounted internally and never registered. The filesystem type has no
 * .owner on purpose: the internal mount would otherwise pin the module
 * forever; it is unmounted in rsm_exit() after the last file is gone.
 */
#define RSM_FS_MAGIC	0x52534d46	/* "RSMF" */

static struct vfsmount *rsm_mnt;
static struct inode *rsm_inode;
struct address_space *rsm_mapping;

static int rsm_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, RSM_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type rsm_fs_type = {
	.name = "rsmdev",
	.init_fs_context = rsm_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

/**
 * rsm_check_zero() - check that a reserved field is zero
 * @p:		the field
 * @len:	its size in bytes
 *
 * Context: any.
 * Return: 0 if every byte is zero, else -EINVAL.
 */
int rsm_check_zero(const void *p, size_t len)
{
	return memchr_inv(p, 0, len) ? -EINVAL : 0;
}

static int rsm_open(struct inode *inode, struct file *file)
{
	struct rsm_file *rf;

	rf = kzalloc(sizeof(*rf), GFP_KERNEL_ACCOUNT);
	if (!rf)
		return -ENOMEM;
	INIT_LIST_HEAD(&rf->segments);
	INIT_LIST_HEAD(&rf->groups);
	INIT_LIST_HEAD(&rf->channels);
	xa_init_flags(&rf->imports, XA_FLAGS_ALLOC1);
	spin_lock_init(&rf->event_lock);
	init_waitqueue_head(&rf->wq);
	file->private_data = rf;
	file->f_mapping = rsm_mapping;
	return 0;
}

/*
 * Destroy everything a file holds, however its process ended: channels
 * (with their groups), remaining groups, imports, then segments, so nothing
 * is destroyed while something else of the file still points at it.
 */
static void rsm_release_objects(struct rsm_file *rf)
{
	struct rsm_channel *chan, *chan_next;
	struct rsm_segment *seg, *seg_next;
	struct rsm_group *grp, *grp_next;
	struct rsm_imp *imp;
	unsigned long idx;

	mutex_lock(&rsm_lock);
	list_for_each_entry_safe(chan, chan_next, &rf->channels, file_node)
		rsm_channel_close(chan);
	list_for_each_entry_safe(grp, grp_next, &rf->groups, file_node)
		rsm_group_destroy(grp);
	xa_for_each(&rf->imports, idx, imp)
		rsm_import_drop(imp);
	list_for_each_entry_safe(seg, seg_next, &rf->segments, file_node)
		rsm_seg_kill(seg, true);
	mutex_unlock(&rsm_lock);
}

static int rsm_release(struct inode *inode, struct file *file)
{
	struct rsm_file *rf = file->private_data;

	rsm_release_objects(rf);
	xa_destroy(&rf->imports);
	kfree_rcu(rf, rcu);
	return 0;
}

static long rsm_ioctl_node_info(struct rsm_file *rf, void __user *argp)
{
	struct rsm_node_info info = {
		.abi_version = RSMDEV_ABI_VERSION,
		.node_id = READ_ONCE(rsm_node_id),
		.part_size_min = RSM_PART_SIZE_MIN,
		.part_size_max = RSM_PART_SIZE_MAX,
		.part_count_max = RSM_PART_COUNT_MAX,
		.max_segs_per_process = READ_ONCE(rsm_max_segs_per_process),
		.max_bytes_per_user = READ_ONCE(rsm_max_bytes_per_user),
		.max_bytes_total = READ_ONCE(rsm_max_bytes_total),
	};

	mutex_lock(&rsm_lock);
	info.interconnects = rsm_interconnect_mask();
	info.bytes_total = rsm_bytes_total();
	info.bytes_user = rsm_bytes_of(current_euid());
	mutex_unlock(&rsm_lock);

	if (copy_to_user(argp, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long rsm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct rsm_file *rf = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case RSM_IOC_NODE_INFO:
		return rsm_ioctl_node_info(rf, argp);
	case RSM_IOC_SEG_CREATE:
		return rsm_ioctl_seg_create(rf, argp);
	case RSM_IOC_SEG_DESTROY:
		return rsm_ioctl_seg_destroy(rf, argp);
	case RSM_IOC_SEG_PUBLISH:
		return rsm_ioctl_seg_publish(rf, argp);
	case RSM_IOC_SEG_UNPUBLISH:
		return rsm_ioctl_seg_unpublish(rf, argp);
	case RSM_IOC_LOOKUP:
		return rsm_ioctl_lookup(rf, argp);
	case RSM_IOC_IMPORT:
		return rsm_ioctl_import(rf, argp);
	case RSM_IOC_UNIMPORT:
		return rsm_ioctl_unimport(rf, argp);
	case RSM_IOC_GROUP_CREATE:
		return rsm_ioctl_group_create(rf, argp);
	case RSM_IOC_GROUP_DESTROY:
		return rsm_ioctl_group_destroy(rf, argp);
	case RSM_IOC_SIGNAL:
		return rsm_ioctl_signal(rf, argp);
	case RSM_IOC_WAIT:
		return rsm_ioctl_wait(rf, argp);
	case RSM_IOC_CHANNEL_OPEN:
		return rsm_ioctl_channel_open(rf, argp);
	case RSM_IOC_CHANNEL_CLOSE:
		return rsm_ioctl_channel_close(rf, argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations rsm_fops = {
	.owner = THIS_MODULE,
	.open = rsm_open,
	.release = rsm_release,
	.unlocked_ioctl = rsm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = rsm_mmap,
	.poll = rsm_poll,
	.llseek = noop_llseek,
};

/*
 * Anyone may open the device: what a user may reach is decided per segment
 * (owner, group, mode at import) and what a user may hold by the limits.
 */
static struct miscdevice rsm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = RSMDEV_NAME,
	.fops = &rsm_fops,
	.mode = 0666,
};

static void rsm_check_abi(void)
{
	/* the uapi sizes, pinned: a change here is an ABI break */
	BUILD_BUG_ON(sizeof(struct rsm_node_info) != 96);
	BUILD_BUG_ON(sizeof(struct rsm_seg_create) != 56);
	BUILD_BUG_ON(sizeof(struct rsm_seg_ref) != 16);
	BUILD_BUG_ON(sizeof(struct rsm_seg_publish) != 32);
	BUILD_BUG_ON(sizeof(struct rsm_descriptor) != 80);
	BUILD_BUG_ON(sizeof(struct rsm_lookup) != 96);
	BUILD_BUG_ON(sizeof(struct rsm_import) != 144);
	BUILD_BUG_ON(sizeof(struct rsm_handle) != 16);
	BUILD_BUG_ON(sizeof(struct rsm_group_create) != 40);
	BUILD_BUG_ON(sizeof(struct rsm_channel_open) != 40);
	BUILD_BUG_ON(sizeof(struct rsm_signal) != 16);
	BUILD_BUG_ON(sizeof(struct rsm_wait) != 32);
	BUILD_BUG_ON(sizeof(struct rsm_seg_header) != RSM_SEG_HEADER_SIZE);
	BUILD_BUG_ON(offsetof(struct rsm_seg_header, messages) != 80);
	BUILD_BUG_ON(offsetof(struct rsm_seg_header, user) != 128);
	BUILD_BUG_ON(sizeof(struct rsm_dir_entry) != 32);
	BUILD_BUG_ON(sizeof(struct rsm_seg_layout_info) != 24);
	/* a page-aligned segment size is a whole number of pages */
	BUILD_BUG_ON(4096 % PAGE_SIZE);
}

static int __init rsm_init(void)
{
	int err;

	rsm_check_abi();

	rsm_mnt = kern_mount(&rsm_fs_type);
	if (IS_ERR(rsm_mnt))
		return PTR_ERR(rsm_mnt);
	rsm_inode = alloc_anon_inode(rsm_mnt->mnt_sb);
	if (IS_ERR(rsm_inode)) {
		err = PTR_ERR(rsm_inode);
		goto out_unmount;
	}
	rsm_mapping = rsm_inode->i_mapping;

	err = rsm_sysfs_init();
	if (err)
		goto out_put_inode;
	/* before anything that can send an event */
	err = rsm_netlink_init();
	if (err)
		goto out_sysfs;
	err = rsm_interconnect_register(&rsm_loopback);
	if (err)
		goto out_netlink;
	err = rsm_ivshmem_init();
	if (err)
		goto out_loopback;
	err = misc_register(&rsm_misc);
	if (err)
		goto out_ivshmem;
	return 0;

out_ivshmem:
	rsm_ivshmem_exit();
out_loopback:
	rsm_interconnect_unregister(&rsm_loopback);
out_netlink:
	rsm_netlink_exit();
	rsm_nodes_exit();
out_sysfs:
	rsm_sysfs_exit();
out_put_inode:
	iput(rsm_inode);
out_unmount:
	kern_unmount(rsm_mnt);
	return err;
}

static void __exit rsm_exit(void)
{
	misc_deregister(&rsm_misc);
	rsm_ivshmem_exit();
	rsm_interconnect_unregister(&rsm_loopback);
	/* after the last event */
	rsm_netlink_exit();
	rsm_nodes_exit();
	rsm_sysfs_exit();
	rsm_limits_exit();
	iput(rsm_inode);
	kern_unmount(rsm_mnt);
}

module_init(rsm_init);
module_exit(rsm_exit);
MODULE_DESCRIPTION("Remote shared memory segments, registry and doorbells");
MODULE_LICENSE("GPL");
