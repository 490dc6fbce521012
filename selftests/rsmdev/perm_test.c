// SPDX-License-Identifier: GPL-2.0
/*
 * Permissions (ARCHITECTURE.md invariant 6): import is checked against the
 * descriptor's owner, group and mode as another uid would see it; only the
 * owner's file (or CAP_SYS_ADMIN) unpublishes or destroys; a user publishes
 * only as itself; memory is charged to the creating uid. The test runs as
 * root and does each unprivileged step in a child that dropped to another
 * uid (setgroups + setresgid + setresuid, which also drops capabilities).
 * The matrix test tries every class (owner, group, other) with every pair
 * of its read and write bits, each import access, the mappings each
 * import allows, and opening a channel (which needs write).
 */
#include <grp.h>
#include <sys/wait.h>

#include "rsm_util.h"
#include "kselftest_harness.h"

#define OTHER_UID	65534
#define OTHER_GID	65534
#define SHARED_GID	4242	/* a group the other user is put in */

struct op {
	__u64 key;
	__u32 seg_id;
	__u32 access;
	gid_t extra_gid;	/* a supplementary group, or 0 */
	size_t bytes;		/* out: node info bytes_user seen */
};

typedef int (*op_fn)(int fd, struct op *op);

/*
 * Run @fn as OTHER_UID with a fresh open of the device; return what it
 * returned (a positive errno, or 0), or 1000+ when the child broke.
 */
static int as_other(op_fn fn, struct op *op)
{
	int status, pfd[2];
	pid_t pid;

	if (pipe(pfd))
		return 1000;
	pid = fork();
	if (pid < 0)
		return 1001;
	if (!pid) {
		gid_t groups[2] = { OTHER_GID, op->extra_gid };
		int fd, ret;

		close(pfd[0]);
		if (setgroups(op->extra_gid ? 2 : 1, groups) ||
		    setresgid(OTHER_GID, OTHER_GID, OTHER_GID) ||
		    setresuid(OTHER_UID, OTHER_UID, OTHER_UID))
			_exit(200);
		fd = rsm_open();
		if (fd < 0)
			_exit(201);
		ret = fn(fd, op);
		if (write(pfd[1], op, sizeof(*op)) != sizeof(*op))
			_exit(202);
		_exit(ret);
	}
	close(pfd[1]);
	if (read(pfd[0], op, sizeof(*op)) != sizeof(*op))
		op->bytes = (size_t)-1;
	close(pfd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 1002;
	return WEXITSTATUS(status) >= 200 ? 1000 + WEXITSTATUS(status) :
					    WEXITSTATUS(status);
}

static int op_import(int fd, struct op *op)
{
	return -rsm_import_key(fd, op->key, op->access, NULL);
}

static int op_import_and_write(int fd, struct op *op)
{
	struct rsm_import imp;
	char *p;
	int err = -rsm_import_key(fd, op->key, op->access, &imp);

	if (err)
		return err;
	p = rsm_map(fd, imp.mmap_offset, imp.size, PROT_READ | PROT_WRITE);
	if (p == MAP_FAILED)
		return errno;
	p[imp.size - 1] = 'u';
	return 0;
}

static int op_lookup(int fd, struct op *op)
{
	struct rsm_lookup l = { .node_id = RSM_NODE_LOCAL, .key = op->key };

	return -rsm_ioc(fd, RSM_IOC_LOOKUP, &l);
}

static int op_channel(int fd, struct op *op)
{
	struct rsm_channel_open ch = { .node_id = RSM_NODE_LOCAL,
				       .key = op->key, .slot = 77 };

	return -rsm_ioc(fd, RSM_IOC_CHANNEL_OPEN, &ch);
}

static int op_destroy(int fd, struct op *op)
{
	return -rsm_destroy(fd, op->seg_id);
}

static int op_unpublish(int fd, struct op *op)
{
	return -rsm_unpublish(fd, op->seg_id);
}

static int op_signal_importers(int fd, struct op *op)
{
	return -rsm_signal(fd, op->seg_id, RSM_SIGNAL_F_IMPORTERS);
}

static int op_wait_on(int fd, struct op *op)
{
	return -rsm_wait(fd, 0, op->seg_id, NULL);
}

static int op_publish_as(int fd, struct op *op)
{
	struct rsm_seg_create c;
	struct rsm_seg_publish p = { .mode = 0600, .key = op->key,
				     .uid = RSM_ID_SELF, .gid = RSM_ID_SELF };
	int err = -rsm_create(fd, 64, 1, 1, &c);

	if (err)
		return err;
	p.seg_id = c.seg_id;
	/* access carries which id to claim: 1 root's uid, 2 root's gid */
	if (op->access == 1)
		p.uid = 0;
	else
		p.gid = 0;
	return -rsm_ioc(fd, RSM_IOC_SEG_PUBLISH, &p);
}

static int op_create_and_report(int fd, struct op *op)
{
	struct rsm_node_info info;
	struct rsm_seg_create c;
	int err = -rsm_create(fd, 4096, 15, 1, &c);

	if (err)
		return err;
	op->seg_id = c.seg_id;
	err = -rsm_ioc(fd, RSM_IOC_NODE_INFO, &info);
	op->bytes = info.bytes_user;
	/* report the owner sysfs shows while the segment exists */
	if (rsm_sysfs_num(RSM_SYSFS "/segments/%u/uid", c.seg_id) != OTHER_UID)
		return 99;
	return err;
}

FIXTURE(perm)
{
	int fd;
	struct rsm_seg_create seg;
	struct rsm_baseline base;
	__u64 key;
};

FIXTURE_SETUP(perm)
{
	rsm_baseline_take(&self->base);
	self->fd = rsm_open();
	ASSERT_LE(0, self->fd);
	self->key = rsm_key(1);
	ASSERT_EQ(0, rsm_create(self->fd, 4096, 4, 1, &self->seg));
}

FIXTURE_TEARDOWN(perm)
{
	const char *bad;

	close(self->fd);
	bad = rsm_baseline_check(&self->base, 2000);
	EXPECT_EQ(NULL, bad) TH_LOG("stats/%s not back at its baseline", bad);
}

static int publish(int fd, __u32 seg_id, __u64 key, __u32 mode, __u32 uid,
		   __u32 gid)
{
	struct rsm_seg_publish p = { .seg_id = seg_id, .mode = mode,
				     .key = key, .uid = uid, .gid = gid };

	return rsm_ioc(fd, RSM_IOC_SEG_PUBLISH, &p);
}

TEST_F(perm, mode_0600_is_denied_to_others)
{
	struct op op = { .key = self->key, .access = RSM_ACCESS_RW };

	ASSERT_EQ(0, rsm_publish(self->fd, self->seg.seg_id, self->key, 0600));
	EXPECT_EQ(EACCES, as_other(op_import, &op));
	op.access = RSM_ACCESS_READ;
	EXPECT_EQ(EACCES, as_other(op_import, &op));
	op.access = RSM_ACCESS_WRITE;
	EXPECT_EQ(EACCES, as_other(op_import, &op));
	EXPECT_EQ(EACCES, as_other(op_channel, &op));
	/* looking up needs no permission */
	EXPECT_EQ(0, as_other(op_lookup, &op));
	EXPECT_EQ(0, rsm_sysfs_num(RSM_SYSFS "/segments/%u/importers",
				   self->seg.seg_id));
}

TEST_F(perm, mode_0666_is_allowed_to_others)
{
	struct op op = { .key = self->key, .access = RSM_ACCESS_RW };
	char *own;

	ASSERT_EQ(0, rsm_publish(self->fd, self->seg.seg_id, self->key, 0666));
	own = rsm_map(self->fd, self->seg.mmap_offset, self->seg.size,
		      PROT_READ);
	ASSERT_NE(MAP_FAILED, own);
	EXPECT_EQ(0, as_other(op_import_and_write, &op));
	EXPECT_EQ('u', own[self->seg.size - 1]);
	EXPECT_EQ(0, as_other(op_channel, &op));
	munmap(own, self->seg.size);
}

TEST_F(perm, mode_0644_allows_others_to_read_only)
{
	struct op op = { .key = self->key, .access = RSM_ACCESS_READ };

	ASSERT_EQ(0, rsm_publish(self->fd, self->seg.seg_id, self->key, 0644));
	EXPECT_EQ(0, as_other(op_import, &op));
	op.access = RSM_ACCESS_RW;
	EXPECT_EQ(EACCES, as_other(op_import, &op));
	/* a sender must be allowed to write to open a channel */
	EXPECT_EQ(EACCES, as_other(op_channel, &op));
}

TEST_F(perm, group_bits_apply_to_group_members)
{
	struct op op = { .key = self->key, .access = RSM_ACCESS_RW };

	/* root may publish for a group it is not in */
	ASSERT_EQ(0, publish(self->fd, self->seg.seg_id, self->key, 0660,
			     RSM_ID_SELF, SHARED_GID));
	EXPECT_EQ(SHARED_GID, rsm_sysfs_num(RSM_SYSFS "/segments/%u/gid",
					    self->seg.seg_id));
	EXPECT_EQ(EACCES, as_other(op_import, &op));
	op.extra_gid = SHARED_GID;
	EXPECT_EQ(0, as_other(op_import, &op));
}

TEST_F(perm, owner_bits_apply_to_the_descriptor_owner)
{
	struct op op = { .key = self->key, .access = RSM_ACCESS_RW };

	/* root publishes on behalf of the other user: 0600 is theirs */
	ASSERT_EQ(0, publish(self->fd, self->seg.seg_id, self->key, 0600,
			     OTHER_UID, RSM_ID_SELF));
	EXPECT_EQ(OTHER_UID, rsm_sysfs_num(RSM_SYSFS "/segments/%u/uid",
					   self->seg.seg_id));
	EXPECT_EQ(0, as_other(op_import, &op));
	/* and no longer root's, but root has CAP_IPC_OWNER */
	EXPECT_EQ(0, rsm_import_key(self->fd, self->key, RSM_ACCESS_RW, NULL));
}

/*
 * Import with op->access, then map: a writable mapping only when the import
 * has RSM_ACCESS_WRITE (EACCES otherwise, and mprotect() cannot add write
 * later), a read-only one always; both reach the segment. A write lands at
 * the segment's last byte minus the access, for the owner to see.
 */
static int op_import_and_map(int fd, struct op *op)
{
	struct rsm_import imp;
	char *rw, *ro;
	int err = -rsm_import_key(fd, op->key, op->access, &imp);

	if (err)
		return err;
	rw = rsm_map(fd, imp.mmap_offset, imp.size, PROT_READ | PROT_WRITE);
	if (op->access & RSM_ACCESS_WRITE) {
		if (rw == MAP_FAILED)
			return 90;
		rw[imp.size - 1 - op->access] = (char)(0x40 | op->access);
	} else if (rw != MAP_FAILED || errno != EACCES) {
		return 91;
	}
	ro = rsm_map(fd, imp.mmap_offset, imp.size, PROT_READ);
	if (ro == MAP_FAILED)
		return 92;
	if (((struct rsm_seg_header *)ro)->magic != RSM_SEG_MAGIC)
		return 93;
	if (!(op->access & RSM_ACCESS_WRITE) &&
	    (!mprotect(ro, imp.size, PROT_READ | PROT_WRITE) ||
	     errno != EACCES))
		return 94;
	return 0;
}

enum { CLASS_OWNER, CLASS_GROUP, CLASS_OTHER };

TEST_F(perm, matrix_of_owner_group_other_and_read_write_bits)
{
	static const char *const cls[] = { "owner", "group", "other" };
	static const __u32 accesses[] = {
		RSM_ACCESS_READ, RSM_ACCESS_WRITE, RSM_ACCESS_RW,
	};
	unsigned int c, bits, a, n = 0, allowed = 0;

	for (c = CLASS_OWNER; c <= CLASS_OTHER; c++) {
		for (bits = 0; bits <= 6; bits += 2) {
			/* bits 0, 2 (w), 4 (r), 6 (rw) for the class tried;
			 * the two others get the rest, so a check of the
			 * wrong class gives the wrong answer
			 */
			unsigned int shift = 6 - 3 * c, mode = 0, k;
			struct rsm_seg_create seg;
			char *own;

			for (k = 0; k < 3; k++)
				mode |= (k == c ? bits : 6 & ~bits) << (6 - 3 * k);
			ASSERT_EQ(0, rsm_create(self->fd, 4096, 4, 1, &seg));
			/* owner: the other user's descriptor; group: one it
			 * is in; other: root's, uid 0 and gid 0
			 */
			ASSERT_EQ(0, publish(self->fd, seg.seg_id,
					     self->key + 1 + n, mode,
					     c == CLASS_OWNER ? OTHER_UID : RSM_ID_SELF,
					     c == CLASS_GROUP ? SHARED_GID : RSM_ID_SELF));
			own = rsm_map(self->fd, seg.mmap_offset, seg.size,
				      PROT_READ);
			ASSERT_NE(MAP_FAILED, own);
			for (a = 0; a < 3; a++) {
				struct op op = {
					.key = self->key + 1 + n,
					.access = accesses[a],
					.extra_gid = c == CLASS_GROUP ? SHARED_GID : 0,
				};
				unsigned int want = (accesses[a] & RSM_ACCESS_READ ? 4 : 0) |
						    (accesses[a] & RSM_ACCESS_WRITE ? 2 : 0);
				int ok = (((mode >> shift) & 6) & want) == want;
				int got = as_other(op_import_and_map, &op);

				EXPECT_EQ(ok ? 0 : EACCES, got)
					TH_LOG("%s, mode %04o, access %u", cls[c],
					       mode, accesses[a]);
				if (ok && !got && (accesses[a] & RSM_ACCESS_WRITE))
					EXPECT_EQ(0x40 | accesses[a],
						  own[seg.size - 1 - accesses[a]])
						TH_LOG("%s, mode %04o: the write did not reach the owner",
						       cls[c], mode);
				allowed += ok;
			}
			/* a channel needs write, like a sender's import */
			{
				struct op op = {
					.key = self->key + 1 + n,
					.extra_gid = c == CLASS_GROUP ? SHARED_GID : 0,
				};

				EXPECT_EQ((mode >> shift) & 2 ? 0 : EACCES,
					  as_other(op_channel, &op))
					TH_LOG("%s, mode %04o: channel", cls[c], mode);
			}
			munmap(own, seg.size);
			ASSERT_EQ(0, rsm_destroy(self->fd, seg.seg_id));
			n++;
		}
	}
	/* 3 classes x 4 bit pairs x 3 accesses; rw allows 3, r 1, w 1 */
	EXPECT_EQ(12, n);
	EXPECT_EQ(15, allowed);
}

TEST_F(perm, only_the_owner_unpublishes_or_destroys)
{
	struct op op = { .key = self->key, .seg_id = self->seg.seg_id };
	char buf[32];

	ASSERT_EQ(0, rsm_publish(self->fd, self->seg.seg_id, self->key, 0666));
	EXPECT_EQ(EPERM, as_other(op_unpublish, &op));
	EXPECT_EQ(EPERM, as_other(op_destroy, &op));
	EXPECT_EQ(EPERM, as_other(op_signal_importers, &op));
	EXPECT_EQ(EPERM, as_other(op_wait_on, &op));
	/* nothing happened to it */
	EXPECT_STREQ("published", rsm_sysfs_str(buf, sizeof(buf),
		     RSM_SYSFS "/segments/%u/state", self->seg.seg_id));
	EXPECT_EQ(0, rsm_import_key(self->fd, self->key, RSM_ACCESS_RW, NULL));
	op.seg_id = 0xfffffff0;
	EXPECT_EQ(ENOENT, as_other(op_destroy, &op));
}

TEST_F(perm, cap_sys_admin_destroys_any_segment)
{
	struct rsm_wait w;
	int admin = rsm_open();

	ASSERT_LE(0, admin);
	ASSERT_EQ(0, rsm_publish(self->fd, self->seg.seg_id, self->key, 0600));
	/* another file of root's: an administrator */
	ASSERT_EQ(0, rsm_unpublish(admin, self->seg.seg_id));
	ASSERT_EQ(0, rsm_destroy(admin, self->seg.seg_id));
	/* the owner's file hears of it as a revocation */
	ASSERT_EQ(0, rsm_wait(self->fd, 0, 0, &w));
	EXPECT_EQ(1, w.revoked);
	EXPECT_EQ(-ENOENT, rsm_destroy(self->fd, self->seg.seg_id));
	close(admin);
}

TEST_F(perm, users_publish_only_as_themselves)
{
	struct op op = { .key = rsm_key(2), .access = 1 };

	EXPECT_EQ(EPERM, as_other(op_publish_as, &op));
	op.access = 2;
	EXPECT_EQ(EPERM, as_other(op_publish_as, &op));
}

TEST_F(perm, memory_is_charged_to_the_creating_uid)
{
	struct rsm_node_info before, after;
	struct op op = { 0 };

	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_NODE_INFO, &before));
	EXPECT_EQ(0, as_other(op_create_and_report, &op));
	/* the other user held exactly its one segment; root's did not move */
	EXPECT_EQ(16 * 4096, op.bytes);
	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_NODE_INFO, &after));
	EXPECT_EQ(before.bytes_user, after.bytes_user);
	/* and it died with the child: the charge is gone too */
	EXPECT_EQ(before.bytes_total, after.bytes_total);
}

TEST_HARNESS_MAIN
