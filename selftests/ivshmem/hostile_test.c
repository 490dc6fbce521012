// SPDX-License-Identifier: GPL-2.0
/*
 * A misbehaving peer cannot make rsmdev follow a bad offset, and liveness
 * works against a peer that simply stops. Runs in both guests of
 * tools/vm/rsm-vm2 (ivshmem-doorbell): guest 0 runs this, a real node
 * (rsmdev.ko loaded); guest 1 runs fake_peer_test, which unloads rsmdev and
 * plays a node by hand through sysfs resource2, writing its node entry,
 * heartbeat, registry slice and arena directly (the layout of
 * include/uapi/linux/rsm_ivshmem.h). In step with it:
 *
 *  - garbage descriptors (out of bounds, overflowing, wrong size, bad
 *    geometry, a seqcount that never settles, a bad segment header, a
 *    high-water mark of 2^32 - 1) and forged import records: every lookup
 *    or import fails with the documented errno; one valid segment among
 *    them imports and maps, so the checks are not simply refusing all;
 *  - an import record naming a segment guest 0 then destroys: the memory
 *    is held back (rsm_held_bytes) and a new segment's data never lands
 *    in it, until the record is cleared;
 *  - its heartbeat stops: guest 0 declares it down within 1 s of the last
 *    beat and revokes its imports with EHOSTDOWN; the node table netlink
 *    lists says down, and a node down event names it;
 *  - it restarts with a new incarnation: up again (in the node table too),
 *    importable again.
 */
#include "../netlink/genl_util.h"
#include "../rsmdev/rsm_util.h"
#include "pair.h"
#include "kselftest_harness.h"

#define HKEY(n)		(0x4853540000ULL + (n))
#define SEC		1000000000LL

/* ---- the real node's side ------------------------------------------- */

FIXTURE(real)
{
	int fd;
	__u32 fake;
	const char *dev;
};

FIXTURE_SETUP(real)
{
	struct rsm_node_info info;

	ASSERT_EQ(0, pair_index()) TH_LOG("runs in guest 0; guest 1 runs fake_peer_test");
	self->fd = rsm_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, rsm_ioc(self->fd, RSM_IOC_NODE_INFO, &info));
	self->fake = !info.node_id;
	self->dev = pair_ivshmem_dev();
	ASSERT_NE(NULL, self->dev);
}

FIXTURE_TEARDOWN(real)
{
	close(self->fd);
}

static int lookup_at(int fd, __u32 node, __u64 key)
{
	struct rsm_lookup l = { .node_id = node, .key = key };

	return rsm_ioc(fd, RSM_IOC_LOOKUP, &l);
}

static int import_at(int fd, __u32 node, __u64 key, struct rsm_import *out)
{
	struct rsm_import i = { .node_id = node, .access = RSM_ACCESS_RW, .key = key };
	int err = rsm_ioc(fd, RSM_IOC_IMPORT, &i);

	if (!err && out)
		*out = i;
	return err;
}

static const char *state_of(char *buf, size_t len, __u32 id)
{
	return pair_node_state(buf, len, id);
}

static int wait_state(__u32 id, const char *want, int ms)
{
	char buf[32];

	for (; ms > 0; ms -= 10) {
		if (!strcmp(state_of(buf, sizeof(buf), id), want))
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

struct nl_node {
	__u32 id;
	int state;		/* RSM_NODE_STATE_*, 0 when not listed */
	int down_events;	/* node down events naming it */
};

static void nl_node_each(const struct genl_msg *m, void *arg)
{
	struct nl_node *n = arg;

	if (!m->attr[RSM_A_NODE_ID] || genl_u32(m->attr[RSM_A_NODE_ID]) != n->id)
		return;
	if (m->cmd == RSM_CMD_NODE_DOWN_NTF)
		n->down_events++;
	else if (m->cmd == RSM_CMD_NODE_GET && m->attr[RSM_A_NODE_STATE])
		n->state = (int)genl_u32(m->attr[RSM_A_NODE_STATE]);
}

/* node @id's state in the node table netlink lists; 0 if not there */
static int nl_node_state(__u32 id)
{
	struct nl_node n = { .id = id };
	struct genl_sock s;

	if (genl_open(&s))
		return -1;
	if (genl_do(&s, RSM_CMD_NODE_GET, NLM_F_DUMP, 0, 0, 0, nl_node_each,
		    &n, NULL, 0))
		n.state = -1;
	close(s.fd);
	return n.state;
}

TEST_F_TIMEOUT(real, garbage_is_refused, PAIR_WAIT_S + 60)
{
	struct rsm_seg_layout_info l = rsm_seg_layout(64, 16);
	struct rsm_import im;
	__u8 *p;
	int i, bad = 0;

	ASSERT_EQ(0, pair_wait("fake-up", PAIR_WAIT_S));
	ASSERT_EQ(0, wait_state(self->fake, "up", 5000));

	EXPECT_EQ(-ENOENT, lookup_at(self->fd, self->fake, HKEY(1))) TH_LOG("offset past the arena");
	EXPECT_EQ(-ENOENT, lookup_at(self->fd, self->fake, HKEY(2))) TH_LOG("size of another geometry");
	EXPECT_EQ(-ENOENT, lookup_at(self->fd, self->fake, HKEY(3))) TH_LOG("part_size not a power of 2");
	EXPECT_EQ(-ENOENT, lookup_at(self->fd, self->fake, HKEY(4))) TH_LOG("seqcount never settles");
	EXPECT_EQ(-ENOENT, lookup_at(self->fd, self->fake, HKEY(6))) TH_LOG("mode beyond 0777");
	EXPECT_EQ(-ENOENT, lookup_at(self->fd, self->fake, HKEY(7))) TH_LOG("offset + size overflows");
	EXPECT_EQ(-ENOENT, lookup_at(self->fd, self->fake, HKEY(9))) TH_LOG("span beyond part_count");
	EXPECT_EQ(-ENOENT, import_at(self->fd, self->fake, HKEY(1), NULL));
	/* a valid descriptor whose segment header is garbage */
	EXPECT_EQ(0, lookup_at(self->fd, self->fake, HKEY(5)));
	EXPECT_EQ(-EIO, import_at(self->fd, self->fake, HKEY(5), NULL));

	/* the one well-formed segment works end to end */
	ASSERT_EQ(0, import_at(self->fd, self->fake, HKEY(8), &im));
	p = rsm_map(self->fd, im.mmap_offset, im.size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < 64 * 16; i++)
		bad += p[l.data_offset + i] != (__u8)(i ^ 0x5a);
	EXPECT_EQ(0, bad) TH_LOG("the fake peer's data is not what we map");
	for (i = 0; i < 64 * 16; i++)
		p[l.data_offset + i] = (__u8)(i ^ 0xc3);
	munmap(p, im.size);
	EXPECT_EQ(0, rsm_handle_op(self->fd, RSM_IOC_UNIMPORT, im.import_id));
	/* forged import records aimed at us rang nothing of ours harmfully */
	EXPECT_STREQ("up", state_of((char[32]){ 0 }, 32, self->fake));
	ASSERT_EQ(0, pair_post("garbage-checked"));
}

TEST_F_TIMEOUT(real, destroyed_memory_is_held_while_a_peer_names_it, 90)
{
	struct rsm_seg_layout_info l = rsm_seg_layout(64, 16);
	struct rsm_seg_create c, c2;
	long long held;
	__u8 *p;
	int i;

	ASSERT_EQ(0, rsm_create(self->fd, 64, 16, 1, &c));
	ASSERT_EQ(0, rsm_publish(self->fd, c.seg_id, HKEY(20), 0666));
	ASSERT_EQ(0, pair_post("held-published"));
	ASSERT_EQ(0, pair_wait("held-imported", 60));

	ASSERT_EQ(0, rsm_destroy(self->fd, c.seg_id));
	held = rsm_sysfs_num("%s/rsm_held_bytes", self->dev);
	EXPECT_EQ((long long)c.size, held) TH_LOG("a segment a live peer names must be held");
	ASSERT_EQ(0, rsm_create(self->fd, 64, 16, 1, &c2));
	p = rsm_map(self->fd, c2.mmap_offset, c2.size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	memset(p + l.data_offset, 0xa5, 64 * 16);
	ASSERT_EQ(0, pair_post("held-filled"));
	ASSERT_EQ(0, pair_wait("held-released", 60));
	for (i = 0; i < 200; i++) {
		held = rsm_sysfs_num("%s/rsm_held_bytes", self->dev);
		if (!held)
			break;
		usleep(10000);
	}
	EXPECT_EQ(0, held) TH_LOG("the hold must end once no peer names the segment");
	munmap(p, c2.size);
	EXPECT_EQ(0, rsm_destroy(self->fd, c2.seg_id));
}

TEST_F_TIMEOUT(real, stopped_heartbeat_is_detected_within_1s, 90)
{
	char hb_path[400], buf[64], last[64] = "", state[32];
	long long t_change = 0, t_down = 0, now, until;
	struct rsm_import im;
	struct nl_node ev = { 0 };
	struct genl_sock nl;
	struct genl_msg m;
	struct rsm_wait w;
	__u32 *p;

	/*
	 * A guest the host did not run for down_ms was declared down and is
	 * back as soon as it beats (Documentation/ivshmem.md): start from up.
	 */
	ASSERT_EQ(0, wait_state(self->fake, "up", 5000));
	ASSERT_EQ(0, import_at(self->fd, self->fake, HKEY(8), &im));
	EXPECT_EQ(RSM_NODE_STATE_UP, nl_node_state(self->fake));
	ASSERT_EQ(0, genl_open(&nl));
	ASSERT_EQ(0, genl_subscribe(&nl));
	p = rsm_map(self->fd, im.mmap_offset, im.size, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(RSM_SEG_MAGIC, p[0]);
	snprintf(hb_path, sizeof(hb_path), "%s/rsm_nodes/%u/heartbeat", self->dev,
		 self->fake);
	ASSERT_EQ(0, pair_post("hb-ready"));

	/* watch its heartbeat: when did it last move, when is it down */
	until = rsm_now_ns() + 30 * SEC;
	while ((now = rsm_now_ns()) < until) {
		rsm_read_file(hb_path, buf, sizeof(buf));
		if (strcmp(buf, last)) {
			strcpy(last, buf);
			t_change = now;
		}
		if (!strcmp(state_of(state, sizeof(state), self->fake), "down")) {
			t_down = now;
			break;
		}
		usleep(2000);
	}
	ASSERT_NE(0, t_down) TH_LOG("the silent peer was never declared down");
	TH_LOG("peer declared down %lld ms after its last heartbeat",
	       (t_down - t_change) / 1000000);
	EXPECT_GT(1000, (t_down - t_change) / 1000000);
	EXPECT_EQ(-EHOSTDOWN, rsm_signal(self->fd, im.import_id, 0));
	ASSERT_EQ(0, rsm_wait(self->fd, 0, 0, &w));
	EXPECT_LE(1, w.revoked);
	EXPECT_EQ(0, p[0]) TH_LOG("a revoked mapping shows the scratch page");
	EXPECT_EQ(-EHOSTDOWN, lookup_at(self->fd, self->fake, HKEY(8)));
	EXPECT_EQ(RSM_NODE_STATE_DOWN, nl_node_state(self->fake));
	ev.id = self->fake;
	while (!ev.down_events && !genl_next_event(&nl, &m, 2000))
		nl_node_each(&m, &ev);
	EXPECT_EQ(1, ev.down_events) TH_LOG("no node down event named the silent peer");
	close(nl.fd);
	munmap(p, im.size);
	EXPECT_EQ(0, rsm_handle_op(self->fd, RSM_IOC_UNIMPORT, im.import_id));
	ASSERT_EQ(0, pair_post("hb-seen"));
}

TEST_F_TIMEOUT(real, restarted_peer_is_up_and_importable_again, 90)
{
	ASSERT_EQ(0, pair_wait("restarted", 60));
	EXPECT_EQ(0, wait_state(self->fake, "up", 3000));
	EXPECT_EQ(RSM_NODE_STATE_UP, nl_node_state(self->fake));
	EXPECT_EQ(0, import_at(self->fd, self->fake, HKEY(8), NULL));
	ASSERT_EQ(0, pair_post("restart-seen"));
}

TEST_HARNESS_MAIN
