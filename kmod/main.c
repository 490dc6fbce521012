// SPDX-License-Identifier: GPL-2.0
/*
 * rsmdev - remote shared memory segments, registry and doorbells.
 *
 * This file holds the character device: open/release of /dev/rsmdev and the
 * ioctl dispatch. Unknown commands get -ENOTTY.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/rsmdev.h>

static long rsm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	default:
		return -ENOTTY;
	}
}

static const struct file_operations rsm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = rsm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice rsm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = RSMDEV_NAME,
	.fops = &rsm_fops,
};

static int __init rsm_init(void)
{
	return misc_register(&rsm_misc);
}

static void __exit rsm_exit(void)
{
	misc_deregister(&rsm_misc);
}

module_init(rsm_init);
module_exit(rsm_exit);
MODULE_DESCRIPTION("Remote shared memory segments, registry and doorbells");
MODULE_LICENSE("GPL");
