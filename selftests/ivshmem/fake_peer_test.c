// SPDX-License-Identifier: GPL-2.0
/*
 * The hostile peer of hostile_test.c: runs in guest 1 of tools/vm/rsm-vm2
 * while guest 0 runs hostile_test. It unloads rsmdev, maps BAR2 (and BAR0
 * for its IVPosition) through sysfs and plays a node by writing the layout
 * of include/uapi/linux/rsm_ivshmem.h by hand: a node entry and a heartbeat thread, a slice
 * full of broken descriptors and forged import records around one valid
 * segment, an import record naming a segment of guest 0, a heartbeat that
 * stops, then a restart with a new incarnation. It checks what guest 0 can
 * only see from outside: that a new segment's data never landed in the
 * memory it held, and that guest 0 wrote into the valid segment.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <linux/rsm_ivshmem.h>

#include "../rsmdev/rsm_util.h"
#include "pair.h"
#include "kselftest_harness.h"

#define HKEY(n)		(0x4853540000ULL + (n))

struct fake {
	void *mem;
	size_t size;
	struct rsm_ivs_layout l;
	__u32 id;
	__u32 real;
	struct rsm_ivs_node *self;
	void *slice;
	__u8 *arena;
	atomic_bool beating;
	atomic_bool quit;
	pthread_t thread;
};

static void *beat(void *arg)
{
	struct sched_param sp = { .sched_priority = 10 };
	struct fake *f = arg;

	/*
	 * Beat like the kernel's tick does, ahead of the test's own work: a
	 * beat delayed by down_ms in this guest would be a (correct) down.
	 * Best effort: the guest may refuse real-time scheduling.
	 */
	pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	while (!atomic_load(&f->quit)) {
		if (atomic_load(&f->beating))
			f->self->heartbeat = f->self->heartbeat + 1;
		usleep(50000);
	}
	return NULL;
}

static void *map_resource(const char *dev, int bar, size_t *len)
{
	char path[400];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource%d", dev, bar);
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return MAP_FAILED;
	*len = st.st_size;
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p;
}

static struct rsm_ivs_node *fnode(struct fake *f, __u32 id)
{
	return f->mem + f->l.node_offset + id * sizeof(struct rsm_ivs_node);
}

static void *fslice(struct fake *f, __u32 id)
{
	return f->mem + f->l.slice_offset + (__u64)id * RSM_IVS_SLICE_SIZE;
}

static struct rsm_ivs_desc *fdesc(struct fake *f, __u32 i)
{
	return f->slice + RSM_IVS_DESC_OFFSET + i * sizeof(struct rsm_ivs_desc);
}

static struct rsm_ivs_import *frec(struct fake *f, void *slice, __u32 i)
{
	return slice + RSM_IVS_IMPORT_OFFSET + i * sizeof(struct rsm_ivs_import);
}

/* a descriptor for a 64 x 16 segment, then the caller breaks it */
static struct rsm_ivs_desc *put_desc(struct fake *f, __u32 i, __u64 key,
				     __u64 offset)
{
	struct rsm_ivs_desc *d = fdesc(f, i);

	memset(d, 0, sizeof(*d));
	d->state = RSM_IVS_USED;
	d->key = key;
	d->generation = 77;
	d->offset = offset;
	d->size = rsm_seg_layout(64, 16).size;
	d->seg_id = 100 + i;
	d->part_size = 64;
	d->part_count = 16;
	d->span = 1;
	d->mode = 0666;
	return d;
}

/* a segment header as rsmdev writes one */
static void put_segment(struct fake *f, __u64 offset, __u32 seg_id, __u64 key)
{
	struct rsm_seg_layout_info l = rsm_seg_layout(64, 16);
	struct rsm_seg_header *h = (void *)(f->arena + offset);
	int i;

	memset(h, 0, l.size);
	h->magic = RSM_SEG_MAGIC;
	h->version = RSM_SEG_VERSION;
	h->header_size = RSM_SEG_HEADER_SIZE;
	h->part_size = 64;
	h->part_count = 16;
	h->span = 1;
	h->state = RSM_SEG_STATE_PUBLISHED;
	h->generation = 77;
	h->dir_offset = l.dir_offset;
	h->data_offset = l.data_offset;
	h->size = l.size;
	h->node_id = f->id;
	h->seg_id = seg_id;
	h->key = key;
	for (i = 0; i < 64 * 16; i++)
		f->arena[offset + l.data_offset + i] = (__u8)(i ^ 0x5a);
}

/* attach as node f->id: entry absent, slice, entry up */
static void join(struct fake *f)
{
	struct rsm_ivs_slice_header *sh = f->slice;
	struct rsm_ivs_desc *d;
	__u64 inc;
	__u32 i;

	getrandom(&inc, sizeof(inc), 0);
	inc |= 1;
	f->self->state = RSM_IVS_NODE_ABSENT;
	__sync_synchronize();
	memset(f->slice, 0, RSM_IVS_SLICE_SIZE);
	sh->desc_count = RSM_IVS_MAX_DESCS;
	sh->incarnation = inc;
	sh->desc_hwm = 0xffffffff;	/* clamped by the reader */
	sh->import_hwm = 0xffffffff;
	sh->magic = RSM_IVS_SLICE_MAGIC;

	put_segment(f, 0, 108, HKEY(8));
	put_desc(f, 8, HKEY(8), 0);
	put_desc(f, 1, HKEY(1), f->l.arena_size);
	d = put_desc(f, 2, HKEY(2), 0);
	d->size = 8192;
	d = put_desc(f, 3, HKEY(3), 0);
	d->part_size = 100;
	d = put_desc(f, 4, HKEY(4), 0);
	d->seq = 1;
	put_desc(f, 5, HKEY(5), 8192);	/* header there: garbage */
	memset(f->arena + 8192, 0xee, 4096);
	d = put_desc(f, 6, HKEY(6), 0);
	d->mode = 01777;
	d = put_desc(f, 7, HKEY(7), 0);
	d->offset = 0xfffffffffffff000ULL;
	d = put_desc(f, 9, HKEY(9), 0);
	d->span = 17;

	/* forged records aimed at the real node: unknown segments, wild ids */
	for (i = 0; i < 8; i++) {
		struct rsm_ivs_import *r = frec(f, f->slice, i);

		r->state = RSM_IVS_USED;
		r->node_id = i < 4 ? f->real : 9999 + i;
		r->seg_id = 0xfff000 + i;
		r->generation = i;
		r->incarnation = fnode(f, f->real)->incarnation;
		r->signals = ~0ULL - i;
	}

	f->self->magic = RSM_IVS_NODE_MAGIC;
	f->self->node_id = f->id;
	f->self->flags = 0;	/* no interrupts: nobody rings us */
	f->self->heartbeat_ms = 50;
	f->self->incarnation = inc;
	__sync_synchronize();
	f->self->state = RSM_IVS_NODE_UP;
}

FIXTURE(fake)
{
	struct fake f;
};

FIXTURE_SETUP(fake)
{
	struct rsm_ivs_header *h;
	struct rsm_ivs_node *e;
	const char *dev;
	size_t regs_len;
	__u32 *regs, id;
	int i;

	ASSERT_EQ(1, pair_index()) TH_LOG("runs in guest 1; guest 0 runs hostile_test");
	/* give the device up: this guest is no rsm node, it only pretends */
	if (!system("grep -q '^rsmdev ' /proc/modules"))
		ASSERT_EQ(0, system("rmmod rsmdev"));
	dev = pair_ivshmem_pci();
	ASSERT_NE(NULL, dev);
	self->f.mem = map_resource(dev, 2, &self->f.size);
	ASSERT_NE(MAP_FAILED, self->f.mem);
	regs = map_resource(dev, 0, &regs_len);
	ASSERT_NE(MAP_FAILED, regs);
	self->f.id = regs[2];	/* IVPosition: the server's id for us */
	munmap(regs, regs_len);

	/* the real node lays the region out and comes up */
	h = self->f.mem;
	for (i = 0; i < PAIR_WAIT_S * 10 && h->magic != RSM_IVS_MAGIC; i++)
		usleep(100000);
	ASSERT_EQ(RSM_IVS_MAGIC, h->magic);
	self->f.l = rsm_ivs_layout(self->f.size, h->max_nodes);
	ASSERT_EQ(self->f.l.arena_offset, h->arena_offset);
	ASSERT_LT(self->f.id, self->f.l.max_nodes);
	self->f.real = ~0U;
	for (i = 0; i < 600 && self->f.real == ~0U; i++) {
		for (id = 0; id < self->f.l.max_nodes; id++) {
			e = fnode(&self->f, id);
			if (id != self->f.id && e->magic == RSM_IVS_NODE_MAGIC &&
			    e->state == RSM_IVS_NODE_UP)
				self->f.real = id;
		}
		usleep(100000);
	}
	ASSERT_NE(~0U, self->f.real) TH_LOG("no real node came up");
	self->f.self = fnode(&self->f, self->f.id);
	self->f.slice = fslice(&self->f, self->f.id);
	self->f.arena = self->f.mem + self->f.l.arena_offset +
			(__u64)self->f.id * self->f.l.arena_size;
}

FIXTURE_TEARDOWN(fake)
{
	if (self->f.self)
		self->f.self->state = RSM_IVS_NODE_LEFT;
}

/* find @key among the real node's descriptors; its copy, or NULL */
static int find_real(struct fake *f, __u64 key, struct rsm_ivs_desc *out)
{
	struct rsm_ivs_slice_header *sh = fslice(f, f->real);
	__u32 i, hwm = sh->desc_hwm < RSM_IVS_MAX_DESCS ? sh->desc_hwm : RSM_IVS_MAX_DESCS;
	struct rsm_ivs_desc *d;

	for (i = 0; i < hwm; i++) {
		d = fslice(f, f->real) + RSM_IVS_DESC_OFFSET + i * sizeof(*d);
		if (d->key == key && d->state == RSM_IVS_USED && !(d->seq & 1)) {
			*out = *d;
			return 0;
		}
	}
	return -ENOENT;
}

TEST_F_TIMEOUT(fake, plays_a_hostile_node, 900)
{
	struct rsm_seg_layout_info l = rsm_seg_layout(64, 16);
	struct fake *f = &self->f;
	struct rsm_ivs_import *rec;
	struct rsm_ivs_desc held;
	int i, bad = 0;

	join(f);
	atomic_store(&f->beating, true);
	ASSERT_EQ(0, pthread_create(&f->thread, NULL, beat, f));
	ASSERT_EQ(0, pair_post("fake-up"));

	/* guest 0 refused the garbage and wrote into the valid segment */
	ASSERT_EQ(0, pair_wait("garbage-checked", PAIR_WAIT_S));
	for (i = 0; i < 64 * 16; i++)
		bad += f->arena[l.data_offset + i] != (__u8)(i ^ 0xc3);
	EXPECT_EQ(0, bad) TH_LOG("guest 0's writes through its import are not in our arena");

	/* name a segment of guest 0 in an import record while it destroys it */
	ASSERT_EQ(0, pair_wait("held-published", 60));
	ASSERT_EQ(0, find_real(f, HKEY(20), &held));
	rec = frec(f, f->slice, 10);
	memset(rec, 0, sizeof(*rec));
	rec->node_id = f->real;
	rec->seg_id = held.seg_id;
	rec->generation = held.generation;
	rec->incarnation = fnode(f, f->real)->incarnation;
	__sync_synchronize();
	rec->state = RSM_IVS_USED;
	ASSERT_EQ(0, pair_post("held-imported"));
	ASSERT_EQ(0, pair_wait("held-filled", 60));
	bad = 0;
	for (i = l.data_offset; i < (int)l.size; i++)
		bad += *(__u8 *)(f->mem + f->l.arena_offset +
				 (__u64)f->real * f->l.arena_size + held.offset + i) == 0xa5;
	EXPECT_EQ(0, bad) TH_LOG("a new segment was placed in memory we still name");
	rec->state = RSM_IVS_FREE;
	ASSERT_EQ(0, pair_post("held-released"));

	/* go silent */
	ASSERT_EQ(0, pair_wait("hb-ready", 60));
	atomic_store(&f->beating, false);
	ASSERT_EQ(0, pair_wait("hb-seen", 60));

	/* come back as a new incarnation */
	join(f);
	atomic_store(&f->beating, true);
	ASSERT_EQ(0, pair_post("restarted"));
	ASSERT_EQ(0, pair_wait("restart-seen", 60));
	atomic_store(&f->quit, true);
	pthread_join(f->thread, NULL);
}

TEST_HARNESS_MAIN
