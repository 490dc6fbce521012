// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input to every ioctl: each case checks the exact errno and that the
 * kernel wrote nothing back (output fields are pre-filled with 0xcc, and
 * the whole struct must be unchanged after the failure). The errno of each
 * failure is the one Documentation/rsmdev.rst gives.
 */
#include "rsm_util.h"
#include "kselftest_harness.h"

#define NOT_FAILED	(-1)	/* the ioctl succeeded */
#define WROTE_BACK	(-2)	/* it failed but changed the struct */

/* errno of a failing ioctl, checking the argument came back untouched */
static int fails_with(int fd, unsigned long cmd, void *arg, size_t len)
{
	unsigned char before[256];
	int err;

	memcpy(before, arg, len);
	if (ioctl(fd, cmd, arg) == 0)
		return NOT_FAILED;
	err = errno;
	return memcmp(before, arg, len) ? WROTE_BACK : err;
}

#define EXPECT_FAILS(err, fd, cmd, arg) \
	EXPECT_EQ(err, fails_with(fd, cmd, &(arg), sizeof(arg)))

FIXTURE(bad)
{
	int fd;		/* owner of a published segment */
	int fd2;	/* importer, with a channel and a group */
	struct rsm_seg_create seg;
	struct rsm_import imp;
	__u32 channel_id;
	__u32 group_id;
	__u64 key;
	struct rsm_baseline base;
};

FIXTURE_SETUP(bad)
{
	struct rsm_channel_open ch = { .node_id = RSM_NODE_LOCAL, .slot = 1 };
	struct rsm_group_create g;

	rsm_baseline_take(&self->base);
	self->fd = rsm_open();
	ASSERT_LE(0, self->fd);
	self->fd2 = rsm_open();
	ASSERT_LE(0, self->fd2);
	self->key = rsm_key(1);
	ASSERT_EQ(0, rsm_create(self->fd, 4096, 8, 2, &self->seg));
	ASSERT_EQ(0, rsm_publish(self->fd, self->seg.seg_id, self->key,
				 0666));
	ASSERT_EQ(0, rsm_import_key(self->fd2, self->key, RSM_ACCESS_RW,
				    &self->imp));
	ch.key = self->key;
	ASSERT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_CHANNEL_OPEN, &ch));
	self->channel_id = ch.channel_id;
	g = (struct rsm_group_create){ .import_id = self->imp.import_id,
		.part_size = 4096, .part_count = 8,
		.channel_id = ch.channel_id };
	ASSERT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_GROUP_CREATE, &g));
	self->group_id = g.group_id;
}

FIXTURE_TEARDOWN(bad)
{
	const char *bad;

	close(self->fd2);
	close(self->fd);
	bad = rsm_baseline_check(&self->base, 2000);
	EXPECT_EQ(NULL, bad) TH_LOG("stats/%s not back at its baseline", bad);
}

/* a valid create, with its output fields pre-filled */
static struct rsm_seg_create good_create(void)
{
	struct rsm_seg_create c;

	memset(&c, 0xcc, sizeof(c));
	c.part_size = 4096;
	c.part_count = 4;
	c.span = 1;
	c.interconnect = RSM_IC_DEFAULT;
	c.flags = 0;
	memset(c.reserved, 0, sizeof(c.reserved));
	return c;
}

static struct rsm_import good_import(__u64 key)
{
	struct rsm_import i;

	memset(&i, 0xcc, sizeof(i));
	i.node_id = RSM_NODE_LOCAL;
	i.access = RSM_ACCESS_RW;
	i.key = key;
	i.generation = 0;
	i.flags = 0;
	memset(i.reserved, 0, sizeof(i.reserved));
	return i;
}

static struct rsm_lookup good_lookup(__u64 key)
{
	struct rsm_lookup l;

	memset(&l, 0xcc, sizeof(l));
	l.node_id = RSM_NODE_LOCAL;
	l.flags = 0;
	l.key = key;
	return l;
}

static struct rsm_group_create good_group(__u32 import_id)
{
	struct rsm_group_create g;

	memset(&g, 0xcc, sizeof(g));
	g.import_id = import_id;
	g.part_size = 4096;
	g.part_count = 8;
	g.flags = 0;
	g.channel_id = 0;
	memset(g.reserved, 0, sizeof(g.reserved));
	return g;
}

static struct rsm_channel_open good_channel(__u64 key, __u32 slot)
{
	struct rsm_channel_open ch;

	memset(&ch, 0xcc, sizeof(ch));
	ch.node_id = RSM_NODE_LOCAL;
	ch.slot = slot;
	ch.key = key;
	ch.flags = 0;
	memset(ch.reserved, 0, sizeof(ch.reserved));
	return ch;
}

static struct rsm_wait good_wait(void)
{
	struct rsm_wait w;

	memset(&w, 0xcc, sizeof(w));
	w.timeout_ns = 0;
	w.seg_id = 0;
	w.flags = 0;
	w.reserved = 0;
	return w;
}

/* RSM_IOC_SEG_CREATE */
TEST_F(bad, create_part_size_zero)
{
	struct rsm_seg_create c = good_create();

	c.part_size = 0;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_part_size_below_min)
{
	struct rsm_seg_create c = good_create();

	c.part_size = RSM_PART_SIZE_MIN / 2;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_part_size_not_power_of_two)
{
	struct rsm_seg_create c = good_create();

	c.part_size = 96;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_part_size_above_max)
{
	struct rsm_seg_create c = good_create();

	c.part_size = RSM_PART_SIZE_MAX * 2;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_part_count_zero)
{
	struct rsm_seg_create c = good_create();

	c.part_count = 0;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_part_count_above_max)
{
	struct rsm_seg_create c = good_create();

	c.part_size = 64;
	c.part_count = RSM_PART_COUNT_MAX + 1;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_span_zero)
{
	struct rsm_seg_create c = good_create();

	c.span = 0;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_span_above_part_count)
{
	struct rsm_seg_create c = good_create();

	c.span = c.part_count + 1;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_larger_than_4_gib)
{
	struct rsm_seg_create c = good_create();

	/* each parameter in range, the whole past one mmap window */
	c.part_size = RSM_PART_SIZE_MAX;
	c.part_count = 1024;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_flags)
{
	struct rsm_seg_create c = good_create();

	c.flags = 1;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_reserved)
{
	struct rsm_seg_create c = good_create();

	c.reserved[1] = 1;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_unknown_interconnect)
{
	struct rsm_seg_create c = good_create();

	c.interconnect = RSM_IC_MAX + 1;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_interconnect_not_present)
{
	struct rsm_node_info info;
	struct rsm_seg_create c = good_create();

	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_NODE_INFO, &info));
	/* this test runs where only loopback is: ivshmem is absent */
	ASSERT_EQ(0, info.interconnects & RSM_IC_BIT(RSM_IC_IVSHMEM));
	c.interconnect = RSM_IC_IVSHMEM;
	EXPECT_FAILS(ENODEV, self->fd, RSM_IOC_SEG_CREATE, c);
}

TEST_F(bad, create_bad_pointer)
{
	EXPECT_EQ(-1, ioctl(self->fd, RSM_IOC_SEG_CREATE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/* RSM_IOC_SEG_DESTROY */
TEST_F(bad, destroy_unknown_segment)
{
	struct rsm_seg_ref r = { .seg_id = 0xfffffff0 };

	EXPECT_FAILS(ENOENT, self->fd, RSM_IOC_SEG_DESTROY, r);
}

TEST_F(bad, destroy_segment_zero)
{
	struct rsm_seg_ref r = { .seg_id = 0 };

	EXPECT_FAILS(ENOENT, self->fd, RSM_IOC_SEG_DESTROY, r);
}

TEST_F(bad, destroy_flags)
{
	struct rsm_seg_ref r = { .seg_id = self->seg.seg_id, .flags = 1 };

	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_DESTROY, r);
}

TEST_F(bad, destroy_reserved)
{
	struct rsm_seg_ref r = { .seg_id = self->seg.seg_id, .reserved = 1 };

	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_DESTROY, r);
}

/* RSM_IOC_SEG_PUBLISH */
static struct rsm_seg_publish good_publish(__u32 seg_id, __u64 key)
{
	return (struct rsm_seg_publish){ .seg_id = seg_id, .mode = 0600,
		.key = key, .uid = RSM_ID_SELF, .gid = RSM_ID_SELF };
}

TEST_F(bad, publish_key_zero)
{
	struct rsm_seg_create c;
	struct rsm_seg_publish p;

	ASSERT_EQ(0, rsm_create(self->fd, 64, 1, 1, &c));
	p = good_publish(c.seg_id, 0);
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_PUBLISH, p);
}

TEST_F(bad, publish_mode_beyond_0777)
{
	struct rsm_seg_create c;
	struct rsm_seg_publish p;

	ASSERT_EQ(0, rsm_create(self->fd, 64, 1, 1, &c));
	p = good_publish(c.seg_id, rsm_key(2));
	p.mode = 01666;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_PUBLISH, p);
}

TEST_F(bad, publish_flags)
{
	struct rsm_seg_create c;
	struct rsm_seg_publish p;

	ASSERT_EQ(0, rsm_create(self->fd, 64, 1, 1, &c));
	p = good_publish(c.seg_id, rsm_key(2));
	p.flags = 0x80000000;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_PUBLISH, p);
}

TEST_F(bad, publish_reserved)
{
	struct rsm_seg_create c;
	struct rsm_seg_publish p;

	ASSERT_EQ(0, rsm_create(self->fd, 64, 1, 1, &c));
	p = good_publish(c.seg_id, rsm_key(2));
	p.reserved = 1;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_PUBLISH, p);
}

TEST_F(bad, publish_unknown_segment)
{
	struct rsm_seg_publish p = good_publish(0xfffffff0, rsm_key(2));

	EXPECT_FAILS(ENOENT, self->fd, RSM_IOC_SEG_PUBLISH, p);
}

TEST_F(bad, publish_twice)
{
	struct rsm_seg_publish p = good_publish(self->seg.seg_id, rsm_key(2));

	EXPECT_FAILS(EBUSY, self->fd, RSM_IOC_SEG_PUBLISH, p);
}

TEST_F(bad, publish_key_taken)
{
	struct rsm_seg_create c;
	struct rsm_seg_publish p;

	ASSERT_EQ(0, rsm_create(self->fd, 64, 1, 1, &c));
	p = good_publish(c.seg_id, self->key);
	EXPECT_FAILS(EEXIST, self->fd, RSM_IOC_SEG_PUBLISH, p);
}

TEST_F(bad, publish_segment_of_another_file)
{
	struct rsm_seg_create c;
	struct rsm_seg_publish p;

	/* even root publishes only its own file's segments */
	ASSERT_EQ(0, rsm_create(self->fd, 64, 1, 1, &c));
	p = good_publish(c.seg_id, rsm_key(2));
	EXPECT_FAILS(EPERM, self->fd2, RSM_IOC_SEG_PUBLISH, p);
}

/* RSM_IOC_SEG_UNPUBLISH */
TEST_F(bad, unpublish_not_published)
{
	struct rsm_seg_create c;
	struct rsm_seg_ref r;

	ASSERT_EQ(0, rsm_create(self->fd, 64, 1, 1, &c));
	r = (struct rsm_seg_ref){ .seg_id = c.seg_id };
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_UNPUBLISH, r);
}

TEST_F(bad, unpublish_unknown_segment)
{
	struct rsm_seg_ref r = { .seg_id = 0xfffffff0 };

	EXPECT_FAILS(ENOENT, self->fd, RSM_IOC_SEG_UNPUBLISH, r);
}

TEST_F(bad, unpublish_flags)
{
	struct rsm_seg_ref r = { .seg_id = self->seg.seg_id, .flags = 2 };

	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_UNPUBLISH, r);
}

TEST_F(bad, unpublish_reserved)
{
	struct rsm_seg_ref r = { .seg_id = self->seg.seg_id,
				 .reserved = 1ULL << 63 };

	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_SEG_UNPUBLISH, r);
}

/* RSM_IOC_LOOKUP */
TEST_F(bad, lookup_key_zero)
{
	struct rsm_lookup l = good_lookup(0);

	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_LOOKUP, l);
}

TEST_F(bad, lookup_flags)
{
	struct rsm_lookup l = good_lookup(self->key);

	l.flags = 1;
	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_LOOKUP, l);
}

TEST_F(bad, lookup_unknown_key)
{
	struct rsm_lookup l = good_lookup(rsm_key(0xfffff));

	EXPECT_FAILS(ENOENT, self->fd2, RSM_IOC_LOOKUP, l);
}

TEST_F(bad, lookup_unknown_node)
{
	struct rsm_lookup l = good_lookup(self->key);

	l.node_id = 12345;
	EXPECT_FAILS(ENXIO, self->fd2, RSM_IOC_LOOKUP, l);
}

/* RSM_IOC_IMPORT */
TEST_F(bad, import_access_zero)
{
	struct rsm_import i = good_import(self->key);

	i.access = 0;
	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_IMPORT, i);
}

TEST_F(bad, import_access_unknown_bit)
{
	struct rsm_import i = good_import(self->key);

	i.access = RSM_ACCESS_RW | 4;
	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_IMPORT, i);
}

TEST_F(bad, import_key_zero)
{
	struct rsm_import i = good_import(0);

	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_IMPORT, i);
}

TEST_F(bad, import_flags)
{
	struct rsm_import i = good_import(self->key);

	i.flags = 1;
	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_IMPORT, i);
}

TEST_F(bad, import_reserved)
{
	struct rsm_import i = good_import(self->key);

	i.reserved[0] = 1;
	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_IMPORT, i);
}

TEST_F(bad, import_unknown_key)
{
	struct rsm_import i = good_import(rsm_key(0xfffff));

	EXPECT_FAILS(ENOENT, self->fd2, RSM_IOC_IMPORT, i);
}

TEST_F(bad, import_stale_generation)
{
	struct rsm_lookup l = good_lookup(self->key);
	struct rsm_import i = good_import(self->key);

	ASSERT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_LOOKUP, &l));
	i.generation = l.desc.generation + 1;
	EXPECT_FAILS(ESTALE, self->fd2, RSM_IOC_IMPORT, i);
}

TEST_F(bad, import_unknown_node)
{
	struct rsm_import i = good_import(self->key);

	i.node_id = 7;
	EXPECT_FAILS(ENXIO, self->fd2, RSM_IOC_IMPORT, i);
}

TEST_F(bad, import_unpublished_segment)
{
	struct rsm_import i = good_import(self->key);

	ASSERT_EQ(0, rsm_unpublish(self->fd, self->seg.seg_id));
	EXPECT_FAILS(ENOENT, self->fd2, RSM_IOC_IMPORT, i);
}

/* RSM_IOC_UNIMPORT */
TEST_F(bad, unimport_unknown)
{
	struct rsm_handle h = { .id = 0xfffffff0 };

	EXPECT_FAILS(ENOENT, self->fd2, RSM_IOC_UNIMPORT, h);
}

TEST_F(bad, unimport_import_of_another_file)
{
	struct rsm_handle h = { .id = self->imp.import_id };

	/* import ids are per file: the owner's file has none */
	EXPECT_FAILS(ENOENT, self->fd, RSM_IOC_UNIMPORT, h);
}

TEST_F(bad, unimport_used_by_a_group)
{
	struct rsm_handle h = { .id = self->imp.import_id };

	EXPECT_FAILS(EBUSY, self->fd2, RSM_IOC_UNIMPORT, h);
}

TEST_F(bad, unimport_flags)
{
	struct rsm_handle h = { .id = self->imp.import_id, .flags = 1 };

	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_UNIMPORT, h);
}

TEST_F(bad, unimport_reserved)
{
	struct rsm_handle h = { .id = self->imp.import_id, .reserved = 1 };

	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_UNIMPORT, h);
}

/* RSM_IOC_GROUP_CREATE */
TEST_F(bad, group_unknown_import)
{
	struct rsm_group_create g = good_group(0xfffffff0);

	EXPECT_FAILS(ENOENT, self->fd2, RSM_IOC_GROUP_CREATE, g);
}

TEST_F(bad, group_part_size_mismatch)
{
	struct rsm_group_create g = good_group(self->imp.import_id);

	g.part_size = 2048;
	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_GROUP_CREATE, g);
}

TEST_F(bad, group_part_count_mismatch)
{
	struct rsm_group_create g = good_group(self->imp.import_id);

	g.part_count = 9;
	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_GROUP_CREATE, g);
}

TEST_F(bad, group_flags)
{
	struct rsm_group_create g = good_group(self->imp.import_id);

	g.flags = 4;
	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_GROUP_CREATE, g);
}

TEST_F(bad, group_reserved)
{
	struct rsm_group_create g = good_group(self->imp.import_id);

	g.reserved[1] = 1;
	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_GROUP_CREATE, g);
}

TEST_F(bad, group_unknown_channel)
{
	struct rsm_group_create g = good_group(self->imp.import_id);

	g.channel_id = 0xfffffff0;
	EXPECT_FAILS(ENOENT, self->fd2, RSM_IOC_GROUP_CREATE, g);
}

TEST_F(bad, group_channel_of_another_file)
{
	struct rsm_group_create g;
	struct rsm_import imp;

	ASSERT_EQ(0, rsm_import_key(self->fd, self->key, RSM_ACCESS_RW, &imp));
	g = good_group(imp.import_id);
	g.channel_id = self->channel_id;	/* fd2's */
	EXPECT_FAILS(ENOENT, self->fd, RSM_IOC_GROUP_CREATE, g);
}

/* RSM_IOC_GROUP_DESTROY */
TEST_F(bad, group_destroy_unknown)
{
	struct rsm_handle h = { .id = 0xfffffff0 };

	EXPECT_FAILS(ENOENT, self->fd2, RSM_IOC_GROUP_DESTROY, h);
}

TEST_F(bad, group_destroy_group_of_another_file)
{
	struct rsm_handle h = { .id = self->group_id };

	EXPECT_FAILS(ENOENT, self->fd, RSM_IOC_GROUP_DESTROY, h);
}

TEST_F(bad, group_destroy_flags)
{
	struct rsm_handle h = { .id = self->group_id, .flags = 1 };

	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_GROUP_DESTROY, h);
}

/* RSM_IOC_CHANNEL_OPEN */
TEST_F(bad, channel_key_zero)
{
	struct rsm_channel_open ch = good_channel(0, 2);

	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_CHANNEL_OPEN, ch);
}

TEST_F(bad, channel_flags)
{
	struct rsm_channel_open ch = good_channel(self->key, 2);

	ch.flags = 1;
	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_CHANNEL_OPEN, ch);
}

TEST_F(bad, channel_reserved)
{
	struct rsm_channel_open ch = good_channel(self->key, 2);

	ch.reserved[0] = 1;
	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_CHANNEL_OPEN, ch);
}

TEST_F(bad, channel_unknown_key)
{
	struct rsm_channel_open ch = good_channel(rsm_key(0xfffff), 2);

	EXPECT_FAILS(ENOENT, self->fd2, RSM_IOC_CHANNEL_OPEN, ch);
}

TEST_F(bad, channel_slot_taken)
{
	struct rsm_channel_open ch = good_channel(self->key, 1);

	EXPECT_FAILS(EEXIST, self->fd2, RSM_IOC_CHANNEL_OPEN, ch);
}

TEST_F(bad, channel_unknown_node)
{
	struct rsm_channel_open ch = good_channel(self->key, 2);

	ch.node_id = 3;
	EXPECT_FAILS(ENXIO, self->fd2, RSM_IOC_CHANNEL_OPEN, ch);
}

/* RSM_IOC_CHANNEL_CLOSE */
TEST_F(bad, channel_close_unknown)
{
	struct rsm_handle h = { .id = 0xfffffff0 };

	EXPECT_FAILS(ENOENT, self->fd2, RSM_IOC_CHANNEL_CLOSE, h);
}

TEST_F(bad, channel_close_channel_of_another_file)
{
	struct rsm_handle h = { .id = self->channel_id };

	EXPECT_FAILS(ENOENT, self->fd, RSM_IOC_CHANNEL_CLOSE, h);
}

TEST_F(bad, channel_close_reserved)
{
	struct rsm_handle h = { .id = self->channel_id, .reserved = 1 };

	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_CHANNEL_CLOSE, h);
}

/* RSM_IOC_SIGNAL */
TEST_F(bad, signal_unknown_flag)
{
	struct rsm_signal s = { .id = self->imp.import_id, .flags = 2 };

	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_SIGNAL, s);
}

TEST_F(bad, signal_reserved)
{
	struct rsm_signal s = { .id = self->imp.import_id, .reserved = 1 };

	EXPECT_FAILS(EINVAL, self->fd2, RSM_IOC_SIGNAL, s);
}

TEST_F(bad, signal_unknown_import)
{
	struct rsm_signal s = { .id = 0xfffffff0 };

	EXPECT_FAILS(ENOENT, self->fd2, RSM_IOC_SIGNAL, s);
}

TEST_F(bad, signal_importers_unknown_segment)
{
	struct rsm_signal s = { .id = 0xfffffff0,
				.flags = RSM_SIGNAL_F_IMPORTERS };

	EXPECT_FAILS(ENOENT, self->fd, RSM_IOC_SIGNAL, s);
}

TEST_F(bad, signal_importers_segment_of_another_file)
{
	struct rsm_signal s = { .id = self->seg.seg_id,
				.flags = RSM_SIGNAL_F_IMPORTERS };

	EXPECT_FAILS(EPERM, self->fd2, RSM_IOC_SIGNAL, s);
}

/* RSM_IOC_WAIT */
TEST_F(bad, wait_flags)
{
	struct rsm_wait w = good_wait();

	w.flags = 1;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_WAIT, w);
}

TEST_F(bad, wait_reserved)
{
	struct rsm_wait w = good_wait();

	w.reserved = 1;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_WAIT, w);
}

TEST_F(bad, wait_negative_timeout)
{
	struct rsm_wait w = good_wait();

	w.timeout_ns = -2;
	EXPECT_FAILS(EINVAL, self->fd, RSM_IOC_WAIT, w);
}

TEST_F(bad, wait_unknown_segment)
{
	struct rsm_wait w = good_wait();

	w.seg_id = 0xfffffff0;
	EXPECT_FAILS(ENOENT, self->fd, RSM_IOC_WAIT, w);
}

TEST_F(bad, wait_segment_of_another_file)
{
	struct rsm_wait w = good_wait();

	w.seg_id = self->seg.seg_id;
	EXPECT_FAILS(EPERM, self->fd2, RSM_IOC_WAIT, w);
}

TEST_F(bad, wait_nothing_pending_without_blocking)
{
	struct rsm_wait w = good_wait();

	EXPECT_FAILS(EAGAIN, self->fd, RSM_IOC_WAIT, w);
}

/* any command */
TEST_F(bad, unknown_command)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(RSM_IOC_MAGIC, 0x0e,
					    struct rsm_handle), NULL));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(bad, bad_pointer)
{
	EXPECT_EQ(-1, ioctl(self->fd2, RSM_IOC_IMPORT, (void *)-4096L));
	EXPECT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN
