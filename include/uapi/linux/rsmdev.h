/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * rsmdev - remote shared memory segments, their registry and doorbells.
 *
 * The one header shared by the kernel module and user space: ioctl numbers
 * and argument structs of /dev/rsmdev, the layout of a target segment (header,
 * directory, data area), the mmap offset encoding and, in the last section,
 * the names of the generic netlink family "rsm".
 *
 * Rules every struct here follows (Documentation/driver-api/ioctl.rst):
 * fixed-width types only, explicit padding, pointers as __u64, every
 * "reserved" field and every undefined flag bit must be zero on input or the
 * ioctl fails with EINVAL. Sizes are pinned by static asserts on both sides.
 *
 * Documentation/rsmdev.rst gives the errno of every failure.
 */
#ifndef _UAPI_LINUX_RSMDEV_H
#define _UAPI_LINUX_RSMDEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define RSMDEV_NAME		"rsmdev"
#define RSMDEV_ABI_VERSION	1

/* Interconnects: ids for rsm_seg_create.interconnect, bits for masks. */
#define RSM_IC_DEFAULT		0	/* ivshmem when attached, else loopback */
#define RSM_IC_LOOPBACK		1	/* same node, ordinary kernel pages */
#define RSM_IC_IVSHMEM		2	/* carved from the ivshmem BAR2 arena */
#define RSM_IC_MAX		RSM_IC_IVSHMEM
#define RSM_IC_BIT(ic)		(1U << (ic))

/* rsm_lookup.node_id / rsm_import.node_id: "this node". */
#define RSM_NODE_LOCAL		0xffffffffU

/* Partition geometry limits. */
#define RSM_PART_SIZE_MIN	64U		/* 2^6 */
#define RSM_PART_SIZE_MAX	(4U << 20)	/* 2^22 */
#define RSM_PART_COUNT_MAX	(1U << 20)

/* Segment states (rsm_descriptor.state, rsm_seg_header.state). */
#define RSM_SEG_STATE_CREATED	1	/* allocated, not in the registry */
#define RSM_SEG_STATE_PUBLISHED	2	/* in the registry under a key */
#define RSM_SEG_STATE_REVOKED	3	/* unpublished with importers revoked */
#define RSM_SEG_STATE_DESTROYED	4	/* owner destroyed it; memory going */

/* Import access bits (rsm_import.access), checked against the mode. */
#define RSM_ACCESS_READ		0x1
#define RSM_ACCESS_WRITE	0x2
#define RSM_ACCESS_RW		(RSM_ACCESS_READ | RSM_ACCESS_WRITE)

/* rsm_seg_publish.uid/gid: "the caller's effective id". */
#define RSM_ID_SELF		0xffffffffU

/* rsm_wait.timeout_ns: wait without a time limit. */
#define RSM_WAIT_FOREVER	(-1LL)

/**
 * struct rsm_node_info - RSM_IOC_NODE_INFO: what this node is and allows
 * @abi_version:	RSMDEV_ABI_VERSION of the module
 * @node_id:		this node's id (0 on a node with loopback only)
 * @interconnects:	RSM_IC_BIT() of every interconnect present
 * @part_size_min:	smallest partition size accepted
 * @part_size_max:	largest partition size accepted
 * @part_count_max:	most partitions in one segment
 * @max_segs_per_process: segments one process may own at once
 * @reserved0:		zero
 * @max_bytes_per_user:	segment bytes one uid may hold (module parameter)
 * @max_bytes_total:	segment bytes all users may hold (module parameter)
 * @bytes_total:	segment bytes held now, all users
 * @bytes_user:		segment bytes held now by the caller's uid
 * @reserved:		zero
 */
struct rsm_node_info {
	__u32 abi_version;
	__u32 node_id;
	__u32 interconnects;
	__u32 part_size_min;
	__u32 part_size_max;
	__u32 part_count_max;
	__u32 max_segs_per_process;
	__u32 reserved0;
	__u64 max_bytes_per_user;
	__u64 max_bytes_total;
	__u64 bytes_total;
	__u64 bytes_user;
	__u64 reserved[4];
};

/**
 * struct rsm_seg_create - RSM_IOC_SEG_CREATE: allocate a target segment
 * @part_size:		in: partition size, a power of two in
 *			[RSM_PART_SIZE_MIN, RSM_PART_SIZE_MAX]
 * @part_count:		in: partitions, 1..RSM_PART_COUNT_MAX
 * @span:		in: most partitions one message may span, 1..part_count
 * @interconnect:	in: RSM_IC_* the memory must be reachable over
 * @flags:		in: zero (no flags defined)
 * @seg_id:		out: id of the new segment, unique on this node
 * @size:		out: bytes to mmap (header + directory + data, page
 *			aligned)
 * @mmap_offset:	out: offset to pass to mmap() on this fd
 * @reserved:		zero
 *
 * The new segment is owned by the calling file; it starts in
 * RSM_SEG_STATE_CREATED with its header and directory initialised (every
 * partition free). Its size must not exceed 4 GiB (1 << RSM_MMAP_SHIFT,
 * the window of one object in the mmap offset space).
 */
struct rsm_seg_create {
	__u32 part_size;
	__u32 part_count;
	__u32 span;
	__u32 interconnect;
	__u32 flags;
	__u32 seg_id;
	__u64 size;
	__u64 mmap_offset;
	__u64 reserved[2];
};

/**
 * struct rsm_seg_ref - names one segment the caller owns
 * @seg_id:	segment id from RSM_IOC_SEG_CREATE
 * @flags:	zero
 * @reserved:	zero
 *
 * Argument of RSM_IOC_SEG_DESTROY and RSM_IOC_SEG_UNPUBLISH.
 */
struct rsm_seg_ref {
	__u32 seg_id;
	__u32 flags;
	__u64 reserved;
};

/**
 * struct rsm_seg_publish - RSM_IOC_SEG_PUBLISH: enter a segment in the registry
 * @seg_id:	segment the caller owns, not yet published
 * @mode:	permission bits, at most 0777 (read/write for owner, group,
 *		other; execute bits are ignored)
 * @key:	registry key, nonzero, unique among this node's published
 *		segments
 * @uid:	owner uid of the descriptor, or RSM_ID_SELF; another uid
 *		needs CAP_SYS_ADMIN
 * @gid:	group of the descriptor, or RSM_ID_SELF; must be one of the
 *		caller's groups unless CAP_SYS_ADMIN
 * @flags:	zero
 * @reserved:	zero
 */
struct rsm_seg_publish {
	__u32 seg_id;
	__u32 mode;
	__u64 key;
	__u32 uid;
	__u32 gid;
	__u32 flags;
	__u32 reserved;
};

/**
 * struct rsm_descriptor - what the registry knows of a target segment
 * @key:		registry key (0 while unpublished)
 * @node_id:		node that owns the memory
 * @seg_id:		segment id on that node
 * @part_size:		partition size in bytes
 * @part_count:		number of partitions
 * @span:		span factor
 * @interconnect:	RSM_IC_* the memory lives on
 * @uid:		owner uid
 * @gid:		owner gid
 * @mode:		permission bits
 * @state:		RSM_SEG_STATE_*
 * @size:		bytes of the mapping
 * @generation:		changes every time the segment is (re)published, so a
 *			stale descriptor is told from a fresh one
 * @importers:		live imports of the segment (all nodes this node
 *			knows of); lets an owner see that a sender is gone
 * @reserved0:		zero
 * @reserved:		zero
 */
struct rsm_descriptor {
	__u64 key;
	__u32 node_id;
	__u32 seg_id;
	__u32 part_size;
	__u32 part_count;
	__u32 span;
	__u32 interconnect;
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 state;
	__u64 size;
	__u64 generation;
	__u32 importers;
	__u32 reserved0;
	__u64 reserved;
};

/**
 * struct rsm_lookup - RSM_IOC_LOOKUP: read a descriptor from the registry
 * @node_id:	in: node whose registry to search, or RSM_NODE_LOCAL
 * @flags:	in: zero
 * @key:	in: nonzero key
 * @desc:	out: the descriptor
 *
 * Looking up needs no permission; importing does.
 */
struct rsm_lookup {
	__u32 node_id;
	__u32 flags;
	__u64 key;
	struct rsm_descriptor desc;
};

/**
 * struct rsm_import - RSM_IOC_IMPORT: obtain an image of a published segment
 * @node_id:	in: node of the segment, or RSM_NODE_LOCAL
 * @access:	in: RSM_ACCESS_* wanted; checked against uid/gid/mode
 * @key:	in: nonzero key
 * @generation:	in: 0 for any, else the import fails with ESTALE unless the
 *		descriptor still has this generation
 * @flags:	in: zero
 * @import_id:	out: handle of the import, valid on this file only
 * @size:	out: bytes to mmap
 * @mmap_offset: out: offset to pass to mmap() on this fd
 * @desc:	out: the descriptor imported
 * @reserved:	zero
 */
struct rsm_import {
	__u32 node_id;
	__u32 access;
	__u64 key;
	__u64 generation;
	__u32 flags;
	__u32 import_id;
	__u64 size;
	__u64 mmap_offset;
	struct rsm_descriptor desc;
	__u64 reserved[2];
};

/**
 * struct rsm_handle - names an import or a group of the calling file
 * @id:		import_id or group_id
 * @flags:	zero
 * @reserved:	zero
 *
 * Argument of RSM_IOC_UNIMPORT, RSM_IOC_GROUP_DESTROY and
 * RSM_IOC_CHANNEL_CLOSE. Unimport fails with EBUSY while a segment group
 * uses the import, and revokes mappings of it that are left; closing a
 * channel destroys the groups that belong to it.
 */
struct rsm_handle {
	__u32 id;
	__u32 flags;
	__u64 reserved;
};

/**
 * struct rsm_group_create - RSM_IOC_GROUP_CREATE: pair a source and a target
 * @import_id:	in: import (source segment) of the calling file
 * @part_size:	in: must equal the target's partition size
 * @part_count:	in: must equal the target's partition count
 * @flags:	in: zero
 * @group_id:	out: id in the segment group table, unique on this node
 * @channel_id:	in: channel of the calling file the group belongs to, or 0
 * @reserved:	zero
 */
struct rsm_group_create {
	__u32 import_id;
	__u32 part_size;
	__u32 part_count;
	__u32 flags;
	__u32 group_id;
	__u32 channel_id;
	__u64 reserved[2];
};

/**
 * struct rsm_channel_open - RSM_IOC_CHANNEL_OPEN: enter a channel in the table
 * @node_id:	in: node of the receiving endpoint, or RSM_NODE_LOCAL
 * @slot:	in: channel slot the sender claimed in the endpoint
 * @key:	in: nonzero registry key of the endpoint
 * @flags:	in: zero
 * @channel_id:	out: id in the channel table, unique on this node
 * @reserved:	zero
 *
 * A channel is one sender's connection to one receiving endpoint (its
 * segment groups plus a notification ring, laid out by the library). The
 * kernel keeps it in the channel table for inspection and events; it is
 * closed by RSM_IOC_CHANNEL_CLOSE or when the file is released, however the
 * process died.
 */
struct rsm_channel_open {
	__u32 node_id;
	__u32 slot;
	__u64 key;
	__u32 flags;
	__u32 channel_id;
	__u64 reserved[2];
};

/*
 * rsm_signal.flags: RSM_SIGNAL_F_IMPORTERS makes id a seg_id the caller
 * owns and signals every file importing that segment.
 */
#define RSM_SIGNAL_F_IMPORTERS	0x1

/**
 * struct rsm_signal - RSM_IOC_SIGNAL: ring a doorbell
 * @id:		in: an import of the calling file, whose target's owner is
 *		signalled; with RSM_SIGNAL_F_IMPORTERS a segment the caller
 *		owns, whose importers are signalled (the reverse direction:
 *		a receiver telling a blocked sender that room was freed)
 * @flags:	in: RSM_SIGNAL_F_*
 * @reserved:	zero
 *
 * Makes the signalled file readable (poll) and wakes RSM_IOC_WAIT on it.
 * Signals are counted, never lost: a signal sent before the other side
 * waits is seen by that wait.
 */
struct rsm_signal {
	__u32 id;
	__u32 flags;
	__u64 reserved;
};

/**
 * struct rsm_wait - RSM_IOC_WAIT: wait for a doorbell or a revocation
 * @timeout_ns:	in: 0 to test without blocking, RSM_WAIT_FOREVER, or a
 *		relative time limit in nanoseconds
 * @seg_id:	in: 0 for every event of the file, else only signals to
 *		that segment the file owns
 * @flags:	in: zero
 * @pending:	out: signals consumed by this call
 * @revoked:	out: imports or channels of this file revoked (segment
 *		unpublished or destroyed, owner gone, node down) since the
 *		last wait; a revocation wakes waiters like a signal does, so
 *		a sender blocked for room never hangs on a dead receiver
 * @reserved:	zero
 *
 * Returns 0 once pending + revoked > 0 and consumes both. Fails with
 * ETIMEDOUT when the limit passes (EAGAIN for timeout 0), EINTR on a signal.
 * poll() reports EPOLLIN while a signal is pending and EPOLLPRI while a
 * revocation is pending.
 */
struct rsm_wait {
	__s64 timeout_ns;
	__u32 seg_id;
	__u32 flags;
	__u64 pending;
	__u32 revoked;
	__u32 reserved;
};

#define RSM_IOC_MAGIC		0xB8	/* free in ioctl-number.rst (6.1) */

#define RSM_IOC_NODE_INFO	_IOR(RSM_IOC_MAGIC, 0x00, struct rsm_node_info)
#define RSM_IOC_SEG_CREATE	_IOWR(RSM_IOC_MAGIC, 0x01, struct rsm_seg_create)
#define RSM_IOC_SEG_DESTROY	_IOW(RSM_IOC_MAGIC, 0x02, struct rsm_seg_ref)
#define RSM_IOC_SEG_PUBLISH	_IOW(RSM_IOC_MAGIC, 0x03, struct rsm_seg_publish)
#define RSM_IOC_SEG_UNPUBLISH	_IOW(RSM_IOC_MAGIC, 0x04, struct rsm_seg_ref)
#define RSM_IOC_LOOKUP		_IOWR(RSM_IOC_MAGIC, 0x05, struct rsm_lookup)
#define RSM_IOC_IMPORT		_IOWR(RSM_IOC_MAGIC, 0x06, struct rsm_import)
#define RSM_IOC_UNIMPORT	_IOW(RSM_IOC_MAGIC, 0x07, struct rsm_handle)
#define RSM_IOC_GROUP_CREATE	_IOWR(RSM_IOC_MAGIC, 0x08, struct rsm_group_create)
#define RSM_IOC_GROUP_DESTROY	_IOW(RSM_IOC_MAGIC, 0x09, struct rsm_handle)
#define RSM_IOC_SIGNAL		_IOW(RSM_IOC_MAGIC, 0x0a, struct rsm_signal)
#define RSM_IOC_WAIT		_IOWR(RSM_IOC_MAGIC, 0x0b, struct rsm_wait)
#define RSM_IOC_CHANNEL_OPEN	_IOWR(RSM_IOC_MAGIC, 0x0c, struct rsm_channel_open)
#define RSM_IOC_CHANNEL_CLOSE	_IOW(RSM_IOC_MAGIC, 0x0d, struct rsm_handle)

/*
 * mmap offset encoding: every mappable object (a segment the file owns, or
 * an import) has a node-unique object id; its mapping starts at byte offset
 * id << RSM_MMAP_SHIFT and may be at most the object's size. The ioctls
 * return the offset ready to use; the encoding is given so tools can decode
 * it. Only MAP_SHARED mappings are accepted.
 */
#define RSM_MMAP_SHIFT		32
#define RSM_MMAP_OFFSET(id)	((__u64)(id) << RSM_MMAP_SHIFT)

/*
 * Target segment layout, identical on every node and interconnect:
 *
 *   0                 struct rsm_seg_header (RSM_SEG_HEADER_SIZE bytes)
 *   dir_offset        part_count x struct rsm_dir_entry
 *   data_offset       part_count x part_size bytes of partitions
 *
 * data_offset is aligned to min(part_size, 4096) and at least to 64; the
 * whole is rounded up to 4096. rsm_seg_layout() computes the offsets.
 */
#define RSM_SEG_MAGIC		0x52534d31U	/* "RSM1" */
#define RSM_SEG_VERSION		1
#define RSM_SEG_HEADER_SIZE	256
#define RSM_SEG_USER_SIZE	128

/**
 * struct rsm_seg_header - first bytes of every target segment
 * @magic:		RSM_SEG_MAGIC
 * @version:		RSM_SEG_VERSION
 * @header_size:	RSM_SEG_HEADER_SIZE
 * @part_size:		partition size
 * @part_count:		number of partitions
 * @span:		span factor
 * @state:		RSM_SEG_STATE_*, written by the kernel only
 * @generation:		descriptor generation, written by the kernel only
 * @dir_offset:		byte offset of the directory
 * @data_offset:	byte offset of partition 0
 * @size:		bytes of the whole segment
 * @node_id:		owning node
 * @seg_id:		segment id on the owning node
 * @key:		registry key while published, else 0
 * @doorbell_seq:	incremented by the kernel of a remote signaller before
 *			it rings the owner's interrupt; the owner's interrupt
 *			handler compares it to find who was signalled
 * @messages:		messages the sender has put in this segment, added to
 *			by the sending library (single writer, relaxed
 *			atomic adds); read by the kernel for statistics only
 * @bytes:		payload bytes of those messages, likewise
 * @reserved:		zero, kernel-owned
 * @user:		owned by the user-space library (libshm keeps the
 *			receiver's sleep flag and counters here)
 *
 * Everything before @messages is written by the kernel at create/publish
 * time; user space must treat it as read-only (a peer that writes it anyway is
 * detected by the magic, bounds and generation checks).
 */
struct rsm_seg_header {
	__u32 magic;
	__u16 version;
	__u16 header_size;
	__u32 part_size;
	__u32 part_count;
	__u32 span;
	__u32 state;
	__u64 generation;
	__u64 dir_offset;
	__u64 data_offset;
	__u64 size;
	__u32 node_id;
	__u32 seg_id;
	__u64 key;
	__u64 doorbell_seq;
	__u64 messages;
	__u64 bytes;
	__u64 reserved[4];
	__u8 user[RSM_SEG_USER_SIZE];
};

/* rsm_dir_entry.state */
#define RSM_DIR_FREE		0	/* the sender may allocate it */
#define RSM_DIR_USED		1	/* holds (part of) a message */

/* rsm_dir_entry.flags */
#define RSM_DIR_F_FIRST		0x1	/* first partition of its message */

/* rsm_dir_entry.next on a message's last partition */
#define RSM_DIR_END		0xffffffffU

/**
 * struct rsm_dir_entry - one directory entry per partition
 * @state:	RSM_DIR_FREE or RSM_DIR_USED. The sender sets USED before it
 *		publishes the message; the receiver sets FREE (release
 *		ordering) once done with it, in any order across messages
 * @flags:	RSM_DIR_F_FIRST on the first partition of a message
 * @first:	index of the first partition of the message
 * @span:	partitions the message spans
 * @next:	index of the message's next partition, RSM_DIR_END on the last
 * @len:	message length in bytes
 * @seq:	sequence number of the message in its channel
 */
struct rsm_dir_entry {
	__u32 state;
	__u32 flags;
	__u32 first;
	__u32 span;
	__u32 next;
	__u32 len;
	__u64 seq;
};

/**
 * struct rsm_seg_layout_info - where things are inside a target segment
 * @dir_offset:		byte offset of the directory
 * @data_offset:	byte offset of partition 0
 * @size:		bytes of the segment (page aligned)
 */
struct rsm_seg_layout_info {
	__u64 dir_offset;
	__u64 data_offset;
	__u64 size;
};

/*
 * rsm_seg_layout() - compute the layout for a geometry both sides agree on.
 * The caller has validated part_size (power of two) and part_count.
 */
static inline struct rsm_seg_layout_info
rsm_seg_layout(__u32 part_size, __u32 part_count)
{
	struct rsm_seg_layout_info l;
	__u64 align = part_size < 4096 ? part_size : 4096;
	__u64 dir_end;

	if (align < 64)
		align = 64;
	l.dir_offset = RSM_SEG_HEADER_SIZE;
	dir_end = l.dir_offset +
		  (__u64)part_count * sizeof(struct rsm_dir_entry);
	l.data_offset = (dir_end + align - 1) & ~(align - 1);
	l.size = l.data_offset + (__u64)part_size * part_count;
	l.size = (l.size + 4095) & ~(__u64)4095;
	return l;
}

/* ---- generic netlink family "rsm" ---------------------------------------- */
/*
 * Generated from Documentation/netlink/specs/rsm.yaml by
 * tools/netlink/rsm-nlgen: do not edit.
 *
 * Inspection of rsmdev, the remote shared memory module: its segment table,
 * its registry of published descriptors, its segment group table, its
 * channel table and the nodes it knows, as get (one object) and dump (all
 * objects) operations; state changes as events on the "events" multicast
 * group. Reading needs no privilege (the same values are world-readable
 * under /sys/kernel/rsm); every operation that changes state needs
 * CAP_NET_ADMIN.
 */

#define RSM_FAMILY_NAME		"rsm"
#define RSM_FAMILY_VERSION	1

/*
 * What this node knows of a node.
 * @RSM_NODE_STATE_UP: Reachable (this node is always up).
 * @RSM_NODE_STATE_DOWN: Known but gone (heartbeat stopped): its segments are
 *   revoked and operations towards it fail with EHOSTDOWN.
 */
enum {
	RSM_NODE_STATE_UP = 1,
	RSM_NODE_STATE_DOWN,
};

/*
 * Attributes of "seg": A target segment, or the descriptor the registry
 * holds of one. A descriptor carries the attributes from id to importers; a
 * segment of this node's segment table carries them all.
 * @RSM_A_SEG_ID: Segment id on its node (the segment table's key). (u32)
 * @RSM_A_SEG_NODE_ID: Node owning the memory. (u32)
 * @RSM_A_SEG_KEY: Registry key while published, else 0. (u64)
 * @RSM_A_SEG_PART_SIZE: Partition size in bytes. (u32)
 * @RSM_A_SEG_PART_COUNT: Number of partitions. (u32)
 * @RSM_A_SEG_SPAN: Most partitions one message may span. (u32)
 * @RSM_A_SEG_SIZE: Bytes of the segment (header, directory and data). (u64)
 * @RSM_A_SEG_INTERCONNECT: Interconnect providing the memory. (u32)
 * @RSM_A_SEG_UID: Owner uid, in the requesting socket's user namespace.
 *   (u32)
 * @RSM_A_SEG_GID: Owner gid, likewise. (u32)
 * @RSM_A_SEG_MODE: Permission bits checked at import (at most 0777). (u32)
 * @RSM_A_SEG_STATE: State of the segment. (u32)
 * @RSM_A_SEG_GENERATION: Changes at every publish; tells a stale descriptor.
 *   (u64)
 * @RSM_A_SEG_IMPORTERS: Live imports of the segment on this node. (u32)
 * @RSM_A_SEG_REMOTE_IMPORTERS: Live imports held by other nodes (segments on
 *   an interconnect that reaches other nodes only). (u32)
 * @RSM_A_SEG_SIGNALS: Doorbells rung at the segment since it was created.
 *   (u64)
 * @RSM_A_SEG_MESSAGES: Messages senders put in the segment (the header's
 *   counter). (u64)
 * @RSM_A_SEG_BYTES: Payload bytes of those messages. (u64)
 */
enum {
	RSM_A_SEG_ID = 1,
	RSM_A_SEG_NODE_ID,
	RSM_A_SEG_KEY,
	RSM_A_SEG_PART_SIZE,
	RSM_A_SEG_PART_COUNT,
	RSM_A_SEG_SPAN,
	RSM_A_SEG_SIZE,
	RSM_A_SEG_INTERCONNECT,
	RSM_A_SEG_UID,
	RSM_A_SEG_GID,
	RSM_A_SEG_MODE,
	RSM_A_SEG_STATE,
	RSM_A_SEG_GENERATION,
	RSM_A_SEG_IMPORTERS,
	RSM_A_SEG_REMOTE_IMPORTERS,
	RSM_A_SEG_SIGNALS,
	RSM_A_SEG_MESSAGES,
	RSM_A_SEG_BYTES,
	RSM_A_SEG_PAD,

	__RSM_A_SEG_MAX,
	RSM_A_SEG_MAX = (__RSM_A_SEG_MAX - 1)
};

/*
 * Attributes of "group": A segment group (a source segment paired with its
 * target).
 * @RSM_A_GROUP_ID: Group id (the segment group table's key). (u32)
 * @RSM_A_GROUP_SEG_ID: Id of the target segment on its node. (u32)
 * @RSM_A_GROUP_NODE_ID: Node of the target segment. (u32)
 * @RSM_A_GROUP_KEY: Registry key the target was imported under. (u64)
 * @RSM_A_GROUP_PART_SIZE: Partition size of the pair. (u32)
 * @RSM_A_GROUP_PART_COUNT: Partition count of the pair. (u32)
 * @RSM_A_GROUP_CHANNEL_ID: Channel the group belongs to, 0 for none. (u32)
 * @RSM_A_GROUP_REVOKED: 0 while the source segment is usable, else the
 *   positive errno it was revoked with (EIDRM: unpublished or destroyed,
 *   EHOSTDOWN: node down). (u32)
 * @RSM_A_GROUP_MESSAGES: Messages put in the target (the target header's
 *   counter). (u64)
 * @RSM_A_GROUP_BYTES: Payload bytes of those messages. (u64)
 */
enum {
	RSM_A_GROUP_ID = 1,
	RSM_A_GROUP_SEG_ID,
	RSM_A_GROUP_NODE_ID,
	RSM_A_GROUP_KEY,
	RSM_A_GROUP_PART_SIZE,
	RSM_A_GROUP_PART_COUNT,
	RSM_A_GROUP_CHANNEL_ID,
	RSM_A_GROUP_REVOKED,
	RSM_A_GROUP_MESSAGES,
	RSM_A_GROUP_BYTES,
	RSM_A_GROUP_PAD,

	__RSM_A_GROUP_MAX,
	RSM_A_GROUP_MAX = (__RSM_A_GROUP_MAX - 1)
};

/*
 * Attributes of "channel": A channel (one sender's connection to one
 * receiving endpoint).
 * @RSM_A_CHANNEL_ID: Channel id (the channel table's key). (u32)
 * @RSM_A_CHANNEL_NODE_ID: Node of the receiving endpoint. (u32)
 * @RSM_A_CHANNEL_KEY: Registry key of the endpoint. (u64)
 * @RSM_A_CHANNEL_SLOT: Slot the sender claimed in the endpoint. (u32)
 * @RSM_A_CHANNEL_SEG_ID: Id of the endpoint's segment on its node. (u32)
 * @RSM_A_CHANNEL_GROUPS: Segment groups of the channel. (u32)
 * @RSM_A_CHANNEL_REVOKED: 0 while open, else the positive errno the endpoint
 *   was revoked with. (u32)
 */
enum {
	RSM_A_CHANNEL_ID = 1,
	RSM_A_CHANNEL_NODE_ID,
	RSM_A_CHANNEL_KEY,
	RSM_A_CHANNEL_SLOT,
	RSM_A_CHANNEL_SEG_ID,
	RSM_A_CHANNEL_GROUPS,
	RSM_A_CHANNEL_REVOKED,
	RSM_A_CHANNEL_PAD,

	__RSM_A_CHANNEL_MAX,
	RSM_A_CHANNEL_MAX = (__RSM_A_CHANNEL_MAX - 1)
};

/*
 * Attributes of "node": A node: this one (with its limits and usage) or
 * another node an interconnect reaches.
 * @RSM_A_NODE_ID: Node id. (u32)
 * @RSM_A_NODE_LOCAL: Present for this node. (flag)
 * @RSM_A_NODE_STATE: Whether the node is up. (u32)
 * @RSM_A_NODE_INTERCONNECT: Interconnect reaching another node. (u32)
 * @RSM_A_NODE_INTERCONNECTS: RSM_IC_BIT() of every interconnect this node
 *   has. (u32)
 * @RSM_A_NODE_ABI_VERSION: RSMDEV_ABI_VERSION of this node's module. (u32)
 * @RSM_A_NODE_PART_SIZE_MIN: Smallest partition size accepted. (u32)
 * @RSM_A_NODE_PART_SIZE_MAX: Largest partition size accepted. (u32)
 * @RSM_A_NODE_PART_COUNT_MAX: Most partitions in one segment. (u32)
 * @RSM_A_NODE_MAX_SEGS_PER_PROCESS: Segments one process may own at once.
 *   (u32)
 * @RSM_A_NODE_MAX_BYTES_PER_USER: Segment bytes one uid may hold. (u64)
 * @RSM_A_NODE_MAX_BYTES_TOTAL: Segment bytes all users may hold. (u64)
 * @RSM_A_NODE_BYTES: Segment bytes held now. (u64)
 * @RSM_A_NODE_CHANGES: Times another node went up or down since this node
 *   first saw it. (u32)
 */
enum {
	RSM_A_NODE_ID = 1,
	RSM_A_NODE_LOCAL,
	RSM_A_NODE_STATE,
	RSM_A_NODE_INTERCONNECT,
	RSM_A_NODE_INTERCONNECTS,
	RSM_A_NODE_ABI_VERSION,
	RSM_A_NODE_PART_SIZE_MIN,
	RSM_A_NODE_PART_SIZE_MAX,
	RSM_A_NODE_PART_COUNT_MAX,
	RSM_A_NODE_MAX_SEGS_PER_PROCESS,
	RSM_A_NODE_MAX_BYTES_PER_USER,
	RSM_A_NODE_MAX_BYTES_TOTAL,
	RSM_A_NODE_BYTES,
	RSM_A_NODE_CHANGES,
	RSM_A_NODE_PAD,

	__RSM_A_NODE_MAX,
	RSM_A_NODE_MAX = (__RSM_A_NODE_MAX - 1)
};

/*
 * Commands; the *_NTF ones are events, sent to a multicast group.
 * @RSM_CMD_SEG_GET: Get one segment of the segment table by id, or dump the
 *   table.
 * @RSM_CMD_DESC_GET: Look a key up in a node's registry (this node's when
 *   node-id is absent), or dump this node's registry: the descriptors of its
 *   published segments.
 * @RSM_CMD_GROUP_GET: Get one segment group by id, or dump the segment group
 *   table.
 * @RSM_CMD_CHANNEL_GET: Get one channel by id, or dump the channel table.
 * @RSM_CMD_NODE_GET: Get one node by id, or dump the nodes (this node
 *   first).
 * @RSM_CMD_SEG_DESTROY: Destroy a segment of any process, as its owner's
 *   RSM_IOC_SEG_DESTROY would: unpublish it, revoke its imports, channels
 *   and the owner's mappings (the owner sees a revocation) and free its
 *   memory. Needs CAP_NET_ADMIN for the operation and, like destroying
 *   another process's segment through the device, CAP_SYS_ADMIN.
 * @RSM_CMD_SEG_CREATED_NTF: A segment was created (entered in the segment
 *   table).
 * @RSM_CMD_SEG_PUBLISHED_NTF: A segment was published under a key.
 * @RSM_CMD_SEG_UNPUBLISHED_NTF: A segment left the registry (unpublished or
 *   destroyed); the key is the one it was published under.
 * @RSM_CMD_SEG_REVOKED_NTF: The imports and channels of a segment were
 *   revoked.
 * @RSM_CMD_SEG_DESTROYED_NTF: A segment was destroyed (left the segment
 *   table).
 * @RSM_CMD_SEG_IMPORTED_NTF: A segment was imported (importers counts the
 *   new import).
 * @RSM_CMD_SEG_UNIMPORTED_NTF: An import of a segment was dropped before
 *   being revoked.
 * @RSM_CMD_GROUP_CREATED_NTF: A segment group was created.
 * @RSM_CMD_GROUP_DESTROYED_NTF: A segment group was destroyed.
 * @RSM_CMD_CHANNEL_OPENED_NTF: A channel was opened.
 * @RSM_CMD_CHANNEL_CLOSED_NTF: A channel was closed.
 * @RSM_CMD_NODE_UP_NTF: Another node came up (its heartbeat moves).
 * @RSM_CMD_NODE_DOWN_NTF: Another node went down (heartbeat stopped,
 *   restarted or left).
 */
enum {
	RSM_CMD_SEG_GET = 1,
	RSM_CMD_DESC_GET,
	RSM_CMD_GROUP_GET,
	RSM_CMD_CHANNEL_GET,
	RSM_CMD_NODE_GET,
	RSM_CMD_SEG_DESTROY,
	RSM_CMD_SEG_CREATED_NTF,
	RSM_CMD_SEG_PUBLISHED_NTF,
	RSM_CMD_SEG_UNPUBLISHED_NTF,
	RSM_CMD_SEG_REVOKED_NTF,
	RSM_CMD_SEG_DESTROYED_NTF,
	RSM_CMD_SEG_IMPORTED_NTF,
	RSM_CMD_SEG_UNIMPORTED_NTF,
	RSM_CMD_GROUP_CREATED_NTF,
	RSM_CMD_GROUP_DESTROYED_NTF,
	RSM_CMD_CHANNEL_OPENED_NTF,
	RSM_CMD_CHANNEL_CLOSED_NTF,
	RSM_CMD_NODE_UP_NTF,
	RSM_CMD_NODE_DOWN_NTF,

	__RSM_CMD_MAX,
	RSM_CMD_MAX = (__RSM_CMD_MAX - 1)
};

#define RSM_MCGRP_EVENTS	"events"

/* ---- end of generic netlink family "rsm" ---- */

#endif /* _UAPI_LINUX_RSMDEV_H */
