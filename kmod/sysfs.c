// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/rsm: the segment table (segments/<seg_id>/), the segment
 * group table (groups/<group_id>/), the channel table
 * (channels/<channel_id>/) and node-wide counters (stats/), one value per
 * file. Documentation/ABI/testing/sysfs-kernel-rsm describes every file.
 *
 * Show functions never take rsm_lock: they read single values with
 * READ_ONCE() (or an atomic). That is what lets the tables remove an entry
 * with rsm_lock held: kobject_del() waits for shows in progress, and none of
 * them waits for the lock. The object an entry shows outlives the entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/rsmdev.h>

#include "rsm.h"

static struct kobject *rsm_root;
static struct kobject *rsm_segs_dir;
static struct kobject *rsm_groups_dir;
static struct kobject *rsm_channels_dir;
static struct kobject *rsm_stats_dir;

/**
 * struct rsm_kobj - the directory of one table entry
 * @kobj:	the directory
 * @obj:	the segment, group or channel it shows
 */
struct rsm_kobj {
	struct kobject kobj;
	void *obj;
};

static void *rsm_kobj_obj(struct kobject *kobj)
{
	return container_of(kobj, struct rsm_kobj, kobj)->obj;
}

static void rsm_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct rsm_kobj, kobj));
}

#define RSM_ATTR(prefix, name)						\
	static struct kobj_attribute prefix##_attr_##name =		\
		__ATTR(name, 0444, prefix##_##name##_show, NULL)

#define RSM_SHOW(prefix, type, name, fmt, expr)				\
static ssize_t prefix##_##name##_show(struct kobject *kobj,		\
				      struct kobj_attribute *attr,	\
				      char *buf)			\
{									\
	type *obj = rsm_kobj_obj(kobj);					\
									\
	return sysfs_emit(buf, fmt "\n", expr);				\
}									\
RSM_ATTR(prefix, name)

/* segments/<seg_id>/ */
#define SEG_SHOW(name, fmt, expr) \
	RSM_SHOW(seg, struct rsm_segment, name, fmt, expr)

SEG_SHOW(part_size, "%u", obj->part_size);
SEG_SHOW(part_count, "%u", obj->part_count);
SEG_SHOW(span, "%u", obj->span);
SEG_SHOW(size, "%llu", obj->size);
SEG_SHOW(interconnect, "%s", obj->ic->name);
SEG_SHOW(node_id, "%u", obj->node_id);
SEG_SHOW(key, "%llu", READ_ONCE(obj->key));
SEG_SHOW(uid, "%u", from_kuid_munged(current_user_ns(), READ_ONCE(obj->uid)));
SEG_SHOW(gid, "%u", from_kgid_munged(current_user_ns(), READ_ONCE(obj->gid)));
SEG_SHOW(mode, "%04o", READ_ONCE(obj->mode));
SEG_SHOW(state, "%s", rsm_seg_state_name(READ_ONCE(obj->state)));
SEG_SHOW(generation, "%llu", READ_ONCE(obj->generation));
SEG_SHOW(importers, "%u", READ_ONCE(obj->nr_importers));
SEG_SHOW(signals, "%lld", atomic64_read(&obj->signals));
SEG_SHOW(messages, "%llu",
	 rsm_seg_counter(obj, offsetof(struct rsm_seg_header, messages)));
SEG_SHOW(bytes, "%llu",
	 rsm_seg_counter(obj, offsetof(struct rsm_seg_header, bytes)));

static struct attribute *rsm_seg_attrs[] = {
	&seg_attr_part_size.attr,
	&seg_attr_part_count.attr,
	&seg_attr_span.attr,
	&seg_attr_size.attr,
	&seg_attr_interconnect.attr,
	&seg_attr_node_id.attr,
	&seg_attr_key.attr,
	&seg_attr_uid.attr,
	&seg_attr_gid.attr,
	&seg_attr_mode.attr,
	&seg_attr_state.attr,
	&seg_attr_generation.attr,
	&seg_attr_importers.attr,
	&seg_attr_signals.attr,
	&seg_attr_messages.attr,
	&seg_attr_bytes.attr,
	NULL
};
ATTRIBUTE_GROUPS(rsm_seg);

static const struct kobj_type rsm_seg_ktype = {
	.release = rsm_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = rsm_seg_groups,
};

/* groups/<group_id>/ */
#define GROUP_SHOW(name, fmt, expr) \
	RSM_SHOW(group, struct rsm_group, name, fmt, expr)

GROUP_SHOW(seg_id, "%u", obj->imp->mobj.seg->id);
GROUP_SHOW(node_id, "%u", obj->imp->mobj.seg->node_id);
GROUP_SHOW(part_size, "%u", obj->imp->mobj.seg->part_size);
GROUP_SHOW(part_count, "%u", obj->imp->mobj.seg->part_count);
GROUP_SHOW(channel_id, "%u", obj->chan ? obj->chan->id : 0);
GROUP_SHOW(state, "%s", READ_ONCE(obj->imp->mobj.revoked) ? "revoked" :
							     "active");
GROUP_SHOW(messages, "%llu",
	   rsm_seg_counter(obj->imp->mobj.seg,
			   offsetof(struct rsm_seg_header, messages)));
GROUP_SHOW(bytes, "%llu",
	   rsm_seg_counter(obj->imp->mobj.seg,
			   offsetof(struct rsm_seg_header, bytes)));

static struct attribute *rsm_group_attrs[] = {
	&group_attr_seg_id.attr,
	&group_attr_node_id.attr,
	&group_attr_part_size.attr,
	&group_attr_part_count.attr,
	&group_attr_channel_id.attr,
	&group_attr_state.attr,
	&group_attr_messages.attr,
	&group_attr_bytes.attr,
	NULL
};
ATTRIBUTE_GROUPS(rsm_group);

static const struct kobj_type rsm_group_ktype = {
	.release = rsm_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = rsm_group_groups,
};

/* channels/<channel_id>/ */
#define CHAN_SHOW(name, fmt, expr) \
	RSM_SHOW(chan, struct rsm_channel, name, fmt, expr)

CHAN_SHOW(node_id, "%u", obj->node_id);
CHAN_SHOW(key, "%llu", obj->key);
CHAN_SHOW(slot, "%u", obj->slot);
CHAN_SHOW(seg_id, "%u", obj->seg->id);
CHAN_SHOW(groups, "%u", READ_ONCE(obj->nr_groups));
CHAN_SHOW(state, "%s", READ_ONCE(obj->revoked) ? "revoked" : "open");

static struct attribute *rsm_chan_attrs[] = {
	&chan_attr_node_id.attr,
	&chan_attr_key.attr,
	&chan_attr_slot.attr,
	&chan_attr_seg_id.attr,
	&chan_attr_groups.attr,
	&chan_attr_state.attr,
	NULL
};
ATTRIBUTE_GROUPS(rsm_chan);

static const struct kobj_type rsm_chan_ktype = {
	.release = rsm_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = rsm_chan_groups,
};

/* stats/ */
#define STAT_SHOW(name, fmt, expr)					\
static ssize_t stat_##name##_show(struct kobject *kobj,			\
				  struct kobj_attribute *attr, char *buf) \
{									\
	return sysfs_emit(buf, fmt "\n", expr);				\
}									\
RSM_ATTR(stat, name)

STAT_SHOW(segments, "%ld", atomic_long_read(&rsm_stats.segments));
STAT_SHOW(published, "%ld", atomic_long_read(&rsm_stats.published));
STAT_SHOW(imports, "%ld", atomic_long_read(&rsm_stats.imports));
STAT_SHOW(groups, "%ld", atomic_long_read(&rsm_stats.groups));
STAT_SHOW(channels, "%ld", atomic_long_read(&rsm_stats.channels));
STAT_SHOW(mappings, "%ld", atomic_long_read(&rsm_stats.mappings));
STAT_SHOW(bytes, "%llu", rsm_bytes_total());
STAT_SHOW(segments_created, "%lld",
	  atomic64_read(&rsm_stats.segments_created));
STAT_SHOW(imports_created, "%lld", atomic64_read(&rsm_stats.imports_created));
STAT_SHOW(signals, "%lld", atomic64_read(&rsm_stats.signals));
STAT_SHOW(revocations, "%lld", atomic64_read(&rsm_stats.revocations));

static struct attribute *rsm_stat_attrs[] = {
	&stat_attr_segments.attr,
	&stat_attr_published.attr,
	&stat_attr_imports.attr,
	&stat_attr_groups.attr,
	&stat_attr_channels.attr,
	&stat_attr_mappings.attr,
	&stat_attr_bytes.attr,
	&stat_attr_segments_created.attr,
	&stat_attr_imports_created.attr,
	&stat_attr_signals.attr,
	&stat_attr_revocations.attr,
	NULL
};

static const struct attribute_group rsm_stat_group = {
	.attrs = rsm_stat_attrs,
};

static int rsm_sysfs_add(struct kobject **out, const struct kobj_type *ktype,
			 struct kobject *parent, u32 id, void *obj)
{
	struct rsm_kobj *k;
	int err;

	lockdep_assert_held(&rsm_lock);
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->obj = obj;
	err = kobject_init_and_add(&k->kobj, ktype, parent, "%u", id);
	if (err) {
		kobject_put(&k->kobj);
		return err;
	}
	*out = &k->kobj;
	return 0;
}

/**
 * rsm_sysfs_add_segment() - add segments/<seg_id>/
 * @seg:	a segment just entered in the segment table
 *
 * Context: rsm_lock held.
 * Return: 0 or a negative errno.
 */
int rsm_sysfs_add_segment(struct rsm_segment *seg)
{
	return rsm_sysfs_add(&seg->kobj, &rsm_seg_ktype, rsm_segs_dir, seg->id,
			     seg);
}

/**
 * rsm_sysfs_add_group() - add groups/<group_id>/
 * @grp:	a group just entered in the group table
 *
 * Context: rsm_lock held.
 * Return: 0 or a negative errno.
 */
int rsm_sysfs_add_group(struct rsm_group *grp)
{
	return rsm_sysfs_add(&grp->kobj, &rsm_group_ktype, rsm_groups_dir,
			     grp->id, grp);
}

/**
 * rsm_sysfs_add_channel() - add channels/<channel_id>/
 * @chan:	a channel just entered in the channel table
 *
 * Context: rsm_lock held.
 * Return: 0 or a negative errno.
 */
int rsm_sysfs_add_channel(struct rsm_channel *chan)
{
	return rsm_sysfs_add(&chan->kobj, &rsm_chan_ktype, rsm_channels_dir,
			     chan->id, chan);
}

/**
 * rsm_sysfs_del() - remove a table entry's directory
 * @kobj:	where the entry's kobject is kept; NULL afterwards
 *
 * Returns once no show function of the entry runs any more, so the caller
 * may then free what the entry showed. Explicit kobject_del() rather than
 * the last put: with CONFIG_DEBUG_KOBJECT_RELEASE that would come later.
 *
 * Context: process context; rsm_lock may be held.
 */
void rsm_sysfs_del(struct kobject **kobj)
{
	if (!*kobj)
		return;
	kobject_del(*kobj);
	kobject_put(*kobj);
	*kobj = NULL;
}

/**
 * rsm_sysfs_init() - create /sys/kernel/rsm and its four directories
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int rsm_sysfs_init(void)
{
	int err = -ENOMEM;

	rsm_root = kobject_create_and_add("rsm", kernel_kobj);
	if (!rsm_root)
		return -ENOMEM;
	rsm_segs_dir = kobject_create_and_add("segments", rsm_root);
	if (!rsm_segs_dir)
		goto out_put_root;
	rsm_groups_dir = kobject_create_and_add("groups", rsm_root);
	if (!rsm_groups_dir)
		goto out_put_segs;
	rsm_channels_dir = kobject_create_and_add("channels", rsm_root);
	if (!rsm_channels_dir)
		goto out_put_groups;
	rsm_stats_dir = kobject_create_and_add("stats", rsm_root);
	if (!rsm_stats_dir)
		goto out_put_channels;
	err = sysfs_create_group(rsm_stats_dir, &rsm_stat_group);
	if (err)
		goto out_put_stats;
	return 0;

out_put_stats:
	kobject_put(rsm_stats_dir);
out_put_channels:
	kobject_put(rsm_channels_dir);
out_put_groups:
	kobject_put(rsm_groups_dir);
out_put_segs:
	kobject_put(rsm_segs_dir);
out_put_root:
	kobject_put(rsm_root);
	return err;
}

/**
 * rsm_sysfs_exit() - remove /sys/kernel/rsm
 *
 * Context: module exit, the tables empty.
 */
void rsm_sysfs_exit(void)
{
	sysfs_remove_group(rsm_stats_dir, &rsm_stat_group);
	kobject_put(rsm_stats_dir);
	kobject_put(rsm_channels_dir);
	kobject_put(rsm_groups_dir);
	kobject_put(rsm_segs_dir);
	kobject_put(rsm_root);
}
