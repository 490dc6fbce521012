// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/rsmdev basics: the device exists, opens, and refuses commands it does
 * not know with ENOTTY (not EINVAL), as Documentation/driver-api/ioctl.rst
 * asks.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/rsmdev.h>

#include "kselftest_harness.h"

FIXTURE(dev)
{
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open("/dev/" RSMDEV_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/rsmdev: %s", strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, unknown_ioctl_in_our_magic_is_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(RSM_IOC_MAGIC, 0xff), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, foreign_magic_is_enotty)
{
	/* a terminal ioctl sent to us by mistake */
	EXPECT_EQ(-1, ioctl(self->fd, _IOR('T', 0x13, int), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, known_number_with_wrong_size_is_enotty)
{
	/* same number as NODE_INFO but a different size is another command */
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(RSM_IOC_MAGIC, 0x00, __u32), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_HARNESS_MAIN
