/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The layout of the ivshmem shared region (BAR2), as every node sees it:
 * the contract between the rsmdev kernels of the nodes, and with
 * rsm-ivshmem-server (the server area). Documentation/ivshmem.md describes
 * it and the node protocol in prose.
 *
 *   0                      struct rsm_ivs_header
 *   RSM_IVS_SERVER_OFFSET  struct rsm_ivs_server (written by the server)
 *   node_offset            max_nodes x struct rsm_ivs_node (node table)
 *   slice_offset           max_nodes x RSM_IVS_SLICE_SIZE registry slices
 *   arena_offset           max_nodes x arena_size arenas
 *
 * Single writer everywhere: the header is written once, by the first node
 * to attach (in the same words every node would write); node table entry
 * N, registry slice N and arena N are written only by node N's kernel
 * (arena N's segments also by the processes that map them). Every field a
 * node reads from another node's part is validated before use: magic,
 * bounds, generation. All fields are little-endian.
 *
 * Only u32/u64 fields, naturally aligned, no implicit padding; sizes are
 * pinned by static asserts in ivshmem.c.
 */
#ifndef _UAPI_LINUX_RSM_IVSHMEM_H
#define _UAPI_LINUX_RSM_IVSHMEM_H

#include <linux/types.h>

#define RSM_IVS_MAGIC		0x31485356494d5352ULL	/* "RSMIVSH1" */
#define RSM_IVS_VERSION		1
#define RSM_IVS_NODE_MAGIC	0x4e4d5352U		/* "RSMN" */
#define RSM_IVS_SLICE_MAGIC	0x534d5352U		/* "RSMS" */

#define RSM_IVS_MIN_NODES	2
#define RSM_IVS_MAX_NODES	64
#define RSM_IVS_PAGE		4096
#define RSM_IVS_SLICE_SIZE	(128 * 1024)
#define RSM_IVS_MAX_DESCS	512	/* published segments per node */
#define RSM_IVS_MAX_IMPORTS	512	/* remote segments imported per node */

/**
 * struct rsm_ivs_header - offset 0 of the region: what the layout is
 * @magic:		RSM_IVS_MAGIC, written last
 * @version:		RSM_IVS_VERSION
 * @header_size:	sizeof(struct rsm_ivs_header)
 * @region_size:	bytes of the region (the BAR2 size)
 * @max_nodes:		entries of the node table, slices and arenas
 * @node_size:		sizeof(struct rsm_ivs_node)
 * @node_offset:	byte offset of the node table
 * @slice_offset:	byte offset of slice 0
 * @slice_size:		RSM_IVS_SLICE_SIZE
 * @arena_offset:	byte offset of arena 0
 * @arena_size:		bytes of each arena, a multiple of RSM_IVS_PAGE
 * @reserved:		zero
 *
 * Every value follows from @region_size and @max_nodes
 * (rsm_ivs_layout()); a node recomputes them and accepts the header only
 * if all agree, so a torn or foreign header is refused, never followed.
 */
struct rsm_ivs_header {
	__le64 magic;
	__le32 version;
	__le32 header_size;
	__le64 region_size;
	__le32 max_nodes;
	__le32 node_size;
	__le64 node_offset;
	__le64 slice_offset;
	__le64 slice_size;
	__le64 arena_offset;
	__le64 arena_size;
	__le64 reserved[7];
};

#define RSM_IVS_SERVER_OFFSET	2048
#define RSM_IVS_SERVER_MAGIC	0x5652534dU		/* "MSRV" */
#define RSM_IVS_SERVER_IDS	64

/**
 * struct rsm_ivs_server - what rsm-ivshmem-server (-r) knows of its clients
 * @magic:		RSM_IVS_SERVER_MAGIC, written last at server start
 * @ids:		RSM_IVS_SERVER_IDS
 * @incarnation:	random, new at every server start
 * @conn:		per ivshmem id (the node id with a server): bit 0 set
 *			while that VM's QEMU is connected, the rest counts its
 *			connections
 *
 * A VM whose QEMU dies (killed, crashed) disconnects from the server at
 * once: the server clears bit 0 of its word, then rings vector 0 of every
 * remaining VM, whose scan declares the node down without waiting for its
 * heartbeat to time out. Written only by the server; nodes only read it,
 * and only when it is valid.
 */
struct rsm_ivs_server {
	__le32 magic;
	__le32 ids;
	__le64 incarnation;
	__le64 conn[RSM_IVS_SERVER_IDS];
};

/* rsm_ivs_node.state */
#define RSM_IVS_NODE_ABSENT	0	/* never attached, or zeroed */
#define RSM_IVS_NODE_UP		1	/* attached; heartbeat advancing */
#define RSM_IVS_NODE_LEFT	2	/* detached cleanly (rmmod, unbind) */

/* rsm_ivs_node.flags */
#define RSM_IVS_NODE_F_DOORBELL	0x1	/* takes interrupts: ring it */

/**
 * struct rsm_ivs_node - one node's entry in the node table (its own)
 * @magic:		RSM_IVS_NODE_MAGIC
 * @state:		RSM_IVS_NODE_*
 * @incarnation:	random, nonzero, new at every attach: a node that
 *			restarted is told from one that stalled
 * @heartbeat:		incremented every @heartbeat_ms while UP
 * @node_id:		the node's id, equal to the entry's index
 * @flags:		RSM_IVS_NODE_F_*
 * @heartbeat_ms:	period of @heartbeat
 * @reserved0:		zero
 * @reserved:		zero
 */
struct rsm_ivs_node {
	__le32 magic;
	__le32 state;
	__le64 incarnation;
	__le64 heartbeat;
	__le32 node_id;
	__le32 flags;
	__le32 heartbeat_ms;
	__le32 reserved0;
	__le64 reserved[3];
};

/**
 * struct rsm_ivs_slice_header - first bytes of a node's registry slice
 * @magic:		RSM_IVS_SLICE_MAGIC
 * @desc_count:		RSM_IVS_MAX_DESCS
 * @incarnation:	the owner's incarnation the slice was set up for
 * @desc_hwm:		descriptors in use lie below this index
 * @import_hwm:		import records in use lie below this index
 * @reserved:		zero
 */
struct rsm_ivs_slice_header {
	__le32 magic;
	__le32 desc_count;
	__le64 incarnation;
	__le32 desc_hwm;
	__le32 import_hwm;
	__le64 reserved[5];
};

/* rsm_ivs_desc.state and rsm_ivs_import.state */
#define RSM_IVS_FREE		0
#define RSM_IVS_USED		1

/**
 * struct rsm_ivs_desc - a published segment, in its owner's slice
 * @seq:		even when stable, odd while the owner rewrites it
 *			(a seqcount: readers retry on a change)
 * @state:		RSM_IVS_FREE or RSM_IVS_USED (published)
 * @key:		registry key, nonzero
 * @generation:		the descriptor's generation, nonzero
 * @offset:		byte offset of the segment in its owner's arena,
 *			page aligned
 * @size:		bytes of the segment: rsm_seg_layout() of the geometry
 * @seg_id:		segment id on the owner
 * @part_size:		partition size, a power of two
 * @part_count:		partitions
 * @span:		span factor
 * @uid:		owner uid (init namespace)
 * @gid:		owner gid (init namespace)
 * @mode:		permission bits, at most 0777
 * @reserved0:		zero
 * @importer_signals:	counts the owner's signals to every importer
 *			(RSM_SIGNAL_F_IMPORTERS)
 * @reserved:		zero
 */
struct rsm_ivs_desc {
	__le32 seq;
	__le32 state;
	__le64 key;
	__le64 generation;
	__le64 offset;
	__le64 size;
	__le32 seg_id;
	__le32 part_size;
	__le32 part_count;
	__le32 span;
	__le32 uid;
	__le32 gid;
	__le32 mode;
	__le32 reserved0;
	__le64 importer_signals;
	__le64 reserved[6];
};

/**
 * struct rsm_ivs_import - a remote segment this node imported, in the
 * importer's slice
 * @seq:		even when stable, odd while being rewritten
 * @state:		RSM_IVS_FREE or RSM_IVS_USED
 * @node_id:		node owning the segment
 * @seg_id:		its segment id there
 * @generation:		the descriptor generation imported
 * @incarnation:	the owner's incarnation at import
 * @signals:		counts this node's signals to the segment's owner; runs
 *			on across the imports the record holds (wiped only
 *			with the slice), so that a last signal shows even
 *			when the record was freed or reused before the owner
 *			looked
 * @reserved:		zero
 *
 * The owner reads these to deliver signals (of a freed record too: it
 * keeps its identity and count), to count remote importers and to know
 * when no node maps a destroyed segment's memory any more.
 */
struct rsm_ivs_import {
	__le32 seq;
	__le32 state;
	__le32 node_id;
	__le32 seg_id;
	__le64 generation;
	__le64 incarnation;
	__le64 signals;
	__le64 reserved[3];
};

/* Within a slice: header, descriptors, import records. */
#define RSM_IVS_DESC_OFFSET	RSM_IVS_PAGE
#define RSM_IVS_IMPORT_OFFSET	(RSM_IVS_DESC_OFFSET + RSM_IVS_MAX_DESCS * \
				 sizeof(struct rsm_ivs_desc))

/**
 * struct rsm_ivs_layout - where things are, computed from the region size
 * @region_size:	bytes of the region
 * @max_nodes:		nodes the region is cut for
 * @node_offset:	node table
 * @slice_offset:	slice 0
 * @arena_offset:	arena 0
 * @arena_size:		bytes of each arena (0: the region is too small)
 */
struct rsm_ivs_layout {
	__u64 region_size;
	__u32 max_nodes;
	__u32 reserved;
	__u64 node_offset;
	__u64 slice_offset;
	__u64 arena_offset;
	__u64 arena_size;
};

static inline struct rsm_ivs_layout rsm_ivs_layout(__u64 region_size,
						   __u32 max_nodes)
{
	struct rsm_ivs_layout l;
	__u64 nodes_end;

	l.region_size = region_size;
	l.max_nodes = max_nodes;
	l.reserved = 0;
	l.arena_size = 0;
	l.node_offset = RSM_IVS_PAGE;
	nodes_end = l.node_offset +
		    (__u64)max_nodes * sizeof(struct rsm_ivs_node);
	l.slice_offset = (nodes_end + RSM_IVS_PAGE - 1) &
			 ~(__u64)(RSM_IVS_PAGE - 1);
	l.arena_offset = l.slice_offset +
			 (__u64)max_nodes * RSM_IVS_SLICE_SIZE;
	if (region_size > l.arena_offset)
		l.arena_size = ((region_size - l.arena_offset) / max_nodes) &
			       ~(__u64)(RSM_IVS_PAGE - 1);
	return l;
}

#endif /* _UAPI_LINUX_RSM_IVSHMEM_H */
