// SPDX-License-Identifier: GPL-2.0
/*
 * Limits and accounting of segment memory.
 *
 * Every local segment is charged, for its whole size, to the effective uid
 * that created it and, by count, to the creating process (thread group).
 * Creation fails with ENOMEM past max_bytes_per_user or max_bytes_total and
 * with ENOSPC past max_segs_per_process (module parameters, which root may
 * change at run time; a lower limit applies to the next creation). The
 * memory itself is also charged to the creator's memory cgroup
 * (GFP_KERNEL_ACCOUNT). All state here is guarded by rsm_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "rsm.h"

/**
 * struct rsm_account - what one uid or one process holds
 * @node:	in rsm_users or rsm_procs
 * @uid:	the uid (user accounts)
 * @pid:	the thread group, referenced (process accounts)
 * @bytes:	segment bytes charged
 * @nr_segs:	segments charged; the account is freed when it drops to 0
 *
 * All fields guarded by rsm_lock.
 */
struct rsm_account {
	struct hlist_node node;
	kuid_t uid;
	struct pid *pid;
	u64 bytes;
	unsigned int nr_segs;
};

static DEFINE_HASHTABLE(rsm_users, 6);
static DEFINE_HASHTABLE(rsm_procs, 6);
/* segment bytes held on this node; rsm_lock */
static u64 rsm_bytes;

static struct rsm_account *rsm_user_find(kuid_t uid)
{
	struct rsm_account *acct;

	lockdep_assert_held(&rsm_lock);
	hash_for_each_possible(rsm_users, acct, node, __kuid_val(uid))
		if (uid_eq(acct->uid, uid))
			return acct;
	return NULL;
}

static struct rsm_account *rsm_user_get(kuid_t uid)
{
	struct rsm_account *acct = rsm_user_find(uid);

	if (acct)
		return acct;
	acct = kzalloc(sizeof(*acct), GFP_KERNEL_ACCOUNT);
	if (!acct)
		return NULL;
	acct->uid = uid;
	hash_add(rsm_users, &acct->node, __kuid_val(uid));
	return acct;
}

static struct rsm_account *rsm_proc_get(struct pid *pid)
{
	struct rsm_account *acct;

	lockdep_assert_held(&rsm_lock);
	hash_for_each_possible(rsm_procs, acct, node, (unsigned long)pid)
		if (acct->pid == pid)
			return acct;
	acct = kzalloc(sizeof(*acct), GFP_KERNEL_ACCOUNT);
	if (!acct)
		return NULL;
	acct->pid = get_pid(pid);
	hash_add(rsm_procs, &acct->node, (unsigned long)pid);
	return acct;
}

/* Free an account that holds nothing. */
static void rsm_account_trim(struct rsm_account *acct)
{
	lockdep_assert_held(&rsm_lock);
	if (acct->nr_segs)
		return;
	hash_del(&acct->node);
	put_pid(acct->pid);
	kfree(acct);
}

/**
 * rsm_charge() - charge a new segment to the caller's uid and process
 * @seg:	the segment, its size set
 *
 * Context: rsm_lock held.
 * Return: 0; -ENOSPC when the process owns max_segs_per_process segments;
 * -ENOMEM when the uid or the node would pass its byte limit, or out of
 * memory.
 */
int rsm_charge(struct rsm_segment *seg)
{
	struct rsm_account *user, *proc;
	int err = 0;

	lockdep_assert_held(&rsm_lock);
	user = rsm_user_get(current_euid());
	if (!user)
		return -ENOMEM;
	proc = rsm_proc_get(task_tgid(current));
	if (!proc) {
		rsm_account_trim(user);
		return -ENOMEM;
	}
	if (proc->nr_segs >= READ_ONCE(rsm_max_segs_per_process))
		err = -ENOSPC;
	else if (user->bytes + seg->size > READ_ONCE(rsm_max_bytes_per_user))
		err = -ENOMEM;
	else if (rsm_bytes + seg->size > READ_ONCE(rsm_max_bytes_total))
		err = -ENOMEM;
	if (err) {
		rsm_account_trim(proc);
		rsm_account_trim(user);
		return err;
	}
	user->bytes += seg->size;
	user->nr_segs++;
	proc->nr_segs++;
	WRITE_ONCE(rsm_bytes, rsm_bytes + seg->size);
	seg->user_acct = user;
	seg->proc_acct = proc;
	return 0;
}

/**
 * rsm_uncharge() - give back what rsm_charge() took
 * @seg:	a charged segment (an uncharged one is ignored)
 *
 * Context: rsm_lock held.
 */
void rsm_uncharge(struct rsm_segment *seg)
{
	lockdep_assert_held(&rsm_lock);
	if (!seg->user_acct)
		return;
	seg->user_acct->bytes -= seg->size;
	seg->user_acct->nr_segs--;
	seg->proc_acct->nr_segs--;
	WRITE_ONCE(rsm_bytes, rsm_bytes - seg->size);
	rsm_account_trim(seg->user_acct);
	rsm_account_trim(seg->proc_acct);
	seg->user_acct = NULL;
	seg->proc_acct = NULL;
}

/**
 * rsm_bytes_of() - segment bytes charged to a uid
 * @uid:	the uid
 *
 * Context: rsm_lock held.
 * Return: the bytes.
 */
u64 rsm_bytes_of(kuid_t uid)
{
	struct rsm_account *acct = rsm_user_find(uid);

	return acct ? acct->bytes : 0;
}

/**
 * rsm_bytes_total() - segment bytes held on this node
 *
 * Context: any; a snapshot (sysfs reads it without rsm_lock).
 * Return: the bytes.
 */
u64 rsm_bytes_total(void)
{
	return READ_ONCE(rsm_bytes);
}

/**
 * rsm_limits_exit() - check that nothing is charged any more
 *
 * Context: module exit, after the last file is released.
 */
void rsm_limits_exit(void)
{
	WARN_ON(!hash_empty(rsm_users) || !hash_empty(rsm_procs) || rsm_bytes);
}
