// SPDX-License-Identifier: GPL-2.0
/*
 * Limits: segments per process (ENOSPC), bytes per uid and bytes in total
 * (ENOMEM), set through the module parameters. Each test lowers one limit,
 * runs into it, checks nothing was charged for the failure and that freeing
 * makes room again; the fixture puts the parameters back. Huge geometries:
 * a product part_size * part_count that wraps in 32 bits is refused, the
 * largest partition count works, a segment larger than the limits fails
 * with ENOMEM, and after each refusal the device still works.
 */
#include <grp.h>
#include <sys/wait.h>

#include "rsm_util.h"
#include "kselftest_harness.h"

/* 4096 x 15 partitions: header and directory in one page, 64 KiB in all */
#define PART		4096
#define COUNT		15
#define SEG_BYTES	(16 * 4096)

static const char *const params[] = {
	"max_segs_per_process", "max_bytes_per_user", "max_bytes_total",
};
#define NR_PARAMS	3

FIXTURE(lim)
{
	int fd;
	char saved[NR_PARAMS][32];
	struct rsm_baseline base;
};

static int set_param(const char *name, unsigned long long v)
{
	char path[128], val[32];

	snprintf(path, sizeof(path), RSM_PARAMS "/%s", name);
	snprintf(val, sizeof(val), "%llu", v);
	return rsm_write_file(path, val);
}

FIXTURE_SETUP(lim)
{
	unsigned int i;

	rsm_baseline_take(&self->base);
	for (i = 0; i < NR_PARAMS; i++) {
		rsm_sysfs_str(self->saved[i], sizeof(self->saved[i]),
			      RSM_PARAMS "/%s", params[i]);
		ASSERT_NE(0, self->saved[i][0]);
	}
	self->fd = rsm_open();
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(lim)
{
	char path[128];
	unsigned int i;
	const char *bad;

	close(self->fd);
	for (i = 0; i < NR_PARAMS; i++) {
		snprintf(path, sizeof(path), RSM_PARAMS "/%s", params[i]);
		EXPECT_EQ(0, rsm_write_file(path, self->saved[i]));
	}
	bad = rsm_baseline_check(&self->base, 2000);
	EXPECT_EQ(NULL, bad) TH_LOG("stats/%s not back at its baseline", bad);
}

static int create(int fd, __u32 *seg_id)
{
	struct rsm_seg_create c;
	int err = rsm_create(fd, PART, COUNT, 1, &c);

	if (!err && seg_id)
		*seg_id = c.seg_id;
	return err;
}

/* in a child: create @n segments, return how many succeeded */
static int create_in_child(unsigned int n, uid_t uid)
{
	int status;
	pid_t pid = fork();

	if (!pid) {
		unsigned int i;
		int fd;

		if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
			    setresuid(uid, uid, uid)))
			_exit(255);
		fd = rsm_open();
		for (i = 0; i < n; i++)
			if (create(fd, NULL))
				break;
		_exit(i);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(lim, segments_per_process)
{
	struct rsm_node_info info;
	long long bytes = rsm_sysfs_num(RSM_SYSFS "/stats/bytes");
	__u32 ids[3];
	unsigned int i;
	int fd2;

	ASSERT_EQ(0, set_param("max_segs_per_process", 3));
	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_NODE_INFO, &info));
	EXPECT_EQ(3, info.max_segs_per_process);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, create(self->fd, &ids[i]));
	EXPECT_EQ(-ENOSPC, create(self->fd, NULL));
	/* per process, not per file */
	fd2 = rsm_open();
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-ENOSPC, create(fd2, NULL));
	close(fd2);
	/* the failures charged nothing */
	EXPECT_EQ(bytes + 3 * SEG_BYTES,
		  rsm_sysfs_num(RSM_SYSFS "/stats/bytes"));
	/* another process has its own count */
	EXPECT_EQ(3, create_in_child(4, 0));
	/* freeing one makes room for one */
	ASSERT_EQ(0, rsm_destroy(self->fd, ids[1]));
	EXPECT_EQ(0, create(self->fd, NULL));
	EXPECT_EQ(-ENOSPC, create(self->fd, NULL));
}

TEST_F(lim, bytes_per_user)
{
	struct rsm_node_info info;
	__u32 ids[3];
	unsigned int i;

	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_NODE_INFO, &info));
	/* room for exactly three more of root's segments */
	ASSERT_EQ(0, set_param("max_bytes_per_user",
			       info.bytes_user + 3 * SEG_BYTES));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, create(self->fd, &ids[i]));
	EXPECT_EQ(-ENOMEM, create(self->fd, NULL));
	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_NODE_INFO, &info));
	EXPECT_EQ(info.max_bytes_per_user, info.bytes_user);
	/* another uid has its own budget */
	EXPECT_EQ(2, create_in_child(2, 65534));
	ASSERT_EQ(0, rsm_destroy(self->fd, ids[0]));
	EXPECT_EQ(0, create(self->fd, NULL));
	EXPECT_EQ(-ENOMEM, create(self->fd, NULL));
}

TEST_F(lim, bytes_in_total)
{
	long long held = rsm_sysfs_num(RSM_SYSFS "/stats/bytes");
	__u32 ids[2];

	ASSERT_LE(0, held);
	ASSERT_EQ(0, set_param("max_bytes_total", held + 2 * SEG_BYTES));
	ASSERT_EQ(0, create(self->fd, &ids[0]));
	ASSERT_EQ(0, create(self->fd, &ids[1]));
	EXPECT_EQ(-ENOMEM, create(self->fd, NULL));
	/* the node limit binds every uid */
	EXPECT_EQ(0, create_in_child(1, 65534));
	ASSERT_EQ(0, rsm_destroy(self->fd, ids[0]));
	EXPECT_EQ(1, create_in_child(1, 65534));
}

TEST_F(lim, lowering_a_limit_keeps_what_exists)
{
	struct rsm_seg_create c;
	char *p;

	ASSERT_EQ(0, rsm_create(self->fd, PART, COUNT, 1, &c));
	p = rsm_map(self->fd, c.mmap_offset, c.size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, set_param("max_bytes_total", 0));
	EXPECT_EQ(-ENOMEM, create(self->fd, NULL));
	p[c.size - 1] = 1;
	EXPECT_EQ(RSM_SEG_MAGIC, ((struct rsm_seg_header *)p)->magic);
	munmap(p, c.size);
}

/* an ordinary segment still goes through create, publish, import, map */
static int still_works(int fd, __u64 key)
{
	struct rsm_seg_create c;
	struct rsm_import imp;
	char *own, *img;
	int ret = -1;

	if (rsm_create(fd, PART, COUNT, 1, &c) ||
	    rsm_publish(fd, c.seg_id, key, 0600) ||
	    rsm_import_key(fd, key, RSM_ACCESS_RW, &imp))
		return -1;
	own = rsm_map(fd, c.mmap_offset, c.size, PROT_READ | PROT_WRITE);
	img = rsm_map(fd, imp.mmap_offset, imp.size, PROT_READ);
	if (own != MAP_FAILED && img != MAP_FAILED) {
		own[c.size - 1] = 7;
		ret = img[c.size - 1] == 7 ? 0 : -1;
	}
	if (own != MAP_FAILED)
		munmap(own, c.size);
	if (img != MAP_FAILED)
		munmap(img, imp.size);
	if (rsm_handle_op(fd, RSM_IOC_UNIMPORT, imp.import_id) ||
	    rsm_destroy(fd, c.seg_id))
		return -1;
	return ret;
}

TEST_F(lim, huge_geometries_are_refused_and_nothing_is_charged)
{
	/* part_size * part_count in 32 bits would be 0 or a few MiB */
	static const struct { __u32 size, count, err; } cases[] = {
		{ RSM_PART_SIZE_MAX, RSM_PART_COUNT_MAX, EINVAL },	/* 2^42 */
		{ RSM_PART_SIZE_MAX, 1025, EINVAL },	/* 2^32 + 4 MiB */
		{ 4096, RSM_PART_COUNT_MAX, EINVAL },	/* 2^32 + header */
		{ 1U << 31, 2, EINVAL },		/* past the largest */
		{ 64, UINT32_MAX, EINVAL },
		{ 64, RSM_PART_COUNT_MAX + 1, EINVAL },
		/* valid geometry, 4 GiB less 4 MiB: past every limit */
		{ RSM_PART_SIZE_MAX, 1023, ENOMEM },
	};
	long long bytes = rsm_sysfs_num(RSM_SYSFS "/stats/bytes");
	long long segs = rsm_sysfs_num(RSM_SYSFS "/stats/segments");
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(-(int)cases[i].err,
			  rsm_create(self->fd, cases[i].size, cases[i].count, 1,
				     NULL))
			TH_LOG("%u x %u", cases[i].size, cases[i].count);
		EXPECT_EQ(bytes, rsm_sysfs_num(RSM_SYSFS "/stats/bytes"));
		EXPECT_EQ(segs, rsm_sysfs_num(RSM_SYSFS "/stats/segments"));
		EXPECT_EQ(0, still_works(self->fd, rsm_key(10 + i)));
	}
}

TEST_F(lim, the_largest_partition_count_works_within_the_limits)
{
	const struct rsm_seg_layout_info l =
		rsm_seg_layout(64, RSM_PART_COUNT_MAX);
	struct rsm_node_info info;
	struct rsm_seg_create c;
	char *p;

	/* 2^20 partitions of 64 B: 32 MiB of directory, 64 MiB of data */
	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_NODE_INFO, &info));
	ASSERT_EQ(0, set_param("max_bytes_per_user",
			       info.bytes_user + l.size - 1));
	EXPECT_EQ(-ENOMEM, rsm_create(self->fd, 64, RSM_PART_COUNT_MAX,
				      RSM_PART_COUNT_MAX, NULL));
	ASSERT_EQ(0, set_param("max_bytes_per_user", info.bytes_user + l.size));
	ASSERT_EQ(0, rsm_create(self->fd, 64, RSM_PART_COUNT_MAX,
				RSM_PART_COUNT_MAX, &c));
	EXPECT_EQ(l.size, c.size);
	p = rsm_map(self->fd, c.mmap_offset, c.size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	/* the last directory entry and the last partition are there */
	EXPECT_EQ(RSM_DIR_FREE, ((struct rsm_dir_entry *)(p + l.dir_offset))
					[RSM_PART_COUNT_MAX - 1].state);
	p[c.size - 1] = 1;
	EXPECT_EQ(RSM_PART_COUNT_MAX, ((struct rsm_seg_header *)p)->part_count);
	munmap(p, c.size);
	ASSERT_EQ(0, rsm_destroy(self->fd, c.seg_id));
	EXPECT_EQ(0, still_works(self->fd, rsm_key(30)));
}

TEST_HARNESS_MAIN
