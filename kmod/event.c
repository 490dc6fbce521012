// SPDX-License-Identifier: GPL-2.0
/*
 * State change events. Every change of a segment's state (created,
 * published, unpublished, imports revoked, destroyed), of the group table
 * and of the channel table goes through rsm_event_notify(), in the order
 * the tables saw it. Today it only logs at debug level (dynamic debug);
 * the generic netlink family "rsm" multicasts from here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

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
 * Context: rsm_lock held, so events are seen in table order and the object
 * can be read in full; must not take rsm_lock or wait for anything that
 * does.
 */
void rsm_event_notify(enum rsm_event event, const void *obj)
{
	lockdep_assert_held(&rsm_lock);
	pr_debug("%s: %u\n", rsm_event_names[event], rsm_event_id(event, obj));
}
