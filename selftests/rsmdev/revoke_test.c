// SPDX-License-Identifier: GPL-2.0
/*
 * Revocation while mapped (Documentation/design.md, "Lifetime and
 * revocation"): after unpublish or destroy, an importer's mapping no longer
 * shows the segment (it reads a zero header; the owner's later writes do not
 * reach it; its own writes do not reach the owner), touching it never
 * raises SIGBUS, its next ioctl fails with EIDRM and its file's waiters wake
 * with a revocation counted (poll: POLLPRI).
 */
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "rsm_util.h"
#include "kselftest_harness.h"

#define SIZE_PART	4096
#define NR_PARTS	4

FIXTURE(rev)
{
	int owner;
	int importer;
	struct rsm_seg_create seg;
	struct rsm_import imp;
	char *own;	/* owner's mapping */
	char *img;	/* importer's mapping (the source segment) */
	struct rsm_baseline base;
};

static volatile sig_atomic_t got_sigbus;

static void on_sigbus(int sig)
{
	got_sigbus = 1;
	_exit(99);	/* a SIGBUS is a failure: do not loop on the fault */
}

FIXTURE_SETUP(rev)
{
	rsm_baseline_take(&self->base);
	signal(SIGBUS, on_sigbus);
	self->owner = rsm_open();
	self->importer = rsm_open();
	ASSERT_LE(0, self->owner);
	ASSERT_LE(0, self->importer);
	ASSERT_EQ(0, rsm_create(self->owner, SIZE_PART, NR_PARTS, 1,
				&self->seg));
	/* others may import: revoked_in_another_process does, as another uid */
	ASSERT_EQ(0, rsm_publish(self->owner, self->seg.seg_id, rsm_key(1),
				 0606));
	ASSERT_EQ(0, rsm_import_key(self->importer, rsm_key(1), RSM_ACCESS_RW,
				    &self->imp));
	self->own = rsm_map(self->owner, self->seg.mmap_offset, self->seg.size,
			    PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, self->own);
	self->img = rsm_map(self->importer, self->imp.mmap_offset,
			    self->imp.size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, self->img);
	/* both sides are live before the revocation */
	self->own[self->seg.size - 1] = 'o';
	ASSERT_EQ('o', self->img[self->seg.size - 1]);
	self->img[self->seg.size - 2] = 'i';
	ASSERT_EQ('i', self->own[self->seg.size - 2]);
}

FIXTURE_TEARDOWN(rev)
{
	const char *bad;

	munmap(self->img, self->imp.size);
	munmap(self->own, self->seg.size);
	close(self->importer);
	close(self->owner);
	EXPECT_EQ(0, got_sigbus);
	bad = rsm_baseline_check(&self->base, 2000);
	EXPECT_EQ(NULL, bad) TH_LOG("stats/%s not back at its baseline", bad);
}

/* every page of the image reads zero and takes writes without a fault */
static int image_is_scratch(const char *img, size_t size)
{
	size_t off;

	for (off = 0; off < size; off += 4096)
		if (img[off] || img[off + 4095])
			return 0;
	return 1;
}

TEST_F(rev, unpublish_revokes_a_mapped_import)
{
	struct pollfd pfd = { .fd = self->importer, .events = POLLIN | POLLPRI };
	long long revs = rsm_sysfs_num(RSM_SYSFS "/stats/revocations");
	struct rsm_seg_header *hdr = (void *)self->img;
	struct rsm_group_create g;
	struct rsm_wait w;

	ASSERT_EQ(0, rsm_unpublish(self->owner, self->seg.seg_id));

	/* the image no longer shows the segment */
	EXPECT_EQ(0, hdr->magic);
	EXPECT_TRUE(image_is_scratch(self->img, self->imp.size));
	self->own[100] = 'X';
	EXPECT_EQ(0, self->img[100]);
	self->img[200] = 'Y';
	EXPECT_EQ(0, self->own[200]);
	/* the owner's own view is untouched */
	EXPECT_EQ(RSM_SEG_MAGIC, ((struct rsm_seg_header *)self->own)->magic);
	EXPECT_EQ('i', self->own[self->seg.size - 2]);

	/* the import's ioctls fail with EIDRM; its handle can still go */
	EXPECT_EQ(-EIDRM, rsm_signal(self->importer, self->imp.import_id, 0));
	g = (struct rsm_group_create){ .import_id = self->imp.import_id,
		.part_size = SIZE_PART, .part_count = NR_PARTS };
	EXPECT_EQ(-EIDRM, rsm_ioc(self->importer, RSM_IOC_GROUP_CREATE, &g));
	EXPECT_EQ(MAP_FAILED, rsm_map(self->importer, self->imp.mmap_offset,
				      4096, PROT_READ));
	EXPECT_EQ(EIDRM, errno);

	/* its file is told: POLLPRI, and a wait returns the revocation */
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(POLLPRI, pfd.revents);
	ASSERT_EQ(0, rsm_wait(self->importer, 0, 0, &w));
	EXPECT_EQ(0, w.pending);
	EXPECT_EQ(1, w.revoked);
	EXPECT_EQ(0, poll(&pfd, 1, 0));

	EXPECT_EQ(0, rsm_sysfs_num(RSM_SYSFS "/segments/%u/importers",
				   self->seg.seg_id));
	EXPECT_EQ(revs + 1, rsm_sysfs_num(RSM_SYSFS "/stats/revocations"));
	EXPECT_EQ(0, rsm_handle_op(self->importer, RSM_IOC_UNIMPORT,
				   self->imp.import_id));
	/* the mapping outlives the handle, still harmless */
	EXPECT_EQ(0, hdr->magic);
}

TEST_F(rev, destroy_revokes_the_import_and_the_owner_view)
{
	struct rsm_seg_header *own_hdr = (void *)self->own;

	ASSERT_EQ(0, rsm_destroy(self->owner, self->seg.seg_id));
	EXPECT_EQ(0, ((struct rsm_seg_header *)self->img)->magic);
	EXPECT_TRUE(image_is_scratch(self->img, self->imp.size));
	/* the owner's mapping of its destroyed segment: zeros, no fault */
	EXPECT_EQ(0, own_hdr->magic);
	EXPECT_TRUE(image_is_scratch(self->own, self->seg.size));
	self->own[10] = 1;
	self->img[10] = 2;
	EXPECT_EQ(1, self->own[10]);	/* each its own scratch page */
	EXPECT_EQ(2, self->img[10]);
	EXPECT_EQ(-EIDRM, rsm_signal(self->importer, self->imp.import_id, 0));
	EXPECT_EQ(-ENOENT, rsm_destroy(self->owner, self->seg.seg_id));
}

TEST_F(rev, revoked_in_another_process)
{
	__u64 key = rsm_key(1);	/* the parent's key, not the child's */
	int ready[2], done[2];
	char c = 0;
	pid_t pid;
	int status;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/*
		 * A separate importer: another uid without capabilities,
		 * with its own file, import and mapping.
		 */
		struct rsm_import imp;
		volatile char *img;
		int fd;

		close(ready[0]);
		close(done[1]);
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		fd = rsm_open();
		if (fd < 0 || rsm_import_key(fd, key, RSM_ACCESS_RW, &imp))
			_exit(1);
		img = rsm_map(fd, imp.mmap_offset, imp.size,
			      PROT_READ | PROT_WRITE);
		if (img == MAP_FAILED || img[imp.size - 1] != 'o')
			_exit(2);
		if (write(ready[1], "r", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(3);
		/* revoked now: the owner's write after it is not visible */
		if (img[300] != 0 || ((struct rsm_seg_header *)img)->magic)
			_exit(4);
		img[400] = 'z';
		if (rsm_signal(fd, imp.import_id, 0) != -EIDRM)
			_exit(5);
		/* no way back to the memory: no new mapping, no new import */
		if (rsm_map(fd, imp.mmap_offset, imp.size, PROT_READ) !=
		    MAP_FAILED || errno != EIDRM)
			_exit(6);
		if (rsm_import_key(fd, key, RSM_ACCESS_READ, NULL) != -ENOENT)
			_exit(7);
		_exit(0);
	}
	signal(SIGPIPE, SIG_IGN);
	close(ready[1]);
	close(done[0]);
	/* EOF instead of a byte: the child failed before it got ready */
	EXPECT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(0, rsm_unpublish(self->owner, self->seg.seg_id));
	self->own[300] = 'w';
	EXPECT_EQ(1, write(done[1], "d", 1));
	close(done[1]);
	close(ready[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("importer died by signal %d",
					      WTERMSIG(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, self->own[400]);
}

struct waiter {
	int fd;
	__u32 seg_id;
	int err;
	struct rsm_wait w;
};

static void *wait_forever(void *arg)
{
	struct waiter *wt = arg;

	wt->err = rsm_wait(wt->fd, RSM_WAIT_FOREVER, wt->seg_id, &wt->w);
	return NULL;
}

TEST_F(rev, a_blocked_sender_wakes_when_the_receiver_goes)
{
	struct waiter wt = { .fd = self->importer };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, wait_forever, &wt));
	usleep(100 * 1000);
	ASSERT_EQ(0, rsm_destroy(self->owner, self->seg.seg_id));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, wt.err);
	EXPECT_EQ(1, wt.w.revoked);
	EXPECT_EQ(0, wt.w.pending);
}

TEST_F(rev, a_wait_on_a_segment_ends_when_it_is_destroyed)
{
	struct waiter wt = { .fd = self->owner, .seg_id = self->seg.seg_id };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, wait_forever, &wt));
	usleep(100 * 1000);
	/* another thread of the owner destroys it: the wait cannot succeed */
	ASSERT_EQ(0, rsm_destroy(self->owner, self->seg.seg_id));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(-EIDRM, wt.err);
}

TEST_F(rev, revoked_channel)
{
	struct rsm_channel_open ch = { .node_id = RSM_NODE_LOCAL, .slot = 9,
				       .key = rsm_key(1) };
	struct rsm_group_create g;
	struct rsm_wait w;
	char buf[32];

	ASSERT_EQ(0, rsm_ioc(self->importer, RSM_IOC_CHANNEL_OPEN, &ch));
	ASSERT_EQ(0, rsm_unpublish(self->owner, self->seg.seg_id));
	EXPECT_STREQ("revoked", rsm_sysfs_str(buf, sizeof(buf),
		     RSM_SYSFS "/channels/%u/state", ch.channel_id));
	/* one revocation for the import, one for the channel */
	ASSERT_EQ(0, rsm_wait(self->importer, 0, 0, &w));
	EXPECT_EQ(2, w.revoked);
	EXPECT_EQ(-ENOENT, rsm_import_key(self->importer, rsm_key(1),
					  RSM_ACCESS_RW, NULL));
	/* others may import: revoked_in_another_process does, as another uid */
	ASSERT_EQ(0, rsm_publish(self->owner, self->seg.seg_id, rsm_key(1),
				 0606));
	ASSERT_EQ(0, rsm_import_key(self->importer, rsm_key(1), RSM_ACCESS_RW,
				    &self->imp));
	g = (struct rsm_group_create){ .import_id = self->imp.import_id,
		.part_size = SIZE_PART, .part_count = NR_PARTS,
		.channel_id = ch.channel_id };
	EXPECT_EQ(-EIDRM, rsm_ioc(self->importer, RSM_IOC_GROUP_CREATE, &g));
	/* the slot is free again for a channel to the new publication */
	ch.channel_id = 0;
	EXPECT_EQ(0, rsm_ioc(self->importer, RSM_IOC_CHANNEL_OPEN, &ch));
}

TEST_F(rev, unimport_while_mapped_ends_access)
{
	ASSERT_EQ(0, rsm_handle_op(self->importer, RSM_IOC_UNIMPORT,
				   self->imp.import_id));
	EXPECT_TRUE(image_is_scratch(self->img, self->imp.size));
	self->own[500] = 'q';
	EXPECT_EQ(0, self->img[500]);
	EXPECT_EQ(0, rsm_sysfs_num(RSM_SYSFS "/segments/%u/importers",
				   self->seg.seg_id));
}

TEST_F(rev, read_only_import_revoked)
{
	struct rsm_import ro;
	const char *img;

	ASSERT_EQ(0, rsm_import_key(self->importer, rsm_key(1),
				    RSM_ACCESS_READ, &ro));
	img = rsm_map(self->importer, ro.mmap_offset, ro.size, PROT_READ);
	ASSERT_NE(MAP_FAILED, img);
	EXPECT_EQ('o', img[ro.size - 1]);
	ASSERT_EQ(0, rsm_unpublish(self->owner, self->seg.seg_id));
	EXPECT_TRUE(image_is_scratch(img, ro.size));
	munmap((void *)img, ro.size);
}

TEST_HARNESS_MAIN
