// SPDX-License-Identifier: GPL-2.0
/*
 * Module unload: refused while anything holds the module (an open file, a
 * mapping whose file is otherwise closed, a segment imported by another
 * process), clean once nothing does (the device and /sys/kernel/rsm go),
 * and the module loads again afterwards with every counter at zero. Needs
 * RSM_MODULE (set by the VM runner) to load it back; runs last in the
 * suite.
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include "rsm_util.h"
#include "kselftest_harness.h"

static int unload(void)
{
	return syscall(SYS_delete_module, "rsmdev", O_NONBLOCK) ? -errno : 0;
}

static int load(void)
{
	const char *path = getenv("RSM_MODULE");
	const char *params = getenv("RSM_MODULE_PARAMS");
	int fd, err;

	if (!path || !*path)
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = syscall(SYS_finit_module, fd, params ? params : "", 0) ?
		-errno : 0;
	close(fd);
	return err;
}

static int loaded(void)
{
	return access("/sys/module/rsmdev", F_OK) == 0;
}

FIXTURE(mod) {
	int unused;
};

FIXTURE_SETUP(mod)
{
	ASSERT_TRUE(getenv("RSM_MODULE") != NULL)
		TH_LOG("RSM_MODULE not set: run under tools/vm/rsm-vm");
	ASSERT_TRUE(loaded());
}

FIXTURE_TEARDOWN(mod)
{
	/* whatever happened, leave the module loaded for what follows */
	if (!loaded())
		EXPECT_EQ(0, load());
}

TEST_F(mod, refused_while_a_file_is_open)
{
	int fd = rsm_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rsm_create(fd, 64, 1, 1, NULL));
	EXPECT_EQ(-EWOULDBLOCK, unload());
	EXPECT_TRUE(loaded());
	/* still working */
	EXPECT_EQ(0, rsm_create(fd, 64, 1, 1, NULL));
	close(fd);
}

TEST_F(mod, refused_while_mapped_clean_after)
{
	long long segs = rsm_sysfs_num(RSM_SYSFS "/stats/segments");
	struct rsm_seg_create c;
	char *p;
	int fd = rsm_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rsm_create(fd, 4096, 4, 1, &c));
	p = rsm_map(fd, c.mmap_offset, c.size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	/* the mapping holds the file, which holds the module */
	close(fd);
	p[4096] = 1;
	EXPECT_EQ(-EWOULDBLOCK, unload());
	EXPECT_EQ(RSM_SEG_MAGIC, ((struct rsm_seg_header *)p)->magic);
	EXPECT_EQ(segs + 1, rsm_sysfs_num(RSM_SYSFS "/stats/segments"));
	munmap(p, c.size);

	/* nothing holds it now */
	EXPECT_EQ(segs, rsm_sysfs_num(RSM_SYSFS "/stats/segments"));
	ASSERT_EQ(0, unload());
	EXPECT_FALSE(loaded());
	EXPECT_EQ(-1, access(RSM_DEV, F_OK));
	EXPECT_EQ(-1, access(RSM_SYSFS, F_OK));

	/* and it comes back fresh */
	ASSERT_EQ(0, load());
	EXPECT_EQ(0, access(RSM_DEV, F_OK));
	EXPECT_EQ(0, rsm_sysfs_num(RSM_SYSFS "/stats/segments_created"));
	EXPECT_EQ(0, rsm_sysfs_num(RSM_SYSFS "/stats/bytes"));
}

TEST_F(mod, refused_while_another_process_imports)
{
	int ready[2], status;
	char c;
	pid_t pid;
	__u64 key = rsm_key(1);
	int fd = rsm_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct rsm_seg_create sc;
		int ofd = rsm_open();

		close(ready[0]);
		if (ofd < 0 || rsm_create(ofd, 64, 4, 1, &sc) ||
		    rsm_publish(ofd, sc.seg_id, key, 0600) ||
		    write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	ASSERT_EQ(0, rsm_import_key(fd, key, RSM_ACCESS_RW, NULL));
	close(fd);		/* our file goes; the owner's stays */
	EXPECT_EQ(-EWOULDBLOCK, unload());
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* the owner's file is released on its death: unload works */
	EXPECT_EQ(0, unload());
	EXPECT_EQ(0, load());
}

TEST_F(mod, repeated_load_unload_with_use_in_between)
{
	unsigned int i;

	for (i = 0; i < 5; i++) {
		struct rsm_seg_create c;
		struct rsm_import imp;
		char *p;
		int fd = rsm_open();

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, rsm_create(fd, 1024, 8, 2, &c));
		ASSERT_EQ(0, rsm_publish(fd, c.seg_id, rsm_key(10 + i), 0600));
		ASSERT_EQ(0, rsm_import_key(fd, rsm_key(10 + i), RSM_ACCESS_RW,
					    &imp));
		p = rsm_map(fd, imp.mmap_offset, imp.size, PROT_READ);
		ASSERT_NE(MAP_FAILED, p);
		EXPECT_EQ(RSM_SEG_MAGIC, ((struct rsm_seg_header *)p)->magic);
		munmap(p, imp.size);
		close(fd);
		ASSERT_EQ(0, unload()) TH_LOG("round %u", i);
		ASSERT_EQ(0, load()) TH_LOG("round %u", i);
	}
}

TEST_HARNESS_MAIN
