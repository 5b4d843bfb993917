/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/cache.c: the directory rules (symlinks, modes,
 * owners), atomic writes, absent entries and the entry's mtime.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <unistd.h>

#include "harness.h"

#include "cache.h"
#include "secure.h"

#define NOW	1700000000

static char base[64];
static char dir[128];

static void
setup(struct ar_ctx *ctx, struct ar_conf *conf, const char *cache_dir)
{
	ar_ctx_init(ctx, "auth");
	ctx->now = NOW;
	memset(conf, 0, sizeof(*conf));
	conf->cache_dir = (char *)cache_dir;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* A fresh, absent cache directory path under the test's temp dir. */
static void
fresh_dir(const char *name)
{
	snprintf(dir, sizeof(dir), "%s/%s", base, name);
}

/* Number of directory entries other than "." and "..". */
static int
count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_write_read(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct stat st;
	char path[256], *buf = NULL;
	size_t len = 0;
	time_t mtime = 0;

	fresh_dir("c1");
	setup(&ctx, &conf, dir);
	/* Absent directory: nothing cached, and nothing created. */
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 4096, &buf, &len,
	    &mtime), AR_NOTHING);
	T_CHECK(stat(dir, &st) == -1);
	/* The first write creates the directory 0700. */
	T_EQ_INT(ar_cache_write(&ctx, &conf, "jwks-1", "hello", 5), AR_OK);
	T_EQ_INT(stat(dir, &st), 0);
	T_CHECK(S_ISDIR(st.st_mode));
	T_EQ_INT(st.st_mode & 07777, 0700);
	snprintf(path, sizeof(path), "%s/jwks-1", dir);
	T_EQ_INT(lstat(path, &st), 0);
	T_CHECK(S_ISREG(st.st_mode));
	T_EQ_INT(st.st_mode & 07777, 0600);
	T_EQ_INT(st.st_mtime, NOW);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 4096, &buf, &len,
	    &mtime), AR_OK);
	T_EQ_STR(buf, "hello");
	T_EQ_INT(len, 5);
	T_EQ_INT(mtime, NOW);
	free(buf);
	buf = NULL;
	/* Overwrite atomically: new content, no temporary left behind. */
	ctx.now = NOW + 10;
	T_EQ_INT(ar_cache_write(&ctx, &conf, "jwks-1", "second", 6), AR_OK);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 4096, &buf, &len,
	    &mtime), AR_OK);
	T_EQ_STR(buf, "second");
	T_EQ_INT(mtime, NOW + 10);
	free(buf);
	buf = NULL;
	T_EQ_INT(count_entries(dir), 1);
	/* Empty content is fine. */
	T_EQ_INT(ar_cache_write(&ctx, &conf, "empty", "", 0), AR_OK);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "empty", 4096, &buf, &len,
	    &mtime), AR_OK);
	T_EQ_INT(len, 0);
	T_EQ_STR(buf, "");
	free(buf);
	buf = NULL;
	/* Absent entry in an existing directory. */
	T_EQ_INT(ar_cache_read(&ctx, &conf, "other", 4096, &buf, &len,
	    &mtime), AR_NOTHING);
	T_CHECK(buf == NULL);
	/* Larger than the caller's bound. */
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 3, &buf, &len, &mtime),
	    AR_ERR_CONFIG);
	T_CHECK(buf == NULL);
	/* Touch creates or refreshes the entry at ctx->now. */
	ctx.now = NOW + 99;
	T_EQ_INT(ar_cache_touch(&ctx, &conf, "mark.try"), AR_OK);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "mark.try", 64, &buf, &len,
	    &mtime), AR_OK);
	T_EQ_INT(mtime, NOW + 99);
	free(buf);
	buf = NULL;
	ctx.now = NOW + 200;
	T_EQ_INT(ar_cache_touch(&ctx, &conf, "mark.try"), AR_OK);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "mark.try", 64, &buf, &len,
	    &mtime), AR_OK);
	T_EQ_INT(mtime, NOW + 200);
	free(buf);
	T_EQ_INT(count_entries(dir), 3);
}

static void
test_bad_names(void)
{
	static const char *bad[] = { "", ".", "..", ".hidden", "a/b",
	    "../x", "x y", "a\nb", NULL };
	struct ar_ctx ctx;
	struct ar_conf conf;
	char *buf = NULL;
	size_t i, len;
	time_t mtime;

	fresh_dir("c2");
	for (i = 0; bad[i] != NULL; i++) {
		setup(&ctx, &conf, dir);
		T_EQ_INT(ar_cache_write(&ctx, &conf, bad[i], "x", 1),
		    AR_ERR_INTERNAL);
		T_EQ_INT(ar_cache_read(&ctx, &conf, bad[i], 10, &buf, &len,
		    &mtime), AR_ERR_INTERNAL);
	}
	setup(&ctx, &conf, "relative/cache");
	T_EQ_INT(ar_cache_write(&ctx, &conf, "x", "x", 1), AR_ERR_CONFIG);
	setup(&ctx, &conf, NULL);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "x", 10, &buf, &len, &mtime),
	    AR_ERR_CONFIG);
	T_CHECK(buf == NULL);
}

static void
test_unsafe_dir(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	char real[160], link[160], file[200], *buf = NULL;
	size_t len;
	time_t mtime;

	/* A symlink to a perfectly good directory is still refused. */
	snprintf(real, sizeof(real), "%s/real", base);
	snprintf(link, sizeof(link), "%s/link", base);
	T_EQ_INT(mkdir(real, 0700), 0);
	T_EQ_INT(symlink(real, link), 0);
	setup(&ctx, &conf, link);
	T_EQ_INT(ar_cache_write(&ctx, &conf, "jwks-1", "x", 1), AR_ERR_CONFIG);
	T_EQ_INT(count_entries(real), 0);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 10, &buf, &len, &mtime),
	    AR_ERR_CONFIG);
	/* Group or other bits on the directory. */
	setup(&ctx, &conf, real);
	T_EQ_INT(chmod(real, 0770), 0);
	T_EQ_INT(ar_cache_write(&ctx, &conf, "jwks-1", "x", 1), AR_ERR_CONFIG);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 10, &buf, &len, &mtime),
	    AR_ERR_CONFIG);
	T_EQ_INT(chmod(real, 0705), 0);
	T_EQ_INT(ar_cache_write(&ctx, &conf, "jwks-1", "x", 1), AR_ERR_CONFIG);
	T_EQ_INT(chmod(real, 0710), 0);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 10, &buf, &len, &mtime),
	    AR_ERR_CONFIG);
	T_EQ_INT(count_entries(real), 0);
	T_EQ_INT(chmod(real, 0700), 0);
	T_EQ_INT(ar_cache_write(&ctx, &conf, "jwks-1", "x", 1), AR_OK);
	/* A regular file where the directory should be. */
	snprintf(file, sizeof(file), "%s/jwks-1", real);
	setup(&ctx, &conf, file);
	T_EQ_INT(ar_cache_write(&ctx, &conf, "jwks-1", "x", 1), AR_ERR_CONFIG);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 10, &buf, &len, &mtime),
	    AR_ERR_CONFIG);
	T_CHECK(buf == NULL);
}

static void
test_unsafe_entry(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	char target[200], entry[200], sub[200], *buf = NULL;
	size_t len;
	time_t mtime;
	struct stat st;
	int fd;

	fresh_dir("c3");
	T_EQ_INT(mkdir(dir, 0700), 0);
	setup(&ctx, &conf, dir);
	/* A symlinked entry is not read... */
	snprintf(target, sizeof(target), "%s/target", base);
	snprintf(entry, sizeof(entry), "%s/jwks-1", dir);
	fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0600);
	T_CHECK(fd >= 0);
	T_EQ_INT(write(fd, "keep", 4), 4);
	close(fd);
	T_EQ_INT(symlink(target, entry), 0);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 10, &buf, &len, &mtime),
	    AR_ERR_CONFIG);
	T_CHECK(buf == NULL);
	/* ...and a write replaces the link, never writing through it. */
	T_EQ_INT(ar_cache_write(&ctx, &conf, "jwks-1", "new", 3), AR_OK);
	T_EQ_INT(lstat(entry, &st), 0);
	T_CHECK(S_ISREG(st.st_mode));
	T_EQ_INT(stat(target, &st), 0);
	T_EQ_INT(st.st_size, 4);
	/* A group-writable entry is refused. */
	T_EQ_INT(chmod(entry, 0620), 0);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 10, &buf, &len, &mtime),
	    AR_ERR_CONFIG);
	T_EQ_INT(chmod(entry, 0644), 0);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 10, &buf, &len, &mtime),
	    AR_OK);
	free(buf);
	buf = NULL;
	/* A directory as an entry. */
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	T_EQ_INT(mkdir(sub, 0700), 0);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "sub", 10, &buf, &len, &mtime),
	    AR_ERR_CONFIG);
	T_CHECK(buf == NULL);
}

static void
test_owner(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	char entry[200], *buf = NULL;
	size_t len;
	time_t mtime;

	if (geteuid() != 0) {
		T_SKIP("changing owners needs root");
		return;
	}
	fresh_dir("c4");
	setup(&ctx, &conf, dir);
	T_EQ_INT(ar_cache_write(&ctx, &conf, "jwks-1", "x", 1), AR_OK);
	T_EQ_INT(chown(dir, 4321, 4321), 0);
	/* Owned by someone other than root or ctx->owner. */
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 10, &buf, &len, &mtime),
	    AR_ERR_CONFIG);
	T_EQ_INT(ar_cache_write(&ctx, &conf, "jwks-1", "y", 1), AR_ERR_CONFIG);
	/* The expected owner is accepted (ctx->owner is the seam). */
	setup(&ctx, &conf, dir);
	ctx.owner = 4321;
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 10, &buf, &len, &mtime),
	    AR_OK);
	free(buf);
	buf = NULL;
	/* An entry of another user in root's directory. */
	T_EQ_INT(chown(dir, 0, 0), 0);
	snprintf(entry, sizeof(entry), "%s/jwks-1", dir);
	T_EQ_INT(chown(entry, 4321, 4321), 0);
	setup(&ctx, &conf, dir);
	T_EQ_INT(ar_cache_read(&ctx, &conf, "jwks-1", 10, &buf, &len, &mtime),
	    AR_ERR_CONFIG);
	T_CHECK(buf == NULL);
}

int
main(void)
{
	strcpy(base, "/tmp/test_cache.XXXXXX");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	T_RUN(test_write_read);
	T_RUN(test_bad_names);
	T_RUN(test_unsafe_dir);
	T_RUN(test_unsafe_entry);
	T_RUN(test_owner);
	nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return t_done("test_cache");
}
