/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interconnects: where target segment memory comes from and how other
 * nodes' segments are reached.
 *
 * The core (segment.c, mmap.c, doorbell.c) never allocates segment memory,
 * resolves a page frame or talks to another node itself; it calls the ops of
 * the segment's interconnect. loopback.c is the first implementation (one
 * node, vmalloc'ed kernel pages). ivshmem.c carves segments from a PCI BAR
 * shared by VMs, maps them by pfn, and reaches other nodes' registry slices
 * and doorbells.
 *
 * Two kinds of struct rsm_segment use these ops:
 *
 *  - local segments, made by RSM_IOC_SEG_CREATE on this node: the
 *    interconnect provides their memory (@seg_alloc, @seg_free) and may
 *    mirror their publication to other nodes (@publish, @unpublish);
 *  - remote segments ("proxies"): this node's handle on another node's
 *    published segment, made by @import with rsm_seg_alloc_remote(). They
 *    are in none of this node's tables; imports and channels reference them.
 *    When the remote node withdraws the segment or goes down, the
 *    interconnect calls rsm_seg_revoke() on the proxy.
 *
 * Context: unless an op says otherwise it is called in process context with
 * rsm_lock held, may sleep, and must not take rsm_lock or call a core
 * function that does. Calls into the core that take rsm_lock
 * (rsm_seg_revoke(), rsm_interconnect_unregister()) must not be made while
 * holding a lock that an op takes.
 */
#ifndef RSM_INTERCONNECT_H
#define RSM_INTERCONNECT_H

#include <linux/mm_types.h>
#include <linux/types.h>
#include <linux/rsmdev.h>

struct rsm_interconnect;
struct rsm_segment;

/**
 * enum rsm_node_state - what an interconnect knows of a node
 * @RSM_NODE_UNKNOWN:	not a node this interconnect reaches
 * @RSM_NODE_UP:	reachable; its heartbeat is current
 * @RSM_NODE_DOWN:	known but gone (heartbeat stopped); EHOSTDOWN
 */
enum rsm_node_state {
	RSM_NODE_UNKNOWN,
	RSM_NODE_UP,
	RSM_NODE_DOWN,
};

/**
 * struct rsm_interconnect_ops - what an interconnect implements
 *
 * @seg_alloc:	Provide @seg->size bytes of zeroed memory for a new local
 *		segment; set @seg->vaddr to a kernel mapping of all of it
 *		(the core writes the header and reads its counters there) and
 *		@seg->ic_priv as needed. Return 0 or -ENOMEM.
 * @seg_free:	Give back what @seg_alloc (local) or @import (remote)
 *		provided. Called once per segment, after every mapping of it
 *		was zapped: for a local one when it is destroyed; for a
 *		remote one when it is revoked (rsm_seg_revoke(), rsm_lock
 *		held) or when its last reference goes (possibly under
 *		mmap_lock, from munmap), whichever comes first. May be called
 *		after rsm_interconnect_unregister() for remote segments still
 *		referenced; revoke them all before unregistering to avoid it.
 * @seg_pfn:	The page frame backing page @pgoff of @seg (local or remote;
 *		@pgoff < @seg->size >> PAGE_SHIFT). May adjust *@prot, e.g.
 *		to map device memory write-combined. Called from the page
 *		fault handler with mmap_lock (read) and @seg->fault_rwsem
 *		(read) held, never after the mapping was revoked; must not
 *		sleep on a lock held across rsm_seg_revoke(). Return 0 or a
 *		negative errno (the fault then raises SIGBUS).
 * @publish:	Optional. @seg was entered in this node's registry
 *		(@seg->key, uid, gid, mode, generation are set): make it
 *		visible to other nodes. An error undoes the publish.
 * @unpublish:	Optional. @seg left this node's registry (unpublish or
 *		destroy): withdraw it from other nodes' view, so they revoke
 *		their imports.
 * @node_state:	Optional. Whether @node_id is a node this interconnect
 *		reaches. Lookups, imports and channels to a node other than
 *		this one go to the first interconnect that knows it.
 * @lookup:	Optional. Read the descriptor published under @key in node
 *		@node_id's registry into @desc (uid/gid as init-namespace
 *		numbers). Return 0, -ENOENT, or -EHOSTDOWN.
 * @import:	Optional. Return a referenced remote segment (made with
 *		rsm_seg_alloc_remote(), or a new reference to one already
 *		made) for the segment @desc describes; the core has checked
 *		permission and generation against @desc. ERR_PTR on failure.
 * @signal:	Optional. Ring the owner of remote segment @seg (an import's
 *		doorbell). Called without rsm_lock, from RSM_IOC_SIGNAL; must
 *		not sleep for long. It may race with rsm_seg_revoke() of
 *		@seg: a revoked segment's signal must fail quietly.
 * @signal_importers: Optional. Ring every other node importing local
 *		segment @seg (RSM_SIGNAL_F_IMPORTERS).
 * @remote_importers: Optional. How many imports other nodes hold of local
 *		segment @seg (added to the descriptor's importer count).
 *
 * Incoming events go the other way, through the core: rsm_doorbell() when
 * another node rang a local segment, rsm_seg_revoke() when a remote segment
 * is withdrawn or its node went down, rsm_node_set_state() when a node
 * comes up or goes down (for the node table and its events).
 */
struct rsm_interconnect_ops {
	int (*seg_alloc)(struct rsm_interconnect *ic, struct rsm_segment *seg);
	void (*seg_free)(struct rsm_interconnect *ic, struct rsm_segment *seg);
	int (*seg_pfn)(struct rsm_interconnect *ic, struct rsm_segment *seg,
		       pgoff_t pgoff, unsigned long *pfn, pgprot_t *prot);
	int (*publish)(struct rsm_interconnect *ic, struct rsm_segment *seg);
	void (*unpublish)(struct rsm_interconnect *ic,
			  struct rsm_segment *seg);
	enum rsm_node_state (*node_state)(struct rsm_interconnect *ic,
					  u32 node_id);
	int (*lookup)(struct rsm_interconnect *ic, u32 node_id, u64 key,
		      struct rsm_descriptor *desc);
	struct rsm_segment *(*import)(struct rsm_interconnect *ic,
				      const struct rsm_descriptor *desc,
				      u32 access);
	int (*signal)(struct rsm_interconnect *ic, struct rsm_segment *seg);
	void (*signal_importers)(struct rsm_interconnect *ic,
				 struct rsm_segment *seg);
	u32 (*remote_importers)(struct rsm_interconnect *ic,
				struct rsm_segment *seg);
};

/**
 * struct rsm_interconnect - one registered interconnect
 * @id:		RSM_IC_* (index in the core's table, bit in node info)
 * @name:	shown in sysfs (segments/<id>/interconnect)
 * @ops:	what it implements; @seg_alloc, @seg_free, @seg_pfn required
 * @priv:	the implementation's own data
 *
 * rsm_interconnect_unregister() destroys every local segment on it (their
 * owners and importers see a revocation); remote segments are the
 * interconnect's to revoke before it unregisters.
 */
struct rsm_interconnect {
	u32 id;
	const char *name;
	const struct rsm_interconnect_ops *ops;
	void *priv;
};

int rsm_interconnect_register(struct rsm_interconnect *ic);
void rsm_interconnect_unregister(struct rsm_interconnect *ic);
struct rsm_segment *rsm_seg_alloc_remote(struct rsm_interconnect *ic,
					 const struct rsm_descriptor *desc);
void rsm_seg_revoke(struct rsm_segment *seg, int err);
int rsm_node_set_state(struct rsm_interconnect *ic, u32 node_id,
		       enum rsm_node_state state);
void rsm_seg_put(struct rsm_segment *seg);
void rsm_doorbell(u32 seg_id);

extern struct rsm_interconnect rsm_loopback;

#endif /* RSM_INTERCONNECT_H */
