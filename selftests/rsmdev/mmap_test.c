// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() of segments and imports: selected by offset, bounds-checked,
 * MAP_SHARED only, read-only imports stay read-only, mappings cannot grow,
 * survive fork/split/move with the mapping count right, and their pages
 * cannot be pinned by get_user_pages().
 */
#include <signal.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "rsm_util.h"
#include "kselftest_harness.h"

#define PAGES	4

FIXTURE(map)
{
	int fd;
	int fd2;
	struct rsm_seg_create seg;	/* PAGES pages */
	struct rsm_import imp;		/* fd2's read-write import of it */
	struct rsm_import ro;		/* fd2's read-only import of it */
	struct rsm_baseline base;
};

FIXTURE_SETUP(map)
{
	rsm_baseline_take(&self->base);
	self->fd = rsm_open();
	self->fd2 = rsm_open();
	ASSERT_LE(0, self->fd);
	ASSERT_LE(0, self->fd2);
	/* 4096-byte partitions: header/directory page + 3 data pages */
	ASSERT_EQ(0, rsm_create(self->fd, 4096, PAGES - 1, 1, &self->seg));
	ASSERT_EQ(PAGES * 4096, self->seg.size);
	ASSERT_EQ(0, rsm_publish(self->fd, self->seg.seg_id, rsm_key(1),
				 0600));
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(1), RSM_ACCESS_RW,
				    &self->imp));
	ASSERT_EQ(0, rsm_import_key(self->fd2, rsm_key(1), RSM_ACCESS_READ,
				    &self->ro));
}

FIXTURE_TEARDOWN(map)
{
	const char *bad;

	close(self->fd2);
	close(self->fd);
	bad = rsm_baseline_check(&self->base, 2000);
	EXPECT_EQ(NULL, bad) TH_LOG("stats/%s not back at its baseline", bad);
}

static long long mappings(void)
{
	return rsm_sysfs_num(RSM_SYSFS "/stats/mappings");
}

/* mmap that is expected to fail: its errno, or 0 if it succeeded */
static int map_errno(int fd, __u64 off, size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, fd, (off_t)off);

	if (p != MAP_FAILED) {
		munmap(p, len);
		return 0;
	}
	return errno;
}

TEST_F(map, private_mapping_refused)
{
	EXPECT_EQ(EINVAL, map_errno(self->fd, self->seg.mmap_offset,
				    self->seg.size, PROT_READ, MAP_PRIVATE));
}

TEST_F(map, offset_naming_no_object)
{
	EXPECT_EQ(EINVAL, map_errno(self->fd, 0, 4096, PROT_READ,
				    MAP_SHARED));
	EXPECT_EQ(EINVAL, map_errno(self->fd, RSM_MMAP_OFFSET(0x7ffffff0U),
				    4096, PROT_READ, MAP_SHARED));
	/* beyond the id range the kernel accepts */
	EXPECT_EQ(EINVAL, map_errno(self->fd, RSM_MMAP_OFFSET(0xfffffff0U),
				    4096, PROT_READ, MAP_SHARED));
}

TEST_F(map, object_of_another_file)
{
	/* fd2 cannot map fd's segment, nor fd fd2's import */
	EXPECT_EQ(EINVAL, map_errno(self->fd2, self->seg.mmap_offset, 4096,
				    PROT_READ, MAP_SHARED));
	EXPECT_EQ(EINVAL, map_errno(self->fd, self->imp.mmap_offset, 4096,
				    PROT_READ, MAP_SHARED));
}

TEST_F(map, longer_than_the_object)
{
	EXPECT_EQ(EINVAL, map_errno(self->fd, self->seg.mmap_offset,
				    self->seg.size + 4096, PROT_READ,
				    MAP_SHARED));
	EXPECT_EQ(EINVAL, map_errno(self->fd2, self->imp.mmap_offset,
				    self->imp.size + 4096, PROT_READ,
				    MAP_SHARED));
}

TEST_F(map, range_past_the_end)
{
	EXPECT_EQ(EINVAL, map_errno(self->fd, self->seg.mmap_offset + 4096,
				    self->seg.size, PROT_READ, MAP_SHARED));
	EXPECT_EQ(EINVAL, map_errno(self->fd, self->seg.mmap_offset +
				    self->seg.size, 4096, PROT_READ,
				    MAP_SHARED));
}

TEST_F(map, unaligned_offset)
{
	EXPECT_EQ(EINVAL, map_errno(self->fd, self->seg.mmap_offset + 8, 4096,
				    PROT_READ, MAP_SHARED));
}

TEST_F(map, a_range_inside_the_object)
{
	char *all, *part;

	all = rsm_map(self->fd, self->seg.mmap_offset, self->seg.size,
		      PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, all);
	part = rsm_map(self->fd2, self->imp.mmap_offset + 2 * 4096, 2 * 4096,
		       PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, part);
	all[2 * 4096 + 7] = 'a';
	EXPECT_EQ('a', part[7]);
	part[4096 + 9] = 'b';
	EXPECT_EQ('b', all[3 * 4096 + 9]);
	munmap(part, 2 * 4096);
	munmap(all, self->seg.size);
}

TEST_F(map, read_only_import_refuses_write)
{
	const char *p;

	EXPECT_EQ(EACCES, map_errno(self->fd2, self->ro.mmap_offset,
				    self->ro.size, PROT_READ | PROT_WRITE,
				    MAP_SHARED));
	p = rsm_map(self->fd2, self->ro.mmap_offset, self->ro.size, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(RSM_SEG_MAGIC, ((struct rsm_seg_header *)p)->magic);
	/* VM_MAYWRITE is gone: mprotect cannot add write */
	EXPECT_EQ(-1, mprotect((void *)p, self->ro.size,
			       PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap((void *)p, self->ro.size);
}

TEST_F(map, read_only_import_write_faults)
{
	volatile char *p;
	int status;
	pid_t pid;

	p = rsm_map(self->fd2, self->ro.mmap_offset, self->ro.size, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		signal(SIGSEGV, SIG_DFL);
		p[4096] = 1;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGSEGV, WTERMSIG(status));
	munmap((void *)p, self->ro.size);
}

TEST_F(map, read_only_descriptor)
{
	int rfd = open(RSM_DEV, O_RDONLY | O_CLOEXEC);
	struct rsm_seg_create c;
	char *p;

	/* MAP_SHARED on an O_RDONLY fd is VM_MAYSHARE without VM_SHARED */
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, rsm_create(rfd, 64, 4, 1, &c));
	p = rsm_map(rfd, c.mmap_offset, c.size, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(RSM_SEG_MAGIC, ((struct rsm_seg_header *)p)->magic);
	EXPECT_EQ(EACCES, map_errno(rfd, c.mmap_offset, c.size,
				    PROT_READ | PROT_WRITE, MAP_SHARED));
	munmap(p, c.size);
	close(rfd);
}

TEST_F(map, cannot_grow)
{
	long long before = mappings();
	void *p, *q;

	p = rsm_map(self->fd, self->seg.mmap_offset, 2 * 4096,
		    PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(before + 1, mappings());
	q = mremap(p, 2 * 4096, 3 * 4096, 0);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EFAULT, errno);
	q = mremap(p, 2 * 4096, 3 * 4096, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, q);
	/* shrinking is fine */
	q = mremap(p, 2 * 4096, 4096, 0);
	EXPECT_EQ(p, q);
	munmap(p, 4096);
	EXPECT_EQ(before, mappings());
}

TEST_F(map, move_split_and_fork_keep_the_count)
{
	long long before = mappings();
	char *p, *q, *dst;
	int status;
	pid_t pid;

	p = rsm_map(self->fd2, self->imp.mmap_offset, self->imp.size,
		    PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	p[3 * 4096] = 'm';

	/* move it whole */
	dst = mmap(NULL, self->imp.size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ASSERT_NE(MAP_FAILED, dst);
	q = mremap(p, self->imp.size, self->imp.size,
		   MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_EQ(dst, q);
	EXPECT_EQ('m', q[3 * 4096]);
	EXPECT_EQ(before + 1, mappings());

	/* split it: unmap a page in the middle */
	ASSERT_EQ(0, munmap(q + 4096, 4096));
	EXPECT_EQ(before + 2, mappings());

	/* fork: the child's copies count too, and show the segment */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		q[3 * 4096 + 1] = 'c';
		_exit(q[3 * 4096] == 'm' ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ('c', q[3 * 4096 + 1]);
	EXPECT_EQ(before + 2, mappings());

	munmap(q, 4096);
	munmap(q + 2 * 4096, 2 * 4096);
	EXPECT_EQ(before, mappings());
}

TEST_F(map, pages_cannot_be_dropped)
{
	char *p = rsm_map(self->fd, self->seg.mmap_offset, self->seg.size,
			  PROT_READ | PROT_WRITE);

	/* a PFN mapping has no page cache to drop or refault from */
	ASSERT_NE(MAP_FAILED, p);
	p[2 * 4096] = 'd';
	EXPECT_EQ(-1, madvise(p, self->seg.size, MADV_DONTNEED));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ('d', p[2 * 4096]);
	munmap(p, self->seg.size);
}

TEST_F(map, pages_cannot_be_pinned)
{
	char *p = rsm_map(self->fd2, self->imp.mmap_offset, self->imp.size,
			  PROT_READ | PROT_WRITE);
	char buf[64];
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { 0, sizeof(buf) };
	int pfd[2];

	ASSERT_NE(MAP_FAILED, p);
	remote.iov_base = p + 4096;
	/* process_vm_readv pins the remote pages: a PFN mapping refuses */
	EXPECT_EQ(-1, process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	/* ordinary copies through the mapping work */
	p[4096] = 'x';
	ASSERT_EQ(0, pipe(pfd));
	EXPECT_EQ(1, write(pfd[1], p + 4096, 1));
	EXPECT_EQ(1, read(pfd[0], buf, 1));
	EXPECT_EQ('x', buf[0]);
	close(pfd[0]);
	close(pfd[1]);
	munmap(p, self->imp.size);
}

TEST_F(map, destroyed_segment_is_no_longer_mappable)
{
	__u64 off = self->seg.mmap_offset;

	ASSERT_EQ(0, rsm_destroy(self->fd, self->seg.seg_id));
	EXPECT_EQ(EINVAL, map_errno(self->fd, off, 4096, PROT_READ,
				    MAP_SHARED));
	/* the revoked imports: EIDRM until unimported */
	EXPECT_EQ(EIDRM, map_errno(self->fd2, self->imp.mmap_offset, 4096,
				   PROT_READ, MAP_SHARED));
}

TEST_HARNESS_MAIN
