/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Careful reading of configuration, key and map files (checked on the
 * opened descriptor, never by path), the one owner and mode rule every
 * trusted file obeys, and the wiping of secrets.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "errtext.h"
#include "secure.h"

/* Describe an open() failure in the words a reader needs. */
static int
fail_open(struct ar_ctx *ctx, const char *path, int err)
{
	char ebuf[AR_ERRNO_BUF];

	switch (err) {
	case ENOENT:
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: no such file", path);
	case ELOOP:
		/* O_NOFOLLOW: a symlink could point anywhere a user likes. */
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: is a symbolic link", path);
	case EACCES:
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: permission denied", path);
	case ENOMEM:
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "conf: %s: out of memory", path);
	default:
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: cannot open: %s", path,
		    ar_errno_str(err, ebuf, sizeof(ebuf)));
	}
}

/* The type a kind asks for, for the detail. */
static const char *
kind_type(enum ar_file_kind kind)
{
	switch (kind) {
	case AR_FILE_DIR:
	case AR_FILE_PRIVATE_DIR:
		return "a directory";
	case AR_FILE_PUBLIC:
	case AR_FILE_SECRET:
		break;
	}
	return "a regular file";
}

int
ar_file_check(struct ar_ctx *ctx, const char *what, const char *path,
    const struct stat *st, enum ar_file_kind kind, size_t max)
{
	int dir = kind == AR_FILE_DIR || kind == AR_FILE_PRIVATE_DIR;

	if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "%s: %s: is not %s", what, path, kind_type(kind));
	/* Whoever owns it can change it: only root or the host's uid. */
	if (st->st_uid != 0 && st->st_uid != ctx->owner) {
		if (ctx->owner == 0)
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "%s: %s: must be owned by root (owner is uid "
			    "%lu)", what, path, (unsigned long)st->st_uid);
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "%s: %s: must be owned by root or uid %lu (owner is "
		    "uid %lu)", what, path, (unsigned long)ctx->owner,
		    (unsigned long)st->st_uid);
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "%s: %s: must not be writable by group or others", what,
		    path);
	if (kind == AR_FILE_SECRET &&
	    (st->st_mode & (S_IRGRP | S_IROTH)) != 0)
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "%s: %s: must not be readable by group or others", what,
		    path);
	/* Others must neither plant entries nor see which are there. */
	if (kind == AR_FILE_PRIVATE_DIR && (st->st_mode & 077) != 0)
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "%s: %s: mode %03o gives access to group or others "
		    "(want 0700)", what, path, (unsigned)(st->st_mode & 0777));
	if (!dir && (st->st_size < 0 ||
	    (unsigned long long)st->st_size > max))
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "%s: %s: is larger than %zu bytes", what, path, max);
	return AR_OK;
}

/*
 * Open path with flags (never following a symlink) and check the opened
 * descriptor with ar_file_check(): the descriptor (the caller closes it)
 * with *st filled in, or -1 with *rp the failure.  Only a descriptor
 * that fstat() described is ever returned.
 */
static int
open_checked(struct ar_ctx *ctx, const char *path, int flags,
    enum ar_file_kind kind, size_t max, struct stat *st, int *rp)
{
	char ebuf[AR_ERRNO_BUF];
	int fd;

	if ((fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		*rp = errno == ENOTDIR && (flags & O_DIRECTORY) != 0 ?
		    ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: is not a directory", path) :
		    fail_open(ctx, path, errno);
		return -1;
	}
	if (fstat(fd, st) != 0) {
		*rp = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: cannot stat: %s", path,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
		close(fd);
		return -1;
	}
	if ((*rp = ar_file_check(ctx, "conf", path, st, kind, max)) !=
	    AR_OK) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A file's content as it is read: wiped whenever it moves. */
struct text {
	char	*p;
	size_t	 used;
	size_t	 cap;
};

/* Grow t to ncap bytes, wiping the old copy. */
static int
grow(struct text *t, size_t ncap)
{
	char *n;

	if ((n = malloc(ncap)) == NULL)
		return AR_ERR_NOMEM;
	if (t->used > 0)
		memcpy(n, t->p, t->used);
	ar_secure_free(t->p, t->cap);
	t->p = n;
	t->cap = ncap;
	return AR_OK;
}

static int
fail_nomem(struct ar_ctx *ctx, const char *path)
{
	return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
	    "conf: %s: out of memory", path);
}

/*
 * Read fd to its end into t, which holds room for the size fstat() saw
 * plus one byte to notice growth; a file that grows past max is refused.
 */
static int
read_to_end(struct ar_ctx *ctx, int fd, const char *path, size_t max,
    struct text *t)
{
	char ebuf[AR_ERRNO_BUF];
	ssize_t n;

	for (;;) {
		if (t->used == t->cap) {
			/* The file grew while we read it. */
			if (t->cap > max)
				return ar_fail(ctx, AR_ERR_CONFIG, "config",
				    "conf: %s: is larger than %zu bytes", path,
				    max);
			if (grow(t, t->cap > max / 2 ? max + 1 : t->cap * 2) !=
			    AR_OK)
				return fail_nomem(ctx, path);
		}
		n = read(fd, t->p + t->used, t->cap - t->used);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: %s: read error: %s", path,
			    ar_errno_str(errno, ebuf, sizeof(ebuf)));
		if (n == 0)
			return AR_OK;
		t->used += (size_t)n;
	}
}

/* What was read must be text of at most max bytes: terminate it. */
static int
finish_text(struct ar_ctx *ctx, const char *path, size_t max, struct text *t)
{
	if (t->used > max)
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: is larger than %zu bytes", path, max);
	/* Every file we read is text; a NUL would cut it short silently. */
	if (memchr(t->p, '\0', t->used) != NULL)
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: contains a NUL byte", path);
	if (t->used == t->cap && grow(t, t->used + 1) != AR_OK)
		return fail_nomem(ctx, path);
	t->p[t->used] = '\0';
	if (t->cap > t->used + 1)
		explicit_bzero(t->p + t->used + 1, t->cap - t->used - 1);
	return AR_OK;
}

int
ar_file_read_mode(struct ar_ctx *ctx, const char *path,
    enum ar_file_kind kind, size_t max, char **bufp, size_t *lenp,
    mode_t *modep)
{
	int r = AR_ERR_INTERNAL, fd = -1;
	struct text t = { NULL, 0, 0 };
	struct stat st;

	if (path == NULL || *path == '\0') {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: empty file name");
		goto out;
	}
	/* O_NONBLOCK: a FIFO put in place of the file must not hang us. */
	if ((fd = open_checked(ctx, path, O_RDONLY | O_NONBLOCK, kind, max,
	    &st, &r)) == -1)
		goto out;
	r = AR_ERR_INTERNAL;

	/* Room for the size seen plus one byte to notice growth. */
	if (grow(&t, (size_t)st.st_size + 1) != AR_OK) {
		r = fail_nomem(ctx, path);
		goto out;
	}
	if ((r = read_to_end(ctx, fd, path, max, &t)) != AR_OK ||
	    (r = finish_text(ctx, path, max, &t)) != AR_OK)
		goto out;

	*bufp = t.p;
	t.p = NULL;	/* transferred */
	*lenp = t.used;
	if (modep != NULL)
		*modep = st.st_mode;
	r = AR_OK;
 out:
	ar_secure_free(t.p, t.cap);
	if (fd != -1)
		close(fd);
	return r;
}

int
ar_file_read(struct ar_ctx *ctx, const char *path, enum ar_file_kind kind,
    size_t max, char **buf, size_t *len)
{
	return ar_file_read_mode(ctx, path, kind, max, buf, len, NULL);
}

int
ar_file_read_secret_mode(struct ar_ctx *ctx, const char *path,
    enum ar_file_kind kind, char **bufp, size_t *lenp, mode_t *modep)
{
	int r = AR_ERR_INTERNAL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	mode_t mode = 0;

	if ((r = ar_file_read_mode(ctx, path, kind, AR_MAX_FILE, &buf, &len,
	    &mode)) != AR_OK)
		goto out;
	r = AR_ERR_INTERNAL;
	cap = len + 1;
	/* One line ending is an editor's doing; anything else is content. */
	if (len > 0 && buf[len - 1] == '\n') {
		buf[--len] = '\0';
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';
	}
	/* An empty key would switch libjwt's verification off. */
	if (len == 0) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: is empty", path);
		goto out;
	}
	*bufp = buf;
	buf = NULL;	/* transferred */
	*lenp = len;
	if (modep != NULL)
		*modep = mode;
	r = AR_OK;
 out:
	ar_secure_free(buf, cap);
	return r;
}

/* One entry of a trust-anchor directory, symlinks followed. */
static int
check_entry(struct ar_ctx *ctx, int dfd, const char *dir, const char *name)
{
	struct stat st;
	char path[512], ebuf[AR_ERRNO_BUF];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (fstatat(dfd, name, &st, 0) != 0)
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: cannot stat: %s", path,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
	return ar_file_check(ctx, "conf", path, &st, S_ISDIR(st.st_mode) ?
	    AR_FILE_DIR : AR_FILE_PUBLIC, AR_MAX_CA_FILE);
}

int
ar_dir_check(struct ar_ctx *ctx, const char *path)
{
	struct dirent *de;
	struct stat st;
	DIR *d = NULL;
	char ebuf[AR_ERRNO_BUF];
	int fd = -1, n = 0, r = AR_ERR_INTERNAL;

	if (path == NULL || path[0] != '/') {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: not an absolute path", path ? path : "(none)");
		goto out;
	}
	if ((fd = open_checked(ctx, path, O_RDONLY | O_DIRECTORY, AR_FILE_DIR,
	    0, &st, &r)) == -1)
		goto out;
	r = AR_ERR_INTERNAL;
	if ((d = fdopendir(fd)) == NULL) {
		r = errno == ENOMEM ? ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "conf: %s: out of memory", path) : fail_open(ctx, path,
		    errno);
		goto out;
	}
	fd = -1;	/* transferred to d */
	/* Every certificate the TLS library may pick up is checked. */
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (++n > AR_MAX_CA_ENTRIES) {
			r = ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: %s: more than %d entries", path,
			    AR_MAX_CA_ENTRIES);
			goto out;
		}
		if ((r = check_entry(ctx, dirfd(d), path, de->d_name)) !=
		    AR_OK)
			goto out;
	}
	if (errno != 0) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: cannot list: %s", path,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	r = AR_OK;
 out:
	if (d != NULL)
		closedir(d);
	if (fd != -1)
		close(fd);
	return r;
}

void
ar_secure_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	explicit_bzero(p, len);
	free(p);
}

void
ar_secure_free_str(char *s)
{
	if (s == NULL)
		return;
	ar_secure_free(s, strlen(s));
}

int
ar_ct_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int diff;

	/* Always compare the common prefix so only lengths show in timing. */
	diff = n == 0 ? 0 : CRYPTO_memcmp(a, b, n);
	return (diff == 0) & (alen == blen);
}

char *
ar_strdup(const char *s)
{
	char *d;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if ((d = malloc(n)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(d, s, n);
	return d;
}

int
ar_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
