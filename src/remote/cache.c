/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small files in the root-only cache directory (the JWKS document and its
 * refetch marker).  Everything is done relative to a descriptor of the
 * directory opened without following symlinks, and written to a fresh
 * temporary file that is renamed into place.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "name.h"
#include "errtext.h"
#include "secure.h"

/* A plain file name of letters, digits, '.', '-', '_', not starting '.'. */
static int
name_ok(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' || name[0] == '.' ||
	    strlen(name) > 128)
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int
fail_errno(struct ar_ctx *ctx, int code, const char *what, const char *path,
    int err)
{
	char ebuf[AR_ERRNO_BUF];

	return ar_fail(ctx, code, "cache", "cache: %s: %s: %s", path, what,
	    ar_errno_str(err, ebuf, sizeof(ebuf)));
}

/*
 * Open conf->cache_dir as a directory without following a symlink in its
 * last component, and check the descriptor: a directory owned by root or
 * ctx->owner with no group or other permission bits.  With create set a
 * missing directory is made 0700 first.  AR_NOTHING when absent and not
 * created.
 */
static int
open_dir(struct ar_ctx *ctx, const struct ar_conf *conf, int create,
    int *dfd)
{
	const char *path = conf->cache_dir;
	struct stat st;
	int fd = -1, r = AR_ERR_INTERNAL;

	if (path == NULL || path[0] != '/') {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: cache_dir must be an absolute path");
		goto out;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT && create) {
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			r = fail_errno(ctx, AR_ERR_CONFIG, "cannot create",
			    path, errno);
			goto out;
		}
		fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	}
	if (fd == -1) {
		if (errno == ENOENT && !create) {
			r = AR_NOTHING;
			goto out;
		}
		if (errno == ELOOP || errno == ENOTDIR) {
			/* A symlink could point the cache anywhere. */
			r = ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "cache: %s: is a symbolic link or not a directory",
			    path);
			goto out;
		}
		r = fail_errno(ctx, AR_ERR_CONFIG, "cannot open", path, errno);
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		r = fail_errno(ctx, AR_ERR_CONFIG, "cannot stat", path, errno);
		goto out;
	}
	if ((r = ar_file_check(ctx, "cache", path, &st, AR_FILE_PRIVATE_DIR,
	    0)) != AR_OK)
		goto out;
	*dfd = fd;
	fd = -1;	/* transferred */
	r = AR_OK;
out:
	if (fd != -1)
		close(fd);
	return r;
}

int
ar_cache_read(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *name, size_t max, char **buf, size_t *len, time_t *mtime)
{
	struct stat st;
	char *b = NULL, epath[512];
	size_t got = 0;
	ssize_t n;
	int dfd = -1, fd = -1, r = AR_ERR_INTERNAL;

	if (!name_ok(name)) {
		r = ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "cache: bad entry name");
		goto out;
	}
	if ((r = open_dir(ctx, conf, 0, &dfd)) != AR_OK)
		goto out;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT) {
			r = AR_NOTHING;
			goto out;
		}
		if (errno == ELOOP) {
			r = ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "cache: %s/%s: is a symbolic link", conf->cache_dir,
			    name);
			goto out;
		}
		r = fail_errno(ctx, AR_ERR_CONFIG, "cannot open", name, errno);
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		r = fail_errno(ctx, AR_ERR_CONFIG, "cannot stat", name, errno);
		goto out;
	}
	snprintf(epath, sizeof(epath), "%s/%s", conf->cache_dir, name);
	if ((r = ar_file_check(ctx, "cache", epath, &st, AR_FILE_PUBLIC,
	    max)) != AR_OK)
		goto out;
	r = AR_ERR_INTERNAL;
	if ((b = malloc((size_t)st.st_size + 1)) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "cache: out of memory");
		goto out;
	}
	/* Read what fstat promised; a file that changes size is refused. */
	while (got <= (size_t)st.st_size) {
		n = read(fd, b + got, (size_t)st.st_size + 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			r = fail_errno(ctx, AR_ERR_CONFIG, "cannot read", name,
			    errno);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)st.st_size) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "cache: %s/%s: changed while being read", conf->cache_dir,
		    name);
		goto out;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	*mtime = st.st_mtime;
	b = NULL;	/* transferred */
	r = AR_OK;
out:
	free(b);
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	return r;
}

/* A temporary name ".NAME.XXXXXXXX" unlikely to exist already. */
static void
temp_name(char *buf, size_t n, const char *name)
{
	unsigned int rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd = (unsigned int)getpid() ^ (unsigned int)ar_monotonic_ms();
	snprintf(buf, n, ".%s.%08x", name, rnd);
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ar_cache_write(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *name, const char *buf, size_t len)
{
	struct timespec ts[2];
	char tmp[160];
	int dfd = -1, fd = -1, tries, r = AR_ERR_INTERNAL;

	tmp[0] = '\0';
	if (!name_ok(name)) {
		r = ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "cache: bad entry name");
		goto out;
	}
	if ((r = open_dir(ctx, conf, 1, &dfd)) != AR_OK)
		goto out;
	/* O_EXCL|O_NOFOLLOW: never write through anything planted here. */
	for (tries = 0; tries < 8 && fd == -1; tries++) {
		temp_name(tmp, sizeof(tmp), name);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1 && errno != EEXIST)
			break;
	}
	if (fd == -1) {
		tmp[0] = '\0';
		r = fail_errno(ctx, AR_ERR_INTERNAL, "cannot create a file in",
		    conf->cache_dir, errno);
		goto out;
	}
	/* The entry's age is measured on the caller's clock (ctx->now). */
	ts[0].tv_sec = ts[1].tv_sec = ctx->now;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (write_all(fd, buf, len) == -1 || futimens(fd, ts) == -1 ||
	    fsync(fd) == -1) {
		r = fail_errno(ctx, AR_ERR_INTERNAL, "cannot write", tmp,
		    errno);
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		r = fail_errno(ctx, AR_ERR_INTERNAL, "cannot write", tmp,
		    errno);
		goto out;
	}
	fd = -1;
	if (renameat(dfd, tmp, dfd, name) == -1) {
		r = fail_errno(ctx, AR_ERR_INTERNAL, "cannot rename", tmp,
		    errno);
		goto out;
	}
	tmp[0] = '\0';
	(void)fsync(dfd);
	r = AR_OK;
out:
	if (fd != -1)
		close(fd);
	if (tmp[0] != '\0' && dfd != -1)
		(void)unlinkat(dfd, tmp, 0);
	if (dfd != -1)
		close(dfd);
	return r;
}

int
ar_cache_touch(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *name)
{
	char stamp[32];
	int n;

	/* The content is informative only; the mtime is what counts. */
	n = snprintf(stamp, sizeof(stamp), "%lld\n", (long long)ctx->now);
	return ar_cache_write(ctx, conf, name, stamp, (size_t)n);
}

int
ar_cache_remove(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *name)
{
	int dfd = -1, r = AR_ERR_INTERNAL;

	if (!name_ok(name))
		return ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "cache: bad entry name");
	if ((r = open_dir(ctx, conf, 0, &dfd)) != AR_OK)
		return r == AR_NOTHING ? AR_OK : r;
	if (unlinkat(dfd, name, 0) == -1 && errno != ENOENT)
		r = fail_errno(ctx, AR_ERR_INTERNAL, "cannot remove", name,
		    errno);
	else
		r = AR_OK;
	close(dfd);
	return r;
}

int
ar_cache_remove_prefix(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *prefix, size_t *n)
{
	struct dirent *de;
	DIR *d = NULL;
	size_t plen = prefix != NULL ? strlen(prefix) : 0, gone = 0;
	int dfd = -1, lfd, r = AR_ERR_INTERNAL;

	*n = 0;
	if (plen < 4 || !name_ok(prefix))
		return ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "cache: bad entry prefix");
	if ((r = open_dir(ctx, conf, 0, &dfd)) != AR_OK)
		return r == AR_NOTHING ? AR_OK : r;
	if ((lfd = dup(dfd)) == -1 || (d = fdopendir(lfd)) == NULL) {
		if (lfd != -1)
			close(lfd);
		r = fail_errno(ctx, AR_ERR_INTERNAL, "cannot list",
		    conf->cache_dir, errno);
		goto out;
	}
	r = AR_OK;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) != 0 ||
		    !name_ok(de->d_name))
			continue;
		if (unlinkat(dfd, de->d_name, 0) == -1) {
			if (errno != ENOENT)
				r = fail_errno(ctx, AR_ERR_INTERNAL,
				    "cannot remove", de->d_name, errno);
			continue;
		}
		gone++;
	}
	*n = gone;
out:
	if (d != NULL)
		closedir(d);
	close(dfd);
	return r;
}

void
ar_cache_url_tag(const char *url, char *buf, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a, 64 bits */
	const unsigned char *p;

	for (p = (const unsigned char *)(url != NULL ? url : ""); *p != '\0';
	    p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	snprintf(buf, n, "%016llx", (unsigned long long)h);
}

int
ar_cache_user_entry(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *kind, const char *user, char *buf, size_t n)
{
	char tag[20];

	if (conf->api_url == NULL || user == NULL || !ar_name_ok(user))
		return ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "cache: no API URL or a bad local name");
	ar_cache_url_tag(conf->api_url, tag, sizeof(tag));
	snprintf(buf, n, "%s-%s-%s", kind, tag, user);
	return AR_OK;
}
