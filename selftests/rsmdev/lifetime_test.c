// SPDX-License-Identifier: GPL-2.0
/*
 * A process that dies, however it dies, leaks nothing (ARCHITECTURE.md
 * invariant 1): SIGKILL of an importer and of an owner while their
 * segments are mapped, of processes blocked in RSM_IOC_WAIT and poll(), of
 * a process in the middle of creating and destroying, and a plain exit with
 * everything open. Every node-wide counter in /sys/kernel/rsm/stats must be
 * back at its value from before, and the survivor sees the documented
 * revocation, never a SIGBUS.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "rsm_util.h"
#include "kselftest_harness.h"

#define NR_SEGS	3

static const __u32 part_sizes[NR_SEGS] = { 64, 4096, 65536 };

static void on_sigbus(int sig)
{
	_exit(99);
}

/* SIGKILL @pid and reap it; true if SIGKILL is what ended it */
static int kill_and_reap(pid_t pid)
{
	int status;

	if (kill(pid, SIGKILL) || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* fork a child running @fn(@arg); it reports readiness on a pipe */
static pid_t spawn(int (*fn)(void *arg, int ready), void *arg, int *ready_rd)
{
	int pfd[2];
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (!pid) {
		close(pfd[0]);
		_exit(fn(arg, pfd[1]));
	}
	close(pfd[1]);
	*ready_rd = pfd[0];
	return pid;
}

struct keys {
	__u64 key[NR_SEGS];
	__u32 seg_id[NR_SEGS];
};

/* the importer: imports (RW and RO), maps, groups, a channel, signals */
static int importer(void *arg, int ready)
{
	struct keys *k = arg;
	struct rsm_channel_open ch = { .node_id = RSM_NODE_LOCAL, .slot = 5 };
	unsigned int i;
	int fd = rsm_open();

	if (fd < 0)
		return 1;
	for (i = 0; i < NR_SEGS; i++) {
		struct rsm_import rw, ro;
		struct rsm_group_create g;
		char *p;

		if (rsm_import_key(fd, k->key[i], RSM_ACCESS_RW, &rw) ||
		    rsm_import_key(fd, k->key[i], RSM_ACCESS_READ, &ro))
			return 2;
		p = rsm_map(fd, rw.mmap_offset, rw.size,
			    PROT_READ | PROT_WRITE);
		if (p == MAP_FAILED ||
		    rsm_map(fd, ro.mmap_offset, ro.size, PROT_READ) ==
		    MAP_FAILED)
			return 3;
		memset(p + rw.size - 4096, 'i', 4096);
		ch.key = k->key[i];
		if (rsm_ioc(fd, RSM_IOC_CHANNEL_OPEN, &ch))
			return 4;
		g = (struct rsm_group_create){ .import_id = rw.import_id,
			.part_size = rw.desc.part_size,
			.part_count = rw.desc.part_count,
			.channel_id = ch.channel_id };
		if (rsm_ioc(fd, RSM_IOC_GROUP_CREATE, &g))
			return 5;
		g.import_id = ro.import_id;
		g.channel_id = 0;
		if (rsm_ioc(fd, RSM_IOC_GROUP_CREATE, &g) ||
		    rsm_signal(fd, rw.import_id, 0))
			return 6;
	}
	if (write(ready, "r", 1) != 1)
		return 7;
	for (;;)
		pause();
}

TEST(sigkill_importer_while_mapped)
{
	struct rsm_baseline before, with_owner;
	struct keys k;
	char *own[NR_SEGS], c;
	size_t size[NR_SEGS];
	unsigned int i;
	int fd, rd;
	pid_t pid;
	const char *bad;

	rsm_baseline_take(&before);
	fd = rsm_open();
	ASSERT_LE(0, fd);
	for (i = 0; i < NR_SEGS; i++) {
		struct rsm_seg_create sc;

		k.key[i] = rsm_key(i + 1);
		ASSERT_EQ(0, rsm_create(fd, part_sizes[i], 4, 1, &sc));
		ASSERT_EQ(0, rsm_publish(fd, sc.seg_id, k.key[i], 0600));
		k.seg_id[i] = sc.seg_id;
		size[i] = sc.size;
		own[i] = rsm_map(fd, sc.mmap_offset, sc.size, PROT_READ);
		ASSERT_NE(MAP_FAILED, own[i]);
	}
	rsm_baseline_take(&with_owner);

	pid = spawn(importer, &k, &rd);
	ASSERT_LT(0, pid);
	ASSERT_EQ(1, read(rd, &c, 1)) TH_LOG("importer failed to set up");
	close(rd);
	for (i = 0; i < NR_SEGS; i++)
		EXPECT_EQ(2, rsm_sysfs_num(RSM_SYSFS "/segments/%u/importers",
					   k.seg_id[i]));
	EXPECT_EQ(with_owner.v[2] + 2 * NR_SEGS,
		  rsm_sysfs_num(RSM_SYSFS "/stats/imports"));
	/* its own two per segment, and the owner's it inherited by fork */
	EXPECT_EQ(with_owner.v[5] + 3 * NR_SEGS,
		  rsm_sysfs_num(RSM_SYSFS "/stats/mappings"));

	ASSERT_TRUE(kill_and_reap(pid));
	bad = rsm_baseline_check(&with_owner, 3000);
	EXPECT_EQ(NULL, bad) TH_LOG("stats/%s not back after the importer died",
				    bad);
	for (i = 0; i < NR_SEGS; i++) {
		EXPECT_EQ(0, rsm_sysfs_num(RSM_SYSFS "/segments/%u/importers",
					   k.seg_id[i]));
		/* what it wrote stays: the memory is the owner's */
		EXPECT_EQ('i', own[i][size[i] - 1]);
		munmap(own[i], size[i]);
	}
	close(fd);
	bad = rsm_baseline_check(&before, 3000);
	EXPECT_EQ(NULL, bad) TH_LOG("stats/%s not back at its baseline", bad);
}

/* the owner: creates, publishes, maps and writes its segments */
static int owner(void *arg, int ready)
{
	struct keys *k = arg;
	unsigned int i;
	int fd = rsm_open();

	if (fd < 0)
		return 1;
	for (i = 0; i < NR_SEGS; i++) {
		struct rsm_seg_create sc;
		char *p;

		if (rsm_create(fd, part_sizes[i], 4, 1, &sc) ||
		    rsm_publish(fd, sc.seg_id, k->key[i], 0666))
			return 2;
		p = rsm_map(fd, sc.mmap_offset, sc.size,
			    PROT_READ | PROT_WRITE);
		if (p == MAP_FAILED)
			return 3;
		memset(p + sc.size - 4096, 'o', 4096);
		k->seg_id[i] = sc.seg_id;
	}
	if (write(ready, k->seg_id, sizeof(k->seg_id)) != sizeof(k->seg_id))
		return 4;
	for (;;)
		pause();
}

struct blocked {
	int fd;
	int err;
	struct rsm_wait w;
};

static void *wait_forever(void *arg)
{
	struct blocked *b = arg;

	b->err = rsm_wait(b->fd, RSM_WAIT_FOREVER, 0, &b->w);
	return NULL;
}

TEST(sigkill_owner_while_mapped)
{
	struct rsm_import imp[NR_SEGS];
	struct rsm_baseline before;
	struct blocked b;
	struct keys k;
	unsigned int revoked;
	char *img[NR_SEGS];
	unsigned int i;
	pthread_t t;
	int rd;
	pid_t pid;
	const char *bad;

	signal(SIGBUS, on_sigbus);
	rsm_baseline_take(&before);
	for (i = 0; i < NR_SEGS; i++)
		k.key[i] = rsm_key(10 + i);
	pid = spawn(owner, &k, &rd);
	ASSERT_LT(0, pid);
	ASSERT_EQ(sizeof(k.seg_id), read(rd, k.seg_id, sizeof(k.seg_id)));
	close(rd);

	b.fd = rsm_open();
	ASSERT_LE(0, b.fd);
	for (i = 0; i < NR_SEGS; i++) {
		ASSERT_EQ(0, rsm_import_key(b.fd, k.key[i], RSM_ACCESS_RW,
					    &imp[i]));
		img[i] = rsm_map(b.fd, imp[i].mmap_offset, imp[i].size,
				 PROT_READ | PROT_WRITE);
		ASSERT_NE(MAP_FAILED, img[i]);
		EXPECT_EQ('o', img[i][imp[i].size - 1]);
	}
	/* a sender blocked for room when its receiver dies */
	ASSERT_EQ(0, pthread_create(&t, NULL, wait_forever, &b));
	usleep(50 * 1000);

	ASSERT_TRUE(kill_and_reap(pid));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, b.err);
	EXPECT_EQ(0, b.w.pending);
	/* the wait woke at the first; the rest are counted by now */
	revoked = b.w.revoked;
	while (!rsm_wait(b.fd, 0, 0, &b.w))
		revoked += b.w.revoked;
	EXPECT_EQ(NR_SEGS, revoked);
	for (i = 0; i < NR_SEGS; i++) {
		char path[128];

		EXPECT_EQ(0, ((struct rsm_seg_header *)img[i])->magic);
		EXPECT_EQ(0, img[i][imp[i].size - 1]);
		img[i][0] = 1;		/* writable, harmless */
		EXPECT_EQ(-EIDRM, rsm_signal(b.fd, imp[i].import_id, 0));
		snprintf(path, sizeof(path), RSM_SYSFS "/segments/%u",
			 k.seg_id[i]);
		EXPECT_EQ(-1, access(path, F_OK));
		EXPECT_EQ(0, rsm_handle_op(b.fd, RSM_IOC_UNIMPORT,
					   imp[i].import_id));
		munmap(img[i], imp[i].size);
	}
	close(b.fd);
	bad = rsm_baseline_check(&before, 3000);
	EXPECT_EQ(NULL, bad) TH_LOG("stats/%s not back at its baseline", bad);
}

static int block_in_wait(void *arg, int ready)
{
	int fd = rsm_open();

	if (fd < 0 || rsm_create(fd, 64, 1, 1, NULL) ||
	    write(ready, "r", 1) != 1)
		return 1;
	return rsm_wait(fd, RSM_WAIT_FOREVER, 0, NULL) ? 2 : 3;
}

static int block_in_poll(void *arg, int ready)
{
	struct pollfd pfd = { .events = POLLIN | POLLPRI };

	pfd.fd = rsm_open();
	if (pfd.fd < 0 || rsm_create(pfd.fd, 64, 1, 1, NULL) ||
	    write(ready, "r", 1) != 1)
		return 1;
	return poll(&pfd, 1, -1) ? 2 : 3;
}

TEST(sigkill_while_blocked)
{
	struct rsm_baseline before;
	int rd1, rd2;
	pid_t p1, p2;
	char c;

	rsm_baseline_take(&before);
	p1 = spawn(block_in_wait, NULL, &rd1);
	p2 = spawn(block_in_poll, NULL, &rd2);
	ASSERT_LT(0, p1);
	ASSERT_LT(0, p2);
	ASSERT_EQ(1, read(rd1, &c, 1));
	ASSERT_EQ(1, read(rd2, &c, 1));
	usleep(50 * 1000);
	EXPECT_TRUE(kill_and_reap(p1));
	EXPECT_TRUE(kill_and_reap(p2));
	EXPECT_EQ(NULL, rsm_baseline_check(&before, 3000));
}

static int leave_everything_open(void *arg, int ready)
{
	struct rsm_channel_open ch = { .node_id = RSM_NODE_LOCAL,
				       .key = *(__u64 *)arg };
	struct rsm_group_create g;
	struct rsm_seg_create c;
	struct rsm_import imp;
	int fd = rsm_open();

	if (fd < 0 || rsm_create(fd, 4096, 4, 2, &c) ||
	    rsm_publish(fd, c.seg_id, ch.key, 0600) ||
	    rsm_import_key(fd, ch.key, RSM_ACCESS_RW, &imp) ||
	    rsm_ioc(fd, RSM_IOC_CHANNEL_OPEN, &ch))
		return 1;
	g = (struct rsm_group_create){ .import_id = imp.import_id,
		.part_size = 4096, .part_count = 4,
		.channel_id = ch.channel_id };
	if (rsm_ioc(fd, RSM_IOC_GROUP_CREATE, &g) ||
	    rsm_map(fd, c.mmap_offset, c.size, PROT_READ) == MAP_FAILED ||
	    rsm_map(fd, imp.mmap_offset, imp.size, PROT_READ) == MAP_FAILED ||
	    rsm_signal(fd, imp.import_id, 0))
		return 2;
	return 0;	/* exit, closing nothing */
}

TEST(exit_with_everything_open)
{
	struct rsm_baseline before;
	__u64 key = rsm_key(20);
	int status, rd;
	pid_t pid;

	rsm_baseline_take(&before);
	pid = spawn(leave_everything_open, &key, &rd);
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(rd);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(NULL, rsm_baseline_check(&before, 3000));
}

static int churn(void *arg, int ready)
{
	__u64 key = *(__u64 *)arg;
	int fd = rsm_open();
	unsigned int n = 0;

	if (fd < 0 || write(ready, "r", 1) != 1)
		return 1;
	for (;;) {
		struct rsm_seg_create c;
		struct rsm_import imp;
		char *p;

		if (rsm_create(fd, 64 << (n % 8), 8, 1, &c))
			continue;
		rsm_publish(fd, c.seg_id, key + (n % 4), 0600);
		p = rsm_map(fd, c.mmap_offset, c.size, PROT_READ | PROT_WRITE);
		if (p != MAP_FAILED)
			p[c.size - 1] = 1;
		if (!rsm_import_key(fd, key + (n % 4), RSM_ACCESS_RW, &imp))
			rsm_signal(fd, imp.import_id, 0);
		if (n % 3)
			rsm_destroy(fd, c.seg_id);
		if (p != MAP_FAILED && n % 5)
			munmap(p, c.size);
		n++;
	}
}

FIXTURE(busy) {
	int unused;
};

FIXTURE_SETUP(busy)
{
}

FIXTURE_TEARDOWN(busy)
{
}

TEST_F_TIMEOUT(busy, sigkill_while_creating_and_destroying, 120)
{
	struct rsm_baseline before;
	__u64 key = rsm_key(30);
	unsigned int round;
	int rd;
	pid_t pid;
	char c;

	rsm_baseline_take(&before);
	for (round = 0; round < 8; round++) {
		pid = spawn(churn, &key, &rd);
		ASSERT_LT(0, pid);
		ASSERT_EQ(1, read(rd, &c, 1));
		close(rd);
		usleep((100 + 50 * round) * 1000);
		EXPECT_TRUE(kill_and_reap(pid));
		EXPECT_EQ(NULL, rsm_baseline_check(&before, 3000))
			TH_LOG("round %u", round);
	}
}

TEST_HARNESS_MAIN
