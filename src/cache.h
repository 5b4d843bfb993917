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
 * mode 0700 (no group/other bits).  On AR_OK *buf (malloc'ed) and *mtime.
 * AR_NOTHING when absent.  Errors: AR_ERR_CONFIG (unsafe dir or file),
 * AR_ERR_NOMEM.
 */
int	ar_cache_read(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *name, size_t max, char **buf, size_t *len,
	    time_t *mtime);

/*
 * Write entry name atomically (O_EXCL|O_NOFOLLOW temp file, fsync,
 * rename).  Creates cache_dir 0700 when missing.  Errors: AR_ERR_CONFIG,
 * AR_ERR_INTERNAL (I/O), AR_ERR_NOMEM.
 */
int	ar_cache_write(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *name, const char *buf, size_t len);

/* Touch entry name's mtime to now (records a refetch attempt). */
int	ar_cache_touch(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *name);

#endif /* AR_CACHE_H */
