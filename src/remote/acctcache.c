/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Account cache entries: one snapshot file per local user and API URL in
 * the cache directory, written after each answer AuthRocket gives about
 * the account and read by the account phase.
 */
#include <string.h>

#include "acctcache.h"

#define KIND	"acct"

int
ar_acctcache_read(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, struct ar_snapshot *s)
{
	return ar_snapshot_load(ctx, conf, KIND, user, s);
}

int
ar_acctcache_get(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, struct ar_identity *id, int64_t *age)
{
	struct ar_ctx scratch;
	struct ar_snapshot s;
	int64_t a;
	int r;

	if (conf->account_cache_timeout == 0 || conf->api_url == NULL)
		return AR_NOTHING;
	ar_ctx_try(ctx, &scratch);
	memset(&s, 0, sizeof(s));
	if ((r = ar_acctcache_read(&scratch, conf, user, &s)) != AR_OK) {
		if (r != AR_NOTHING)
			ar_log_trial(ctx, AR_LOG_WARNING, &scratch,
			    "acctcache: entry ignored: ");
		return AR_NOTHING;
	}
	a = (int64_t)ctx->now - s.saved_at;
	/* Stale, or written by a clock ahead of ours: ask again. */
	if (a < 0 || a >= conf->account_cache_timeout || !s.id.have_state) {
		ar_snapshot_clear(&s);
		return AR_NOTHING;
	}
	*id = s.id;
	memset(&s.id, 0, sizeof(s.id));	/* transferred */
	ar_snapshot_clear(&s);
	*age = a;
	return AR_OK;
}

void
ar_acctcache_put(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, const struct ar_identity *id)
{
	struct ar_ctx scratch;
	struct ar_snapshot s;

	if (conf->account_cache_timeout == 0 || conf->api_url == NULL ||
	    !id->have_state)
		return;
	ar_ctx_try(ctx, &scratch);
	memset(&s, 0, sizeof(s));
	s.saved_at = (int64_t)ctx->now;
	if (ar_snapshot_copy_id(&scratch, id, &s.id) != AR_OK ||
	    ar_snapshot_save(&scratch, conf, KIND, user, &s) != AR_OK)
		ar_log_trial(ctx, AR_LOG_WARNING, &scratch,
		    "acctcache: not kept: ");
	ar_snapshot_clear(&s);
}

int
ar_acctcache_drop(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user)
{
	return ar_snapshot_drop(ctx, conf, KIND, user);
}
