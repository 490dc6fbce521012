// SPDX-License-Identifier: GPL-2.0
/*
 * The table of interconnects (interconnect.h): registration, the mask node
 * info reports, which interconnect reaches a node, and the core's side of
 * remote segments.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/rsmdev.h>

#include "rsm.h"

/* registered interconnects by RSM_IC_* id; rsm_lock */
static struct rsm_interconnect *rsm_ics[RSM_IC_MAX + 1];

/**
 * rsm_interconnect_get() - a registered interconnect by id
 * @id:		RSM_IC_*
 *
 * Context: rsm_lock held.
 * Return: the interconnect, or NULL if none is registered under @id.
 */
struct rsm_interconnect *rsm_interconnect_get(u32 id)
{
	lockdep_assert_held(&rsm_lock);
	return id <= RSM_IC_MAX ? rsm_ics[id] : NULL;
}

/**
 * rsm_interconnect_mask() - RSM_IC_BIT() of every registered interconnect
 *
 * Context: rsm_lock held.
 * Return: the mask.
 */
u32 rsm_interconnect_mask(void)
{
	u32 mask = 0, id;

	lockdep_assert_held(&rsm_lock);
	for (id = 0; id <= RSM_IC_MAX; id++)
		if (rsm_ics[id])
			mask |= RSM_IC_BIT(id);
	return mask;
}

/**
 * rsm_interconnect_register() - make an interconnect available
 * @ic:		filled in: id, name, ops
 *
 * Context: process context; takes rsm_lock.
 * Return: 0, -EINVAL for a bad id or missing ops, -EBUSY if the id is taken.
 */
int rsm_interconnect_register(struct rsm_interconnect *ic)
{
	int err = 0;

	if (!ic->id || ic->id > RSM_IC_MAX || !ic->ops->seg_alloc ||
	    !ic->ops->seg_free || !ic->ops->seg_pfn)
		return -EINVAL;
	mutex_lock(&rsm_lock);
	if (rsm_ics[ic->id])
		err = -EBUSY;
	else
		rsm_ics[ic->id] = ic;
	mutex_unlock(&rsm_lock);
	return err;
}

/**
 * rsm_interconnect_unregister() - withdraw an interconnect
 * @ic:		a registered interconnect
 *
 * Destroys every local segment whose memory @ic provides: their importers
 * and their owners see a revocation, their mappings are zapped and @ic's
 * @seg_free is called for each before this returns.
 *
 * Context: process context; takes rsm_lock.
 */
void rsm_interconnect_unregister(struct rsm_interconnect *ic)
{
	struct rsm_segment *seg;
	unsigned long idx;

	mutex_lock(&rsm_lock);
	xa_for_each(&rsm_segs, idx, seg)
		if (seg->ic == ic)
			rsm_seg_kill(seg, false);
	if (rsm_ics[ic->id] == ic)
		rsm_ics[ic->id] = NULL;
	mutex_unlock(&rsm_lock);
}

/**
 * rsm_interconnect_default() - what RSM_IC_DEFAULT means now
 *
 * Context: rsm_lock held.
 * Return: the registered interconnect that reaches other nodes (the one
 * with the highest id if several do), so that segments made without naming
 * one can be imported from anywhere; loopback when none does.
 */
struct rsm_interconnect *rsm_interconnect_default(void)
{
	u32 id;

	lockdep_assert_held(&rsm_lock);
	for (id = RSM_IC_MAX; id > RSM_IC_LOOPBACK; id--)
		if (rsm_ics[id] && rsm_ics[id]->ops->import)
			return rsm_ics[id];
	return rsm_ics[RSM_IC_LOOPBACK];
}

/**
 * rsm_ic_for_node() - the interconnect that reaches another node
 * @node_id:	a node other than this one
 *
 * Context: rsm_lock held.
 * Return: the interconnect; ERR_PTR(-EHOSTDOWN) if the node is known but
 * down, ERR_PTR(-ENXIO) if no interconnect knows it.
 */
struct rsm_interconnect *rsm_ic_for_node(u32 node_id)
{
	struct rsm_interconnect *ic;
	u32 id;

	lockdep_assert_held(&rsm_lock);
	for (id = 0; id <= RSM_IC_MAX; id++) {
		ic = rsm_ics[id];
		if (!ic || !ic->ops->node_state || !ic->ops->lookup ||
		    !ic->ops->import)
			continue;
		switch (ic->ops->node_state(ic, node_id)) {
		case RSM_NODE_UP:
			return ic;
		case RSM_NODE_DOWN:
			return ERR_PTR(-EHOSTDOWN);
		case RSM_NODE_UNKNOWN:
			break;
		}
	}
	return ERR_PTR(-ENXIO);
}

/**
 * rsm_seg_alloc_remote() - make this node's handle on a remote segment
 * @ic:		the interconnect that reaches it
 * @desc:	its descriptor, as read from its node's registry
 *
 * For an interconnect's @import op. The caller sets @ic_priv (and @vaddr,
 * if it maps the memory in the kernel) and returns the segment with its one
 * reference; the core gives @ic_priv back through @seg_free.
 *
 * Context: process context.
 * Return: the segment, or ERR_PTR(-EINVAL) for a descriptor whose geometry
 * or size this node does not accept, ERR_PTR(-ENOMEM).
 */
struct rsm_segment *rsm_seg_alloc_remote(struct rsm_interconnect *ic,
					 const struct rsm_descriptor *desc)
{
	struct rsm_segment *seg;

	if (rsm_check_geometry(desc->part_size, desc->part_count, desc->span))
		return ERR_PTR(-EINVAL);
	seg = rsm_seg_new(ic, desc->part_size, desc->part_count, desc->span);
	if (!seg)
		return ERR_PTR(-ENOMEM);
	if (seg->size != desc->size) {
		rsm_seg_put(seg);
		return ERR_PTR(-EINVAL);
	}
	seg->remote = true;
	seg->id = desc->seg_id;
	seg->node_id = desc->node_id;
	seg->key = desc->key;
	seg->generation = desc->generation;
	seg->uid = make_kuid(&init_user_ns, desc->uid);
	seg->gid = make_kgid(&init_user_ns, desc->gid);
	seg->mode = desc->mode & 0777;
	seg->state = desc->state;
	seg->mem_live = true;
	return seg;
}

