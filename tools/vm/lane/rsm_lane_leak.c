// SPDX-License-Identifier: GPL-2.0
/*
 * rsm_lane_leak - a deliberate kmalloc leak, to prove the debug-kernel lane
 * catches one (tools/check.d/35-lane.sh). Test-only: never built by make,
 * never installed.
 *
 * at=load (default): module_init allocates a buffer and drops the only
 * pointer to it; kmemleak's report names rsm_lane_leak_alloc while the
 * module is loaded.
 * at=unload: module_init keeps the buffer in a module variable and
 * module_exit forgets to free it, the usual exit-path leak. It becomes
 * unreferenced only when the module's memory goes away, so the report's
 * backtrace holds addresses of code that is no longer loaded. module_exit
 * does not even load the pointer: a register holding it while printk runs
 * is saved where kmemleak scans and nothing overwrites it soon (an
 * interrupt handler's frame on a per-CPU IRQ stack, the exited task's
 * cached stack), and that stale copy hides the leak. Measured with a fast
 * guest: exit loading the pointer, unreported in 3 runs of 3; without, reported
 * in 6 of 6.
 *
 * The buffer starts with a marker ("rsm-lane@load" or "rsm-lane@unload")
 * that shows in kmemleak's hex dump of the object.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define RSM_LANE_LEAK_LEN 64

static char *at = "load";
module_param(at, charp, 0444);
MODULE_PARM_DESC(at, "when the buffer is lost: load or unload");

/* Set once by module_init, read by module_exit; no concurrency. */
static void *rsm_lane_kept;

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
	void *buf;

	if (strcmp(at, "load") && strcmp(at, "unload")) {
		pr_err("at must be load or unload, not '%s'\n", at);
		return -EINVAL;
	}
	buf = rsm_lane_leak_alloc(strcmp(at, "load") ? "rsm-lane@unload" :
						       "rsm-lane@load");
	if (!buf)
		return -ENOMEM;
	if (!strcmp(at, "unload")) {
		WRITE_ONCE(rsm_lane_kept, buf); /* read by nothing: not elided */
		pr_info("keeping %d bytes that module_exit will not free\n",
			RSM_LANE_LEAK_LEN);
		return 0;
	}
	/* drop the only reference; hide it so the store is not elided */
	OPTIMIZER_HIDE_VAR(buf);
	pr_info("leaked %d bytes on load\n", RSM_LANE_LEAK_LEN);
	return 0;
}

static void __exit rsm_lane_leak_exit(void)
{
	/* the bug under test: no kfree(rsm_lane_kept) */
	pr_info("unloading without freeing the kept buffer\n");
}

module_init(rsm_lane_leak_init);
module_exit(rsm_lane_leak_exit);
MODULE_DESCRIPTION("rsm test lane: leaks a kmalloc on load or unload (test only)");
MODULE_LICENSE("GPL");
