// SPDX-License-Identifier: GPL-2.0
/*
 * The uapi seen from user space: struct sizes and offsets pinned (the
 * kernel pins the same with BUILD_BUG_ON in main.c), ioctl numbers that
 * encode their argument, the mmap offset encoding and the segment layout
 * both sides compute.
 */
#include <assert.h>
#include <stddef.h>

#include "rsm_util.h"
#include "kselftest_harness.h"

static_assert(sizeof(struct rsm_node_info) == 96, "rsm_node_info");
static_assert(sizeof(struct rsm_seg_create) == 56, "rsm_seg_create");
static_assert(sizeof(struct rsm_seg_ref) == 16, "rsm_seg_ref");
static_assert(sizeof(struct rsm_seg_publish) == 32, "rsm_seg_publish");
static_assert(sizeof(struct rsm_descriptor) == 80, "rsm_descriptor");
static_assert(sizeof(struct rsm_lookup) == 96, "rsm_lookup");
static_assert(sizeof(struct rsm_import) == 144, "rsm_import");
static_assert(sizeof(struct rsm_handle) == 16, "rsm_handle");
static_assert(sizeof(struct rsm_group_create) == 40, "rsm_group_create");
static_assert(sizeof(struct rsm_channel_open) == 40, "rsm_channel_open");
static_assert(sizeof(struct rsm_signal) == 16, "rsm_signal");
static_assert(sizeof(struct rsm_wait) == 32, "rsm_wait");
static_assert(sizeof(struct rsm_seg_header) == RSM_SEG_HEADER_SIZE,
	      "rsm_seg_header");
static_assert(offsetof(struct rsm_seg_header, messages) == 80,
	      "kernel-written part of the header");
static_assert(offsetof(struct rsm_seg_header, user) == 128,
	      "library part of the header");
static_assert(sizeof(struct rsm_dir_entry) == 32, "rsm_dir_entry");
static_assert(offsetof(struct rsm_lookup, desc) == 16, "rsm_lookup.desc");
static_assert(offsetof(struct rsm_import, desc) == 48, "rsm_import.desc");
static_assert(offsetof(struct rsm_wait, pending) == 16, "rsm_wait.pending");

TEST(ioctl_numbers_encode_their_argument)
{
	static const struct { unsigned long cmd; size_t size; int dir; } c[] = {
		{ RSM_IOC_NODE_INFO, sizeof(struct rsm_node_info), _IOC_READ },
		{ RSM_IOC_SEG_CREATE, sizeof(struct rsm_seg_create),
		  _IOC_READ | _IOC_WRITE },
		{ RSM_IOC_SEG_DESTROY, sizeof(struct rsm_seg_ref), _IOC_WRITE },
		{ RSM_IOC_SEG_PUBLISH, sizeof(struct rsm_seg_publish),
		  _IOC_WRITE },
		{ RSM_IOC_SEG_UNPUBLISH, sizeof(struct rsm_seg_ref),
		  _IOC_WRITE },
		{ RSM_IOC_LOOKUP, sizeof(struct rsm_lookup),
		  _IOC_READ | _IOC_WRITE },
		{ RSM_IOC_IMPORT, sizeof(struct rsm_import),
		  _IOC_READ | _IOC_WRITE },
		{ RSM_IOC_UNIMPORT, sizeof(struct rsm_handle), _IOC_WRITE },
		{ RSM_IOC_GROUP_CREATE, sizeof(struct rsm_group_create),
		  _IOC_READ | _IOC_WRITE },
		{ RSM_IOC_GROUP_DESTROY, sizeof(struct rsm_handle), _IOC_WRITE },
		{ RSM_IOC_SIGNAL, sizeof(struct rsm_signal), _IOC_WRITE },
		{ RSM_IOC_WAIT, sizeof(struct rsm_wait),
		  _IOC_READ | _IOC_WRITE },
		{ RSM_IOC_CHANNEL_OPEN, sizeof(struct rsm_channel_open),
		  _IOC_READ | _IOC_WRITE },
		{ RSM_IOC_CHANNEL_CLOSE, sizeof(struct rsm_handle), _IOC_WRITE },
	};
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		EXPECT_EQ(RSM_IOC_MAGIC, _IOC_TYPE(c[i].cmd));
		EXPECT_EQ(i, _IOC_NR(c[i].cmd));
		EXPECT_EQ(c[i].size, _IOC_SIZE(c[i].cmd));
		EXPECT_EQ(c[i].dir, _IOC_DIR(c[i].cmd));
	}
}

TEST(mmap_offset_encoding)
{
	EXPECT_EQ(1ULL << 32, RSM_MMAP_OFFSET(1));
	EXPECT_EQ(0x12345678ULL << 32, RSM_MMAP_OFFSET(0x12345678));
	EXPECT_EQ(0, RSM_MMAP_OFFSET(7) & ((1ULL << RSM_MMAP_SHIFT) - 1));
}

TEST(segment_layout)
{
	struct rsm_seg_layout_info l;

	/* 64-byte partitions: directory right after the header */
	l = rsm_seg_layout(64, 4);
	EXPECT_EQ(256, l.dir_offset);
	EXPECT_EQ(256 + 4 * 32, l.data_offset);
	EXPECT_EQ(4096, l.size);
	/* 4 KiB partitions: data page aligned */
	l = rsm_seg_layout(4096, 15);
	EXPECT_EQ(4096, l.data_offset);
	EXPECT_EQ(16 * 4096, l.size);
	/* directory spilling past the first page */
	l = rsm_seg_layout(4096, 200);
	EXPECT_EQ(256 + 200 * 32, 6656);
	EXPECT_EQ(8192, l.data_offset);
	EXPECT_EQ(8192 + 200 * 4096, l.size);
	/* large partitions stay 4 KiB aligned, not partition aligned */
	l = rsm_seg_layout(1 << 20, 2);
	EXPECT_EQ(4096, l.data_offset);
	EXPECT_EQ(4096 + (2 << 20), l.size);
	/* odd sizes round up to a page */
	l = rsm_seg_layout(128, 3);
	EXPECT_EQ(384, l.data_offset);
	EXPECT_EQ(4096, l.size);
}

TEST_HARNESS_MAIN
