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

/*
 * Remove entry name; an absent entry or directory is AR_OK.  Errors:
 * AR_ERR_CONFIG (unsafe directory), AR_ERR_INTERNAL (bad name, I/O).
 */
int	ar_cache_remove(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *name);

/*
 * Remove every entry whose name starts with prefix (at least 4
 * characters); *n receives how many went.  Errors as ar_cache_remove().
 */
int	ar_cache_remove_prefix(struct ar_ctx *ctx,
	    const struct ar_conf *conf, const char *prefix, size_t *n);

/*
 * The entry name "KIND-TAG-USER" of a per-user cache entry for
 * conf->api_url (TAG from ar_cache_url_tag()) into buf (at least 96
 * bytes).  Errors: AR_ERR_INTERNAL when there is no api_url or user is
 * not a valid local account name (such a name is never stored).
 */
int	ar_cache_user_entry(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *kind, const char *user, char *buf, size_t n);

/*
 * A short tag naming a URL in entry names: 16 hex digits of FNV-1a 64
 * (not a secret and not a defence; the file rules are).  buf holds at
 * least 17 bytes.
 */
void	ar_cache_url_tag(const char *url, char *buf, size_t n);

#endif /* AR_CACHE_H */
