// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "rsm": get and dump of the segment table, the
 * registry, the segment group table, the channel table and the nodes; an
 * administrator's segment destroy; and the "events" multicast group fed by
 * rsm_event_notify(). Documentation/netlink/specs/rsm.yaml specifies it;
 * the per-operation policies and the ops table are rendered from the spec
 * into netlink-gen.c, the handlers are here.
 *
 * Locking. Every handler takes rsm_lock to read the tables and drops it
 * before it returns, so nothing is held while user space reads. The family
 * runs with parallel_ops (no genl_mutex around the handlers): rsm_lock is
 * all the serialisation they need, and the lock order stays genetlink's
 * locks, then rsm_lock, then the netlink socket locks the multicast takes.
 *
 * Dumps. A dump callback fills one skb with as many objects as fit, in
 * table id order, and records in cb->args[0] the id to resume from; the
 * next call looks the table up again from that id. An object created or
 * destroyed between two calls is simply there or not when the walk passes
 * its id: no object is reported twice, no pointer survives a call. Every
 * message of a dump part carries NLM_F_DUMP_INTR when any table changed
 * since the previous part (rsm_netlink_seq counts the events), so a reader
 * that needs one coherent snapshot knows to ask again.
 *
 * Events are built and sent from rsm_event_notify(), in process context
 * with rsm_lock held (never under a spinlock: see the callers in rsm.h),
 * so the message is allocated with GFP_KERNEL; nothing is allocated when
 * nobody listens. When a message cannot be allocated the listeners get
 * ENOBUFS on their sockets, as after an overrun, instead of a silent gap.
 * Owner uids and gids are given in the requesting socket's user namespace
 * (in the initial one for events).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/stddef.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <linux/rsmdev.h>

#include "netlink-gen.h"
#include "rsm.h"

static struct genl_family rsm_nl_family;

/* bumped by every event, so dumps can flag a change between parts; rsm_lock */
static unsigned int rsm_netlink_seq = 1;

/* The command each event is multicast as. */
static const u8 rsm_event_cmd[] = {
	[RSM_EVENT_SEG_CREATED] = RSM_CMD_SEG_CREATED_NTF,
	[RSM_EVENT_SEG_PUBLISHED] = RSM_CMD_SEG_PUBLISHED_NTF,
	[RSM_EVENT_SEG_UNPUBLISHED] = RSM_CMD_SEG_UNPUBLISHED_NTF,
	[RSM_EVENT_SEG_REVOKED] = RSM_CMD_SEG_REVOKED_NTF,
	[RSM_EVENT_SEG_DESTROYED] = RSM_CMD_SEG_DESTROYED_NTF,
	[RSM_EVENT_GROUP_CREATED] = RSM_CMD_GROUP_CREATED_NTF,
	[RSM_EVENT_GROUP_DESTROYED] = RSM_CMD_GROUP_DESTROYED_NTF,
	[RSM_EVENT_CHANNEL_OPENED] = RSM_CMD_CHANNEL_OPENED_NTF,
	[RSM_EVENT_CHANNEL_CLOSED] = RSM_CMD_CHANNEL_CLOSED_NTF,
	[RSM_EVENT_SEG_IMPORTED] = RSM_CMD_SEG_IMPORTED_NTF,
	[RSM_EVENT_SEG_UNIMPORTED] = RSM_CMD_SEG_UNIMPORTED_NTF,
	[RSM_EVENT_NODE_UP] = RSM_CMD_NODE_UP_NTF,
	[RSM_EVENT_NODE_DOWN] = RSM_CMD_NODE_DOWN_NTF,
};

/* puts the attributes of one object; -EMSGSIZE when @skb is full */
typedef int (*rsm_nl_fill_t)(struct sk_buff *skb, const void *obj,
			     struct user_namespace *ns);

static struct user_namespace *rsm_nl_ns(const struct sk_buff *request)
{
	return sk_user_ns(NETLINK_CB(request).sk);
}

/* --- attributes of each kind of object ---------------------------------- */

/* The descriptor part of the "seg" attribute set. */
static int rsm_nl_put_desc(struct sk_buff *skb,
			   const struct rsm_descriptor *d)
{
	if (nla_put_u32(skb, RSM_A_SEG_ID, d->seg_id) ||
	    nla_put_u32(skb, RSM_A_SEG_NODE_ID, d->node_id) ||
	    nla_put_u64_64bit(skb, RSM_A_SEG_KEY, d->key, RSM_A_SEG_PAD) ||
	    nla_put_u32(skb, RSM_A_SEG_PART_SIZE, d->part_size) ||
	    nla_put_u32(skb, RSM_A_SEG_PART_COUNT, d->part_count) ||
	    nla_put_u32(skb, RSM_A_SEG_SPAN, d->span) ||
	    nla_put_u64_64bit(skb, RSM_A_SEG_SIZE, d->size, RSM_A_SEG_PAD) ||
	    nla_put_u32(skb, RSM_A_SEG_INTERCONNECT, d->interconnect) ||
	    nla_put_u32(skb, RSM_A_SEG_UID, d->uid) ||
	    nla_put_u32(skb, RSM_A_SEG_GID, d->gid) ||
	    nla_put_u32(skb, RSM_A_SEG_MODE, d->mode) ||
	    nla_put_u32(skb, RSM_A_SEG_STATE, d->state) ||
	    nla_put_u64_64bit(skb, RSM_A_SEG_GENERATION, d->generation,
			      RSM_A_SEG_PAD) ||
	    nla_put_u32(skb, RSM_A_SEG_IMPORTERS, d->importers))
		return -EMSGSIZE;
	return 0;
}

static int rsm_nl_fill_desc(struct sk_buff *skb, const void *obj,
			    struct user_namespace *ns)
{
	struct rsm_descriptor desc;

	rsm_seg_describe((struct rsm_segment *)obj, ns, &desc);
	return rsm_nl_put_desc(skb, &desc);
}

/* A segment: its descriptor and its counters. */
static int rsm_nl_fill_seg(struct sk_buff *skb, const void *obj,
			   struct user_namespace *ns)
{
	struct rsm_segment *seg = (struct rsm_segment *)obj;
	u64 messages, bytes;

	messages = rsm_seg_counter(seg, offsetof(struct rsm_seg_header,
						 messages));
	bytes = rsm_seg_counter(seg, offsetof(struct rsm_seg_header, bytes));
	if (rsm_nl_fill_desc(skb, seg, ns) ||
	    nla_put_u64_64bit(skb, RSM_A_SEG_SIGNALS,
			      atomic64_read(&seg->signals), RSM_A_SEG_PAD) ||
	    nla_put_u64_64bit(skb, RSM_A_SEG_MESSAGES, messages,
			      RSM_A_SEG_PAD) ||
	    nla_put_u64_64bit(skb, RSM_A_SEG_BYTES, bytes, RSM_A_SEG_PAD))
		return -EMSGSIZE;
	return 0;
}

static int rsm_nl_fill_group(struct sk_buff *skb, const void *obj,
			     struct user_namespace *ns)
{
	const struct rsm_group *grp = obj;
	struct rsm_segment *seg = grp->imp->mobj.seg;
	u64 messages, bytes;

	messages = rsm_seg_counter(seg, offsetof(struct rsm_seg_header,
						 messages));
	bytes = rsm_seg_counter(seg, offsetof(struct rsm_seg_header, bytes));
	if (nla_put_u32(skb, RSM_A_GROUP_ID, grp->id) ||
	    nla_put_u32(skb, RSM_A_GROUP_SEG_ID, seg->id) ||
	    nla_put_u32(skb, RSM_A_GROUP_NODE_ID, seg->node_id) ||
	    nla_put_u64_64bit(skb, RSM_A_GROUP_KEY, seg->key,
			      RSM_A_GROUP_PAD) ||
	    nla_put_u32(skb, RSM_A_GROUP_PART_SIZE, seg->part_size) ||
	    nla_put_u32(skb, RSM_A_GROUP_PART_COUNT, seg->part_count) ||
	    nla_put_u32(skb, RSM_A_GROUP_CHANNEL_ID,
			grp->chan ? grp->chan->id : 0) ||
	    nla_put_u32(skb, RSM_A_GROUP_REVOKED, -grp->imp->mobj.revoked) ||
	    nla_put_u64_64bit(skb, RSM_A_GROUP_MESSAGES, messages,
			      RSM_A_GROUP_PAD) ||
	    nla_put_u64_64bit(skb, RSM_A_GROUP_BYTES, bytes, RSM_A_GROUP_PAD))
		return -EMSGSIZE;
	return 0;
}

static int rsm_nl_fill_channel(struct sk_buff *skb, const void *obj,
			       struct user_namespace *ns)
{
	const struct rsm_channel *chan = obj;

	if (nla_put_u32(skb, RSM_A_CHANNEL_ID, chan->id) ||
	    nla_put_u32(skb, RSM_A_CHANNEL_NODE_ID, chan->node_id) ||
	    nla_put_u64_64bit(skb, RSM_A_CHANNEL_KEY, chan->key,
			      RSM_A_CHANNEL_PAD) ||
	    nla_put_u32(skb, RSM_A_CHANNEL_SLOT, chan->slot) ||
	    nla_put_u32(skb, RSM_A_CHANNEL_SEG_ID, chan->seg->id) ||
	    nla_put_u32(skb, RSM_A_CHANNEL_GROUPS, chan->nr_groups) ||
	    nla_put_u32(skb, RSM_A_CHANNEL_REVOKED, -chan->revoked))
		return -EMSGSIZE;
	return 0;
}

/* Another node, from the node table. */
static int rsm_nl_fill_node(struct sk_buff *skb, const void *obj,
			    struct user_namespace *ns)
{
	const struct rsm_node *node = obj;

	if (nla_put_u32(skb, RSM_A_NODE_ID, node->id) ||
	    nla_put_u32(skb, RSM_A_NODE_STATE,
			node->state == RSM_NODE_UP ? RSM_NODE_STATE_UP :
						     RSM_NODE_STATE_DOWN) ||
	    nla_put_u32(skb, RSM_A_NODE_INTERCONNECT, node->ic_id) ||
	    nla_put_u32(skb, RSM_A_NODE_CHANGES, node->changes))
		return -EMSGSIZE;
	return 0;
}

/* This node: what RSM_IOC_NODE_INFO tells, without the caller's usage. */
static int rsm_nl_fill_local_node(struct sk_buff *skb)
{
	lockdep_assert_held(&rsm_lock);
	if (nla_put_u32(skb, RSM_A_NODE_ID, READ_ONCE(rsm_node_id)) ||
	    nla_put_flag(skb, RSM_A_NODE_LOCAL) ||
	    nla_put_u32(skb, RSM_A_NODE_STATE, RSM_NODE_STATE_UP) ||
	    nla_put_u32(skb, RSM_A_NODE_INTERCONNECTS,
			rsm_interconnect_mask()) ||
	    nla_put_u32(skb, RSM_A_NODE_ABI_VERSION, RSMDEV_ABI_VERSION) ||
	    nla_put_u32(skb, RSM_A_NODE_PART_SIZE_MIN, RSM_PART_SIZE_MIN) ||
	    nla_put_u32(skb, RSM_A_NODE_PART_SIZE_MAX, RSM_PART_SIZE_MAX) ||
	    nla_put_u32(skb, RSM_A_NODE_PART_COUNT_MAX, RSM_PART_COUNT_MAX) ||
	    nla_put_u32(skb, RSM_A_NODE_MAX_SEGS_PER_PROCESS,
			READ_ONCE(rsm_max_segs_per_process)) ||
	    nla_put_u64_64bit(skb, RSM_A_NODE_MAX_BYTES_PER_USER,
			      READ_ONCE(rsm_max_bytes_per_user),
			      RSM_A_NODE_PAD) ||
	    nla_put_u64_64bit(skb, RSM_A_NODE_MAX_BYTES_TOTAL,
			      READ_ONCE(rsm_max_bytes_total), RSM_A_NODE_PAD) ||
	    nla_put_u64_64bit(skb, RSM_A_NODE_BYTES, rsm_bytes_total(),
			      RSM_A_NODE_PAD))
		return -EMSGSIZE;
	return 0;
}

static bool rsm_node_is_self(u32 node_id)
{
	return node_id == RSM_NODE_LOCAL || node_id == READ_ONCE(rsm_node_id);
}

/* --- get: one object ----------------------------------------------------- */

/*
 * Reply to the request @skb with one message of its command. @fill runs
 * with rsm_lock held and returns 0, -EMSGSIZE, or another error (with
 * extack set) for an object that is not there.
 */
static int rsm_nl_reply(struct sk_buff *skb, struct genl_info *info,
			int (*fill)(struct sk_buff *msg, struct genl_info *info,
				    struct user_namespace *ns))
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rsm_nl_family, 0,
				info->genlhdr->cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto out_free;
	}
	mutex_lock(&rsm_lock);
	err = fill(msg, info, rsm_nl_ns(skb));
	mutex_unlock(&rsm_lock);
	if (err)
		goto out_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_free:
	nlmsg_free(msg);
	return err;
}

/* -ENOENT, pointing the extack at the attribute that named nothing */
#define rsm_nl_enoent(info, attr, msg) ({				\
	struct genl_info *__info = (info);				\
									\
	NL_SET_ERR_MSG_ATTR(__info->extack, __info->attrs[attr], msg);	\
	-ENOENT;							\
})

/* The object of table @xa whose id the request's attribute @attr gives. */
static void *rsm_nl_lookup(struct genl_info *info, struct xarray *xa,
			   int attr)
{
	lockdep_assert_held(&rsm_lock);
	return xa_load(xa, nla_get_u32(info->attrs[attr]));
}

static int rsm_nl_reply_seg(struct sk_buff *msg, struct genl_info *info,
			    struct user_namespace *ns)
{
	struct rsm_segment *seg = rsm_nl_lookup(info, &rsm_segs, RSM_A_SEG_ID);

	if (!seg)
		return rsm_nl_enoent(info, RSM_A_SEG_ID, "no such segment");
	return rsm_nl_fill_seg(msg, seg, ns);
}

/**
 * rsm_nl_seg_get_doit() - RSM_CMD_SEG_GET: one segment of the segment table
 * @skb:	the request
 * @info:	its attributes: RSM_A_SEG_ID
 *
 * Context: process context; takes rsm_lock.
 * Return: 0 once replied; -EINVAL without an id; -ENOENT for no such
 * segment; -ENOMEM.
 */
int rsm_nl_seg_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, RSM_A_SEG_ID))
		return -EINVAL;
	return rsm_nl_reply(skb, info, rsm_nl_reply_seg);
}

static int rsm_nl_reply_desc(struct sk_buff *msg, struct genl_info *info,
			     struct user_namespace *ns)
{
	struct nlattr *node_attr = info->attrs[RSM_A_SEG_NODE_ID];
	u32 node_id = node_attr ? nla_get_u32(node_attr) : RSM_NODE_LOCAL;
	u64 key = nla_get_u64(info->attrs[RSM_A_SEG_KEY]);
	struct rsm_interconnect *ic;
	struct rsm_descriptor desc;
	struct rsm_segment *seg;
	int err;

	lockdep_assert_held(&rsm_lock);
	if (rsm_node_is_self(node_id)) {
		seg = rsm_registry_find(key);
		if (!seg)
			return rsm_nl_enoent(info, RSM_A_SEG_KEY, "no such key");
		return rsm_nl_fill_desc(msg, seg, ns);
	}
	ic = rsm_ic_for_node(node_id);
	if (IS_ERR(ic)) {
		if (PTR_ERR(ic) == -EHOSTDOWN)
			NL_SET_ERR_MSG_ATTR(info->extack, node_attr,
					    "node is down");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, node_attr,
					    "no such node");
		return PTR_ERR(ic);
	}
	err = ic->ops->lookup(ic, node_id, key, &desc);
	if (err == -ENOENT)
		return rsm_nl_enoent(info, RSM_A_SEG_KEY, "no such key");
	if (err)
		return err;
	/* another node's descriptor has init-namespace ids */
	desc.uid = from_kuid_munged(ns, make_kuid(&init_user_ns, desc.uid));
	desc.gid = from_kgid_munged(ns, make_kgid(&init_user_ns, desc.gid));
	return rsm_nl_put_desc(msg, &desc);
}

/**
 * rsm_nl_desc_get_doit() - RSM_CMD_DESC_GET: look a key up in a registry
 * @skb:	the request
 * @info:	its attributes: RSM_A_SEG_KEY, optional RSM_A_SEG_NODE_ID
 *		(this node when absent or RSM_NODE_LOCAL)
 *
 * Context: process context; takes rsm_lock.
 * Return: 0 once replied; -EINVAL without a key; -ENOENT for no such key;
 * -ENXIO for a node no interconnect reaches; -EHOSTDOWN for a node that is
 * down; -ENOMEM.
 */
int rsm_nl_desc_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, RSM_A_SEG_KEY))
		return -EINVAL;
	return rsm_nl_reply(skb, info, rsm_nl_reply_desc);
}

static int rsm_nl_reply_group(struct sk_buff *msg, struct genl_info *info,
			      struct user_namespace *ns)
{
	struct rsm_group *grp = rsm_nl_lookup(info, &rsm_groups,
					      RSM_A_GROUP_ID);

	if (!grp)
		return rsm_nl_enoent(info, RSM_A_GROUP_ID,
				     "no such segment group");
	return rsm_nl_fill_group(msg, grp, ns);
}

/**
 * rsm_nl_group_get_doit() - RSM_CMD_GROUP_GET: one segment group
 * @skb:	the request
 * @info:	its attributes: RSM_A_GROUP_ID
 *
 * Context: process context; takes rsm_lock.
 * Return: 0 once replied; -EINVAL without an id; -ENOENT for no such
 * group; -ENOMEM.
 */
int rsm_nl_group_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, RSM_A_GROUP_ID))
		return -EINVAL;
	return rsm_nl_reply(skb, info, rsm_nl_reply_group);
}

static int rsm_nl_reply_channel(struct sk_buff *msg, struct genl_info *info,
				struct user_namespace *ns)
{
	struct rsm_channel *chan = rsm_nl_lookup(info, &rsm_channels,
						 RSM_A_CHANNEL_ID);

	if (!chan)
		return rsm_nl_enoent(info, RSM_A_CHANNEL_ID, "no such channel");
	return rsm_nl_fill_channel(msg, chan, ns);
}

/**
 * rsm_nl_channel_get_doit() - RSM_CMD_CHANNEL_GET: one channel
 * @skb:	the request
 * @info:	its attributes: RSM_A_CHANNEL_ID
 *
 * Context: process context; takes rsm_lock.
 * Return: 0 once replied; -EINVAL without an id; -ENOENT for no such
 * channel; -ENOMEM.
 */
int rsm_nl_channel_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, RSM_A_CHANNEL_ID))
		return -EINVAL;
	return rsm_nl_reply(skb, info, rsm_nl_reply_channel);
}

static int rsm_nl_reply_node(struct sk_buff *msg, struct genl_info *info,
			     struct user_namespace *ns)
{
	struct rsm_node *node;

	if (rsm_node_is_self(nla_get_u32(info->attrs[RSM_A_NODE_ID])))
		return rsm_nl_fill_local_node(msg);
	node = rsm_nl_lookup(info, &rsm_nodes, RSM_A_NODE_ID);
	if (!node)
		return rsm_nl_enoent(info, RSM_A_NODE_ID, "no such node");
	return rsm_nl_fill_node(msg, node, ns);
}

/**
 * rsm_nl_node_get_doit() - RSM_CMD_NODE_GET: this node or another one
 * @skb:	the request
 * @info:	its attributes: RSM_A_NODE_ID (RSM_NODE_LOCAL: this node)
 *
 * Context: process context; takes rsm_lock.
 * Return: 0 once replied; -EINVAL without an id; -ENOENT for a node no
 * interconnect has reported; -ENOMEM.
 */
int rsm_nl_node_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, RSM_A_NODE_ID))
		return -EINVAL;
	return rsm_nl_reply(skb, info, rsm_nl_reply_node);
}

/* --- dump: a whole table -------------------------------------------------- */

/* Start a message of a dump part; NULL when @skb is full. */
static void *rsm_nl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &rsm_nl_family, NLM_F_MULTI,
			  genl_dumpit_info(cb)->op.cmd);
	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

/*
 * Dump the objects of @xa from id cb->args[0] on (those @want accepts, or
 * all), one message each; see "Dumps" at the top.
 */
static int rsm_nl_dump_table(struct sk_buff *skb, struct netlink_callback *cb,
			     struct xarray *xa, rsm_nl_fill_t fill,
			     bool (*want)(const void *obj))
{
	struct user_namespace *ns = rsm_nl_ns(cb->skb);
	unsigned long id;
	void *obj, *hdr;
	int err = 0;

	mutex_lock(&rsm_lock);
	cb->seq = rsm_netlink_seq;
	xa_for_each_start(xa, id, obj, cb->args[0]) {
		if (want && !want(obj))
			continue;
		hdr = rsm_nl_dump_hdr(skb, cb);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		err = fill(skb, obj, ns);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = id + 1;
	}
	mutex_unlock(&rsm_lock);
	/* a full skb ends this part; the next call resumes at args[0] */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/**
 * rsm_nl_seg_get_dumpit() - RSM_CMD_SEG_GET dump: the segment table
 * @skb:	the part to fill
 * @cb:		the dump; args[0] is the segment id to resume from
 *
 * Context: process context; takes rsm_lock.
 * Return: bytes put in @skb (0: the dump is complete), or a negative errno.
 */
int rsm_nl_seg_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return rsm_nl_dump_table(skb, cb, &rsm_segs, rsm_nl_fill_seg, NULL);
}

static bool rsm_nl_published(const void *obj)
{
	const struct rsm_segment *seg = obj;

	return seg->state == RSM_SEG_STATE_PUBLISHED;
}

/**
 * rsm_nl_desc_get_dumpit() - RSM_CMD_DESC_GET dump: this node's registry
 * @skb:	the part to fill
 * @cb:		the dump; args[0] is the segment id to resume from
 *
 * The descriptors of the published segments, in segment id order.
 *
 * Context: process context; takes rsm_lock.
 * Return: bytes put in @skb (0: the dump is complete), or a negative errno.
 */
int rsm_nl_desc_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return rsm_nl_dump_table(skb, cb, &rsm_segs, rsm_nl_fill_desc,
				 rsm_nl_published);
}

/**
 * rsm_nl_group_get_dumpit() - RSM_CMD_GROUP_GET dump: the segment group table
 * @skb:	the part to fill
 * @cb:		the dump; args[0] is the group id to resume from
 *
 * Context: process context; takes rsm_lock.
 * Return: bytes put in @skb (0: the dump is complete), or a negative errno.
 */
int rsm_nl_group_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return rsm_nl_dump_table(skb, cb, &rsm_groups, rsm_nl_fill_group,
				 NULL);
}

/**
 * rsm_nl_channel_get_dumpit() - RSM_CMD_CHANNEL_GET dump: the channel table
 * @skb:	the part to fill
 * @cb:		the dump; args[0] is the channel id to resume from
 *
 * Context: process context; takes rsm_lock.
 * Return: bytes put in @skb (0: the dump is complete), or a negative errno.
 */
int rsm_nl_channel_get_dumpit(struct sk_buff *skb,
			      struct netlink_callback *cb)
{
	return rsm_nl_dump_table(skb, cb, &rsm_channels, rsm_nl_fill_channel,
				 NULL);
}

/**
 * rsm_nl_node_get_dumpit() - RSM_CMD_NODE_GET dump: this node, then the
 * node table
 * @skb:	the part to fill
 * @cb:		the dump; args[1] is set once this node was put, args[0] is
 *		the node id of the table to resume from
 *
 * Context: process context; takes rsm_lock.
 * Return: bytes put in @skb (0: the dump is complete), or a negative errno.
 */
int rsm_nl_node_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	void *hdr;
	int err;

	if (!cb->args[1]) {
		mutex_lock(&rsm_lock);
		cb->seq = rsm_netlink_seq;
		hdr = rsm_nl_dump_hdr(skb, cb);
		err = hdr ? rsm_nl_fill_local_node(skb) : -EMSGSIZE;
		mutex_unlock(&rsm_lock);
		if (err) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			return err;
		}
		genlmsg_end(skb, hdr);
		cb->args[1] = 1;
	}
	return rsm_nl_dump_table(skb, cb, &rsm_nodes, rsm_nl_fill_node, NULL);
}

/* --- operations that change state ---------------------------------------- */

/**
 * rsm_nl_seg_destroy_doit() - RSM_CMD_SEG_DESTROY: destroy any segment
 * @skb:	the request
 * @info:	its attributes: RSM_A_SEG_ID
 *
 * What an administrator's RSM_IOC_SEG_DESTROY does to another process's
 * segment: unpublish, revoke every import, channel and the owner's view,
 * free the memory; the owner sees a revocation. genetlink has checked
 * CAP_NET_ADMIN (GENL_ADMIN_PERM); destroying what another process owns
 * needs CAP_SYS_ADMIN as well, as through the device.
 *
 * Context: process context; takes rsm_lock.
 * Return: 0; -EPERM without CAP_SYS_ADMIN; -EINVAL without an id; -ENOENT
 * for no such segment.
 */
int rsm_nl_seg_destroy_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rsm_segment *seg;
	int err = 0;

	if (GENL_REQ_ATTR_CHECK(info, RSM_A_SEG_ID))
		return -EINVAL;
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		GENL_SET_ERR_MSG(info, "destroying a segment needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	mutex_lock(&rsm_lock);
	seg = rsm_nl_lookup(info, &rsm_segs, RSM_A_SEG_ID);
	if (seg)
		rsm_seg_kill(seg, false);
	else
		err = rsm_nl_enoent(info, RSM_A_SEG_ID, "no such segment");
	mutex_unlock(&rsm_lock);
	return err;
}

/* --- events --------------------------------------------------------------- */

static int rsm_nl_fill_event(struct sk_buff *skb, enum rsm_event event,
			     const void *obj)
{
	switch (event) {
	case RSM_EVENT_GROUP_CREATED:
	case RSM_EVENT_GROUP_DESTROYED:
		return rsm_nl_fill_group(skb, obj, &init_user_ns);
	case RSM_EVENT_CHANNEL_OPENED:
	case RSM_EVENT_CHANNEL_CLOSED:
		return rsm_nl_fill_channel(skb, obj, &init_user_ns);
	case RSM_EVENT_NODE_UP:
	case RSM_EVENT_NODE_DOWN:
		return rsm_nl_fill_node(skb, obj, &init_user_ns);
	default:
		return rsm_nl_fill_seg(skb, obj, &init_user_ns);
	}
}

/**
 * rsm_netlink_notify() - multicast an event to the "events" group
 * @event:	what happened
 * @obj:	the object it happened to (see enum rsm_event)
 *
 * For rsm_event_notify() only. Listeners that miss an event because memory
 * ran out get ENOBUFS on their socket.
 *
 * Context: process context, rsm_lock held; allocates with GFP_KERNEL.
 */
void rsm_netlink_notify(enum rsm_event event, const void *obj)
{
	struct sk_buff *msg;
	void *hdr;

	BUILD_BUG_ON(ARRAY_SIZE(rsm_event_cmd) != RSM_EVENT_COUNT);
	lockdep_assert_held(&rsm_lock);
	rsm_netlink_seq++;
	if (!genl_has_listeners(&rsm_nl_family, &init_net, RSM_NLGRP_EVENTS))
		return;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		goto out_lost;
	hdr = genlmsg_put(msg, 0, 0, &rsm_nl_family, 0, rsm_event_cmd[event]);
	if (!hdr || rsm_nl_fill_event(msg, event, obj)) {
		nlmsg_free(msg);
		goto out_lost;
	}
	genlmsg_end(msg, hdr);
	/* -ESRCH only says that the last listener left meanwhile */
	genlmsg_multicast(&rsm_nl_family, msg, 0, RSM_NLGRP_EVENTS, GFP_KERNEL);
	return;

out_lost:
	genl_set_err(&rsm_nl_family, &init_net, 0, RSM_NLGRP_EVENTS, -ENOBUFS);
}

/* --- the family ---------------------------------------------------------- */

static struct genl_family rsm_nl_family __ro_after_init = {
	.name = RSM_FAMILY_NAME,
	.version = RSM_FAMILY_VERSION,
	.netnsok = false,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = rsm_nl_ops,
	.n_ops = ARRAY_SIZE(rsm_nl_ops),
	/* every operation is validated strictly (no legacy commands) */
	.resv_start_op = RSM_CMD_SEG_GET,
	.mcgrps = rsm_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(rsm_nl_mcgrps),
};

/**
 * rsm_netlink_init() - register the generic netlink family "rsm"
 *
 * Context: module init, before anything can send an event.
 * Return: 0 or a negative errno.
 */
int rsm_netlink_init(void)
{
	return genl_register_family(&rsm_nl_family);
}

/**
 * rsm_netlink_exit() - unregister the family
 *
 * Waits for operations in progress; no event may be sent afterwards.
 *
 * Context: module exit, after the last event.
 */
void rsm_netlink_exit(void)
{
	genl_unregister_family(&rsm_nl_family);
}
