/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for tests that run in both guests of tools/vm/rsm-vm2 at once:
 * which guest this is, a barrier through files in RSM_PAIR_DIR (the project
 * share both guests see), and this node's view of the ivshmem device in
 * sysfs. Both guests run the same test sequence, so barriers named after
 * the step keep them in step.
 */
#ifndef RSM_PAIR_H
#define RSM_PAIR_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAIR_WAIT_S	150	/* the other guest may boot much later */

/* this guest's index (0 or 1), or -1 outside a two-guest run */
static inline int pair_index(void)
{
	const char *s = getenv("RSM_VM_INDEX");

	return s && (!strcmp(s, "0") || !strcmp(s, "1")) ? atoi(s) : -1;
}

static inline const char *pair_dir(void)
{
	return getenv("RSM_PAIR_DIR");
}

static inline void pair_path(char *buf, size_t len, const char *name, int idx)
{
	snprintf(buf, len, "%s/%s.%d", pair_dir(), name, idx);
}

static inline int pair_post(const char *name)
{
	char path[512];
	FILE *f;

	pair_path(path, sizeof(path), name, pair_index());
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fclose(f);
	return 0;
}

/* wait until the other guest posted @name; 0, or -ETIMEDOUT */
static inline int pair_wait(const char *name, int seconds)
{
	struct stat st;
	char path[512];
	int i;

	pair_path(path, sizeof(path), name, !pair_index());
	for (i = 0; i < seconds * 50; i++) {
		if (!stat(path, &st))
			return 0;
		usleep(20000);
	}
	return -ETIMEDOUT;
}

/* both guests reach @name; 0, or -ETIMEDOUT */
static inline int pair_sync(const char *name)
{
	int err = pair_post(name);

	return err ? err : pair_wait(name, PAIR_WAIT_S);
}

/* a hex sysfs attribute of PCI device @dev, or 0 */
static inline unsigned int pair_pci_attr(const char *dev, const char *name)
{
	unsigned int v = 0;
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", dev, name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%x", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* sysfs directory of the first 1af4:1110 (ivshmem) device, or NULL */
static inline const char *pair_ivshmem_pci(void)
{
	static char path[300];
	struct dirent *d;
	DIR *dir = opendir("/sys/bus/pci/devices");

	if (!dir)
		return NULL;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (pair_pci_attr(d->d_name, "vendor") == 0x1af4 &&
		    pair_pci_attr(d->d_name, "device") == 0x1110) {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", d->d_name);
			closedir(dir);
			return path;
		}
	}
	closedir(dir);
	return NULL;
}

/* sysfs directory of the device rsm_ivshmem is bound to, or NULL */
static inline const char *pair_ivshmem_dev(void)
{
	static char path[300];
	const char *drv = "/sys/bus/pci/drivers/rsm_ivshmem";
	struct dirent *d;
	DIR *dir = opendir(drv);

	if (!dir)
		return NULL;
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, "0000:", 5)) {
			snprintf(path, sizeof(path), "%s/%s", drv, d->d_name);
			closedir(dir);
			return path;
		}
	closedir(dir);
	return NULL;
}

/* this node's state of node @id ("up", "down", "unknown"), or "" */
static inline const char *pair_node_state(char *buf, size_t len, unsigned int id)
{
	char path[400];
	const char *dev = pair_ivshmem_dev();
	FILE *f;

	buf[0] = 0;
	if (!dev)
		return buf;
	snprintf(path, sizeof(path), "%s/rsm_nodes/%u/state", dev, id);
	f = fopen(path, "r");
	if (!f)
		return buf;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

#endif /* RSM_PAIR_H */
