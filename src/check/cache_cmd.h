/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-check's view of the outage caches: what is kept for a local
 * user, and dropping it.
 */
#ifndef AR_CHECK_CACHE_CMD_H
#define AR_CHECK_CACHE_CMD_H

#include "ar.h"
#include "conf.h"

/* Print one "key value" pair of the command's output. */
typedef void ar_check_put_fn(void *arg, const char *key, const char *val);

/*
 * Print what the caches hold for local user under conf->api_url: the
 * account cache entry (state, age, fresh or stale), the cached
 * credentials (age of the last online login, offline failures, locked,
 * expired, code user) and the outage marker.  Never a verifier.
 */
void	ar_check_cache_show(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *user, ar_check_put_fn *put, void *arg);

/*
 * "cache clear [LOCAL_USER]": drop what is kept for the user (both
 * caches), or without a user everything kept for conf->api_url
 * (including the outage marker).  argv holds the words after "cache".
 * Returns 0 done, 1 failed, 2 usage.
 */
int	ar_check_cache_cmd(struct ar_ctx *ctx, const struct ar_conf *conf,
	    int argc, char **argv, ar_check_put_fn *put, void *arg);

#endif /* AR_CHECK_CACHE_CMD_H */
