// SPDX-License-Identifier: GPL-2.0
/*
 * State change events. Every change of a segment's state (created,
 * published, unpublished, imported, unimported, imports revoked,
 * destroyed), of the group table, of the channel table and of the node
 * table goes through rsm_event_notify(), in the order the tables saw it.
 * It logs at debug level (dynamic debug) and hands the event to the generic
 * netlink family "rsm", which multicasts it to the "events" group.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/printk.h>

#include "rsm.h"

static const char *const rsm_event_names[] = {
	[RSM_EVENT_SEG_CREATED] = "segment created",
	[RSM_EVENT_SEG_PUBLISHED] = "segment published",
	[RSM_EVENT_SEG_UNPUBLISHED] = "segment unpublished",
	[RSM_EVENT_SEG_REVOKED] = "segment imports revoked",
	[RSM_EVENT_SEG_DESTROYED] = "segment destroyed",
	[RSM_EVENT_GROUP_CREATED] = "group created",
	[RSM_EVENT_GROUP_DESTROYED] = "group destroyed",
	[RSM_EVENT_CHANNEL_OPENED] = "channel opened",
	[RSM_EVENT_CHANNEL_CLOSED] = "channel closed",
	[RSM_EVENT_SEG_IMPORTED] = "segment imported",
	[RSM_EVENT_SEG_UNIMPORTED] = "segment unimported",
	[RSM_EVENT_NODE_UP] = "node up",
	[RSM_EVENT_NODE_DOWN] = "node down",
};

/* the table id of the object an event is about */
static u32 rsm_event_id(enum rsm_event event, const void *obj)
{
	switch (event) {
	case RSM_EVENT_GROUP_CREATED:
	case RSM_EVENT_GROUP_DESTROYED:
		return ((const struct rsm_group *)obj)->id;
	case RSM_EVENT_CHANNEL_OPENED:
	case RSM_EVENT_CHANNEL_CLOSED:
		return ((const struct rsm_channel *)obj)->id;
	case RSM_EVENT_NODE_UP:
	case RSM_EVENT_NODE_DOWN:
		return ((const struct rsm_node *)obj)->id;
	default:
		return ((const struct rsm_segment *)obj)->id;
	}
}

/**
 * rsm_event_notify() - report a state change
 * @event:	what happened
 * @obj:	the object it happened to (see enum rsm_event for its type),
 *		still in its table
 *
 * Context: process context with rsm_lock held, so events are seen in table
 * order and the object can be read in full; may sleep (the event message is
 * allocated with GFP_KERNEL), so never under a spinlock; must not take
 * rsm_lock or wait for anything that does.
 */
void rsm_event_notify(enum rsm_event event, const void *obj)
{
	BUILD_BUG_ON(ARRAY_SIZE(rsm_event_names) != RSM_EVENT_COUNT);
	lockdep_assert_held(&rsm_lock);
	might_sleep();
	pr_debug("%s: %u\n", rsm_event_names[event], rsm_event_id(event, obj));
	rsm_netlink_notify(event, obj);
}
