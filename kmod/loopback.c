// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback interconnect: segments in this node's own memory, reached by
 * processes on this node only. The memory is vmalloc'ed (zeroed, charged to
 * the creator's memory cgroup), so a large segment needs no physically
 * contiguous pages; faults map its pages one by one by pfn. There are no
 * other nodes, so the remote ops are absent.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "rsm.h"

static int rsm_loopback_seg_alloc(struct rsm_interconnect *ic,
				  struct rsm_segment *seg)
{
	seg->vaddr = __vmalloc(seg->size,
			       GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN);
	return seg->vaddr ? 0 : -ENOMEM;
}

static void rsm_loopback_seg_free(struct rsm_interconnect *ic,
				  struct rsm_segment *seg)
{
	vfree(seg->vaddr);
	seg->vaddr = NULL;
}

static int rsm_loopback_seg_pfn(struct rsm_interconnect *ic,
				struct rsm_segment *seg, pgoff_t pgoff,
				unsigned long *pfn, pgprot_t *prot)
{
	*pfn = vmalloc_to_pfn(seg->vaddr + (pgoff << PAGE_SHIFT));
	return 0;
}

static const struct rsm_interconnect_ops rsm_loopback_ops = {
	.seg_alloc = rsm_loopback_seg_alloc,
	.seg_free = rsm_loopback_seg_free,
	.seg_pfn = rsm_loopback_seg_pfn,
};

struct rsm_interconnect rsm_loopback = {
	.id = RSM_IC_LOOPBACK,
	.name = "loopback",
	.ops = &rsm_loopback_ops,
};
