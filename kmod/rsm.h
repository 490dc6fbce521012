/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rsmdev internals shared by the files of the module. The comment at the top
 * of main.c explains ownership, reference counting and locking; every field
 * below says which lock guards it.
 */
#ifndef RSM_H
#define RSM_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <linux/rsmdev.h>

#include "interconnect.h"

struct address_space;
struct rsm_account;
struct file;
struct kobject;
struct page;
struct pid;
struct poll_table_struct;
struct user_namespace;
struct vm_area_struct;

/* mmap offsets: object id in the high 32 bits of the byte offset */
#define RSM_MMAP_PGSHIFT	(RSM_MMAP_SHIFT - PAGE_SHIFT)
#define RSM_MMAP_PGMASK		((1UL << RSM_MMAP_PGSHIFT) - 1)
/* an object fits in its window of the offset space */
#define RSM_OBJ_SIZE_MAX	BIT_ULL(RSM_MMAP_SHIFT)
/* ids keep every window below 2^63, the largest loff_t */
#define RSM_OBJ_ID_MAX		(INT_MAX - 1)

extern struct mutex rsm_lock;
extern struct address_space *rsm_mapping;

/* module parameters (main.c); read with READ_ONCE, root may change them */
extern unsigned long rsm_max_bytes_per_user;
extern unsigned long rsm_max_bytes_total;
extern unsigned int rsm_max_segs_per_process;
extern unsigned int rsm_node_id;

/**
 * struct rsm_stats - node-wide counters shown in /sys/kernel/rsm/stats/
 *
 * @segments:		target segments that exist
 * @published:		of those, the ones in the registry
 * @imports:		import handles held
 * @groups:		entries in the segment group table
 * @channels:		entries in the channel table
 * @mappings:		VMAs of segments and imports, every process
 * @segments_created:	segments created since load
 * @imports_created:	imports made since load
 * @signals:		doorbells rung since load, both directions
 * @revocations:	imports and channels revoked since load
 *
 * The first group counts what exists now and returns to its starting value
 * once every user is gone; the second counts events since the module
 * loaded. All atomic; no lock.
 */
struct rsm_stats {
	atomic_long_t segments;
	atomic_long_t published;
	atomic_long_t imports;
	atomic_long_t groups;
	atomic_long_t channels;
	atomic_long_t mappings;
	atomic64_t segments_created;
	atomic64_t imports_created;
	atomic64_t signals;
	atomic64_t revocations;
};

extern struct rsm_stats rsm_stats;

/**
 * enum rsm_mobj_kind - what a mappable object is part of
 * @RSM_MOBJ_SEGMENT:	a target segment, mapped by its owner file
 * @RSM_MOBJ_IMPORT:	an import (source segment), mapped by the importer
 */
enum rsm_mobj_kind {
	RSM_MOBJ_SEGMENT,
	RSM_MOBJ_IMPORT,
};

/**
 * struct rsm_mobj - a mappable object: what mmap() at RSM_MMAP_OFFSET(@id)
 * on @file shows
 * @id:		object id, unique on the node (rsm_mobjs); immutable
 * @kind:	what contains it; immutable
 * @access:	RSM_ACCESS_* the mapping may have; immutable
 * @file:	the only file that may mmap it; immutable
 * @seg:	the segment whose memory it shows; immutable
 * @scratch:	zeroed pages mapped instead of @seg's memory once revoked:
 *		[0] at the header page, [1] at every other page (see
 *		"Revocation" in main.c); immutable, freed with the object
 * @revoked:	0, or the negative errno the object was revoked with. Set
 *		with rsm_lock and @seg->fault_rwsem (write) held, so it may be
 *		read under either; never cleared.
 */
struct rsm_mobj {
	u32 id;
	enum rsm_mobj_kind kind;
	u32 access;
	struct rsm_file *file;
	struct rsm_segment *seg;
	struct page *scratch[2];
	int revoked;
};

/**
 * struct rsm_file - one open of /dev/rsmdev, the owner of everything made
 * through it
 * @segments:	segments it owns (rsm_segment.file_node); changed with both
 *		rsm_lock and @event_lock held, walked under either
 * @groups:	segment groups it created (rsm_group.file_node); rsm_lock
 * @channels:	channels it opened (rsm_channel.file_node); rsm_lock
 * @imports:	import_id -> struct rsm_imp; changed under rsm_lock,
 *		looked up under RCU
 * @next_import_id: cyclic allocation cursor of @imports; rsm_lock
 * @event_lock:	guards @pending, @revoked and the pending count of every
 *		segment in @segments; taken from any context (irqsave)
 * @pending:	signals not yet consumed by RSM_IOC_WAIT; @event_lock
 * @revoked:	revocations not yet consumed by RSM_IOC_WAIT; @event_lock
 * @wq:		RSM_IOC_WAIT and poll() sleep here
 * @rcu:	freed after a grace period: doorbells find the file through
 *		rsm_segment.owner under RCU
 */
struct rsm_file {
	struct list_head segments;
	struct list_head groups;
	struct list_head channels;
	struct xarray imports;
	u32 next_import_id;
	spinlock_t event_lock;	/* see above */
	u64 pending;
	u32 revoked;
	wait_queue_head_t wq;
	struct rcu_head rcu;
};

/**
 * struct rsm_segment - a target segment (local), or this node's handle on
 * another node's (remote)
 * @mobj:	the owner's mappable view; @mobj.revoked is set when the
 *		segment is destroyed
 * @ref:	references: the owner (until destroyed), each import, channel
 *		and mapping of it; the last put frees the struct
 * @id:		seg_id on its node (rsm_segs for a local one); immutable
 * @node_id:	node that owns the memory; immutable
 * @part_size:	partition size; immutable
 * @part_count:	partitions; immutable
 * @span:	span factor; immutable
 * @size:	bytes of the segment (layout size, page aligned); immutable
 * @remote:	a remote segment (proxy); immutable
 * @ic:		interconnect providing the memory; immutable
 * @ic_priv:	the interconnect's per-segment data
 * @vaddr:	kernel mapping of the memory (NULL when the interconnect gives
 *		none, e.g. some remote segments); valid while @mem_live
 * @mem_live:	the interconnect's memory is still held (@seg_free not yet
 *		called); rsm_lock
 * @owner:	owning file, NULL once destroyed (and always for a remote
 *		segment); written under rsm_lock, read under RCU by doorbells
 * @file_node:	in the owner's segments list; see rsm_file.segments
 * @state:	RSM_SEG_STATE_*; rsm_lock (sysfs reads it with READ_ONCE)
 * @key:	registry key while published, else 0; rsm_lock
 * @generation:	generation of the last publish; rsm_lock
 * @uid:	descriptor owner; rsm_lock
 * @gid:	descriptor group; rsm_lock
 * @mode:	descriptor permission bits; rsm_lock
 * @registry_node: in the registry hash while published; rsm_lock
 * @importers:	live imports of it (rsm_import.seg_node); rsm_lock
 * @nr_importers: length of @importers; rsm_lock (READ_ONCE in sysfs)
 * @channels:	channels whose endpoint it is (rsm_channel.seg_node);
 *		rsm_lock
 * @user_acct:	the per-uid account its bytes are charged to; rsm_lock
 * @proc_acct:	the per-process account it is counted in; rsm_lock
 * @pending:	signals to it not yet consumed; owner's event_lock
 * @signals:	signals rung at it since creation; atomic
 * @fault_rwsem: page faults of every mapping of it (the owner's and its
 *		imports') hold it for reading while they insert a page;
 *		revocation takes it for writing to set rsm_mobj.revoked, so
 *		no fault can map its memory after the zap that follows
 * @kobj:	its directory in /sys/kernel/rsm/segments; rsm_lock
 * @rcu:	freed after a grace period (doorbells look it up under RCU)
 */
struct rsm_segment {
	struct rsm_mobj mobj;
	struct kref ref;
	u32 id;
	u32 node_id;
	u32 part_size;
	u32 part_count;
	u32 span;
	u64 size;
	bool remote;
	struct rsm_interconnect *ic;
	void *ic_priv;
	void *vaddr;
	bool mem_live;
	struct rsm_file __rcu *owner;
	struct list_head file_node;
	u32 state;
	u64 key;
	u64 generation;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	struct hlist_node registry_node;
	struct list_head importers;
	u32 nr_importers;
	struct list_head channels;
	struct rsm_account *user_acct;
	struct rsm_account *proc_acct;
	u64 pending;
	atomic64_t signals;
	struct rw_semaphore fault_rwsem;
	struct kobject *kobj;
	struct rcu_head rcu;
};

/**
 * struct rsm_imp - an import: a file's handle on a published segment,
 * whose mapping is the source segment
 * @mobj:	the importer's mappable view (@mobj.seg is the target)
 * @ref:	references: the file's handle (until unimported) and each
 *		mapping; the last put frees it and drops the segment
 * @id:		import_id in @mobj.file's imports; immutable
 * @seg_node:	in the target's importers list until revoked or
 *		unimported; rsm_lock
 * @nr_groups:	segment groups using it; rsm_lock
 * @rcu:	freed after a grace period (RSM_IOC_SIGNAL looks it up under
 *		RCU)
 */
struct rsm_imp {
	struct rsm_mobj mobj;
	struct kref ref;
	u32 id;
	struct list_head seg_node;
	unsigned int nr_groups;
	struct rcu_head rcu;
};

/**
 * struct rsm_channel - a sender's connection to a receiving endpoint, in
 * the channel table
 * @id:		channel_id (rsm_channels); immutable
 * @file:	the sender's file; immutable
 * @seg:	the endpoint's segment (referenced); immutable
 * @node_id:	node of the endpoint; immutable
 * @slot:	slot the sender claimed in the endpoint; immutable
 * @key:	registry key of the endpoint; immutable
 * @revoked:	0, or the negative errno the endpoint was revoked with;
 *		rsm_lock
 * @file_node:	in @file's channels; rsm_lock
 * @seg_node:	in @seg's channels until revoked; rsm_lock
 * @groups:	its segment groups (rsm_group.chan_node); rsm_lock
 * @nr_groups:	length of @groups; rsm_lock (READ_ONCE in sysfs)
 * @kobj:	its directory in /sys/kernel/rsm/channels; rsm_lock
 */
struct rsm_channel {
	u32 id;
	struct rsm_file *file;
	struct rsm_segment *seg;
	u32 node_id;
	u32 slot;
	u64 key;
	int revoked;
	struct list_head file_node;
	struct list_head seg_node;
	struct list_head groups;
	unsigned int nr_groups;
	struct kobject *kobj;
};

/**
 * struct rsm_group - a segment group: a source segment (import) paired
 * with its target, in the segment group table
 * @id:		group_id (rsm_groups); immutable
 * @file:	the sender's file; immutable
 * @imp:	the import; it cannot be unimported while a group uses it;
 *		immutable
 * @chan:	channel the group belongs to, or NULL; immutable
 * @file_node:	in @file's groups; rsm_lock
 * @chan_node:	in @chan's groups; rsm_lock
 * @kobj:	its directory in /sys/kernel/rsm/groups; rsm_lock
 */
struct rsm_group {
	u32 id;
	struct rsm_file *file;
	struct rsm_imp *imp;
	struct rsm_channel *chan;
	struct list_head file_node;
	struct list_head chan_node;
	struct kobject *kobj;
};

/* Node-wide tables; all changed under rsm_lock (see main.c). */
extern struct xarray rsm_segs;
extern struct xarray rsm_mobjs;
extern struct xarray rsm_groups;
extern struct xarray rsm_channels;

/* main.c */
int rsm_check_zero(const void *p, size_t len);

/* segment.c */
long rsm_ioctl_seg_create(struct rsm_file *rf, void __user *argp);
long rsm_ioctl_seg_destroy(struct rsm_file *rf, void __user *argp);
long rsm_ioctl_seg_publish(struct rsm_file *rf, void __user *argp);
long rsm_ioctl_seg_unpublish(struct rsm_file *rf, void __user *argp);
int rsm_check_geometry(u32 part_size, u32 part_count, u32 span);
struct rsm_segment *rsm_seg_new(struct rsm_interconnect *ic, u32 part_size,
				u32 part_count, u32 span);
struct rsm_segment *rsm_seg_find(struct rsm_file *rf, u32 seg_id,
				 bool admin_ok);
struct rsm_segment *rsm_registry_find(u64 key);
void rsm_seg_get(struct rsm_segment *seg);
void rsm_seg_kill(struct rsm_segment *seg, bool by_owner);
u64 rsm_seg_counter(struct rsm_segment *seg, size_t offset);
const char *rsm_seg_state_name(u32 state);

/* import.c */
long rsm_ioctl_lookup(struct rsm_file *rf, void __user *argp);
long rsm_ioctl_import(struct rsm_file *rf, void __user *argp);
long rsm_ioctl_unimport(struct rsm_file *rf, void __user *argp);
struct rsm_segment *rsm_resolve(u32 node_id, u64 key, u64 generation,
				u32 access);
void rsm_seg_describe(struct rsm_segment *seg, struct user_namespace *ns,
		      struct rsm_descriptor *desc);
void rsm_import_get(struct rsm_imp *imp);
void rsm_import_put(struct rsm_imp *imp);
void rsm_import_drop(struct rsm_imp *imp);

/* group.c */
long rsm_ioctl_group_create(struct rsm_file *rf, void __user *argp);
long rsm_ioctl_group_destroy(struct rsm_file *rf, void __user *argp);
long rsm_ioctl_channel_open(struct rsm_file *rf, void __user *argp);
long rsm_ioctl_channel_close(struct rsm_file *rf, void __user *argp);
void rsm_group_destroy(struct rsm_group *grp);
void rsm_channel_close(struct rsm_channel *chan);

/* doorbell.c */
long rsm_ioctl_signal(struct rsm_file *rf, void __user *argp);
long rsm_ioctl_wait(struct rsm_file *rf, void __user *argp);
__poll_t rsm_poll(struct file *file, struct poll_table_struct *wait);
void rsm_file_note_revoked(struct rsm_file *rf);
void rsm_file_wake(struct rsm_file *rf);
void rsm_seg_signal_importers(struct rsm_segment *seg);

/* mmap.c */
int rsm_mmap(struct file *file, struct vm_area_struct *vma);
int rsm_mobj_init(struct rsm_mobj *mobj, enum rsm_mobj_kind kind,
		  struct rsm_file *rf, u32 access);
void rsm_mobj_fini(struct rsm_mobj *mobj);
int rsm_mobj_add(struct rsm_mobj *mobj);
void rsm_mobj_remove(struct rsm_mobj *mobj);
void rsm_mobj_zap(struct rsm_mobj *mobj);

/* limits.c */
int rsm_charge(struct rsm_segment *seg);
void rsm_uncharge(struct rsm_segment *seg);
u64 rsm_bytes_of(kuid_t uid);
u64 rsm_bytes_total(void);
void rsm_limits_exit(void);

/* sysfs.c */
int rsm_sysfs_init(void);
void rsm_sysfs_exit(void);
int rsm_sysfs_add_segment(struct rsm_segment *seg);
int rsm_sysfs_add_group(struct rsm_group *grp);
int rsm_sysfs_add_channel(struct rsm_channel *chan);
void rsm_sysfs_del(struct kobject **kobj);

/* interconnect.c */
struct rsm_interconnect *rsm_interconnect_get(u32 id);
u32 rsm_interconnect_mask(void);
struct rsm_interconnect *rsm_ic_for_node(u32 node_id);
struct rsm_interconnect *rsm_interconnect_default(void);

/**
 * enum rsm_event - state changes routed through rsm_event_notify()
 * @RSM_EVENT_SEG_CREATED:	obj is the struct rsm_segment
 * @RSM_EVENT_SEG_PUBLISHED:	obj is the struct rsm_segment
 * @RSM_EVENT_SEG_UNPUBLISHED:	obj is the struct rsm_segment
 * @RSM_EVENT_SEG_REVOKED:	obj is the struct rsm_segment whose imports
 *				and channels were just revoked
 * @RSM_EVENT_SEG_DESTROYED:	obj is the struct rsm_segment
 * @RSM_EVENT_GROUP_CREATED:	obj is the struct rsm_group
 * @RSM_EVENT_GROUP_DESTROYED:	obj is the struct rsm_group
 * @RSM_EVENT_CHANNEL_OPENED:	obj is the struct rsm_channel
 * @RSM_EVENT_CHANNEL_CLOSED:	obj is the struct rsm_channel
 * @RSM_EVENT_SEG_IMPORTED:	obj is the struct rsm_segment (local or
 *				remote) just imported; nr_importers counts
 *				the new import
 * @RSM_EVENT_SEG_UNIMPORTED:	obj is the struct rsm_segment an import of
 *				which was dropped before being revoked
 * @RSM_EVENT_NODE_UP:		obj is the struct rsm_node
 * @RSM_EVENT_NODE_DOWN:	obj is the struct rsm_node
 */
enum rsm_event {
	RSM_EVENT_SEG_CREATED,
	RSM_EVENT_SEG_PUBLISHED,
	RSM_EVENT_SEG_UNPUBLISHED,
	RSM_EVENT_SEG_REVOKED,
	RSM_EVENT_SEG_DESTROYED,
	RSM_EVENT_GROUP_CREATED,
	RSM_EVENT_GROUP_DESTROYED,
	RSM_EVENT_CHANNEL_OPENED,
	RSM_EVENT_CHANNEL_CLOSED,
	RSM_EVENT_SEG_IMPORTED,
	RSM_EVENT_SEG_UNIMPORTED,
	RSM_EVENT_NODE_UP,
	RSM_EVENT_NODE_DOWN,
	RSM_EVENT_COUNT
};

/* ivshmem.c */
int rsm_ivshmem_init(void);
void rsm_ivshmem_exit(void);

/* event.c */
void rsm_event_notify(enum rsm_event event, const void *obj);

/**
 * struct rsm_node - another node an interconnect reaches, in the node table
 * (node.c); this node is not in it
 * @id:		node id; immutable
 * @ic_id:	RSM_IC_* of the interconnect that last reported it; rsm_lock
 * @state:	RSM_NODE_UP or RSM_NODE_DOWN; rsm_lock
 * @changes:	times its state changed after the first report; rsm_lock
 */
struct rsm_node {
	u32 id;
	u32 ic_id;
	enum rsm_node_state state;
	u32 changes;
};

/* node.c; rsm_node_set_state() is in interconnect.h */
extern struct xarray rsm_nodes;
void rsm_nodes_exit(void);

/* netlink.c */
int rsm_netlink_init(void);
void rsm_netlink_exit(void);
void rsm_netlink_notify(enum rsm_event event, const void *obj);

#endif /* RSM_H */
