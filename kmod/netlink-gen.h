/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generated from Documentation/netlink/specs/rsm.yaml by
 * tools/netlink/rsm-nlgen: do not edit.
 */
#ifndef RSM_NETLINK_GEN_H
#define RSM_NETLINK_GEN_H

#include <net/genetlink.h>
#include <linux/rsmdev.h>

int rsm_nl_seg_get_doit(struct sk_buff *skb, struct genl_info *info);
int rsm_nl_seg_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int rsm_nl_desc_get_doit(struct sk_buff *skb, struct genl_info *info);
int rsm_nl_desc_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int rsm_nl_group_get_doit(struct sk_buff *skb, struct genl_info *info);
int rsm_nl_group_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int rsm_nl_channel_get_doit(struct sk_buff *skb, struct genl_info *info);
int rsm_nl_channel_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int rsm_nl_node_get_doit(struct sk_buff *skb, struct genl_info *info);
int rsm_nl_node_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int rsm_nl_seg_destroy_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	RSM_NLGRP_EVENTS,
};

extern const struct genl_ops rsm_nl_ops[6];
extern const struct genl_multicast_group rsm_nl_mcgrps[1];

#endif /* RSM_NETLINK_GEN_H */
