// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/rsm matches its documentation: with a segment, a group and a
 * channel in the tables, every file under segments/<id>/, groups/<id>/,
 * channels/<id>/ and stats/ is documented in
 * Documentation/ABI/testing/sysfs-kernel-rsm and every documented file
 * exists; each is read-only and holds one value (one line, no blank).
 */
#include <dirent.h>
#include <sys/stat.h>

#include "rsm_util.h"
#include "kselftest_harness.h"

static char *abi_doc;

static char *read_all(const char *path)
{
	static char buf[1 << 16];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	return buf;
}

/* is "What:\t\t<dir-pattern><name>" in the document? */
static int documented(const char *pattern, const char *name)
{
	char what[1024];

	snprintf(what, sizeof(what), "What:\t\t%s%s\n", pattern, name);
	return strstr(abi_doc, what) != NULL;
}

/* check every file of @dir; return how many were wrong */
static int check_dir(struct __test_metadata *_metadata, const char *dir,
		     const char *pattern, unsigned int *nfiles)
{
	struct dirent *de;
	int wrong = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 1;
	while ((de = readdir(d))) {
		char path[1024], val[256];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		(*nfiles)++;
		if (!documented(pattern, de->d_name)) {
			TH_LOG("%s is not documented", path);
			wrong++;
		}
		if ((st.st_mode & 0777) != 0444) {
			TH_LOG("%s has mode %o", path, st.st_mode & 0777);
			wrong++;
		}
		if (rsm_read_file(path, val, sizeof(val)) || !val[0] ||
		    strpbrk(val, " \n\t")) {
			TH_LOG("%s: not one value: '%s'", path, val);
			wrong++;
		}
	}
	closedir(d);
	return wrong;
}

/* every What: under @pattern names a file that exists in @dir */
static int check_doc(struct __test_metadata *_metadata, const char *dir,
		     const char *pattern)
{
	char what[256], path[1024];
	const char *p = abi_doc;
	int wrong = 0;

	snprintf(what, sizeof(what), "What:\t\t%s", pattern);
	while ((p = strstr(p, what))) {
		size_t len;

		p += strlen(what);
		len = strcspn(p, "\n");
		if (len) {
			snprintf(path, sizeof(path), "%s/%.*s", dir, (int)len,
				 p);
			if (access(path, R_OK)) {
				TH_LOG("documented %s is missing", path);
				wrong++;
			}
		}
	}
	return wrong;
}

TEST(every_file_documented_and_every_documented_file_there)
{
	struct rsm_channel_open ch = { .node_id = RSM_NODE_LOCAL, .slot = 1 };
	struct rsm_group_create g;
	struct rsm_seg_create c;
	struct rsm_import imp;
	const char *top = getenv("RSM_TOP");
	unsigned int nfiles = 0;
	char path[512], dir[128];
	int fd;

	ASSERT_TRUE(top != NULL) TH_LOG("RSM_TOP not set: run from vm-suite");
	snprintf(path, sizeof(path),
		 "%s/Documentation/ABI/testing/sysfs-kernel-rsm", top);
	abi_doc = read_all(path);
	ASSERT_TRUE(abi_doc != NULL) TH_LOG("cannot read %s", path);

	fd = rsm_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rsm_create(fd, 256, 4, 1, &c));
	ASSERT_EQ(0, rsm_publish(fd, c.seg_id, rsm_key(1), 0600));
	ASSERT_EQ(0, rsm_import_key(fd, rsm_key(1), RSM_ACCESS_RW, &imp));
	ch.key = rsm_key(1);
	ASSERT_EQ(0, rsm_ioc(fd, RSM_IOC_CHANNEL_OPEN, &ch));
	g = (struct rsm_group_create){ .import_id = imp.import_id,
		.part_size = 256, .part_count = 4,
		.channel_id = ch.channel_id };
	ASSERT_EQ(0, rsm_ioc(fd, RSM_IOC_GROUP_CREATE, &g));

	snprintf(dir, sizeof(dir), RSM_SYSFS "/segments/%u", c.seg_id);
	EXPECT_EQ(0, check_dir(_metadata, dir,
			       "/sys/kernel/rsm/segments/<seg_id>/", &nfiles));
	EXPECT_EQ(0, check_doc(_metadata, dir,
			       "/sys/kernel/rsm/segments/<seg_id>/"));
	snprintf(dir, sizeof(dir), RSM_SYSFS "/groups/%u", g.group_id);
	EXPECT_EQ(0, check_dir(_metadata, dir,
			       "/sys/kernel/rsm/groups/<group_id>/", &nfiles));
	EXPECT_EQ(0, check_doc(_metadata, dir,
			       "/sys/kernel/rsm/groups/<group_id>/"));
	snprintf(dir, sizeof(dir), RSM_SYSFS "/channels/%u", ch.channel_id);
	EXPECT_EQ(0, check_dir(_metadata, dir,
			       "/sys/kernel/rsm/channels/<channel_id>/",
			       &nfiles));
	EXPECT_EQ(0, check_doc(_metadata, dir,
			       "/sys/kernel/rsm/channels/<channel_id>/"));
	EXPECT_EQ(0, check_dir(_metadata, RSM_SYSFS "/stats",
			       "/sys/kernel/rsm/stats/", &nfiles));
	EXPECT_EQ(0, check_doc(_metadata, RSM_SYSFS "/stats",
			       "/sys/kernel/rsm/stats/"));
	/* 16 + 8 + 6 + 11 today; a lower number means a directory was empty */
	EXPECT_LE(41, nfiles);
	close(fd);
}

TEST_HARNESS_MAIN
