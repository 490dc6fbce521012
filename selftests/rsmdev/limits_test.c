// SPDX-License-Identifier: GPL-2.0
/*
 * Limits: segments per process (ENOSPC), bytes per uid and bytes in total
 * (ENOMEM), set through the module parameters. Each test lowers one limit,
 * runs into it, checks nothing was charged for the failure and that freeing
 * makes room again; the fixture puts the parameters back.
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

TEST_HARNESS_MAIN
