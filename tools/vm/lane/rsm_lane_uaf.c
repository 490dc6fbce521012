// SPDX-License-Identifier: GPL-2.0
/*
 * rsm_lane_uaf - a deliberate use-after-free, to prove the debug-kernel lane
 * catches one (tools/check.d/35-lane.sh). Test-only: never built by make,
 * never installed.
 *
 * On load it frees a buffer and then reads a byte of it. Debian's kernel lets
 * that pass without a word; the debug kernel's KASAN must report
 * "BUG: KASAN: use-after-free in rsm_lane_uaf_read ... [rsm_lane_uaf]".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define RSM_LANE_UAF_LEN 64

/* Not inlined, so KASAN's report names this function and this module. */
static noinline u8 rsm_lane_uaf_read(const u8 *buf)
{
	return READ_ONCE(buf[RSM_LANE_UAF_LEN / 4]);
}

static int __init rsm_lane_uaf_init(void)
{
	u8 *buf = kmalloc(RSM_LANE_UAF_LEN, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	memset(buf, 0x5a, RSM_LANE_UAF_LEN);
	kfree(buf);
	/* keep the compiler from seeing (and warning about) the freed pointer */
	OPTIMIZER_HIDE_VAR(buf);
	pr_info("read 0x%02x from freed memory\n", rsm_lane_uaf_read(buf));
	return 0;
}

static void __exit rsm_lane_uaf_exit(void)
{
}

module_init(rsm_lane_uaf_init);
module_exit(rsm_lane_uaf_exit);
MODULE_DESCRIPTION("rsm test lane: reads freed memory on load (test only)");
MODULE_LICENSE("GPL");
