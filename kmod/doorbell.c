// SPDX-License-Identifier: GPL-2.0
/*
 * Doorbells and waiting: RSM_IOC_SIGNAL, RSM_IOC_WAIT and poll().
 *
 * A signal to a segment counts one pending signal on the segment and on its
 * owner file and wakes the file's waitqueue; a signal to importers counts
 * one on each importing file. A revocation counts one on the file holding
 * the revoked import or channel. The counts are sticky: RSM_IOC_WAIT
 * consumes them, poll() only reports them, so a signal that arrives before
 * the receiver sleeps is never lost (Documentation/design.md, "Doorbells").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/rsmdev.h>

#include "rsm.h"

/*
 * Ring a local segment's owner. Any context; the caller holds RCU or a
 * reference on @seg.
 */
static void rsm_seg_ring(struct rsm_segment *seg)
{
	struct rsm_file *rf;
	unsigned long flags;

	atomic64_inc(&seg->signals);
	atomic64_inc(&rsm_stats.signals);
	rcu_read_lock();
	rf = rcu_dereference(seg->owner);
	if (rf) {
		spin_lock_irqsave(&rf->event_lock, flags);
		/* not counted once rsm_seg_kill() took it off the file */
		if (!list_empty(&seg->file_node)) {
			seg->pending++;
			rf->pending++;
		}
		spin_unlock_irqrestore(&rf->event_lock, flags);
		wake_up_interruptible_poll(&rf->wq, EPOLLIN | EPOLLRDNORM);
	}
	rcu_read_unlock();
}

/**
 * rsm_doorbell() - another node rang a local segment
 * @seg_id:	the segment
 *
 * For interconnects: counts a signal and wakes the segment's owner, as a
 * local RSM_IOC_SIGNAL does. An unknown or destroyed segment is ignored.
 *
 * Context: any, including hard interrupt.
 */
void rsm_doorbell(u32 seg_id)
{
	struct rsm_segment *seg;

	rcu_read_lock();
	seg = xa_load(&rsm_segs, seg_id);
	if (seg)
		rsm_seg_ring(seg);
	rcu_read_unlock();
}

/* Count a signal on an importing file (the reverse direction). */
static void rsm_file_signal(struct rsm_file *rf)
{
	unsigned long flags;

	atomic64_inc(&rsm_stats.signals);
	spin_lock_irqsave(&rf->event_lock, flags);
	rf->pending++;
	spin_unlock_irqrestore(&rf->event_lock, flags);
	wake_up_interruptible_poll(&rf->wq, EPOLLIN | EPOLLRDNORM);
}

/**
 * rsm_seg_signal_importers() - signal every file importing a segment
 * @seg:	a segment (remote: another node's owner signalled its
 *		importers, RSM_SIGNAL_F_IMPORTERS there)
 *
 * Context: process context; takes rsm_lock.
 */
void rsm_seg_signal_importers(struct rsm_segment *seg)
{
	struct rsm_imp *imp;

	mutex_lock(&rsm_lock);
	list_for_each_entry(imp, &seg->importers, seg_node)
		rsm_file_signal(imp->mobj.file);
	mutex_unlock(&rsm_lock);
}

/**
 * rsm_file_note_revoked() - count a revocation on a file and wake it
 * @rf:		a file one of whose imports or channels was just revoked
 *
 * Context: any; the caller keeps @rf alive (rsm_lock or RCU).
 */
void rsm_file_note_revoked(struct rsm_file *rf)
{
	unsigned long flags;

	spin_lock_irqsave(&rf->event_lock, flags);
	rf->revoked++;
	spin_unlock_irqrestore(&rf->event_lock, flags);
	wake_up_interruptible_poll(&rf->wq, EPOLLPRI);
}

/**
 * rsm_file_wake() - wake a file's waiters so they look at their condition
 * @rf:		the file
 *
 * Context: any; the caller keeps @rf alive.
 */
void rsm_file_wake(struct rsm_file *rf)
{
	wake_up_interruptible_all(&rf->wq);
}

/**
 * rsm_ioctl_signal() - RSM_IOC_SIGNAL: ring a doorbell
 * @rf:		the calling file
 * @argp:	struct rsm_signal in user memory
 *
 * Context: process context; takes rsm_lock only with RSM_SIGNAL_F_IMPORTERS.
 * Return: 0; -EINVAL for an unknown flag or reserved field; -ENOENT for no such
 * import (or segment); -EPERM for another file's segment; the revocation
 * errno of a revoked import; -EOPNOTSUPP when the interconnect cannot
 * ring; -EFAULT.
 */
long rsm_ioctl_signal(struct rsm_file *rf, void __user *argp)
{
	struct rsm_interconnect *ic;
	struct rsm_segment *seg;
	struct rsm_imp *imp;
	struct rsm_signal args;
	int err = 0;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~RSM_SIGNAL_F_IMPORTERS) || args.reserved)
		return -EINVAL;

	if (args.flags & RSM_SIGNAL_F_IMPORTERS) {
		mutex_lock(&rsm_lock);
		seg = rsm_seg_find(rf, args.id, false);
		if (IS_ERR(seg)) {
			err = PTR_ERR(seg);
		} else {
			list_for_each_entry(imp, &seg->importers, seg_node)
				rsm_file_signal(imp->mobj.file);
			if (seg->ic->ops->signal_importers)
				seg->ic->ops->signal_importers(seg->ic, seg);
		}
		mutex_unlock(&rsm_lock);
		return err;
	}

	/* the data path: no mutex, the import is found under RCU */
	rcu_read_lock();
	imp = xa_load(&rf->imports, args.id);
	if (imp && !kref_get_unless_zero(&imp->ref))
		imp = NULL;
	rcu_read_unlock();
	if (!imp)
		return -ENOENT;

	err = READ_ONCE(imp->mobj.revoked);
	seg = imp->mobj.seg;
	if (!err) {
		if (seg->remote) {
			ic = seg->ic;
			err = ic->ops->signal ? ic->ops->signal(ic, seg) :
						-EOPNOTSUPP;
		} else {
			rsm_seg_ring(seg);
		}
	}
	rsm_import_put(imp);
	return err;
}

/*
 * Consume what a wait returns: the signals of @seg (or of the whole file
 * when @seg is NULL) and the file's revocations. True if there was any.
 */
static bool rsm_wait_take(struct rsm_file *rf, struct rsm_segment *seg,
			  u64 *pending, u32 *revoked)
{
	struct rsm_segment *owned;

	spin_lock_irq(&rf->event_lock);
	if (seg) {
		*pending = seg->pending;
		rf->pending -= seg->pending;
		seg->pending = 0;
	} else {
		*pending = rf->pending;
		rf->pending = 0;
		list_for_each_entry(owned, &rf->segments, file_node)
			owned->pending = 0;
	}
	*revoked = rf->revoked;
	rf->revoked = 0;
	spin_unlock_irq(&rf->event_lock);
	return *pending || *revoked;
}

static bool rsm_wait_ready(struct rsm_file *rf, struct rsm_segment *seg)
{
	bool ready;

	spin_lock_irq(&rf->event_lock);
	ready = rf->revoked || (seg ? seg->pending || seg->mobj.revoked :
				     rf->pending);
	spin_unlock_irq(&rf->event_lock);
	return ready;
}

/* Sleep until rsm_wait_ready(), for at most @left unless forever. */
static long rsm_wait_sleep(struct rsm_file *rf, struct rsm_segment *seg,
			   bool forever, ktime_t left)
{
	if (forever)
		return wait_event_interruptible(rf->wq, rsm_wait_ready(rf, seg));
	return wait_event_interruptible_hrtimeout(rf->wq,
						  rsm_wait_ready(rf, seg),
						  left);
}

/* Block until something to take, the deadline, or a signal. */
static int rsm_wait_events(struct rsm_file *rf, struct rsm_segment *seg,
			   s64 timeout_ns, struct rsm_wait *args)
{
	bool forever = timeout_ns == RSM_WAIT_FOREVER;
	ktime_t deadline = 0, left = 0;
	long ret;

	/* any s64 is a valid limit: saturate rather than overflow */
	if (!forever)
		deadline = ktime_add_safe(ktime_get(), ns_to_ktime(timeout_ns));
	for (;;) {
		if (rsm_wait_take(rf, seg, &args->pending, &args->revoked))
			return 0;
		if (seg && READ_ONCE(seg->mobj.revoked))
			return seg->mobj.revoked;
		if (!timeout_ns)
			return -EAGAIN;
		if (!forever) {
			left = ktime_sub(deadline, ktime_get());
			if (left <= 0)
				return -ETIMEDOUT;
		}
		ret = rsm_wait_sleep(rf, seg, forever, left);
		if (ret == -ETIME)
			return -ETIMEDOUT;
		if (ret)
			return -EINTR;
	}
}

/**
 * rsm_ioctl_wait() - RSM_IOC_WAIT: wait for signals or revocations and take them
 * @rf:		the calling file
 * @argp:	struct rsm_wait in user memory
 *
 * Context: process context; sleeps; takes rsm_lock briefly.
 * Return: 0 with what was taken; -EINVAL for a bad timeout, flag or reserved
 * field; -ENOENT or -EPERM for a segment that is not the file's; -EAGAIN,
 * -ETIMEDOUT, -EINTR; -EIDRM when the segment waited on is destroyed;
 * -EFAULT.
 */
long rsm_ioctl_wait(struct rsm_file *rf, void __user *argp)
{
	struct rsm_segment *seg = NULL;
	struct rsm_wait args;
	int err;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.reserved)
		return -EINVAL;
	if (args.timeout_ns < 0 && args.timeout_ns != RSM_WAIT_FOREVER)
		return -EINVAL;

	if (args.seg_id) {
		mutex_lock(&rsm_lock);
		seg = rsm_seg_find(rf, args.seg_id, false);
		if (IS_ERR(seg)) {
			mutex_unlock(&rsm_lock);
			return PTR_ERR(seg);
		}
		rsm_seg_get(seg);
		mutex_unlock(&rsm_lock);
	}

	err = rsm_wait_events(rf, seg, args.timeout_ns, &args);
	if (seg)
		rsm_seg_put(seg);
	if (err)
		return err;
	if (copy_to_user(argp, &args, sizeof(args)))
		return -EFAULT;
	return 0;
}

/**
 * rsm_poll() - readiness of a file: EPOLLIN while signals are pending,
 * EPOLLPRI while revocations are
 * @file:	an open of /dev/rsmdev
 * @wait:	poll table
 *
 * Context: process context.
 * Return: the mask.
 */
__poll_t rsm_poll(struct file *file, struct poll_table_struct *wait)
{
	struct rsm_file *rf = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &rf->wq, wait);
	spin_lock_irq(&rf->event_lock);
	if (rf->pending)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (rf->revoked)
		mask |= EPOLLPRI;
	spin_unlock_irq(&rf->event_lock);
	return mask;
}
