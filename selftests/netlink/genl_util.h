/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small generic netlink client for the tests of the family "rsm", on raw
 * sockets (no libnl, so every byte on the wire is the test's): resolve the
 * family and its multicast group, send a request with u32/u64 attributes,
 * receive replies, dump parts, errors with their extended ack message, and
 * events. Every function returns 0 or -errno.
 */
#ifndef RSM_GENL_UTIL_H
#define RSM_GENL_UTIL_H

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rsmdev.h>

#define GENL_BUF	65536
#define GENL_MAX_ATTR	32

struct genl_sock {
	int fd;
	__u16 family;		/* the family "rsm" */
	__u32 events_group;	/* its multicast group "events" */
	__u32 seq;
};

/* one received message of the family, parsed */
struct genl_msg {
	__u16 type;		/* nlmsg_type */
	__u16 flags;		/* nlmsg_flags */
	__u8 cmd;
	const struct nlattr *attr[GENL_MAX_ATTR + 1];
};

struct genl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[512];
};

static inline void genl_req_init(struct genl_req *r, __u16 type, __u16 flags,
				 __u8 cmd)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = NLM_F_REQUEST | flags;
	r->g.cmd = cmd;
	r->g.version = 1;
}

static inline void genl_put(struct genl_req *r, __u16 type, const void *data,
			    __u16 len)
{
	struct nlattr *a = (void *)((char *)&r->n + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static inline void genl_put_u32(struct genl_req *r, __u16 type, __u32 v)
{
	genl_put(r, type, &v, sizeof(v));
}

static inline void genl_put_u64(struct genl_req *r, __u16 type, __u64 v)
{
	genl_put(r, type, &v, sizeof(v));
}

static inline __u32 genl_u32(const struct nlattr *a)
{
	__u32 v;

	memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

static inline __u64 genl_u64(const struct nlattr *a)
{
	__u64 v;

	memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

/* parse the attributes of a generic netlink message */
static inline void genl_parse(const struct nlmsghdr *n, struct genl_msg *m)
{
	const struct genlmsghdr *g = NLMSG_DATA(n);
	const struct nlattr *a = (const void *)((const char *)g + GENL_HDRLEN);
	int rem = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	memset(m, 0, sizeof(*m));
	m->type = n->nlmsg_type;
	m->flags = n->nlmsg_flags;
	m->cmd = g->cmd;
	while (rem >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       a->nla_len <= rem) {
		if ((a->nla_type & NLA_TYPE_MASK) <= GENL_MAX_ATTR)
			m->attr[a->nla_type & NLA_TYPE_MASK] = a;
		rem -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
}

static inline int genl_send(struct genl_sock *s, struct genl_req *r)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	r->n.nlmsg_seq = ++s->seq;
	if (sendto(s->fd, r, r->n.nlmsg_len, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		return -errno;
	return 0;
}

/*
 * The extended ack's text of an error message, or "" (the socket has
 * NETLINK_EXT_ACK and NETLINK_CAP_ACK set).
 */
static inline const char *genl_ext_msg(const struct nlmsghdr *n)
{
	const struct nlmsgerr *e = NLMSG_DATA(n);
	const struct nlattr *a;
	int rem;

	if (!(n->nlmsg_flags & NLM_F_ACK_TLVS))
		return "";
	a = (const void *)((const char *)e + sizeof(*e));
	rem = (int)n->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(*e);
	while (rem >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       a->nla_len <= rem) {
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			return (const char *)a + NLA_HDRLEN;
		rem -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return "";
}

/*
 * Receive the answer to the last request: calls @each for every message of
 * the family (may be NULL) until the ack, the end of a dump or an error.
 * Returns 0 or the kernel's -errno; @ext (may be NULL) gets the extended
 * ack text of an error. @parts (may be NULL) counts the datagrams read.
 */
static inline int genl_recv(struct genl_sock *s,
			    void (*each)(const struct genl_msg *m, void *arg),
			    void *arg, char *ext, size_t ext_len, int *parts)
{
	static char buf[GENL_BUF];
	struct genl_msg m;
	struct nlmsghdr *n;
	ssize_t len;

	if (ext && ext_len)
		ext[0] = 0;
	for (;;) {
		len = recv(s->fd, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		if (parts)
			(*parts)++;
		for (n = (void *)buf; NLMSG_OK(n, len); n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_seq != s->seq)
				continue;	/* not ours (a stale answer) */
			if (n->nlmsg_type == NLMSG_DONE)
				return 0;
			if (n->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(n);

				if (ext && ext_len)
					snprintf(ext, ext_len, "%s",
						 genl_ext_msg(n));
				return e->error;
			}
			genl_parse(n, &m);
			if (each)
				each(&m, arg);
		}
	}
}

/* CTRL_CMD_GETFAMILY "rsm": its id and the id of its group "events" */
static inline int genl_resolve(struct genl_sock *s)
{
	static char buf[GENL_BUF];
	struct genl_req r;
	struct nlmsghdr *n;
	ssize_t len;
	int err;

	genl_req_init(&r, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	genl_put(&r, CTRL_ATTR_FAMILY_NAME, RSM_FAMILY_NAME,
		 sizeof(RSM_FAMILY_NAME));
	err = genl_send(s, &r);
	if (err)
		return err;
	len = recv(s->fd, buf, sizeof(buf), 0);
	if (len < 0)
		return -errno;
	n = (void *)buf;
	if (!NLMSG_OK(n, len))
		return -EPROTO;
	if (n->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(n))->error;
	{
		struct genl_msg m;
		const struct nlattr *g, *grp;
		int rem, grem;

		genl_parse(n, &m);
		if (!m.attr[CTRL_ATTR_FAMILY_ID])
			return -EPROTO;
		memcpy(&s->family, (const char *)m.attr[CTRL_ATTR_FAMILY_ID] +
		       NLA_HDRLEN, sizeof(s->family));
		g = m.attr[CTRL_ATTR_MCAST_GROUPS];
		if (!g)
			return -EPROTO;
		/* nested: one nest per group, with a name and an id */
		grp = (const void *)((const char *)g + NLA_HDRLEN);
		rem = g->nla_len - NLA_HDRLEN;
		while (rem >= (int)sizeof(*grp) && grp->nla_len <= rem) {
			const struct nlattr *a = (const void *)((const char *)grp + NLA_HDRLEN);
			const char *name = NULL;
			__u32 id = 0;

			grem = grp->nla_len - NLA_HDRLEN;
			while (grem >= (int)sizeof(*a) && a->nla_len <= grem) {
				if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
					name = (const char *)a + NLA_HDRLEN;
				if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
					id = genl_u32(a);
				grem -= NLA_ALIGN(a->nla_len);
				a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
			}
			if (name && !strcmp(name, RSM_MCGRP_EVENTS))
				s->events_group = id;
			rem -= NLA_ALIGN(grp->nla_len);
			grp = (const void *)((const char *)grp + NLA_ALIGN(grp->nla_len));
		}
	}
	/* the ack of the request */
	recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
	return s->events_group ? 0 : -EPROTO;
}

static inline int genl_open(struct genl_sock *s)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	int one = 1, err;

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		return -errno;
	if (bind(s->fd, (struct sockaddr *)&local, sizeof(local)) ||
	    setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		err = -errno;
		close(s->fd);
		return err;
	}
	err = genl_resolve(s);
	if (err)
		close(s->fd);
	return err;
}

static inline int genl_subscribe(struct genl_sock *s)
{
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &s->events_group, sizeof(s->events_group)))
		return -errno;
	return 0;
}

/*
 * One request with up to two u32/u64 attributes (type 0: none); the reply's
 * messages go to @each.
 */
static inline int genl_do(struct genl_sock *s, __u8 cmd, __u16 flags,
			  __u16 t1, __u64 v1, int wide1,
			  void (*each)(const struct genl_msg *m, void *arg),
			  void *arg, char *ext, size_t ext_len)
{
	struct genl_req r;
	int err;

	genl_req_init(&r, s->family, NLM_F_ACK | flags, cmd);
	if (t1 && wide1)
		genl_put_u64(&r, t1, v1);
	else if (t1)
		genl_put_u32(&r, t1, (__u32)v1);
	err = genl_send(s, &r);
	if (err)
		return err;
	return genl_recv(s, each, arg, ext, ext_len, NULL);
}

/*
 * The next event of the family within @ms milliseconds: 0 and @m filled,
 * -ETIMEDOUT, or the socket's error (-ENOBUFS after an overrun).
 */
static inline int genl_next_event(struct genl_sock *s, struct genl_msg *m,
				  int ms)
{
	static char buf[GENL_BUF];
	static ssize_t len, off;
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	struct nlmsghdr *n;

	for (;;) {
		while (off < len) {
			n = (void *)(buf + off);
			if (!NLMSG_OK(n, len - off)) {
				off = len;
				break;
			}
			off += NLMSG_ALIGN(n->nlmsg_len);
			if (n->nlmsg_type == s->family) {
				genl_parse(n, m);
				return 0;
			}
		}
		if (poll(&p, 1, ms) == 0)
			return -ETIMEDOUT;
		len = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
		off = 0;
		if (len < 0) {
			len = 0;
			return -errno;
		}
	}
}

#endif /* RSM_GENL_UTIL_H */
