// SPDX-License-Identifier: GPL-2.0
/*
 * rsm_lane_leak - a deliberate kmalloc leak, to prove the debug-kernel lane
 * catches one (tools/check.d/35-lane.sh). Test-only: never built by make,
 * never installed.
 *
 * at=load (default): module_init allocates RSM_LANE_LEAK_NR buffers and
 * drops the only pointer to each; kmemleak's report names
 * rsm_lane_leak_alloc while the module is loaded.
 * at=unload: module_init keeps the buffers in a module variable and
 * module_exit forgets to free them, the usual exit-path leak. They become
 * unreferenced only when the module's memory goes away, so the report's
 * backtrace holds addresses of code that is no longer loaded.
 *
 * Why several: kmemleak cannot see that a pointer is stale. A copy of one
 * left where it scans (a callee-saved register pushed by printk on the
 * exited insmod's kernel stack, which stays cached unzeroed until another
 * task reuses it; an interrupt handler's frame; freed memory, such as the
 * unloaded module's, handed out again unzeroed) keeps that buffer
 * "referenced". A single buffer leaked on load went unreported twice in
 * make check on a fast host (kmemleak.log empty; a clean clone on
 * 2026-11-27 and a run the day before), and one kept for unload in 3 runs
 * of 3 while module_exit loaded the pointer before a printk. With 16, 5
 * runs of the lane reported 16, 14, 16, 7 and 16 of those leaked on load
 * and 8, 16, 8, 9 and 16 of those kept for unload: stale copies hide
 * many, never all so far. (A real single leak can hide the same way: see
 * Documentation/testing.md.)
 * module_exit does not touch the buffers.
 *
 * Each buffer starts with a marker ("rsm-lane@load" or "rsm-lane@unload")
 * that shows in kmemleak's hex dump of the object.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define RSM_LANE_LEAK_LEN 64
#define RSM_LANE_LEAK_NR 16

static char *at = "load";
module_param(at, charp, 0444);
MODULE_PARM_DESC(at, "when the buffer is lost: load or unload");

/* Set once by module_init (at=unload), read by nothing; no concurrency. */
static void *rsm_lane_kept[RSM_LANE_LEAK_NR];

/* Not __init: its frame stays in the module's core text. */
static noinline void *rsm_lane_leak_alloc(const char *mark)
{
	char *buf = kmalloc(RSM_LANE_LEAK_LEN, GFP_KERNEL);

	if (buf)
		strscpy(buf, mark, RSM_LANE_LEAK_LEN);
	return buf;
}

static int __init rsm_lane_leak_init(void)
{
	bool keep = !strcmp(at, "unload");
	void *buf;
	int i;

	if (!keep && strcmp(at, "load")) {
		pr_err("at must be load or unload, not '%s'\n", at);
		return -EINVAL;
	}
	for (i = 0; i < RSM_LANE_LEAK_NR; i++) {
		buf = rsm_lane_leak_alloc(keep ? "rsm-lane@unload" :
						 "rsm-lane@load");
		if (!buf)
			return -ENOMEM; /* a test module: what it got stays lost */
		if (keep) {
			/* read by nothing: WRITE_ONCE keeps the store */
			WRITE_ONCE(rsm_lane_kept[i], buf);
		} else {
			/* drop the only reference; the store is not elided */
			OPTIMIZER_HIDE_VAR(buf);
		}
	}
	if (keep)
		pr_info("keeping %d buffers of %d bytes that module_exit will not free\n",
			RSM_LANE_LEAK_NR, RSM_LANE_LEAK_LEN);
	else
		pr_info("leaked %d buffers of %d bytes on load\n",
			RSM_LANE_LEAK_NR, RSM_LANE_LEAK_LEN);
	return 0;
}

static void __exit rsm_lane_leak_exit(void)
{
	/* the bug under test: no kfree() of rsm_lane_kept[] */
	pr_info("unloading without freeing the kept buffers\n");
}

module_init(rsm_lane_leak_init);
module_exit(rsm_lane_leak_exit);
MODULE_DESCRIPTION("rsm test lane: leaks a kmalloc on load or unload (test only)");
MODULE_LICENSE("GPL");
