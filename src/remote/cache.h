/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small files in the root-only cache directory: written to a temporary
 * file and renamed, read back with the same checks as configuration.
 */
#ifndef AR_CACHE_H
#define AR_CACHE_H

#include "ar.h"
#include "conf.h"

/*
 * Read cache entry name (a plain file name, no '/') from conf->cache_dir.
 * The directory must be a real directory owned by root or ctx->owner with
 * mode 0700 (no group/other bits); the entry a regular file (never a
 * symlink) owned by root or ctx->owner, not group/other-writable, at most
 * max bytes.  Names are [A-Za-z0-9._-] not starting with '.'.  On AR_OK
 * *buf (malloc'ed, NUL terminated), *len and *mtime.  AR_NOTHING when the
 * entry or the directory is absent.  Errors: AR_ERR_CONFIG (unsafe dir or
 * file, too large), AR_ERR_INTERNAL (bad name), AR_ERR_NOMEM.
 */
int	ar_cache_read(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *name, size_t max, char **buf, size_t *len,
	    time_t *mtime);

/*
 * Write entry name atomically (O_EXCL|O_NOFOLLOW temp file, fsync,
 * rename).  Creates cache_dir 0700 when missing.  The entry's mtime is
 * set to ctx->now, so that ages compare on one clock.  Errors:
 * AR_ERR_CONFIG, AR_ERR_INTERNAL (I/O, bad entry name), AR_ERR_NOMEM.
 */
int	ar_cache_write(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *name, const char *buf, size_t len);

/*
 * Record "now" in entry name: written as ar_cache_write() does (created
 * when absent), mtime ctx->now.  Used to remember a refetch attempt.
 */
int	ar_cache_touch(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *name);

#endif /* AR_CACHE_H */
