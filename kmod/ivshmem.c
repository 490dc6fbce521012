// SPDX-License-Identifier: GPL-2.0
/*
 * The ivshmem interconnect: nodes are VMs sharing QEMU's ivshmem PCI device
 * (1af4:1110). BAR2 is one memory region every node maps;
 * include/uapi/linux/rsm_ivshmem.h gives its layout and
 * Documentation/ivshmem.md the protocol in prose.
 *
 * This node writes only its own parts of the region: its node table entry
 * (incarnation, heartbeat), its registry slice (descriptors of the segments
 * it published, records of the remote segments it imported, with the
 * signal counters of both directions) and its arena, from which its
 * ivshmem target segments are carved (genalloc). It reads the other nodes'
 * entries and slices, and maps their arenas' segments into importers' address
 * spaces by pfn. Nothing read from another node's part is trusted: every
 * descriptor is read under its seqcount, bounded and checked against the
 * layout and against the segment header it points at before use.
 *
 * Doorbells. Signalling a remote segment bumps a counter in this node's
 * import record of it, then writes the peer's id to the Doorbell register
 * (ivshmem-doorbell: the peer gets MSI-X vector 0). The peer's interrupt
 * handler queues the scan work, which compares every import record aimed
 * at it with the counts it has delivered and rings the local segments
 * (rsm_doorbell()). The reverse direction (owner to importers) uses a
 * counter in the descriptor. With ivshmem-plain there are no interrupts:
 * the tick polls at poll_ms instead (Documentation/ivshmem.md gives the
 * latency this costs).
 *
 * Liveness. The tick (every heartbeat_ms) bumps this node's heartbeat and
 * queues the scan, which declares a peer up when its heartbeat moves and
 * down when it has not moved for down_ms, when it left cleanly, or when its
 * incarnation changed (it restarted). A node going down revokes every
 * import of its segments with EHOSTDOWN; a descriptor withdrawn or
 * republished revokes them with EIDRM. Memory of a destroyed segment that
 * a live peer may still map is held back (quarantine) until no live peer's
 * import record names it, so a reused arena range is never visible through
 * a stale mapping.
 *
 * Locking: the ops are called with rsm_lock held and take ivs->lock inside
 * it; the scan work never holds ivs->lock while calling into the core
 * (rsm_seg_revoke() takes rsm_lock): it collects under ivs->lock, then
 * acts. Peer liveness state is written only by the scan work (a work item
 * never runs concurrently with itself) and read elsewhere with READ_ONCE().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": ivshmem: " fmt

#include <linux/bitmap.h>
#include <linux/genalloc.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include <linux/rsm_ivshmem.h>
#include <linux/rsmdev.h>

#include "rsm.h"

/* BAR0 registers (QEMU docs/specs/ivshmem-spec.rst) */
#define RSM_IVS_REG_IVPOSITION	8
#define RSM_IVS_REG_DOORBELL	12

static_assert(sizeof(struct rsm_ivs_header) == 128);
static_assert(sizeof(struct rsm_ivs_node) == 64);
static_assert(sizeof(struct rsm_ivs_slice_header) == 64);
static_assert(sizeof(struct rsm_ivs_desc) == 128);
static_assert(sizeof(struct rsm_ivs_import) == 64);
static_assert(RSM_IVS_IMPORT_OFFSET +
	      RSM_IVS_MAX_IMPORTS * sizeof(struct rsm_ivs_import) <=
	      RSM_IVS_SLICE_SIZE);
static_assert(sizeof(struct rsm_ivs_header) <= RSM_IVS_SERVER_OFFSET);
static_assert(RSM_IVS_SERVER_OFFSET + sizeof(struct rsm_ivs_server) <=
	      RSM_IVS_PAGE);
static_assert(RSM_IVS_PAGE == PAGE_SIZE);

static unsigned int max_nodes = 4;
module_param_named(ivshmem_max_nodes, max_nodes, uint, 0444);
MODULE_PARM_DESC(ivshmem_max_nodes,
		 "Nodes an ivshmem region is cut for when this node lays it out (2-64, default 4)");

static unsigned int heartbeat_ms = 100;
module_param_named(ivshmem_heartbeat_ms, heartbeat_ms, uint, 0444);
MODULE_PARM_DESC(ivshmem_heartbeat_ms,
		 "Heartbeat period in ms (10-1000, default 100)");

static unsigned int down_ms = 500;
module_param_named(ivshmem_down_ms, down_ms, uint, 0444);
MODULE_PARM_DESC(ivshmem_down_ms,
		 "A peer whose heartbeat stood still this long is down (at least 3 heartbeats, default 500)");

static unsigned int poll_ms = 4;
module_param_named(ivshmem_poll_ms, poll_ms, uint, 0444);
MODULE_PARM_DESC(ivshmem_poll_ms,
		 "ivshmem-plain (no interrupts): how often doorbells are polled, in ms (1-100, default 4)");

/*
 * What this node knows of another node. Written by the scan work only;
 * sysfs and the ops read it with READ_ONCE().
 */
struct rsm_ivs_peer {
	struct kobject kobj;
	struct rsm_ivs *ivs;
	u32 id;
	enum rsm_node_state state;
	u64 incarnation;
	u64 heartbeat;
	unsigned long moved;		/* jiffies the heartbeat last moved */
	bool doorbell;
	u64 down_count;
	/* per import record of this peer aimed at us: identity and count seen */
	u32 seen_seg[RSM_IVS_MAX_IMPORTS];
	u64 seen_gen[RSM_IVS_MAX_IMPORTS];
	u64 seen_signals[RSM_IVS_MAX_IMPORTS];
};

/* A remote segment imported on this node (its seg->ic_priv). */
struct rsm_ivs_proxy {
	struct list_head node;		/* in ivs->proxies; ivs->lock */
	struct rsm_segment *seg;	/* not referenced: unlinked in seg_free */
	u32 node_id;			/* immutable from here on */
	u32 seg_id;
	u32 desc_index;
	u32 import_index;
	u64 key;
	u64 generation;
	u64 incarnation;
	u64 offset;			/* in the owner's arena */
	u64 signals;			/* sent; ivs->signal_lock */
	u64 seen_importer_signals;	/* scan work only */
	struct rcu_head rcu;
};

/* A local ivshmem segment's place in our arena (its seg->ic_priv). */
struct rsm_ivs_local {
	unsigned long addr;		/* gen_pool address (kernel vaddr) */
	u64 size;
	int desc_index;			/* -1 while unpublished; ivs->lock */
	u32 seg_id;			/* as published */
	u64 generation;			/* of the last publish, 0 if never */
};

/* Arena memory of a destroyed segment some peer may still map. */
struct rsm_ivs_held {
	struct list_head node;		/* in ivs->quarantine; ivs->lock */
	unsigned long addr;
	u64 size;
	u32 seg_id;
	u64 generation;
};

/**
 * struct rsm_ivs - the one ivshmem device this node is attached through
 * @pdev:	the PCI device
 * @regs:	BAR0
 * @mem:	BAR2, mapped write-back
 * @mem_phys:	BAR2's bus address
 * @layout:	the region's layout (from its header); immutable once attached
 * @node_id:	this node; immutable
 * @doorbell:	interrupts work (ivshmem-doorbell with MSI-X); immutable
 * @incarnation: this attach's; immutable
 * @self:	our node table entry
 * @slice:	our registry slice
 * @pool:	our arena
 * @lock:	guards @proxies, @quarantine, @desc_used, @import_used and the
 *		writes of our slice
 * @signal_lock: orders the signal counters we write (any context)
 * @proxies:	remote segments imported here (struct rsm_ivs_proxy)
 * @quarantine:	struct rsm_ivs_held
 * @held_bytes:	bytes in @quarantine; ivs->lock (sysfs: READ_ONCE)
 * @desc_used:	descriptors of our slice in use
 * @import_used: import records of our slice in use
 * @peers:	by node id, NULL for ourselves
 * @nodes_kobj:	/sys/bus/pci/devices/.../rsm_nodes
 * @heartbeat:	our heartbeat count; tick work only
 * @tick:	heartbeat and poll
 * @scan:	liveness, doorbells, withdrawn segments, quarantine
 * @scanned:	jiffies of the last scan; scan work only
 * @stopping:	no more work is queued
 * @ic:		registered with the core
 */
struct rsm_ivs {
	struct pci_dev *pdev;
	void __iomem *regs;
	void *mem;
	phys_addr_t mem_phys;
	struct rsm_ivs_layout layout;
	u32 node_id;
	bool doorbell;
	u64 incarnation;
	struct rsm_ivs_node *self;
	void *slice;
	struct gen_pool *pool;
	struct mutex lock;		/* see @lock above */
	spinlock_t signal_lock;		/* see @signal_lock above */
	struct list_head proxies;
	struct list_head quarantine;
	u64 held_bytes;
	DECLARE_BITMAP(desc_used, RSM_IVS_MAX_DESCS);
	DECLARE_BITMAP(import_used, RSM_IVS_MAX_IMPORTS);
	struct rsm_ivs_peer **peers;
	struct kobject *nodes_kobj;
	u64 heartbeat;
	struct delayed_work tick;
	struct work_struct scan;
	unsigned long scanned;
	bool stopping;
	struct rsm_interconnect ic;
};

/* --- the region ------------------------------------------------------- */

static struct rsm_ivs_node *rsm_ivs_node(struct rsm_ivs *ivs, u32 id)
{
	return ivs->mem + ivs->layout.node_offset +
	       (u64)id * sizeof(struct rsm_ivs_node);
}

static void *rsm_ivs_slice(struct rsm_ivs *ivs, u32 id)
{
	return ivs->mem + ivs->layout.slice_offset +
	       (u64)id * RSM_IVS_SLICE_SIZE;
}

static struct rsm_ivs_desc *rsm_ivs_desc(void *slice, u32 i)
{
	return slice + RSM_IVS_DESC_OFFSET + i * sizeof(struct rsm_ivs_desc);
}

static struct rsm_ivs_import *rsm_ivs_import(void *slice, u32 i)
{
	return slice + RSM_IVS_IMPORT_OFFSET +
	       i * sizeof(struct rsm_ivs_import);
}

static u64 rsm_ivs_arena(struct rsm_ivs *ivs, u32 id)
{
	return ivs->layout.arena_offset + (u64)id * ivs->layout.arena_size;
}

#define rd32(p)		le32_to_cpu(READ_ONCE(p))
#define rd64(p)		le64_to_cpu(READ_ONCE(p))
#define wr32(p, v)	WRITE_ONCE(p, cpu_to_le32(v))
#define wr64(p, v)	WRITE_ONCE(p, cpu_to_le64(v))

/*
 * Seqcount write side for our own descriptors and import records (@seq is
 * their first word): odd while the rest changes. The other node's kernel
 * is another CPU as far as ordering goes, on a machine we cannot assume is
 * SMP-configured the way we are: hence virt_*mb().
 */
static void rsm_ivs_write_begin(__le32 *seq)
{
	wr32(*seq, le32_to_cpu(*seq) + 1);
	/* odd seq before the fields; pairs with the reader's first virt_rmb */
	virt_wmb();
}

static void rsm_ivs_write_end(__le32 *seq)
{
	/* the fields before the even seq; pairs with the reader's second */
	virt_wmb();
	wr32(*seq, le32_to_cpu(*seq) + 1);
}

/*
 * Copy a record another node writes (@len bytes, @seq first) so that it is
 * consistent: false if it kept changing (or its seq stays odd, as a broken
 * peer's might), and the caller treats it as absent.
 */
static bool rsm_ivs_read_stable(const void *src, void *dst, size_t len)
{
	const __le32 *seq = src;
	int tries;
	u32 s1;

	for (tries = 0; tries < 8; tries++) {
		s1 = rd32(*seq);
		if (s1 & 1) {
			cpu_relax();
			continue;
		}
		/* the fields after the seq; pairs with rsm_ivs_write_begin() */
		virt_rmb();
		memcpy(dst, src, len);
		/* the seq again after the fields; pairs with ..._write_end() */
		virt_rmb();
		if (rd32(*seq) == s1)
			return true;
	}
	return false;
}

/* A descriptor another node published, checked against the layout. */
static bool rsm_ivs_desc_valid(struct rsm_ivs *ivs, const struct rsm_ivs_desc *d)
{
	u32 part_size = le32_to_cpu(d->part_size);
	u32 part_count = le32_to_cpu(d->part_count);
	u64 offset = le64_to_cpu(d->offset);
	u64 size = le64_to_cpu(d->size);

	if (le32_to_cpu(d->state) != RSM_IVS_USED || !d->key ||
	    !d->generation || !d->seg_id)
		return false;
	if (rsm_check_geometry(part_size, part_count, le32_to_cpu(d->span)))
		return false;
	if (size != rsm_seg_layout(part_size, part_count).size)
		return false;
	if (le32_to_cpu(d->mode) & ~0777U)
		return false;
	return IS_ALIGNED(offset, PAGE_SIZE) && size <= ivs->layout.arena_size &&
	       offset <= ivs->layout.arena_size - size;
}

/* --- peers --------------------------------------------------------------- */

static enum rsm_node_state rsm_ivs_peer_state(struct rsm_ivs *ivs, u32 id)
{
	if (id >= ivs->layout.max_nodes || !ivs->peers[id])
		return RSM_NODE_UNKNOWN;
	return READ_ONCE(ivs->peers[id]->state);
}

static void rsm_ivs_ring(struct rsm_ivs *ivs, u32 id)
{
	struct rsm_ivs_peer *peer = ivs->peers[id];

	if (!ivs->doorbell || !peer || !READ_ONCE(peer->doorbell))
		return;
	/* writel orders the counter stores before it */
	writel((id << 16) | 0, ivs->regs + RSM_IVS_REG_DOORBELL);
}

static void rsm_ivs_ring_all(struct rsm_ivs *ivs)
{
	u32 id;

	for (id = 0; id < ivs->layout.max_nodes; id++)
		if (rsm_ivs_peer_state(ivs, id) == RSM_NODE_UP)
			rsm_ivs_ring(ivs, id);
}

/* --- ops: local segments ---------------------------------------------- */

static int rsm_ivs_seg_alloc(struct rsm_interconnect *ic,
			     struct rsm_segment *seg)
{
	struct rsm_ivs *ivs = ic->priv;
	struct rsm_ivs_local *loc;

	loc = kzalloc(sizeof(*loc), GFP_KERNEL);
	if (!loc)
		return -ENOMEM;
	loc->size = seg->size;
	loc->desc_index = -1;
	mutex_lock(&ivs->lock);
	loc->addr = gen_pool_alloc(ivs->pool, seg->size);
	mutex_unlock(&ivs->lock);
	if (!loc->addr) {
		kfree(loc);
		return -ENOMEM;
	}
	memset((void *)loc->addr, 0, seg->size);
	seg->vaddr = (void *)loc->addr;
	seg->ic_priv = loc;
	return 0;
}

/* Import records of node @id's slice in use lie below this. */
static u32 rsm_ivs_import_hwm(struct rsm_ivs *ivs, u32 id)
{
	struct rsm_ivs_slice_header *sh = rsm_ivs_slice(ivs, id);

	return min_t(u32, rd32(sh->import_hwm), RSM_IVS_MAX_IMPORTS);
}

/*
 * How many live peers' import records name our segment @seg_id of
 * @generation; with @unsettled_names, a record that never settles counts
 * too (when in doubt, hold memory back), and counting stops at the first.
 */
static u32 rsm_ivs_records_naming(struct rsm_ivs *ivs, u32 seg_id,
				  u64 generation, bool unsettled_names)
{
	struct rsm_ivs_import rec;
	u32 id, i, hwm, n = 0;
	void *slice;

	for (id = 0; id < ivs->layout.max_nodes; id++) {
		if (id == ivs->node_id || rsm_ivs_peer_state(ivs, id) != RSM_NODE_UP)
			continue;
		slice = rsm_ivs_slice(ivs, id);
		hwm = rsm_ivs_import_hwm(ivs, id);
		for (i = 0; i < hwm; i++) {
			if (!rsm_ivs_read_stable(rsm_ivs_import(slice, i), &rec,
						 sizeof(rec))) {
				if (unsettled_names)
					return 1;
				continue;
			}
			if (le32_to_cpu(rec.state) == RSM_IVS_USED &&
			    le32_to_cpu(rec.node_id) == ivs->node_id &&
			    le64_to_cpu(rec.incarnation) == ivs->incarnation &&
			    le32_to_cpu(rec.seg_id) == seg_id &&
			    le64_to_cpu(rec.generation) == generation) {
				if (unsettled_names)
					return 1;
				n++;
			}
		}
	}
	return n;
}

/* Does a live peer's import record still name local segment @seg_id? */
static bool rsm_ivs_imported(struct rsm_ivs *ivs, u32 seg_id, u64 generation)
{
	/*
	 * Our descriptor was withdrawn before this; an importer writes its
	 * record before it checks the descriptor once more. With a full
	 * barrier on both sides, either it sees the withdrawal or we see its
	 * record (see rsm_ivs_import_seg()).
	 */
	virt_mb();
	return rsm_ivs_records_naming(ivs, seg_id, generation, true);
}

static void rsm_ivs_seg_free_local(struct rsm_ivs *ivs, struct rsm_segment *seg)
{
	struct rsm_ivs_local *loc = seg->ic_priv;
	struct rsm_ivs_held *held = NULL;

	if (loc->generation && rsm_ivs_imported(ivs, loc->seg_id, loc->generation))
		held = kzalloc(sizeof(*held), GFP_KERNEL);
	mutex_lock(&ivs->lock);
	if (held) {
		held->addr = loc->addr;
		held->size = loc->size;
		held->seg_id = loc->seg_id;
		held->generation = loc->generation;
		list_add_tail(&held->node, &ivs->quarantine);
		WRITE_ONCE(ivs->held_bytes, ivs->held_bytes + held->size);
	} else {
		/* nobody maps it (or we could not even track it: leak-free wins) */
		gen_pool_free(ivs->pool, loc->addr, loc->size);
	}
	mutex_unlock(&ivs->lock);
	seg->vaddr = NULL;
	seg->ic_priv = NULL;
	kfree(loc);
}

static int rsm_ivs_publish(struct rsm_interconnect *ic, struct rsm_segment *seg)
{
	struct rsm_ivs *ivs = ic->priv;
	struct rsm_ivs_local *loc = seg->ic_priv;
	struct rsm_ivs_slice_header *sh = ivs->slice;
	struct rsm_ivs_desc *d;
	u32 i;

	mutex_lock(&ivs->lock);
	i = find_first_zero_bit(ivs->desc_used, RSM_IVS_MAX_DESCS);
	if (i >= RSM_IVS_MAX_DESCS) {
		mutex_unlock(&ivs->lock);
		return -ENOSPC;
	}
	__set_bit(i, ivs->desc_used);
	loc->desc_index = i;
	loc->seg_id = seg->id;
	loc->generation = seg->generation;

	d = rsm_ivs_desc(ivs->slice, i);
	rsm_ivs_write_begin(&d->seq);
	wr64(d->key, seg->key);
	wr64(d->generation, seg->generation);
	wr64(d->offset, loc->addr - (unsigned long)ivs->mem -
			rsm_ivs_arena(ivs, ivs->node_id));
	wr64(d->size, seg->size);
	wr32(d->seg_id, seg->id);
	wr32(d->part_size, seg->part_size);
	wr32(d->part_count, seg->part_count);
	wr32(d->span, seg->span);
	wr32(d->uid, from_kuid(&init_user_ns, seg->uid));
	wr32(d->gid, from_kgid(&init_user_ns, seg->gid));
	wr32(d->mode, seg->mode & 0777);
	wr64(d->importer_signals, 0);
	wr32(d->state, RSM_IVS_USED);
	rsm_ivs_write_end(&d->seq);
	if (i >= rd32(sh->desc_hwm))
		wr32(sh->desc_hwm, i + 1);
	mutex_unlock(&ivs->lock);
	return 0;
}

static void rsm_ivs_unpublish(struct rsm_interconnect *ic,
			      struct rsm_segment *seg)
{
	struct rsm_ivs *ivs = ic->priv;
	struct rsm_ivs_local *loc = seg->ic_priv;
	struct rsm_ivs_desc *d;

	mutex_lock(&ivs->lock);
	if (loc->desc_index >= 0) {
		d = rsm_ivs_desc(ivs->slice, loc->desc_index);
		rsm_ivs_write_begin(&d->seq);
		wr32(d->state, RSM_IVS_FREE);
		wr64(d->key, 0);
		rsm_ivs_write_end(&d->seq);
		__clear_bit(loc->desc_index, ivs->desc_used);
		loc->desc_index = -1;
	}
	mutex_unlock(&ivs->lock);
	/* importers revoke at their next scan; make that now */
	rsm_ivs_ring_all(ivs);
}

static void rsm_ivs_signal_importers(struct rsm_interconnect *ic,
				     struct rsm_segment *seg)
{
	struct rsm_ivs *ivs = ic->priv;
	struct rsm_ivs_local *loc = seg->ic_priv;
	struct rsm_ivs_desc *d;
	unsigned long flags;

	if (loc->desc_index < 0)
		return;
	d = rsm_ivs_desc(ivs->slice, loc->desc_index);
	spin_lock_irqsave(&ivs->signal_lock, flags);
	wr64(d->importer_signals, le64_to_cpu(d->importer_signals) + 1);
	spin_unlock_irqrestore(&ivs->signal_lock, flags);
	rsm_ivs_ring_all(ivs);
}

static u32 rsm_ivs_remote_importers(struct rsm_interconnect *ic,
				    struct rsm_segment *seg)
{
	struct rsm_ivs_local *loc = seg->ic_priv;

	if (!loc->generation)
		return 0;
	return rsm_ivs_records_naming(ic->priv, loc->seg_id, loc->generation,
				      false);
}

/* --- ops: remote segments ---------------------------------------------- */

static enum rsm_node_state rsm_ivs_node_state(struct rsm_interconnect *ic,
					      u32 node_id)
{
	return rsm_ivs_peer_state(ic->priv, node_id);
}

/*
 * Find @key in node @id's slice: the descriptor (copied, validated) and its
 * index. -ENOENT if absent, -EHOSTDOWN if the node is not up.
 */
static int rsm_ivs_find(struct rsm_ivs *ivs, u32 id, u64 key,
			struct rsm_ivs_desc *out, u32 *index)
{
	struct rsm_ivs_slice_header *sh;
	void *slice;
	u32 i, hwm;

	if (rsm_ivs_peer_state(ivs, id) != RSM_NODE_UP)
		return -EHOSTDOWN;
	slice = rsm_ivs_slice(ivs, id);
	sh = slice;
	if (rd32(sh->magic) != RSM_IVS_SLICE_MAGIC ||
	    rd64(sh->incarnation) != READ_ONCE(ivs->peers[id]->incarnation))
		return -ENOENT;
	hwm = min_t(u32, rd32(sh->desc_hwm), RSM_IVS_MAX_DESCS);
	for (i = 0; i < hwm; i++) {
		if (rd64(rsm_ivs_desc(slice, i)->key) != key)
			continue;
		if (!rsm_ivs_read_stable(rsm_ivs_desc(slice, i), out, sizeof(*out)))
			continue;
		if (le64_to_cpu(out->key) != key || !rsm_ivs_desc_valid(ivs, out))
			continue;
		*index = i;
		return 0;
	}
	return -ENOENT;
}

static void rsm_ivs_to_descriptor(u32 node_id, const struct rsm_ivs_desc *d,
				  struct rsm_descriptor *desc)
{
	memset(desc, 0, sizeof(*desc));
	desc->key = le64_to_cpu(d->key);
	desc->node_id = node_id;
	desc->seg_id = le32_to_cpu(d->seg_id);
	desc->part_size = le32_to_cpu(d->part_size);
	desc->part_count = le32_to_cpu(d->part_count);
	desc->span = le32_to_cpu(d->span);
	desc->interconnect = RSM_IC_IVSHMEM;
	desc->uid = le32_to_cpu(d->uid);
	desc->gid = le32_to_cpu(d->gid);
	desc->mode = le32_to_cpu(d->mode);
	desc->state = RSM_SEG_STATE_PUBLISHED;
	desc->size = le64_to_cpu(d->size);
	desc->generation = le64_to_cpu(d->generation);
}

static int rsm_ivs_lookup(struct rsm_interconnect *ic, u32 node_id, u64 key,
			  struct rsm_descriptor *desc)
{
	struct rsm_ivs_desc d;
	u32 index;
	int err;

	err = rsm_ivs_find(ic->priv, node_id, key, &d, &index);
	if (!err)
		rsm_ivs_to_descriptor(node_id, &d, desc);
	return err;
}

/* The segment header in the owner's arena agrees with its descriptor. */
static bool rsm_ivs_header_valid(const struct rsm_seg_header *hdr,
				 const struct rsm_ivs_desc *d)
{
	return READ_ONCE(hdr->magic) == RSM_SEG_MAGIC &&
	       READ_ONCE(hdr->version) == RSM_SEG_VERSION &&
	       READ_ONCE(hdr->part_size) == le32_to_cpu(d->part_size) &&
	       READ_ONCE(hdr->part_count) == le32_to_cpu(d->part_count) &&
	       READ_ONCE(hdr->span) == le32_to_cpu(d->span) &&
	       READ_ONCE(hdr->size) == le64_to_cpu(d->size) &&
	       READ_ONCE(hdr->seg_id) == le32_to_cpu(d->seg_id);
}

static struct rsm_segment *rsm_ivs_import_seg(struct rsm_interconnect *ic,
					      const struct rsm_descriptor *desc,
					      u32 access)
{
	struct rsm_ivs *ivs = ic->priv;
	struct rsm_ivs_slice_header *sh = ivs->slice;
	struct rsm_ivs_proxy *proxy;
	struct rsm_ivs_import *rec;
	struct rsm_segment *seg;
	struct rsm_ivs_desc d;
	u32 index, i;
	int err;

	err = rsm_ivs_find(ivs, desc->node_id, desc->key, &d, &index);
	if (err)
		return ERR_PTR(err);
	if (le64_to_cpu(d.generation) != desc->generation)
		return ERR_PTR(-ESTALE);

	mutex_lock(&ivs->lock);
	list_for_each_entry(proxy, &ivs->proxies, node) {
		if (proxy->node_id == desc->node_id &&
		    proxy->seg_id == desc->seg_id &&
		    proxy->generation == desc->generation &&
		    kref_get_unless_zero(&proxy->seg->ref)) {
			mutex_unlock(&ivs->lock);
			return proxy->seg;
		}
	}
	mutex_unlock(&ivs->lock);

	if (!rsm_ivs_header_valid(ivs->mem + rsm_ivs_arena(ivs, desc->node_id) +
				  le64_to_cpu(d.offset), &d))
		return ERR_PTR(-EIO);

	proxy = kzalloc(sizeof(*proxy), GFP_KERNEL);
	if (!proxy)
		return ERR_PTR(-ENOMEM);
	seg = rsm_seg_alloc_remote(ic, desc);
	if (IS_ERR(seg)) {
		kfree(proxy);
		return seg;
	}
	proxy->seg = seg;
	proxy->node_id = desc->node_id;
	proxy->seg_id = desc->seg_id;
	proxy->desc_index = index;
	proxy->key = desc->key;
	proxy->generation = desc->generation;
	proxy->incarnation = READ_ONCE(ivs->peers[desc->node_id]->incarnation);
	proxy->offset = le64_to_cpu(d.offset);
	proxy->seen_importer_signals = le64_to_cpu(d.importer_signals);

	mutex_lock(&ivs->lock);
	i = find_first_zero_bit(ivs->import_used, RSM_IVS_MAX_IMPORTS);
	if (i >= RSM_IVS_MAX_IMPORTS) {
		mutex_unlock(&ivs->lock);
		seg->mem_live = false;	/* nothing of ours to give back */
		rsm_seg_put(seg);
		kfree(proxy);
		return ERR_PTR(-ENOSPC);
	}
	__set_bit(i, ivs->import_used);
	proxy->import_index = i;
	rec = rsm_ivs_import(ivs->slice, i);
	rsm_ivs_write_begin(&rec->seq);
	wr32(rec->node_id, proxy->node_id);
	wr32(rec->seg_id, proxy->seg_id);
	wr64(rec->generation, proxy->generation);
	wr64(rec->incarnation, proxy->incarnation);
	/* the count runs on from the record's last import: see deliver */
	proxy->signals = rd64(rec->signals);
	wr32(rec->state, RSM_IVS_USED);
	rsm_ivs_write_end(&rec->seq);
	if (i >= rd32(sh->import_hwm))
		wr32(sh->import_hwm, i + 1);
	seg->vaddr = ivs->mem + rsm_ivs_arena(ivs, proxy->node_id) + proxy->offset;
	seg->ic_priv = proxy;
	list_add_tail(&proxy->node, &ivs->proxies);
	mutex_unlock(&ivs->lock);

	/*
	 * The owner may have withdrawn and freed the segment since we read
	 * its descriptor, before it could see our record: look again now
	 * that the record is visible (pairs with rsm_ivs_imported()).
	 */
	virt_mb();
	if (!rsm_ivs_read_stable(rsm_ivs_desc(rsm_ivs_slice(ivs, proxy->node_id),
					      index), &d, sizeof(d)) ||
	    le64_to_cpu(d.key) != proxy->key ||
	    le64_to_cpu(d.generation) != proxy->generation) {
		rsm_seg_put(seg);	/* seg_free clears the record */
		return ERR_PTR(-EIDRM);
	}
	return seg;
}

static void rsm_ivs_seg_free_remote(struct rsm_ivs *ivs, struct rsm_segment *seg)
{
	struct rsm_ivs_proxy *proxy = seg->ic_priv;
	struct rsm_ivs_import *rec;

	mutex_lock(&ivs->lock);
	list_del(&proxy->node);
	rec = rsm_ivs_import(ivs->slice, proxy->import_index);
	rsm_ivs_write_begin(&rec->seq);
	wr32(rec->state, RSM_IVS_FREE);
	rsm_ivs_write_end(&rec->seq);
	__clear_bit(proxy->import_index, ivs->import_used);
	mutex_unlock(&ivs->lock);
	/* a signal racing the revocation may still look at it: see signal */
	WRITE_ONCE(seg->ic_priv, NULL);
	seg->vaddr = NULL;
	kfree_rcu(proxy, rcu);
}

static void rsm_ivs_seg_free(struct rsm_interconnect *ic,
			     struct rsm_segment *seg)
{
	if (seg->remote)
		rsm_ivs_seg_free_remote(ic->priv, seg);
	else
		rsm_ivs_seg_free_local(ic->priv, seg);
}

static int rsm_ivs_seg_pfn(struct rsm_interconnect *ic, struct rsm_segment *seg,
			   pgoff_t pgoff, unsigned long *pfn, pgprot_t *prot)
{
	struct rsm_ivs *ivs = ic->priv;
	u64 off = seg->vaddr - ivs->mem + ((u64)pgoff << PAGE_SHIFT);

	*pfn = (ivs->mem_phys + off) >> PAGE_SHIFT;
	return 0;
}

static int rsm_ivs_signal(struct rsm_interconnect *ic, struct rsm_segment *seg)
{
	struct rsm_ivs *ivs = ic->priv;
	struct rsm_ivs_proxy *proxy;
	struct rsm_ivs_import *rec;
	unsigned long flags;
	u32 node_id;

	rcu_read_lock();
	proxy = READ_ONCE(seg->ic_priv);
	if (!proxy) {
		rcu_read_unlock();
		return 0;	/* revoked meanwhile: the revocation tells */
	}
	node_id = proxy->node_id;
	rec = rsm_ivs_import(ivs->slice, proxy->import_index);
	spin_lock_irqsave(&ivs->signal_lock, flags);
	wr64(rec->signals, ++proxy->signals);
	spin_unlock_irqrestore(&ivs->signal_lock, flags);
	rcu_read_unlock();
	rsm_ivs_ring(ivs, node_id);
	return 0;
}

static const struct rsm_interconnect_ops rsm_ivs_ops = {
	.seg_alloc = rsm_ivs_seg_alloc,
	.seg_free = rsm_ivs_seg_free,
	.seg_pfn = rsm_ivs_seg_pfn,
	.publish = rsm_ivs_publish,
	.unpublish = rsm_ivs_unpublish,
	.node_state = rsm_ivs_node_state,
	.lookup = rsm_ivs_lookup,
	.import = rsm_ivs_import_seg,
	.signal = rsm_ivs_signal,
	.signal_importers = rsm_ivs_signal_importers,
	.remote_importers = rsm_ivs_remote_importers,
};

/* --- the scan: liveness, doorbells, withdrawals, quarantine ------------- */

/*
 * Record a peer's new state here and in the core's node table, which
 * netlink lists and whose changes are its node up/down events. Scan work
 * only, holding no lock: the core takes rsm_lock.
 */
static void rsm_ivs_set_state(struct rsm_ivs_peer *peer,
			      enum rsm_node_state state, const char *why)
{
	int err;

	if (peer->state == state)
		return;
	if (state == RSM_NODE_DOWN) {
		peer->down_count++;
		pr_info("node %u down: %s\n", peer->id, why);
	} else if (state == RSM_NODE_UP) {
		pr_info("node %u up\n", peer->id);
	}
	/* the node table first: who sees the new state in sysfs finds it there */
	err = rsm_node_set_state(&peer->ivs->ic, peer->id, state);
	if (err)
		pr_warn_ratelimited("node %u: not in the node table (%d)\n",
				    peer->id, err);
	WRITE_ONCE(peer->state, state);
}

/*
 * An rsm-aware ivshmem server saw node @id's VM disconnect (its QEMU died):
 * no need to wait for the heartbeat to time out.
 */
static bool rsm_ivs_server_says_gone(struct rsm_ivs *ivs, u32 id)
{
	const struct rsm_ivs_server *srv = ivs->mem + RSM_IVS_SERVER_OFFSET;

	if (!ivs->doorbell || rd32(srv->magic) != RSM_IVS_SERVER_MAGIC ||
	    id >= min_t(u32, rd32(srv->ids), RSM_IVS_SERVER_IDS))
		return false;
	return !(rd64(srv->conn[id]) & 1);
}

/* Read node @peer's entry and update what we think of it. */
static void rsm_ivs_check_peer(struct rsm_ivs *ivs, struct rsm_ivs_peer *peer)
{
	struct rsm_ivs_node *e = rsm_ivs_node(ivs, peer->id);
	u64 inc, hb;
	u32 state;

	if (rd32(e->magic) != RSM_IVS_NODE_MAGIC ||
	    rd32(e->node_id) != peer->id) {
		if (peer->state == RSM_NODE_UP)
			rsm_ivs_set_state(peer, RSM_NODE_DOWN, "its node entry is gone");
		return;
	}
	state = rd32(e->state);
	inc = rd64(e->incarnation);
	hb = rd64(e->heartbeat);
	if (inc != peer->incarnation) {
		/* restarted (or first seen): nothing of the old one survives */
		if (peer->state == RSM_NODE_UP)
			rsm_ivs_set_state(peer, RSM_NODE_DOWN, "it restarted");
		memset(peer->seen_seg, 0, sizeof(peer->seen_seg));
		WRITE_ONCE(peer->incarnation, inc);
		peer->heartbeat = hb;
		peer->moved = jiffies;
		return;	/* up once its heartbeat moves */
	}
	if (state != RSM_IVS_NODE_UP) {
		rsm_ivs_set_state(peer, peer->state == RSM_NODE_UNKNOWN ?
				  RSM_NODE_UNKNOWN : RSM_NODE_DOWN, "it left");
		return;
	}
	if (rsm_ivs_server_says_gone(ivs, peer->id)) {
		if (peer->state == RSM_NODE_UP)
			rsm_ivs_set_state(peer, RSM_NODE_DOWN,
					  "its VM disconnected from the ivshmem server");
		return;
	}
	if (hb != peer->heartbeat) {
		peer->heartbeat = hb;
		peer->moved = jiffies;
		WRITE_ONCE(peer->doorbell,
			   !!(rd32(e->flags) & RSM_IVS_NODE_F_DOORBELL));
		rsm_ivs_set_state(peer, RSM_NODE_UP, NULL);
	} else if (peer->state == RSM_NODE_UP &&
		   time_after(jiffies, peer->moved + msecs_to_jiffies(down_ms))) {
		rsm_ivs_set_state(peer, RSM_NODE_DOWN, "no heartbeat");
	}
}

/* Deliver the signals of @peer's import records aimed at our segments. */
static void rsm_ivs_deliver(struct rsm_ivs *ivs, struct rsm_ivs_peer *peer)
{
	void *slice = rsm_ivs_slice(ivs, peer->id);
	struct rsm_ivs_import rec;
	u32 i, hwm, seg_id;
	bool aimed;
	u64 gen, n;

	hwm = rsm_ivs_import_hwm(ivs, peer->id);
	for (i = 0; i < hwm; i++) {
		if (!rsm_ivs_read_stable(rsm_ivs_import(slice, i), &rec, sizeof(rec)))
			continue;
		/*
		 * A freed record keeps its identity and count: an importer
		 * that signals and at once unimports (a sender that sends
		 * its last message and closes) may free the record before
		 * any scan of ours saw it in use, and its signal counts all
		 * the same.
		 */
		aimed = (le32_to_cpu(rec.state) == RSM_IVS_USED ||
			 le32_to_cpu(rec.state) == RSM_IVS_FREE) &&
			le32_to_cpu(rec.node_id) == ivs->node_id &&
			le64_to_cpu(rec.incarnation) == ivs->incarnation;
		seg_id = aimed ? le32_to_cpu(rec.seg_id) : 0;
		gen = le64_to_cpu(rec.generation);
		n = le64_to_cpu(rec.signals);
		if (peer->seen_seg[i] != seg_id || peer->seen_gen[i] != gen) {
			/*
			 * Another import in this record. The count runs on
			 * across the imports a record holds, so a change of
			 * it may be the last signals of the one before, which
			 * was freed and reused between two scans: ring that
			 * segment too. A spurious doorbell wakes a receiver
			 * that finds nothing; a lost one leaves it asleep.
			 */
			if (peer->seen_seg[i] && n != peer->seen_signals[i])
				rsm_doorbell(peer->seen_seg[i]);
			peer->seen_seg[i] = seg_id;
			peer->seen_gen[i] = gen;
		}
		if (n != peer->seen_signals[i]) {
			peer->seen_signals[i] = n;
			if (seg_id)
				rsm_doorbell(seg_id);
		}
	}
}

/*
 * What the scan does to a proxy, decided under ivs->lock and done after it
 * is dropped (the core takes rsm_lock).
 */
struct rsm_ivs_action {
	struct rsm_segment *seg;	/* referenced */
	int revoke;			/* -EHOSTDOWN, -EIDRM or 0 */
	bool wake;			/* the owner signalled importers */
};

#define RSM_IVS_ACTIONS	32

/* Decide about @proxy; true if an action was recorded in @act. */
static bool rsm_ivs_judge(struct rsm_ivs *ivs, struct rsm_ivs_proxy *proxy,
			  struct rsm_ivs_action *act)
{
	struct rsm_ivs_peer *peer = ivs->peers[proxy->node_id];
	struct rsm_ivs_desc d;
	void *slice;
	u64 n;

	act->revoke = 0;
	act->wake = false;
	if (peer->state != RSM_NODE_UP || peer->incarnation != proxy->incarnation) {
		act->revoke = -EHOSTDOWN;
	} else {
		slice = rsm_ivs_slice(ivs, proxy->node_id);
		if (!rsm_ivs_read_stable(rsm_ivs_desc(slice, proxy->desc_index),
					 &d, sizeof(d)) ||
		    le64_to_cpu(d.key) != proxy->key ||
		    le64_to_cpu(d.generation) != proxy->generation ||
		    le32_to_cpu(d.seg_id) != proxy->seg_id ||
		    !rsm_ivs_desc_valid(ivs, &d)) {
			act->revoke = -EIDRM;
		} else {
			n = le64_to_cpu(d.importer_signals);
			act->wake = n != proxy->seen_importer_signals;
			proxy->seen_importer_signals = n;
		}
	}
	if (!act->revoke && !act->wake)
		return false;
	if (!kref_get_unless_zero(&proxy->seg->ref))
		return false;	/* being freed: seg_free unlinks it */
	act->seg = proxy->seg;
	return true;
}

static void rsm_ivs_act(struct rsm_ivs_action *act, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (act[i].revoke)
			rsm_seg_revoke(act[i].seg, act[i].revoke);
		else
			rsm_seg_signal_importers(act[i].seg);
		rsm_seg_put(act[i].seg);
	}
}

/* Judge every proxy, acting in batches so no allocation is needed. */
static void rsm_ivs_scan_proxies(struct rsm_ivs *ivs)
{
	struct rsm_ivs_action act[RSM_IVS_ACTIONS];
	struct rsm_ivs_proxy *proxy;
	unsigned int n;
	bool more;

	do {
		n = 0;
		more = false;
		mutex_lock(&ivs->lock);
		list_for_each_entry(proxy, &ivs->proxies, node) {
			if (n == RSM_IVS_ACTIONS) {
				more = true;
				break;
			}
			if (rsm_ivs_judge(ivs, proxy, &act[n]))
				n++;
		}
		mutex_unlock(&ivs->lock);
		rsm_ivs_act(act, n);
		/* a revoked proxy leaves the list; a woken one is not judged twice */
	} while (more);
}

static void rsm_ivs_release_quarantine(struct rsm_ivs *ivs)
{
	struct rsm_ivs_held *held, *next;
	LIST_HEAD(done);

	mutex_lock(&ivs->lock);
	list_for_each_entry_safe(held, next, &ivs->quarantine, node)
		if (!rsm_ivs_imported(ivs, held->seg_id, held->generation))
			list_move(&held->node, &done);
	list_for_each_entry_safe(held, next, &done, node) {
		gen_pool_free(ivs->pool, held->addr, held->size);
		WRITE_ONCE(ivs->held_bytes, ivs->held_bytes - held->size);
		kfree(held);
	}
	mutex_unlock(&ivs->lock);
}

/* The tick's period: the heartbeat, or the poll without interrupts. */
static unsigned int rsm_ivs_period_ms(struct rsm_ivs *ivs)
{
	return ivs->doorbell ? heartbeat_ms : poll_ms;
}

/*
 * How long this node was not looking: the time since the last scan beyond
 * two tick periods (the tick queues a scan every period) or a quarter of
 * down_ms, whichever is longer (so that jiffies rounding of a short poll
 * period never counts). Under software emulation or a starved host the
 * vCPU running us stops for a while, and so, as a rule, does the one
 * running a peer on the same host: counting that time as the peer's
 * silence would declare live peers down after every stall. A peer that
 * really stopped is still down within down_ms of the time we watched it,
 * plus the periods we were late (Documentation/ivshmem.md says so).
 */
static unsigned long rsm_ivs_blind_time(struct rsm_ivs *ivs)
{
	unsigned long now = jiffies, gap = now - ivs->scanned;
	unsigned long late = msecs_to_jiffies(max(2 * rsm_ivs_period_ms(ivs),
						  down_ms / 4));

	ivs->scanned = now;
	return gap > late ? gap - late : 0;
}

static void rsm_ivs_scan_work(struct work_struct *work)
{
	struct rsm_ivs *ivs = container_of(work, struct rsm_ivs, scan);
	unsigned long blind = rsm_ivs_blind_time(ivs);
	struct rsm_ivs_peer *peer;
	u32 id;

	for (id = 0; id < ivs->layout.max_nodes; id++) {
		peer = ivs->peers[id];
		if (!peer)
			continue;
		/* our own blackout is not the peer's silence */
		if (blind && time_before(peer->moved + blind, jiffies))
			peer->moved += blind;
		rsm_ivs_check_peer(ivs, peer);
		if (peer->state == RSM_NODE_UP)
			rsm_ivs_deliver(ivs, peer);
	}
	rsm_ivs_scan_proxies(ivs);
	rsm_ivs_release_quarantine(ivs);
}

static void rsm_ivs_tick_work(struct work_struct *work)
{
	struct rsm_ivs *ivs = container_of(to_delayed_work(work), struct rsm_ivs,
					   tick);
	unsigned int period = rsm_ivs_period_ms(ivs);

	wr64(ivs->self->heartbeat, ++ivs->heartbeat);
	queue_work(system_highpri_wq, &ivs->scan);
	if (!READ_ONCE(ivs->stopping))
		queue_delayed_work(system_highpri_wq, &ivs->tick,
				   msecs_to_jiffies(period));
}

static irqreturn_t rsm_ivs_irq(int irq, void *data)
{
	struct rsm_ivs *ivs = data;

	if (!READ_ONCE(ivs->stopping))
		queue_work(system_highpri_wq, &ivs->scan);
	return IRQ_HANDLED;
}

/* --- sysfs: /sys/bus/pci/devices/<dev>/rsm_nodes/<id>/ ------------------ */

static const char *const rsm_ivs_state_names[] = {
	[RSM_NODE_UNKNOWN] = "unknown",
	[RSM_NODE_UP] = "up",
	[RSM_NODE_DOWN] = "down",
};

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct rsm_ivs_peer *peer = container_of(kobj, struct rsm_ivs_peer, kobj);

	return sysfs_emit(buf, "%s\n", rsm_ivs_state_names[READ_ONCE(peer->state)]);
}

static ssize_t heartbeat_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	struct rsm_ivs_peer *peer = container_of(kobj, struct rsm_ivs_peer, kobj);

	return sysfs_emit(buf, "%llu\n",
			  rd64(rsm_ivs_node(peer->ivs, peer->id)->heartbeat));
}

static ssize_t incarnation_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct rsm_ivs_peer *peer = container_of(kobj, struct rsm_ivs_peer, kobj);

	return sysfs_emit(buf, "%#llx\n", READ_ONCE(peer->incarnation));
}

static ssize_t down_count_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct rsm_ivs_peer *peer = container_of(kobj, struct rsm_ivs_peer, kobj);

	return sysfs_emit(buf, "%llu\n", READ_ONCE(peer->down_count));
}

static struct kobj_attribute rsm_ivs_attr_state = __ATTR_RO(state);
static struct kobj_attribute rsm_ivs_attr_heartbeat = __ATTR_RO(heartbeat);
static struct kobj_attribute rsm_ivs_attr_incarnation = __ATTR_RO(incarnation);
static struct kobj_attribute rsm_ivs_attr_down_count = __ATTR_RO(down_count);

static struct attribute *rsm_ivs_peer_attrs[] = {
	&rsm_ivs_attr_state.attr,
	&rsm_ivs_attr_heartbeat.attr,
	&rsm_ivs_attr_incarnation.attr,
	&rsm_ivs_attr_down_count.attr,
	NULL,
};
ATTRIBUTE_GROUPS(rsm_ivs_peer);

static void rsm_ivs_peer_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct rsm_ivs_peer, kobj));
}

static const struct kobj_type rsm_ivs_peer_ktype = {
	.release = rsm_ivs_peer_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = rsm_ivs_peer_groups,
};

static ssize_t rsm_node_id_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct rsm_ivs *ivs = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", ivs->node_id);
}
static DEVICE_ATTR_RO(rsm_node_id);

static ssize_t rsm_doorbell_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct rsm_ivs *ivs = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", ivs->doorbell);
}
static DEVICE_ATTR_RO(rsm_doorbell);

static ssize_t rsm_held_bytes_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct rsm_ivs *ivs = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", READ_ONCE(ivs->held_bytes));
}
static DEVICE_ATTR_RO(rsm_held_bytes);

static struct attribute *rsm_ivs_dev_attrs[] = {
	&dev_attr_rsm_node_id.attr,
	&dev_attr_rsm_doorbell.attr,
	&dev_attr_rsm_held_bytes.attr,
	NULL,
};
ATTRIBUTE_GROUPS(rsm_ivs_dev);

/* --- attach and detach ---------------------------------------------------- */

/*
 * Accept the region's header, or write one if the region has none: the
 * first node to attach lays the region out for max_nodes nodes; the others
 * follow its header. A header whose values do not follow from its region
 * size and node count is refused.
 */
static int rsm_ivs_layout_region(struct rsm_ivs *ivs, u64 size)
{
	struct rsm_ivs_header *h = ivs->mem;
	struct rsm_ivs_layout l;
	u32 n;

	if (rd64(h->magic) == RSM_IVS_MAGIC) {
		n = rd32(h->max_nodes);
		if (rd32(h->version) != RSM_IVS_VERSION ||
		    n < RSM_IVS_MIN_NODES || n > RSM_IVS_MAX_NODES)
			goto bad;
		l = rsm_ivs_layout(size, n);
		if (rd32(h->header_size) != sizeof(*h) ||
		    rd64(h->region_size) != size ||
		    rd32(h->node_size) != sizeof(struct rsm_ivs_node) ||
		    rd64(h->node_offset) != l.node_offset ||
		    rd64(h->slice_offset) != l.slice_offset ||
		    rd64(h->slice_size) != RSM_IVS_SLICE_SIZE ||
		    rd64(h->arena_offset) != l.arena_offset ||
		    rd64(h->arena_size) != l.arena_size || !l.arena_size)
			goto bad;
		if (n != max_nodes)
			pr_info("region laid out for %u nodes, not ivshmem_max_nodes=%u: following it\n",
				n, max_nodes);
		ivs->layout = l;
		return 0;
	}
	if (max_nodes < RSM_IVS_MIN_NODES || max_nodes > RSM_IVS_MAX_NODES) {
		pr_err("ivshmem_max_nodes=%u is not in 2-64\n", max_nodes);
		return -EINVAL;
	}
	l = rsm_ivs_layout(size, max_nodes);
	if (l.arena_size < PAGE_SIZE) {
		pr_err("a %llu-byte region is too small for %u nodes\n", size, max_nodes);
		return -ENOSPC;
	}
	wr32(h->version, RSM_IVS_VERSION);
	wr32(h->header_size, sizeof(*h));
	wr64(h->region_size, size);
	wr32(h->max_nodes, max_nodes);
	wr32(h->node_size, sizeof(struct rsm_ivs_node));
	wr64(h->node_offset, l.node_offset);
	wr64(h->slice_offset, l.slice_offset);
	wr64(h->slice_size, RSM_IVS_SLICE_SIZE);
	wr64(h->arena_offset, l.arena_offset);
	wr64(h->arena_size, l.arena_size);
	/* the fields before the magic that makes them count */
	virt_wmb();
	wr64(h->magic, RSM_IVS_MAGIC);
	ivs->layout = l;
	return 0;
bad:
	pr_err("the region's header does not describe a %llu-byte region: refusing it\n",
	       size);
	return -EINVAL;
}

/* Our slice from scratch, then our node entry: we are up. */
static void rsm_ivs_join(struct rsm_ivs *ivs)
{
	struct rsm_ivs_slice_header *sh = ivs->slice;
	struct rsm_ivs_node *e = ivs->self;

	wr32(e->state, RSM_IVS_NODE_ABSENT);
	/* peers stop trusting the old slice before we wipe it */
	virt_wmb();
	memset(ivs->slice, 0, RSM_IVS_SLICE_SIZE);
	wr32(sh->desc_count, RSM_IVS_MAX_DESCS);
	wr64(sh->incarnation, ivs->incarnation);
	/* the slice header before its magic */
	virt_wmb();
	wr32(sh->magic, RSM_IVS_SLICE_MAGIC);
	wr32(e->node_id, ivs->node_id);
	wr32(e->flags, ivs->doorbell ? RSM_IVS_NODE_F_DOORBELL : 0);
	wr32(e->heartbeat_ms, rsm_ivs_period_ms(ivs));
	wr64(e->heartbeat, 0);
	wr64(e->incarnation, ivs->incarnation);
	wr32(e->magic, RSM_IVS_NODE_MAGIC);
	/* slice and entry complete before a peer may see us up */
	virt_wmb();
	wr32(e->state, RSM_IVS_NODE_UP);
}

static int rsm_ivs_add_peers(struct rsm_ivs *ivs)
{
	struct rsm_ivs_peer *peer;
	u32 id;
	int err;

	ivs->peers = kcalloc(ivs->layout.max_nodes, sizeof(*ivs->peers),
			     GFP_KERNEL);
	if (!ivs->peers)
		return -ENOMEM;
	ivs->nodes_kobj = kobject_create_and_add("rsm_nodes", &ivs->pdev->dev.kobj);
	if (!ivs->nodes_kobj)
		return -ENOMEM;
	for (id = 0; id < ivs->layout.max_nodes; id++) {
		if (id == ivs->node_id)
			continue;
		peer = kzalloc(sizeof(*peer), GFP_KERNEL);
		if (!peer)
			return -ENOMEM;
		peer->ivs = ivs;
		peer->id = id;
		peer->state = RSM_NODE_UNKNOWN;
		err = kobject_init_and_add(&peer->kobj, &rsm_ivs_peer_ktype,
					   ivs->nodes_kobj, "%u", id);
		if (err) {
			kobject_put(&peer->kobj);
			return err;
		}
		ivs->peers[id] = peer;
	}
	return 0;
}

static void rsm_ivs_del_peers(struct rsm_ivs *ivs)
{
	u32 id;

	if (ivs->peers)
		for (id = 0; id < ivs->layout.max_nodes; id++)
			if (ivs->peers[id])
				kobject_put(&ivs->peers[id]->kobj);
	kfree(ivs->peers);
	ivs->peers = NULL;
	kobject_put(ivs->nodes_kobj);
	ivs->nodes_kobj = NULL;
}

/* Revoke every proxy: the interconnect is going. */
static void rsm_ivs_revoke_all(struct rsm_ivs *ivs)
{
	struct rsm_ivs_action act[RSM_IVS_ACTIONS];
	struct rsm_ivs_proxy *proxy;
	unsigned int n;

	do {
		n = 0;
		mutex_lock(&ivs->lock);
		list_for_each_entry(proxy, &ivs->proxies, node) {
			if (n == RSM_IVS_ACTIONS)
				break;
			if (!kref_get_unless_zero(&proxy->seg->ref))
				continue;
			act[n].seg = proxy->seg;
			act[n].revoke = -EHOSTDOWN;
			act[n].wake = false;
			n++;
		}
		mutex_unlock(&ivs->lock);
		rsm_ivs_act(act, n);
	} while (n);
}

static unsigned long rsm_ivs_taken;	/* bit 0: one ivshmem device per node */

/* Our node id: IVPosition with a server, the node_id parameter without. */
static int rsm_ivs_pick_node_id(struct rsm_ivs *ivs)
{
	u32 param = READ_ONCE(rsm_node_id);

	if (ivs->doorbell) {
		ivs->node_id = readl(ivs->regs + RSM_IVS_REG_IVPOSITION);
		if (param && param != ivs->node_id) {
			pr_err("node_id=%u but the ivshmem server made this node %u\n",
			       param, ivs->node_id);
			return -EINVAL;
		}
		WRITE_ONCE(rsm_node_id, ivs->node_id);
	} else {
		ivs->node_id = param;
	}
	if (ivs->node_id >= ivs->layout.max_nodes) {
		pr_err("node %u does not fit a region laid out for %u nodes\n",
		       ivs->node_id, ivs->layout.max_nodes);
		return -ERANGE;
	}
	return 0;
}

static int rsm_ivs_attach(struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;
	resource_size_t start, size;
	struct rsm_ivs *ivs;
	int err;

	ivs = devm_kzalloc(dev, sizeof(*ivs), GFP_KERNEL);
	if (!ivs)
		return -ENOMEM;
	ivs->pdev = pdev;
	mutex_init(&ivs->lock);
	spin_lock_init(&ivs->signal_lock);
	INIT_LIST_HEAD(&ivs->proxies);
	INIT_LIST_HEAD(&ivs->quarantine);
	INIT_DELAYED_WORK(&ivs->tick, rsm_ivs_tick_work);
	INIT_WORK(&ivs->scan, rsm_ivs_scan_work);
	ivs->scanned = jiffies;

	err = pcim_enable_device(pdev);
	if (err)
		return err;
	err = pcim_iomap_regions(pdev, BIT(0), KBUILD_MODNAME);
	if (err)
		return err;
	ivs->regs = pcim_iomap_table(pdev)[0];
	start = pci_resource_start(pdev, 2);
	size = pci_resource_len(pdev, 2);
	if (!size || !is_power_of_2(size)) {
		dev_err(dev, "BAR2 (%pa bytes) is no ivshmem region\n", &size);
		return -ENODEV;
	}
	if (!devm_request_mem_region(dev, start, size, KBUILD_MODNAME))
		return -EBUSY;
	/* RAM behind a BAR, coherent between the VMs: map it cached */
	ivs->mem = devm_memremap(dev, start, size, MEMREMAP_WB);
	if (IS_ERR(ivs->mem))
		return PTR_ERR(ivs->mem);
	ivs->mem_phys = start;
	ivs->doorbell = pdev->msix_cap != 0;

	err = rsm_ivs_layout_region(ivs, size);
	if (err)
		return err;
	err = rsm_ivs_pick_node_id(ivs);
	if (err)
		return err;
	ivs->self = rsm_ivs_node(ivs, ivs->node_id);
	ivs->slice = rsm_ivs_slice(ivs, ivs->node_id);
	ivs->incarnation = get_random_u64() | 1;

	ivs->pool = devm_gen_pool_create(dev, PAGE_SHIFT, dev_to_node(dev), NULL);
	if (IS_ERR(ivs->pool))
		return PTR_ERR(ivs->pool);
	err = gen_pool_add(ivs->pool, (unsigned long)ivs->mem +
			   rsm_ivs_arena(ivs, ivs->node_id),
			   ivs->layout.arena_size, dev_to_node(dev));
	if (err)
		return err;

	if (ivs->doorbell) {
		err = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
		if (err < 0)
			return err;
		/* without bus mastering QEMU drops the MSI-X writes */
		pci_set_master(pdev);
		err = request_irq(pci_irq_vector(pdev, 0), rsm_ivs_irq, 0,
				  KBUILD_MODNAME, ivs);
		if (err)
			goto out_free_vectors;
	}
	pci_set_drvdata(pdev, ivs);
	err = rsm_ivs_add_peers(ivs);
	if (err)
		goto out_del_peers;

	rsm_ivs_join(ivs);
	ivs->ic.id = RSM_IC_IVSHMEM;
	ivs->ic.name = "ivshmem";
	ivs->ic.ops = &rsm_ivs_ops;
	ivs->ic.priv = ivs;
	err = rsm_interconnect_register(&ivs->ic);
	if (err)
		goto out_leave;
	queue_delayed_work(system_highpri_wq, &ivs->tick, 0);
	dev_info(dev, "node %u of %u, %s, %llu-byte arenas\n", ivs->node_id,
		 ivs->layout.max_nodes,
		 ivs->doorbell ? "doorbell interrupts" : "polled (ivshmem-plain)",
		 ivs->layout.arena_size);
	return 0;

out_leave:
	wr32(ivs->self->state, RSM_IVS_NODE_LEFT);
out_del_peers:
	rsm_ivs_del_peers(ivs);
	if (ivs->doorbell)
		free_irq(pci_irq_vector(pdev, 0), ivs);
out_free_vectors:
	if (ivs->doorbell)
		pci_free_irq_vectors(pdev);
	return err;
}

static int rsm_ivs_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	int err;

	if (test_and_set_bit(0, &rsm_ivs_taken)) {
		dev_info(dev, "rsm already uses another ivshmem device\n");
		return -EBUSY;
	}
	err = rsm_ivs_attach(pdev);
	if (err)
		clear_bit(0, &rsm_ivs_taken);
	return err;
}

static void rsm_ivs_remove(struct pci_dev *pdev)
{
	struct rsm_ivs *ivs = pci_get_drvdata(pdev);
	struct rsm_ivs_held *held, *next;
	u32 id;

	/* tell the others first: they revoke what they import of ours */
	wr32(ivs->self->state, RSM_IVS_NODE_LEFT);
	rsm_ivs_ring_all(ivs);

	WRITE_ONCE(ivs->stopping, true);
	if (ivs->doorbell)
		free_irq(pci_irq_vector(pdev, 0), ivs);
	cancel_delayed_work_sync(&ivs->tick);
	cancel_work_sync(&ivs->scan);

	/* the nodes only we reached leave the node table (down first) */
	for (id = 0; id < ivs->layout.max_nodes; id++)
		if (ivs->peers[id])
			rsm_node_set_state(&ivs->ic, id, RSM_NODE_UNKNOWN);
	rsm_ivs_revoke_all(ivs);
	rsm_interconnect_unregister(&ivs->ic);
	list_for_each_entry_safe(held, next, &ivs->quarantine, node) {
		gen_pool_free(ivs->pool, held->addr, held->size);
		kfree(held);
	}
	rsm_ivs_del_peers(ivs);
	if (ivs->doorbell)
		pci_free_irq_vectors(pdev);
	clear_bit(0, &rsm_ivs_taken);
}

static const struct pci_device_id rsm_ivs_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1110) },
	{ }
};
MODULE_DEVICE_TABLE(pci, rsm_ivs_ids);

static struct pci_driver rsm_ivs_driver = {
	.name = "rsm_ivshmem",
	.id_table = rsm_ivs_ids,
	.probe = rsm_ivs_probe,
	.remove = rsm_ivs_remove,
	.dev_groups = rsm_ivs_dev_groups,
};

/**
 * rsm_ivshmem_init() - register the ivshmem PCI driver
 *
 * Context: module init, after the core is ready for interconnects.
 * Return: 0 or a negative errno from pci_register_driver().
 */
int rsm_ivshmem_init(void)
{
	if (heartbeat_ms < 10 || heartbeat_ms > 1000 || poll_ms < 1 ||
	    poll_ms > 100 || down_ms < 3 * heartbeat_ms) {
		pr_err("ivshmem_heartbeat_ms, ivshmem_poll_ms or ivshmem_down_ms out of range\n");
		return -EINVAL;
	}
	return pci_register_driver(&rsm_ivs_driver);
}

/**
 * rsm_ivshmem_exit() - unregister the ivshmem PCI driver
 *
 * Context: module exit.
 */
void rsm_ivshmem_exit(void)
{
	pci_unregister_driver(&rsm_ivs_driver);
}
