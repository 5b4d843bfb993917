/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The account cache: what AuthRocket last said about the person behind a
 * local account (state, memberships), reused by the account phase for
 * account_cache_timeout seconds so that a burst of sudo or cron checks
 * costs one request.  The policy is applied to the cached state each
 * time, so an inactive answer stays a denial.
 */
#ifndef AR_ACCTCACHE_H
#define AR_ACCTCACHE_H

#include "ar.h"
#include "conf.h"
#include "identity.h"
#include "snapshot.h"

/*
 * A fresh cached answer for local user: AR_OK with *id filled (the
 * caller clears it) and *age seconds; AR_NOTHING when the cache is off,
 * empty, stale or unreadable (the latter logged).
 */
int	ar_acctcache_get(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *user, struct ar_identity *id, int64_t *age);

/* Keep id (it must carry the state) for user; failures are logged only. */
void	ar_acctcache_put(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *user, const struct ar_identity *id);

/* Read the entry for authrocket-check: AR_OK, AR_NOTHING or an error. */
int	ar_acctcache_read(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *user, struct ar_snapshot *s);

/* Forget user's entry (absent is AR_OK). */
int	ar_acctcache_drop(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *user);

#endif /* AR_ACCTCACHE_H */
