// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency: for RUN_SECONDS, worker processes on every CPU create,
 * publish, import, map, touch, signal, wait, group, open channels,
 * unpublish, destroy and unimport at random over a shared key space, so
 * every operation races every other one across CPUs; toucher threads fault
 * pages of an import while the parent revokes and republishes its segment
 * every few milliseconds; and once a second a worker is SIGKILLed and
 * replaced. Every errno must be one the operation documents, every page of
 * a mapping must read as the segment (magic) or as revoked (zero), no
 * process may die of anything but our SIGKILL, and afterwards every
 * counter is back at its baseline. The suite then checks dmesg is clean.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "rsm_util.h"
#include "kselftest_harness.h"

#define RUN_SECONDS	12
#define NR_WORKERS	4
#define NR_KEYS		24
#define MAX_SEGS	12
#define MAX_IMPORTS	24

struct shared {
	__u64 key_base;		/* workers publish at key_base + [0, NR_KEYS) */
	__u64 hot_key;		/* the parent's segment, revoked over and over */
	long long deadline;
};

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245 + 12345;
	return (*s >> 8) & 0xffffff;
}

/* An errno an operation may legitimately return under races. */
static int allowed(int err, const int *ok)
{
	if (!err)
		return 1;
	for (; *ok; ok++)
		if (err == -*ok)
			return 1;
	return 0;
}

#define CHECK(step, err, ...)						\
	do {								\
		static const int ok_[] = { __VA_ARGS__, 0 };		\
		if (!allowed(err, ok_)) {				\
			fprintf(stderr, "worker: step %d: %s\n", step,	\
				strerror(-(err)));			\
			_exit(step);					\
		}							\
	} while (0)

struct wseg { __u32 id; size_t size; char *map; };
struct wimp {
	__u32 id, group, part_size, part_count;
	size_t size;
	char *map;
};

/* every page reads as the segment or as revoked; writes never fault */
static int touch(char *map, size_t size, int write_too)
{
	struct rsm_seg_header *hdr = (void *)map;
	__u32 magic = hdr->magic;
	size_t off;

	if (magic != RSM_SEG_MAGIC && magic != 0)
		return 0;
	for (off = 4096; off < size; off += 4096) {
		if (write_too)
			map[off] = 0x5a;
		(void)*(volatile char *)(map + off + 4095);
	}
	return 1;
}

static int worker(const struct shared *sh, unsigned int seed)
{
	struct wseg segs[MAX_SEGS] = { 0 };
	struct wimp imps[MAX_IMPORTS] = { 0 };
	unsigned int nsegs = 0, nimps = 0, i;
	int fd = rsm_open(), err;

	if (fd < 0)
		return 100;
	while (rsm_now_ns() < sh->deadline) {
		unsigned int op = rnd(&seed) % 12;
		__u64 key = sh->key_base + rnd(&seed) % NR_KEYS;

		switch (op) {
		case 0: {	/* create and map */
			struct rsm_seg_create c;

			if (nsegs == MAX_SEGS)
				break;
			err = rsm_create(fd, 64 << rnd(&seed) % 10,
					 1 + rnd(&seed) % 32, 1, &c);
			CHECK(1, err, ENOSPC, ENOMEM);
			if (err)
				break;
			segs[nsegs].id = c.seg_id;
			segs[nsegs].size = c.size;
			segs[nsegs].map = rsm_map(fd, c.mmap_offset, c.size,
						  PROT_READ | PROT_WRITE);
			if (segs[nsegs].map == MAP_FAILED)
				_exit(2);
			nsegs++;
			break;
		}
		case 1:		/* publish under a shared key */
			if (!nsegs)
				break;
			i = rnd(&seed) % nsegs;
			err = rsm_publish(fd, segs[i].id, key, 0666);
			CHECK(3, err, EEXIST, EBUSY);
			break;
		case 2: {	/* import and map */
			__u32 acc = rnd(&seed) & 1 ? RSM_ACCESS_RW :
						     RSM_ACCESS_READ;
			struct rsm_import imp;

			if (nimps == MAX_IMPORTS)
				break;
			err = rsm_import_key(fd, key, acc, &imp);
			CHECK(4, err, ENOENT);
			if (err)
				break;
			imps[nimps] = (struct wimp){ imp.import_id, 0,
				imp.desc.part_size, imp.desc.part_count,
				imp.size, rsm_map(fd, imp.mmap_offset, imp.size,
				PROT_READ | (acc == RSM_ACCESS_RW ?
					     PROT_WRITE : 0)) };
			/* revoked in between: EIDRM */
			if (imps[nimps].map == MAP_FAILED) {
				if (errno != EIDRM)
					_exit(5);
				imps[nimps].map = NULL;
			}
			nimps++;
			break;
		}
		case 3:		/* touch everything mapped */
			for (i = 0; i < nimps; i++)
				if (imps[i].map && !touch(imps[i].map,
							  imps[i].size, 0))
					_exit(6);
			for (i = 0; i < nsegs; i++)
				if (!touch(segs[i].map, segs[i].size, 1))
					_exit(7);
			break;
		case 4:		/* ring */
			if (!nimps)
				break;
			i = rnd(&seed) % nimps;
			CHECK(8, rsm_signal(fd, imps[i].id, 0), EIDRM);
			break;
		case 5:		/* unpublish */
			if (!nsegs)
				break;
			i = rnd(&seed) % nsegs;
			CHECK(9, rsm_unpublish(fd, segs[i].id), EINVAL);
			break;
		case 6: {	/* destroy, unmapping before or after */
			int unmap_first = rnd(&seed) & 1;

			if (!nsegs)
				break;
			i = rnd(&seed) % nsegs;
			if (unmap_first)
				munmap(segs[i].map, segs[i].size);
			CHECK(10, rsm_destroy(fd, segs[i].id), 0);
			if (!unmap_first) {
				/* the owner's view is revoked: zeros */
				if (!touch(segs[i].map, segs[i].size, 1) ||
				    ((struct rsm_seg_header *)
				     segs[i].map)->magic)
					_exit(11);
				munmap(segs[i].map, segs[i].size);
			}
			segs[i] = segs[--nsegs];
			break;
		}
		case 7:		/* unimport */
			if (!nimps)
				break;
			i = rnd(&seed) % nimps;
			if (imps[i].group)
				CHECK(12, rsm_handle_op(fd,
					RSM_IOC_GROUP_DESTROY, imps[i].group),
					0);
			CHECK(13, rsm_handle_op(fd, RSM_IOC_UNIMPORT,
						imps[i].id), 0);
			if (imps[i].map)
				munmap(imps[i].map, imps[i].size);
			imps[i] = imps[--nimps];
			break;
		case 8: {	/* group */
			struct rsm_group_create g = { 0 };

			if (!nimps)
				break;
			i = rnd(&seed) % nimps;
			if (imps[i].group)
				break;
			g.import_id = imps[i].id;
			g.part_size = imps[i].part_size;
			g.part_count = imps[i].part_count;
			err = rsm_ioc(fd, RSM_IOC_GROUP_CREATE, &g);
			CHECK(14, err, EIDRM);
			if (!err)
				imps[i].group = g.group_id;
			break;
		}
		case 9: {	/* a channel, open and closed */
			struct rsm_channel_open ch = {
				.node_id = RSM_NODE_LOCAL, .key = key,
				.slot = rnd(&seed) % 4 };

			err = rsm_ioc(fd, RSM_IOC_CHANNEL_OPEN, &ch);
			CHECK(15, err, ENOENT, EEXIST);
			if (!err)
				CHECK(16, rsm_handle_op(fd,
					RSM_IOC_CHANNEL_CLOSE, ch.channel_id),
					0);
			break;
		}
		case 10:	/* consume what came in */
			CHECK(17, rsm_wait(fd, 0, 0, NULL), EAGAIN);
			break;
		default:	/* ring importers of one of ours */
			if (!nsegs)
				break;
			i = rnd(&seed) % nsegs;
			CHECK(18, rsm_signal(fd, segs[i].id,
					     RSM_SIGNAL_F_IMPORTERS), 0);
			break;
		}
	}
	close(fd);
	return 0;
}

/* a thread of the parent faulting an import of the hot segment */
static void *toucher(void *arg)
{
	const struct shared *sh = arg;
	long bad = 0;
	int fd = rsm_open();

	while (fd >= 0 && rsm_now_ns() < sh->deadline) {
		struct rsm_import imp;
		char *map;
		int n;

		if (rsm_import_key(fd, sh->hot_key, RSM_ACCESS_RW, &imp))
			continue;
		map = rsm_map(fd, imp.mmap_offset, imp.size,
			      PROT_READ | PROT_WRITE);
		for (n = 0; map != MAP_FAILED && n < 50; n++)
			if (!touch(map, imp.size, 1))
				bad++;
		if (map != MAP_FAILED)
			munmap(map, imp.size);
		rsm_handle_op(fd, RSM_IOC_UNIMPORT, imp.import_id);
	}
	close(fd);
	return (void *)bad;
}

static pid_t start_worker(const struct shared *sh, unsigned int seed)
{
	pid_t pid = fork();

	if (!pid)
		_exit(worker(sh, seed));
	return pid;
}

FIXTURE(stress) {
	struct rsm_baseline base;
};

FIXTURE_SETUP(stress)
{
	rsm_baseline_take(&self->base);
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, everything_at_once_on_every_cpu, 120)
{
	struct shared sh = { .key_base = rsm_key(1), .hot_key = rsm_key(0) };
	pid_t workers[NR_WORKERS];
	pthread_t touchers[2];
	struct rsm_seg_create hot;
	unsigned int i, kills = 0, cycles = 0, seed = 1;
	long long next_kill, start;
	const char *bad;
	void *ret;
	int fd, status;

	fd = rsm_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rsm_create(fd, 4096, 16, 1, &hot));
	start = rsm_now_ns();
	sh.deadline = start + RUN_SECONDS * 1000000000LL;
	next_kill = start + 1000000000LL;

	for (i = 0; i < NR_WORKERS; i++) {
		workers[i] = start_worker(&sh, i + 1);
		ASSERT_LT(0, workers[i]);
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&touchers[i], NULL, toucher, &sh));

	/* revoke the hot segment under the touchers, kill a worker a second */
	while (rsm_now_ns() < sh.deadline) {
		EXPECT_EQ(0, rsm_publish(fd, hot.seg_id, sh.hot_key, 0666));
		usleep(2000);
		EXPECT_EQ(0, rsm_unpublish(fd, hot.seg_id));
		cycles++;
		if (rsm_now_ns() > next_kill) {
			i = rnd(&seed) % NR_WORKERS;
			kill(workers[i], SIGKILL);
			ASSERT_EQ(workers[i], waitpid(workers[i], &status, 0));
			/*
			 * Killed, or finished just before (its deadline is
			 * ours); a failure or another signal is not.
			 */
			EXPECT_TRUE((WIFSIGNALED(status) &&
				     WTERMSIG(status) == SIGKILL) ||
				    (WIFEXITED(status) && !WEXITSTATUS(status)))
				TH_LOG("worker died of %d/%d", status >> 8,
				       status & 0x7f);
			workers[i] = start_worker(&sh, 100 + kills++);
			ASSERT_LT(0, workers[i]);
			next_kill += 1000000000LL;
		}
	}
	for (i = 0; i < NR_WORKERS; i++) {
		ASSERT_EQ(workers[i], waitpid(workers[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status)) TH_LOG("worker killed by %d",
						      WTERMSIG(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("worker failed at %d",
							 WEXITSTATUS(status));
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pthread_join(touchers[i], &ret));
		EXPECT_EQ(0, (long)ret) TH_LOG("toucher saw garbage");
	}
	EXPECT_GE(rsm_now_ns() - start, 10 * 1000000000LL);
	TH_LOG("%u revoke cycles, %u workers killed", cycles, kills);
	EXPECT_LE(10, cycles);
	close(fd);
	bad = rsm_baseline_check(&self->base, 5000);
	EXPECT_EQ(NULL, bad) TH_LOG("stats/%s not back at its baseline", bad);
}

TEST_HARNESS_MAIN
