// SPDX-License-Identifier: GPL-2.0
/*
 * Two guests of tools/vm/rsm-vm2 really share the ivshmem BAR2: each guest
 * fills its half of BAR2 after the first page (mapped through sysfs
 * resource2) with a pattern salted by a random number, publishes the salt
 * in a file of the pair directory (the project share both guests see),
 * waits for the other's salt and checks the other half word by word.
 *
 * Environment (set by rsm-vm2): RSM_VM_INDEX (0 or 1), RSM_PAIR_DIR,
 * RSM_IVSHMEM_SIZE (bytes the runner gave the region). Without them the
 * test fails: it means nothing outside a two-guest run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pair.h"
#include "kselftest_harness.h"

#define WAIT_SECONDS 120

static uint64_t pattern(uint64_t salt, uint64_t i)
{
	uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ULL ^ salt;

	x ^= x >> 31;
	return x * 0xbf58476d1ce4e5b9ULL;
}

static int write_salt(const char *dir, int index, uint64_t salt)
{
	char path[512], tmp[520];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bar2-salt-%d", dir, index);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%llu\n", (unsigned long long)salt);
	if (fclose(f))
		return -1;
	return rename(tmp, path);
}

static int read_salt(const char *dir, int index, uint64_t *salt)
{
	unsigned long long v;
	char path[512];
	int tries;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bar2-salt-%d", dir, index);
	for (tries = 0; tries < WAIT_SECONDS * 20; tries++) {
		f = fopen(path, "r");
		if (f) {
			int n = fscanf(f, "%llu", &v);

			fclose(f);
			if (n == 1) {
				*salt = v;
				return 0;
			}
		}
		usleep(50000);
	}
	return -1;
}

FIXTURE(pair) {};
FIXTURE_SETUP(pair) {}
FIXTURE_TEARDOWN(pair) {}

/* the other guest may boot up to a minute later on a busy machine */
TEST_F_TIMEOUT(pair, bar2_is_shared_between_the_two_guests, WAIT_SECONDS + 60)
{
	const char *idx = getenv("RSM_VM_INDEX");
	const char *dir = getenv("RSM_PAIR_DIR");
	const char *want = getenv("RSM_IVSHMEM_SIZE");
	uint64_t salt, other_salt, *bar, i, half, words, bad = 0;
	char res[400];
	const char *dev;
	struct stat st;
	int index, fd;

	ASSERT_TRUE(idx && dir && want)
		TH_LOG("RSM_VM_INDEX, RSM_PAIR_DIR, RSM_IVSHMEM_SIZE unset: run under rsm-vm2");
	index = atoi(idx);
	ASSERT_TRUE(index == 0 || index == 1);
	dev = pair_ivshmem_pci();
	ASSERT_NE(NULL, dev) TH_LOG("no 1af4:1110 PCI device");
	snprintf(res, sizeof(res), "%s/resource2", dev);
	fd = open(res, O_RDWR | O_SYNC | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", res, strerror(errno));
	ASSERT_EQ(0, fstat(fd, &st));
	ASSERT_EQ(strtoull(want, NULL, 0), (uint64_t)st.st_size)
		TH_LOG("BAR2 is %lld bytes, the runner asked for %s", (long long)st.st_size, want);
	bar = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, bar) TH_LOG("mmap %s: %s", res, strerror(errno));

	ASSERT_EQ(sizeof(salt), getrandom(&salt, sizeof(salt), 0));
	/*
	 * The first page is left alone: rsm-ivshmem-server -r writes its
	 * connection table there when a guest comes or goes.
	 */
	bar += 4096 / sizeof(uint64_t);
	words = (st.st_size - 4096) / sizeof(uint64_t);
	half = words / 2;
	for (i = 0; i < half; i++)
		bar[index * half + i] = pattern(salt, i);
	ASSERT_EQ(0, write_salt(dir, index, salt));

	ASSERT_EQ(0, read_salt(dir, !index, &other_salt))
		TH_LOG("the other guest published no salt within %d s", WAIT_SECONDS);
	for (i = 0; i < half; i++)
		bad += bar[!index * half + i] != pattern(other_salt, i);
	EXPECT_EQ(0, bad) TH_LOG("%llu of %llu words differ from what the other guest wrote",
				 (unsigned long long)bad, (unsigned long long)half);
	/* our own half is intact too: the other guest wrote only its half */
	for (i = 0, bad = 0; i < half; i++)
		bad += bar[index * half + i] != pattern(salt, i);
	EXPECT_EQ(0, bad);
	munmap(bar - 4096 / sizeof(uint64_t), st.st_size);
	close(fd);
}

TEST_HARNESS_MAIN
