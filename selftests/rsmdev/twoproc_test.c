// SPDX-License-Identifier: GPL-2.0
/*
 * Two processes, the product's basic act: receiver R creates and publishes
 * three segments of different partition sizes; sender S, a separate process
 * with its own open of the device, imports and maps them, writes a pattern
 * through its images (data, directory entries, header counters) and
 * signals each; R, asleep in poll(), wakes and reads the pattern from its
 * own mappings.
 */
#include <poll.h>
#include <sys/wait.h>

#include "rsm_util.h"
#include "kselftest_harness.h"

#define NR_SEGS	3

static const struct { __u32 part_size, part_count; } geo[NR_SEGS] = {
	{ 64, 256 }, { 4096, 16 }, { 1 << 20, 2 },
};

static unsigned char pattern(unsigned int seg, size_t off)
{
	return (unsigned char)(seg * 31 + off * 7 + (off >> 12));
}

/* the sender: returns 0 when it wrote and signalled everything */
static int sender(const __u64 *keys)
{
	struct rsm_import imp[NR_SEGS];
	char *img[NR_SEGS];
	unsigned int i;
	size_t off;
	int fd = rsm_open();

	if (fd < 0)
		return 10;
	for (i = 0; i < NR_SEGS; i++) {
		struct rsm_seg_header *hdr;
		struct rsm_dir_entry *dir;

		if (rsm_import_key(fd, keys[i], RSM_ACCESS_RW, &imp[i]))
			return 20 + i;
		if (imp[i].desc.part_size != geo[i].part_size)
			return 30 + i;
		img[i] = rsm_map(fd, imp[i].mmap_offset, imp[i].size,
				 PROT_READ | PROT_WRITE);
		if (img[i] == MAP_FAILED)
			return 40 + i;
		hdr = (void *)img[i];
		if (hdr->magic != RSM_SEG_MAGIC)
			return 50 + i;
		for (off = hdr->data_offset; off < hdr->size; off++)
			img[i][off] = pattern(i, off);
		/* one message in partition 0, as the library would file it */
		dir = (void *)(img[i] + hdr->dir_offset);
		dir[0].first = 0;
		dir[0].span = 1;
		dir[0].next = RSM_DIR_END;
		dir[0].len = hdr->part_size;
		dir[0].seq = 1;
		dir[0].flags = RSM_DIR_F_FIRST;
		__atomic_store_n(&dir[0].state, RSM_DIR_USED, __ATOMIC_RELEASE);
		__atomic_fetch_add(&hdr->messages, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&hdr->bytes, hdr->part_size,
				   __ATOMIC_RELAXED);
	}
	/* let the receiver fall asleep in poll() first */
	usleep(200 * 1000);
	for (i = 0; i < NR_SEGS; i++)
		if (rsm_signal(fd, imp[i].import_id, 0))
			return 60 + i;
	return 0;
}

TEST(receiver_wakes_from_poll_and_reads_the_pattern)
{
	struct rsm_seg_create c[NR_SEGS];
	struct pollfd pfd;
	__u64 keys[NR_SEGS], got = 0;
	long long deadline;
	char *own[NR_SEGS];
	unsigned int i;
	int fd, status;
	pid_t pid;

	fd = rsm_open();
	ASSERT_LE(0, fd);
	for (i = 0; i < NR_SEGS; i++) {
		keys[i] = rsm_key(i + 1);
		ASSERT_EQ(0, rsm_create(fd, geo[i].part_size,
					geo[i].part_count, geo[i].part_count,
					&c[i]));
		ASSERT_EQ(0, rsm_publish(fd, c[i].seg_id, keys[i], 0600));
		own[i] = rsm_map(fd, c[i].mmap_offset, c[i].size, PROT_READ);
		ASSERT_NE(MAP_FAILED, own[i]);
	}

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(sender(keys));

	/* R sleeps in poll() until the three doorbells have rung */
	deadline = rsm_now_ns() + 20LL * 1000 * 1000 * 1000;
	while (got < NR_SEGS && rsm_now_ns() < deadline) {
		struct rsm_wait w;

		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		ASSERT_LE(0, poll(&pfd, 1, 1000));
		if (!(pfd.revents & POLLIN))
			continue;
		ASSERT_EQ(0, rsm_wait(fd, 0, 0, &w));
		EXPECT_EQ(0, w.revoked);
		got += w.pending;
	}
	EXPECT_EQ(NR_SEGS, got);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("sender failed at step %d",
						 WEXITSTATUS(status));

	for (i = 0; i < NR_SEGS; i++) {
		struct rsm_seg_header *hdr = (void *)own[i];
		struct rsm_dir_entry *dir = (void *)(own[i] + hdr->dir_offset);
		size_t off, bad = 0;

		for (off = hdr->data_offset; off < hdr->size; off++)
			if ((unsigned char)own[i][off] != pattern(i, off))
				bad++;
		EXPECT_EQ(0, bad) TH_LOG("segment %u: %zu bytes differ", i, bad);
		EXPECT_EQ(RSM_DIR_USED, dir[0].state);
		EXPECT_EQ(geo[i].part_size, dir[0].len);
		EXPECT_EQ(RSM_DIR_FREE, dir[1].state);
		EXPECT_EQ(1, hdr->messages);
		EXPECT_EQ(1, rsm_sysfs_num(RSM_SYSFS "/segments/%u/messages",
					   c[i].seg_id));
		EXPECT_EQ(geo[i].part_size,
			  rsm_sysfs_num(RSM_SYSFS "/segments/%u/bytes",
					c[i].seg_id));
		EXPECT_EQ(1, rsm_sysfs_num(RSM_SYSFS "/segments/%u/signals",
					   c[i].seg_id));
		/* the sender is gone: so are its imports */
		EXPECT_EQ(0, rsm_sysfs_num(RSM_SYSFS "/segments/%u/importers",
					   c[i].seg_id));
		munmap(own[i], c[i].size);
	}
	close(fd);
}

TEST_HARNESS_MAIN
