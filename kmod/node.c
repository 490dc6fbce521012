// SPDX-License-Identifier: GPL-2.0
/*
 * The node table: the other nodes that interconnects reach, as they last
 * reported them. An interconnect calls rsm_node_set_state() when it sees a
 * node come up or go down; the node keeps its entry from then on, so an
 * operator still sees a node that went down, until the interconnect
 * forgets it (RSM_NODE_UNKNOWN, e.g. when it is removed). Every change of
 * state is an event (RSM_EVENT_NODE_UP/DOWN), multicast by netlink. This
 * node is not in the table: netlink describes it from the module's own
 * parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "rsm.h"

/* node id -> struct rsm_node; rsm_lock */
DEFINE_XARRAY(rsm_nodes);

static void rsm_node_forget(struct rsm_node *node)
{
	lockdep_assert_held(&rsm_lock);
	if (node->state == RSM_NODE_UP) {
		node->state = RSM_NODE_DOWN;
		node->changes++;
		rsm_event_notify(RSM_EVENT_NODE_DOWN, node);
	}
	xa_erase(&rsm_nodes, node->id);
	kfree(node);
}

/**
 * rsm_node_set_state() - an interconnect reports what it knows of a node
 * @ic:		the interconnect reaching the node
 * @node_id:	the node, not this one
 * @state:	RSM_NODE_UP or RSM_NODE_DOWN; RSM_NODE_UNKNOWN removes the
 *		node from the table (reported down first if it was up)
 *
 * Records @state in the node table and, when it changed, sends a node up
 * or node down event. Reporting the same state again does nothing.
 *
 * Context: process context; takes rsm_lock, so (as for rsm_seg_revoke())
 * the caller must not hold a lock that an interconnect op takes.
 * Return: 0; -EINVAL for this node's own id or a bad state; -ENOMEM when
 * the node could not be entered (no event is sent then).
 */
int rsm_node_set_state(struct rsm_interconnect *ic, u32 node_id,
		       enum rsm_node_state state)
{
	struct rsm_node *node, *fresh;
	int err = 0;

	if (node_id == READ_ONCE(rsm_node_id) || node_id == RSM_NODE_LOCAL ||
	    state > RSM_NODE_DOWN)
		return -EINVAL;
	/* allocated before the lock, in case the node is new */
	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);

	mutex_lock(&rsm_lock);
	node = xa_load(&rsm_nodes, node_id);
	if (state == RSM_NODE_UNKNOWN) {
		if (node && node->ic_id == ic->id)
			rsm_node_forget(node);
		goto out_unlock;
	}
	if (!node) {
		if (!fresh) {
			err = -ENOMEM;
			goto out_unlock;
		}
		fresh->id = node_id;
		fresh->state = RSM_NODE_UNKNOWN;
		err = xa_err(xa_store(&rsm_nodes, node_id, fresh, GFP_KERNEL));
		if (err)
			goto out_unlock;
		node = fresh;
		fresh = NULL;
	}
	node->ic_id = ic->id;
	if (node->state != state) {
		/* the first report of a node is its first state, not a change */
		if (node->state != RSM_NODE_UNKNOWN)
			node->changes++;
		node->state = state;
		rsm_event_notify(state == RSM_NODE_UP ? RSM_EVENT_NODE_UP :
			       RSM_EVENT_NODE_DOWN, node);
	}
out_unlock:
	mutex_unlock(&rsm_lock);
	kfree(fresh);
	return err;
}

/**
 * rsm_nodes_exit() - empty the node table
 *
 * Context: module exit, after every interconnect is unregistered.
 */
void rsm_nodes_exit(void)
{
	struct rsm_node *node;
	unsigned long id;

	mutex_lock(&rsm_lock);
	xa_for_each(&rsm_nodes, id, node) {
		xa_erase(&rsm_nodes, id);
		kfree(node);
	}
	mutex_unlock(&rsm_lock);
	xa_destroy(&rsm_nodes);
}
