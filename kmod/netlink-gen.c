// SPDX-License-Identifier: GPL-2.0
/*
 * Generated from Documentation/netlink/specs/rsm.yaml by
 * tools/netlink/rsm-nlgen: do not edit.
 */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

/* RSM_CMD_SEG_GET */
static const struct nla_policy rsm_seg_get_nl_policy[RSM_A_SEG_ID + 1] = {
	[RSM_A_SEG_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* RSM_CMD_DESC_GET */
static const struct nla_policy rsm_desc_get_nl_policy[RSM_A_SEG_KEY + 1] = {
	[RSM_A_SEG_NODE_ID] = { .type = NLA_U32, },
	[RSM_A_SEG_KEY] = NLA_POLICY_MIN(NLA_U64, 1),
};

/* RSM_CMD_GROUP_GET */
static const struct nla_policy rsm_group_get_nl_policy[RSM_A_GROUP_ID + 1] = {
	[RSM_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* RSM_CMD_CHANNEL_GET */
static const struct nla_policy rsm_channel_get_nl_policy[RSM_A_CHANNEL_ID + 1] = {
	[RSM_A_CHANNEL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* RSM_CMD_NODE_GET */
static const struct nla_policy rsm_node_get_nl_policy[RSM_A_NODE_ID + 1] = {
	[RSM_A_NODE_ID] = { .type = NLA_U32, },
};

/* RSM_CMD_SEG_DESTROY */
static const struct nla_policy rsm_seg_destroy_nl_policy[RSM_A_SEG_ID + 1] = {
	[RSM_A_SEG_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

const struct genl_ops rsm_nl_ops[6] = {
	{
		.cmd		= RSM_CMD_SEG_GET,
		.doit		= rsm_nl_seg_get_doit,
		.dumpit		= rsm_nl_seg_get_dumpit,
		.policy		= rsm_seg_get_nl_policy,
		.maxattr	= RSM_A_SEG_ID,
	},
	{
		.cmd		= RSM_CMD_DESC_GET,
		.doit		= rsm_nl_desc_get_doit,
		.dumpit		= rsm_nl_desc_get_dumpit,
		.policy		= rsm_desc_get_nl_policy,
		.maxattr	= RSM_A_SEG_KEY,
	},
	{
		.cmd		= RSM_CMD_GROUP_GET,
		.doit		= rsm_nl_group_get_doit,
		.dumpit		= rsm_nl_group_get_dumpit,
		.policy		= rsm_group_get_nl_policy,
		.maxattr	= RSM_A_GROUP_ID,
	},
	{
		.cmd		= RSM_CMD_CHANNEL_GET,
		.doit		= rsm_nl_channel_get_doit,
		.dumpit		= rsm_nl_channel_get_dumpit,
		.policy		= rsm_channel_get_nl_policy,
		.maxattr	= RSM_A_CHANNEL_ID,
	},
	{
		.cmd		= RSM_CMD_NODE_GET,
		.doit		= rsm_nl_node_get_doit,
		.dumpit		= rsm_nl_node_get_dumpit,
		.policy		= rsm_node_get_nl_policy,
		.maxattr	= RSM_A_NODE_ID,
	},
	{
		.cmd		= RSM_CMD_SEG_DESTROY,
		.doit		= rsm_nl_seg_destroy_doit,
		.policy		= rsm_seg_destroy_nl_policy,
		.maxattr	= RSM_A_SEG_ID,
		.flags		= GENL_ADMIN_PERM,
	},
};

const struct genl_multicast_group rsm_nl_mcgrps[1] = {
	[RSM_NLGRP_EVENTS] = { .name = RSM_MCGRP_EVENTS, },
};
