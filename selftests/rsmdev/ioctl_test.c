// SPDX-License-Identifier: GPL-2.0
/*
 * The success path of every /dev/rsmdev ioctl, with what each one must
 * leave behind: output fields (pre-filled with 0xcc so an unwritten one
 * shows), the segment header, the descriptor, sysfs, and the node-wide
 * counters back at their baseline when the test's file is closed.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include "rsm_util.h"
#include "kselftest_harness.h"

FIXTURE(rsm)
{
	int fd;		/* receiver: owns segments */
	int fd2;	/* sender: imports them */
	struct rsm_baseline base;
};

FIXTURE_SETUP(rsm)
{
	rsm_baseline_take(&self->base);
	self->fd = rsm_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", RSM_DEV, strerror(errno));
	self->fd2 = rsm_open();
	ASSERT_LE(0, self->fd2);
}

FIXTURE_TEARDOWN(rsm)
{
	const char *bad;

	close(self->fd2);
	close(self->fd);
	bad = rsm_baseline_check(&self->base, 2000);
	EXPECT_EQ(NULL, bad) TH_LOG("stats/%s not back at its baseline", bad);
}

/* create + publish under key n, returning the create output */
static int make_published(int fd, __u32 part_size, __u32 part_count,
			  __u64 key, struct rsm_seg_create *c)
{
	int err = rsm_create(fd, part_size, part_count, 1, c);

	return err ? err : rsm_publish(fd, c->seg_id, key, 0600);
}

TEST_F(rsm, node_info)
{
	struct rsm_node_info info;
	struct rsm_seg_create c;
	__u64 before;

	memset(&info, 0xcc, sizeof(info));
	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_NODE_INFO, &info));
	EXPECT_EQ(RSMDEV_ABI_VERSION, info.abi_version);
	EXPECT_EQ((__u32)rsm_sysfs_num(RSM_PARAMS "/node_id"), info.node_id);
	EXPECT_TRUE(info.interconnects & RSM_IC_BIT(RSM_IC_LOOPBACK));
	EXPECT_EQ(0, info.interconnects & ~((RSM_IC_BIT(RSM_IC_MAX) << 1) - 1));
	EXPECT_EQ(RSM_PART_SIZE_MIN, info.part_size_min);
	EXPECT_EQ(RSM_PART_SIZE_MAX, info.part_size_max);
	EXPECT_EQ(RSM_PART_COUNT_MAX, info.part_count_max);
	EXPECT_EQ(rsm_sysfs_num(RSM_PARAMS "/max_segs_per_process"),
		  info.max_segs_per_process);
	EXPECT_EQ(rsm_sysfs_num(RSM_PARAMS "/max_bytes_per_user"),
		  (long long)info.max_bytes_per_user);
	EXPECT_EQ(rsm_sysfs_num(RSM_PARAMS "/max_bytes_total"),
		  (long long)info.max_bytes_total);
	EXPECT_EQ(0, info.reserved0);
	EXPECT_EQ(0, info.reserved[0] | info.reserved[1] | info.reserved[2] |
		     info.reserved[3]);
	EXPECT_EQ(rsm_sysfs_num(RSM_SYSFS "/stats/bytes"),
		  (long long)info.bytes_total);
	before = info.bytes_user;

	/* a new segment is charged to this uid and to the node */
	ASSERT_EQ(0, rsm_create(self->fd, 4096, 4, 1, &c));
	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_NODE_INFO, &info));
	EXPECT_EQ(before + c.size, info.bytes_user);
	EXPECT_EQ(rsm_sysfs_num(RSM_SYSFS "/stats/bytes"),
		  (long long)info.bytes_total);
	ASSERT_EQ(0, rsm_destroy(self->fd, c.seg_id));
	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_NODE_INFO, &info));
	EXPECT_EQ(before, info.bytes_user);
}

/* every geometry class: smallest, page, > page, 1 MiB, largest partition */
static const struct { __u32 part_size, part_count, span; } geometries[] = {
	{ 64, 1, 1 }, { 64, 1000, 7 }, { 4096, 16, 4 }, { 65536, 3, 3 },
	{ 1 << 20, 2, 2 }, { RSM_PART_SIZE_MAX, 1, 1 },
};

TEST_F(rsm, create_initialises_header_and_directory)
{
	unsigned int g, i;

	for (g = 0; g < sizeof(geometries) / sizeof(geometries[0]); g++) {
		struct rsm_seg_layout_info l;
		struct rsm_seg_header *hdr;
		struct rsm_dir_entry *dir;
		struct rsm_seg_create c;
		__u64 align;

		l = rsm_seg_layout(geometries[g].part_size,
				   geometries[g].part_count);
		memset(&c, 0xcc, sizeof(c));
		c.part_size = geometries[g].part_size;
		c.part_count = geometries[g].part_count;
		c.span = geometries[g].span;
		c.interconnect = RSM_IC_DEFAULT;
		c.flags = 0;
		memset(c.reserved, 0, sizeof(c.reserved));
		ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_SEG_CREATE, &c));
		EXPECT_NE(0, c.seg_id);
		EXPECT_NE(0xccccccccU, c.seg_id);
		EXPECT_EQ(l.size, c.size);
		EXPECT_EQ(0, c.size % 4096);
		EXPECT_EQ(0, c.mmap_offset & 0xffffffffULL);
		EXPECT_NE(0, c.mmap_offset);

		hdr = rsm_map(self->fd, c.mmap_offset, c.size,
			      PROT_READ | PROT_WRITE);
		ASSERT_NE(MAP_FAILED, hdr);
		EXPECT_EQ(RSM_SEG_MAGIC, hdr->magic);
		EXPECT_EQ(RSM_SEG_VERSION, hdr->version);
		EXPECT_EQ(RSM_SEG_HEADER_SIZE, hdr->header_size);
		EXPECT_EQ(c.part_size, hdr->part_size);
		EXPECT_EQ(c.part_count, hdr->part_count);
		EXPECT_EQ(c.span, hdr->span);
		EXPECT_EQ(RSM_SEG_STATE_CREATED, hdr->state);
		EXPECT_EQ(0, hdr->generation);
		EXPECT_EQ(l.dir_offset, hdr->dir_offset);
		EXPECT_EQ(l.data_offset, hdr->data_offset);
		EXPECT_EQ(c.size, hdr->size);
		EXPECT_EQ(c.seg_id, hdr->seg_id);
		EXPECT_EQ(0, hdr->key);
		EXPECT_EQ(0, hdr->messages);
		EXPECT_EQ(0, hdr->bytes);
		align = c.part_size < 4096 ? c.part_size : 4096;
		EXPECT_EQ(0, hdr->data_offset % (align < 64 ? 64 : align));
		EXPECT_GE(hdr->data_offset, hdr->dir_offset +
			  (__u64)c.part_count * sizeof(struct rsm_dir_entry));
		dir = (void *)((char *)hdr + hdr->dir_offset);
		for (i = 0; i < c.part_count; i++)
			if (dir[i].state != RSM_DIR_FREE)
				break;
		EXPECT_EQ(c.part_count, i) TH_LOG("entry %u not free", i);
		/* the whole data area is there and zero */
		EXPECT_EQ(0, ((char *)hdr)[c.size - 1]);
		((char *)hdr)[c.size - 1] = 0x5a;

		EXPECT_EQ(c.part_size,
			  rsm_sysfs_num(RSM_SYSFS "/segments/%u/part_size",
					c.seg_id));
		EXPECT_EQ(c.part_count,
			  rsm_sysfs_num(RSM_SYSFS "/segments/%u/part_count",
					c.seg_id));
		EXPECT_EQ(c.span, rsm_sysfs_num(RSM_SYSFS "/segments/%u/span",
						c.seg_id));
		EXPECT_EQ((long long)c.size,
			  rsm_sysfs_num(RSM_SYSFS "/segments/%u/size",
					c.seg_id));
		munmap(hdr, c.size);
	}
}

TEST_F(rsm, publish_lookup_descriptor)
{
	struct rsm_seg_header *hdr;
	struct rsm_seg_create c;
	struct rsm_lookup lk;
	char buf[64];

	ASSERT_EQ(0, rsm_create(self->fd, 256, 8, 2, &c));
	hdr = rsm_map(self->fd, c.mmap_offset, c.size, PROT_READ);
	ASSERT_NE(MAP_FAILED, hdr);
	ASSERT_EQ(0, rsm_publish(self->fd, c.seg_id, rsm_key(1), 0640));
	EXPECT_EQ(RSM_SEG_STATE_PUBLISHED, hdr->state);
	EXPECT_EQ(rsm_key(1), hdr->key);
	EXPECT_NE(0, hdr->generation);

	memset(&lk, 0xcc, sizeof(lk));
	lk.node_id = RSM_NODE_LOCAL;
	lk.flags = 0;
	lk.key = rsm_key(1);
	ASSERT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_LOOKUP, &lk));
	EXPECT_EQ(rsm_key(1), lk.desc.key);
	EXPECT_EQ((__u32)rsm_sysfs_num(RSM_PARAMS "/node_id"), lk.desc.node_id);
	EXPECT_EQ(c.seg_id, lk.desc.seg_id);
	EXPECT_EQ(256, lk.desc.part_size);
	EXPECT_EQ(8, lk.desc.part_count);
	EXPECT_EQ(2, lk.desc.span);
	EXPECT_EQ(RSM_IC_LOOPBACK, lk.desc.interconnect);
	EXPECT_EQ(geteuid(), lk.desc.uid);
	EXPECT_EQ(getegid(), lk.desc.gid);
	EXPECT_EQ(0640, lk.desc.mode);
	EXPECT_EQ(RSM_SEG_STATE_PUBLISHED, lk.desc.state);
	EXPECT_EQ(c.size, lk.desc.size);
	EXPECT_EQ(hdr->generation, lk.desc.generation);
	EXPECT_EQ(0, lk.desc.importers);
	EXPECT_EQ(0, lk.desc.reserved0);
	EXPECT_EQ(0, lk.desc.reserved);

	EXPECT_STREQ("published", rsm_sysfs_str(buf, sizeof(buf),
		     RSM_SYSFS "/segments/%u/state", c.seg_id));
	EXPECT_STREQ("0640", rsm_sysfs_str(buf, sizeof(buf),
		     RSM_SYSFS "/segments/%u/mode", c.seg_id));
	EXPECT_EQ((long long)rsm_key(1),
		  rsm_sysfs_num(RSM_SYSFS "/segments/%u/key", c.seg_id));
	EXPECT_EQ(geteuid(), rsm_sysfs_num(RSM_SYSFS "/segments/%u/uid",
					   c.seg_id));
	EXPECT_EQ(getegid(), rsm_sysfs_num(RSM_SYSFS "/segments/%u/gid",
					   c.seg_id));
	EXPECT_EQ((long long)hdr->generation,
		  rsm_sysfs_num(RSM_SYSFS "/segments/%u/generation", c.seg_id));
	EXPECT_STREQ("loopback", rsm_sysfs_str(buf, sizeof(buf),
		     RSM_SYSFS "/segments/%u/interconnect", c.seg_id));
	munmap(hdr, c.size);
}

TEST_F(rsm, import_maps_the_same_memory)
{
	struct rsm_seg_create c;
	struct rsm_import imp;
	char *own, *img;

	ASSERT_EQ(0, make_published(self->fd, 4096, 4, rsm_key(2), &c));
	memset(&imp, 0xcc, sizeof(imp));
	imp.node_id = RSM_NODE_LOCAL;
	imp.access = RSM_ACCESS_RW;
	imp.key = rsm_key(2);
	imp.generation = 0;
	imp.flags = 0;
	memset(imp.reserved, 0, sizeof(imp.reserved));
	ASSERT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_IMPORT, &imp));
	EXPECT_NE(0, imp.import_id);
	EXPECT_NE(0xccccccccU, imp.import_id);
	EXPECT_EQ(c.size, imp.size);
	EXPECT_EQ(0, imp.mmap_offset & 0xffffffffULL);
	EXPECT_NE(c.mmap_offset, imp.mmap_offset);
	EXPECT_EQ(c.seg_id, imp.desc.seg_id);
	EXPECT_EQ(rsm_key(2), imp.desc.key);
	EXPECT_EQ(1, imp.desc.importers);
	EXPECT_EQ(0, imp.desc.reserved | imp.desc.reserved0);
	EXPECT_EQ(1, rsm_sysfs_num(RSM_SYSFS "/segments/%u/importers",
				   c.seg_id));

	own = rsm_map(self->fd, c.mmap_offset, c.size, PROT_READ | PROT_WRITE);
	img = rsm_map(self->fd2, imp.mmap_offset, imp.size,
		      PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, own);
	ASSERT_NE(MAP_FAILED, img);
	/* the image shows the target, both ways */
	EXPECT_EQ(RSM_SEG_MAGIC, ((struct rsm_seg_header *)img)->magic);
	img[c.size - 8] = 'S';
	EXPECT_EQ('S', own[c.size - 8]);
	own[c.size - 16] = 'R';
	EXPECT_EQ('R', img[c.size - 16]);

	/* importing twice gives two handles and two importers */
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(2), RSM_ACCESS_READ,
				    &imp));
	EXPECT_EQ(2, rsm_sysfs_num(RSM_SYSFS "/segments/%u/importers",
				   c.seg_id));
	munmap(own, c.size);
	munmap(img, c.size);
}

TEST_F(rsm, unimport_releases_the_import)
{
	struct rsm_seg_create c;
	struct rsm_import imp;
	long long imports = rsm_sysfs_num(RSM_SYSFS "/stats/imports");

	ASSERT_EQ(0, make_published(self->fd, 64, 64, rsm_key(3), &c));
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(3), RSM_ACCESS_RW,
				    &imp));
	EXPECT_EQ(imports + 1, rsm_sysfs_num(RSM_SYSFS "/stats/imports"));
	ASSERT_EQ(0, rsm_handle_op(self->fd2, RSM_IOC_UNIMPORT,
				   imp.import_id));
	EXPECT_EQ(0, rsm_sysfs_num(RSM_SYSFS "/segments/%u/importers",
				   c.seg_id));
	EXPECT_EQ(imports, rsm_sysfs_num(RSM_SYSFS "/stats/imports"));
	EXPECT_EQ(-ENOENT, rsm_handle_op(self->fd2, RSM_IOC_UNIMPORT,
					 imp.import_id));
	EXPECT_EQ(-ENOENT, rsm_signal(self->fd2, imp.import_id, 0));
}

TEST_F(rsm, unpublish_and_republish)
{
	struct rsm_seg_header *hdr;
	struct rsm_seg_create c;
	struct rsm_lookup lk = { .node_id = RSM_NODE_LOCAL };
	struct rsm_import imp;
	__u64 gen;
	char buf[32];

	ASSERT_EQ(0, make_published(self->fd, 128, 8, rsm_key(4), &c));
	hdr = rsm_map(self->fd, c.mmap_offset, c.size, PROT_READ);
	ASSERT_NE(MAP_FAILED, hdr);
	gen = hdr->generation;
	ASSERT_EQ(0, rsm_unpublish(self->fd, c.seg_id));
	EXPECT_EQ(RSM_SEG_STATE_REVOKED, hdr->state);
	EXPECT_EQ(0, hdr->key);
	EXPECT_STREQ("revoked", rsm_sysfs_str(buf, sizeof(buf),
		     RSM_SYSFS "/segments/%u/state", c.seg_id));
	lk.key = rsm_key(4);
	EXPECT_EQ(-ENOENT, rsm_ioc(self->fd2, RSM_IOC_LOOKUP, &lk));

	/* publish again: a new generation; the old one is stale */
	ASSERT_EQ(0, rsm_publish(self->fd, c.seg_id, rsm_key(4), 0600));
	EXPECT_GT(hdr->generation, gen);
	imp = (struct rsm_import){ .node_id = RSM_NODE_LOCAL,
		.access = RSM_ACCESS_RW, .key = rsm_key(4), .generation = gen };
	EXPECT_EQ(-ESTALE, rsm_ioc(self->fd2, RSM_IOC_IMPORT, &imp));
	imp.generation = hdr->generation;
	EXPECT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_IMPORT, &imp));
	munmap(hdr, c.size);
}

TEST_F(rsm, destroy_removes_the_segment)
{
	long long segs = rsm_sysfs_num(RSM_SYSFS "/stats/segments");
	struct rsm_seg_create c;
	char path[128];

	ASSERT_EQ(0, make_published(self->fd, 64, 2, rsm_key(5), &c));
	EXPECT_EQ(segs + 1, rsm_sysfs_num(RSM_SYSFS "/stats/segments"));
	snprintf(path, sizeof(path), RSM_SYSFS "/segments/%u", c.seg_id);
	EXPECT_EQ(0, access(path, F_OK));
	ASSERT_EQ(0, rsm_destroy(self->fd, c.seg_id));
	EXPECT_EQ(-1, access(path, F_OK));
	EXPECT_EQ(segs, rsm_sysfs_num(RSM_SYSFS "/stats/segments"));
	EXPECT_EQ(-ENOENT, rsm_destroy(self->fd, c.seg_id));
	EXPECT_EQ(-ENOENT, rsm_import_key(self->fd2, rsm_key(5),
					  RSM_ACCESS_RW, NULL));
}

TEST_F(rsm, group_create_destroy)
{
	struct rsm_group_create g;
	struct rsm_seg_create c;
	struct rsm_import imp;
	long long groups = rsm_sysfs_num(RSM_SYSFS "/stats/groups");
	char path[128], buf[32];

	ASSERT_EQ(0, make_published(self->fd, 512, 16, rsm_key(6), &c));
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(6), RSM_ACCESS_RW,
				    &imp));
	memset(&g, 0xcc, sizeof(g));
	g.import_id = imp.import_id;
	g.part_size = 512;
	g.part_count = 16;
	g.flags = 0;
	g.channel_id = 0;
	memset(g.reserved, 0, sizeof(g.reserved));
	ASSERT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_GROUP_CREATE, &g));
	EXPECT_NE(0, g.group_id);
	EXPECT_NE(0xccccccccU, g.group_id);
	EXPECT_EQ(groups + 1, rsm_sysfs_num(RSM_SYSFS "/stats/groups"));
	EXPECT_EQ(c.seg_id, rsm_sysfs_num(RSM_SYSFS "/groups/%u/seg_id",
					  g.group_id));
	EXPECT_EQ(512, rsm_sysfs_num(RSM_SYSFS "/groups/%u/part_size",
				     g.group_id));
	EXPECT_EQ(16, rsm_sysfs_num(RSM_SYSFS "/groups/%u/part_count",
				    g.group_id));
	EXPECT_EQ(0, rsm_sysfs_num(RSM_SYSFS "/groups/%u/channel_id",
				   g.group_id));
	EXPECT_STREQ("active", rsm_sysfs_str(buf, sizeof(buf),
		     RSM_SYSFS "/groups/%u/state", g.group_id));

	/* the import is in use by the group */
	EXPECT_EQ(-EBUSY, rsm_handle_op(self->fd2, RSM_IOC_UNIMPORT,
					imp.import_id));
	ASSERT_EQ(0, rsm_handle_op(self->fd2, RSM_IOC_GROUP_DESTROY,
				   g.group_id));
	snprintf(path, sizeof(path), RSM_SYSFS "/groups/%u", g.group_id);
	EXPECT_EQ(-1, access(path, F_OK));
	EXPECT_EQ(groups, rsm_sysfs_num(RSM_SYSFS "/stats/groups"));
	EXPECT_EQ(-ENOENT, rsm_handle_op(self->fd2, RSM_IOC_GROUP_DESTROY,
					 g.group_id));
	EXPECT_EQ(0, rsm_handle_op(self->fd2, RSM_IOC_UNIMPORT,
				   imp.import_id));
}

TEST_F(rsm, channel_open_close_owns_its_groups)
{
	struct rsm_channel_open ch;
	struct rsm_group_create g;
	struct rsm_seg_create c;
	struct rsm_import imp;
	long long chans = rsm_sysfs_num(RSM_SYSFS "/stats/channels");
	long long groups = rsm_sysfs_num(RSM_SYSFS "/stats/groups");
	char buf[32];

	ASSERT_EQ(0, make_published(self->fd, 4096, 2, rsm_key(7), &c));
	memset(&ch, 0xcc, sizeof(ch));
	ch.node_id = RSM_NODE_LOCAL;
	ch.slot = 3;
	ch.key = rsm_key(7);
	ch.flags = 0;
	memset(ch.reserved, 0, sizeof(ch.reserved));
	ASSERT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_CHANNEL_OPEN, &ch));
	EXPECT_NE(0, ch.channel_id);
	EXPECT_NE(0xccccccccU, ch.channel_id);
	EXPECT_EQ(chans + 1, rsm_sysfs_num(RSM_SYSFS "/stats/channels"));
	EXPECT_EQ(3, rsm_sysfs_num(RSM_SYSFS "/channels/%u/slot",
				   ch.channel_id));
	EXPECT_EQ((long long)rsm_key(7),
		  rsm_sysfs_num(RSM_SYSFS "/channels/%u/key", ch.channel_id));
	EXPECT_EQ(c.seg_id, rsm_sysfs_num(RSM_SYSFS "/channels/%u/seg_id",
					  ch.channel_id));
	EXPECT_STREQ("open", rsm_sysfs_str(buf, sizeof(buf),
		     RSM_SYSFS "/channels/%u/state", ch.channel_id));

	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(7), RSM_ACCESS_RW,
				    &imp));
	g = (struct rsm_group_create){ .import_id = imp.import_id,
		.part_size = 4096, .part_count = 2,
		.channel_id = ch.channel_id };
	ASSERT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_GROUP_CREATE, &g));
	EXPECT_EQ(ch.channel_id,
		  rsm_sysfs_num(RSM_SYSFS "/groups/%u/channel_id", g.group_id));
	EXPECT_EQ(1, rsm_sysfs_num(RSM_SYSFS "/channels/%u/groups",
				   ch.channel_id));

	/* closing the channel destroys its groups */
	ASSERT_EQ(0, rsm_handle_op(self->fd2, RSM_IOC_CHANNEL_CLOSE,
				   ch.channel_id));
	EXPECT_EQ(chans, rsm_sysfs_num(RSM_SYSFS "/stats/channels"));
	EXPECT_EQ(groups, rsm_sysfs_num(RSM_SYSFS "/stats/groups"));
	EXPECT_EQ(-ENOENT, rsm_handle_op(self->fd2, RSM_IOC_GROUP_DESTROY,
					 g.group_id));
	EXPECT_EQ(-ENOENT, rsm_handle_op(self->fd2, RSM_IOC_CHANNEL_CLOSE,
					 ch.channel_id));
	EXPECT_EQ(0, rsm_handle_op(self->fd2, RSM_IOC_UNIMPORT,
				   imp.import_id));
}

TEST_F(rsm, signal_and_wait_count_every_signal)
{
	struct rsm_seg_create c, c2;
	struct rsm_import imp, imp2;
	struct rsm_wait w;
	long long signals = rsm_sysfs_num(RSM_SYSFS "/stats/signals");

	ASSERT_EQ(0, make_published(self->fd, 64, 4, rsm_key(8), &c));
	ASSERT_EQ(0, make_published(self->fd, 64, 4, rsm_key(9), &c2));
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(8), RSM_ACCESS_RW,
				    &imp));
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(9), RSM_ACCESS_RW,
				    &imp2));

	EXPECT_EQ(-EAGAIN, rsm_wait(self->fd, 0, 0, NULL));
	ASSERT_EQ(0, rsm_signal(self->fd2, imp.import_id, 0));
	ASSERT_EQ(0, rsm_signal(self->fd2, imp.import_id, 0));
	ASSERT_EQ(0, rsm_signal(self->fd2, imp.import_id, 0));
	ASSERT_EQ(0, rsm_signal(self->fd2, imp2.import_id, 0));
	EXPECT_EQ(3, rsm_sysfs_num(RSM_SYSFS "/segments/%u/signals",
				   c.seg_id));
	EXPECT_EQ(1, rsm_sysfs_num(RSM_SYSFS "/segments/%u/signals",
				   c2.seg_id));
	EXPECT_EQ(signals + 4, rsm_sysfs_num(RSM_SYSFS "/stats/signals"));

	/* a wait on one segment takes only its signals */
	memset(&w, 0xcc, sizeof(w));
	w.timeout_ns = 0;
	w.seg_id = c2.seg_id;
	w.flags = 0;
	w.reserved = 0;
	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_WAIT, &w));
	EXPECT_EQ(1, w.pending);
	EXPECT_EQ(0, w.revoked);
	EXPECT_EQ(-EAGAIN, rsm_wait(self->fd, 0, c2.seg_id, NULL));
	/* a wait on the file takes the rest */
	ASSERT_EQ(0, rsm_wait(self->fd, 0, 0, &w));
	EXPECT_EQ(3, w.pending);
	EXPECT_EQ(0, w.revoked);
	EXPECT_EQ(-EAGAIN, rsm_wait(self->fd, 0, 0, NULL));
	EXPECT_EQ(-EAGAIN, rsm_wait(self->fd, 0, c.seg_id, NULL));
	/* the sender's file got nothing */
	EXPECT_EQ(-EAGAIN, rsm_wait(self->fd2, 0, 0, NULL));
}

TEST_F(rsm, signal_importers_reaches_every_importing_file)
{
	struct rsm_seg_create c;
	struct rsm_wait w;
	int fd3 = rsm_open();

	ASSERT_LE(0, fd3);
	ASSERT_EQ(0, make_published(self->fd, 64, 4, rsm_key(10), &c));
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(10), RSM_ACCESS_RW,
				    NULL));
	ASSERT_EQ(0, rsm_import_key(fd3, rsm_key(10), RSM_ACCESS_READ, NULL));
	ASSERT_EQ(0, rsm_signal(self->fd, c.seg_id, RSM_SIGNAL_F_IMPORTERS));
	ASSERT_EQ(0, rsm_wait(self->fd2, 0, 0, &w));
	EXPECT_EQ(1, w.pending);
	ASSERT_EQ(0, rsm_wait(fd3, 0, 0, &w));
	EXPECT_EQ(1, w.pending);
	/* the owner was not signalled */
	EXPECT_EQ(-EAGAIN, rsm_wait(self->fd, 0, 0, NULL));
	close(fd3);
}

TEST_F(rsm, poll_reports_pending_signals)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN | POLLPRI };
	struct rsm_seg_create c;
	struct rsm_import imp;

	ASSERT_EQ(0, make_published(self->fd, 64, 4, rsm_key(11), &c));
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(11), RSM_ACCESS_RW,
				    &imp));
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, rsm_signal(self->fd2, imp.import_id, 0));
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(POLLIN, pfd.revents & (POLLIN | POLLPRI));
	/* poll does not consume; wait does */
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(0, rsm_wait(self->fd, 0, 0, NULL));
	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

TEST_F(rsm, wait_with_the_longest_limit)
{
	struct rsm_seg_create c;
	struct rsm_import imp;
	struct rsm_wait w;

	ASSERT_EQ(0, make_published(self->fd, 64, 4, rsm_key(14), &c));
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(14), RSM_ACCESS_RW,
				    &imp));
	ASSERT_EQ(0, rsm_signal(self->fd2, imp.import_id, 0));
	/* the deadline saturates: no overflow (UBSAN watches), no error */
	ASSERT_EQ(0, rsm_wait(self->fd, INT64_MAX, 0, &w));
	EXPECT_EQ(1, w.pending);
}

TEST_F(rsm, wait_times_out)
{
	long long t0 = rsm_now_ns();

	EXPECT_EQ(-ETIMEDOUT, rsm_wait(self->fd, 50 * 1000 * 1000, 0, NULL));
	EXPECT_GE(rsm_now_ns() - t0, 50 * 1000 * 1000);
}

struct ringer {
	int fd;
	__u32 import_id;
	int delay_ms;
};

static void *ring_later(void *arg)
{
	struct ringer *r = arg;

	usleep(r->delay_ms * 1000);
	rsm_signal(r->fd, r->import_id, 0);
	return NULL;
}

TEST_F(rsm, wait_wakes_on_a_signal)
{
	struct rsm_seg_create c;
	struct rsm_import imp;
	struct ringer r;
	struct rsm_wait w;
	pthread_t t;

	ASSERT_EQ(0, make_published(self->fd, 64, 4, rsm_key(12), &c));
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(12), RSM_ACCESS_RW,
				    &imp));
	r = (struct ringer){ self->fd2, imp.import_id, 100 };
	ASSERT_EQ(0, pthread_create(&t, NULL, ring_later, &r));
	ASSERT_EQ(0, rsm_wait(self->fd, RSM_WAIT_FOREVER, c.seg_id, &w));
	EXPECT_EQ(1, w.pending);
	pthread_join(t, NULL);

	/* and with a time limit, long before it passes */
	ASSERT_EQ(0, pthread_create(&t, NULL, ring_later, &r));
	ASSERT_EQ(0, rsm_wait(self->fd, 20LL * 1000 * 1000 * 1000, 0, &w));
	EXPECT_EQ(1, w.pending);
	pthread_join(t, NULL);
}

static void on_usr1(int sig)
{
}

static void *interrupt_later(void *arg)
{
	usleep(100 * 1000);
	pthread_kill(*(pthread_t *)arg, SIGUSR1);
	return NULL;
}

TEST_F(rsm, wait_is_interrupted_by_a_signal)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	pthread_t self_thread = pthread_self(), t;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, pthread_create(&t, NULL, interrupt_later, &self_thread));
	EXPECT_EQ(-EINTR, rsm_wait(self->fd, RSM_WAIT_FOREVER, 0, NULL));
	pthread_join(t, NULL);
	ASSERT_EQ(0, pthread_create(&t, NULL, interrupt_later, &self_thread));
	EXPECT_EQ(-EINTR, rsm_wait(self->fd, 60LL * 1000 * 1000 * 1000, 0,
				   NULL));
	pthread_join(t, NULL);
}

TEST_F(rsm, header_counters_show_in_sysfs)
{
	struct rsm_group_create g;
	struct rsm_seg_header *img;
	struct rsm_seg_create c;
	struct rsm_import imp;

	ASSERT_EQ(0, make_published(self->fd, 1024, 8, rsm_key(13), &c));
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(13), RSM_ACCESS_RW,
				    &imp));
	g = (struct rsm_group_create){ .import_id = imp.import_id,
		.part_size = 1024, .part_count = 8 };
	ASSERT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_GROUP_CREATE, &g));
	img = rsm_map(self->fd2, imp.mmap_offset, imp.size,
		      PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, img);
	/* what the sending library does per message */
	__atomic_fetch_add(&img->messages, 3, __ATOMIC_RELAXED);
	__atomic_fetch_add(&img->bytes, 3000, __ATOMIC_RELAXED);
	EXPECT_EQ(3, rsm_sysfs_num(RSM_SYSFS "/segments/%u/messages",
				   c.seg_id));
	EXPECT_EQ(3000, rsm_sysfs_num(RSM_SYSFS "/segments/%u/bytes",
				      c.seg_id));
	EXPECT_EQ(3, rsm_sysfs_num(RSM_SYSFS "/groups/%u/messages",
				   g.group_id));
	EXPECT_EQ(3000, rsm_sysfs_num(RSM_SYSFS "/groups/%u/bytes",
				      g.group_id));
	munmap(img, imp.size);
}

TEST_F(rsm, close_releases_everything)
{
	struct rsm_channel_open ch = { .node_id = RSM_NODE_LOCAL, .slot = 1 };
	struct rsm_group_create g;
	struct rsm_seg_create c;
	struct rsm_import imp;
	unsigned int i;

	/* a bit of everything, left for close() to clean up */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, make_published(self->fd, 64 << i, 4,
					    rsm_key(20 + i), &c));
		ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(20 + i),
					    RSM_ACCESS_RW, &imp));
		ch.key = rsm_key(20 + i);
		ASSERT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_CHANNEL_OPEN, &ch));
		g = (struct rsm_group_create){ .import_id = imp.import_id,
			.part_size = 64 << i, .part_count = 4,
			.channel_id = i & 1 ? ch.channel_id : 0 };
		ASSERT_EQ(0, rsm_ioc(self->fd2, RSM_IOC_GROUP_CREATE, &g));
		ASSERT_EQ(0, rsm_signal(self->fd2, imp.import_id, 0));
	}
	/* the teardown checks every counter is back */
}

TEST_HARNESS_MAIN
