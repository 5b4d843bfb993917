/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Careful reading of configuration, key and map files (checked on the
 * opened descriptor, never by path), and the wiping and constant-time
 * comparison of secrets.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "secure.h"

/* Describe an open() failure without the thread-unsafe strerror(). */
static int
fail_open(struct ar_ctx *ctx, const char *path, int err)
{
	char ebuf[128];

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
		return ar_fail(ctx, AR_ERR_NOMEM, "nomem",
		    "conf: %s: out of memory", path);
	default:
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: cannot open: %s", path,
		    strerror_r(err, ebuf, sizeof(ebuf)));
	}
}

/* The file rules (docs/security.md, Files), on the opened descriptor. */
static int
check_stat(struct ar_ctx *ctx, const char *path, const struct stat *st,
    int kind, size_t max)
{
	if (!S_ISREG(st->st_mode))
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: is not a regular file", path);
	if (st->st_uid != 0 && st->st_uid != ctx->owner) {
		if (ctx->owner == 0)
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: %s: must be owned by root (owner is uid "
			    "%lu)", path, (unsigned long)st->st_uid);
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: must be owned by root or uid %lu (owner is "
		    "uid %lu)", path, (unsigned long)ctx->owner,
		    (unsigned long)st->st_uid);
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: must not be writable by group or others", path);
	if (kind == AR_FILE_SECRET &&
	    (st->st_mode & (S_IRGRP | S_IROTH)) != 0)
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: must not be readable by group or others", path);
	if (st->st_size < 0 || (unsigned long long)st->st_size > max)
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: is larger than %zu bytes", path, max);
	return AR_OK;
}

/* Grow *buf (capacity *cap, used bytes) to ncap, wiping the old copy. */
static int
grow(char **buf, size_t *cap, size_t used, size_t ncap)
{
	char *n;

	if ((n = malloc(ncap)) == NULL)
		return AR_ERR_NOMEM;
	if (used > 0)
		memcpy(n, *buf, used);
	ar_secure_free(*buf, *cap);
	*buf = n;
	*cap = ncap;
	return AR_OK;
}

int
ar_file_read_mode(struct ar_ctx *ctx, const char *path, int kind,
    size_t max, char **bufp, size_t *lenp, mode_t *modep)
{
	int r = AR_ERR_INTERNAL, fd = -1;
	struct stat st;
	char *buf = NULL, ebuf[128];
	size_t cap = 0, used = 0;
	ssize_t n;

	if (path == NULL || *path == '\0') {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: empty file name");
		goto out;
	}
	/* O_NONBLOCK: a FIFO put in place of the file must not hang us. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		r = fail_open(ctx, path, errno);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: cannot stat: %s", path,
		    strerror_r(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	if ((r = check_stat(ctx, path, &st, kind, max)) != AR_OK)
		goto out;
	r = AR_ERR_INTERNAL;

	/* Room for the size seen plus one byte to notice growth. */
	if (grow(&buf, &cap, 0, (size_t)st.st_size + 1) != AR_OK) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "nomem",
		    "conf: %s: out of memory", path);
		goto out;
	}
	for (;;) {
		if (used == cap) {
			/* The file grew while we read it. */
			if (cap > max) {
				r = ar_fail(ctx, AR_ERR_CONFIG, "config",
				    "conf: %s: is larger than %zu bytes", path,
				    max);
				goto out;
			}
			if (grow(&buf, &cap, used, cap > max / 2 ?
			    max + 1 : cap * 2) != AR_OK) {
				r = ar_fail(ctx, AR_ERR_NOMEM, "nomem",
				    "conf: %s: out of memory", path);
				goto out;
			}
		}
		n = read(fd, buf + used, cap - used);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			r = ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: %s: read error: %s", path,
			    strerror_r(errno, ebuf, sizeof(ebuf)));
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: is larger than %zu bytes", path, max);
		goto out;
	}
	/* Every file we read is text; a NUL would cut it short silently. */
	if (memchr(buf, '\0', used) != NULL) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: contains a NUL byte", path);
		goto out;
	}
	if (used == cap && grow(&buf, &cap, used, used + 1) != AR_OK) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "nomem",
		    "conf: %s: out of memory", path);
		goto out;
	}
	buf[used] = '\0';
	if (cap > used + 1)
		explicit_bzero(buf + used + 1, cap - used - 1);

	*bufp = buf;
	buf = NULL;	/* transferred */
	*lenp = used;
	if (modep != NULL)
		*modep = st.st_mode;
	r = AR_OK;
 out:
	ar_secure_free(buf, cap);
	if (fd != -1)
		close(fd);
	return r;
}

int
ar_file_read(struct ar_ctx *ctx, const char *path, int kind, size_t max,
    char **buf, size_t *len)
{
	return ar_file_read_mode(ctx, path, kind, max, buf, len, NULL);
}

int
ar_file_read_secret_mode(struct ar_ctx *ctx, const char *path, int kind,
    char **bufp, size_t *lenp, mode_t *modep)
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

int
ar_file_read_secret(struct ar_ctx *ctx, const char *path, int kind,
    char **buf, size_t *len)
{
	return ar_file_read_secret_mode(ctx, path, kind, buf, len, NULL);
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
