/*
 * Account cache entries: one snapshot file per local user and API URL in
 * the cache directory, written after each answer AuthRocket gives about
 * the account and read by the account phase.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctcache.h"
#include "cache.h"
#include "name.h"
#include "secure.h"

static int
entry_name(struct ar_ctx *ctx, const struct ar_conf *conf, const char *user,
    char *buf, size_t n)
{
	char tag[20];

	if (conf->api_url == NULL || user == NULL || !ar_name_ok(user))
		return ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "acctcache: no API URL or a bad local name");
	ar_cache_url_tag(conf->api_url, tag, sizeof(tag));
	snprintf(buf, n, "acct-%s-%s", tag, user);
	return AR_OK;
}

int
ar_acctcache_read(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, struct ar_snapshot *s)
{
	char name[96], *buf = NULL;
	size_t len = 0;
	time_t mtime;
	int r;

	if ((r = entry_name(ctx, conf, user, name, sizeof(name))) != AR_OK)
		return r;
	if ((r = ar_cache_read(ctx, conf, name, AR_SNAPSHOT_MAX, &buf, &len,
	    &mtime)) != AR_OK)
		return r;
	r = ar_snapshot_decode(ctx, buf, len, s);
	free(buf);
	return r;
}

int
ar_acctcache_get(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, struct ar_identity *id, int64_t *age)
{
	struct ar_ctx scratch = *ctx;
	struct ar_snapshot s;
	int64_t a;
	int r;

	if (conf->account_cache_timeout == 0 || conf->api_url == NULL)
		return AR_NOTHING;
	scratch.err = AR_OK;
	memset(&s, 0, sizeof(s));
	if ((r = ar_acctcache_read(&scratch, conf, user, &s)) != AR_OK) {
		if (r != AR_NOTHING)
			ar_log(ctx, AR_LOG_WARNING, "acctcache: entry ignored: "
			    "%s", scratch.detail);
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
	struct ar_ctx scratch = *ctx;
	struct ar_snapshot s;
	char name[96], *buf = NULL;
	size_t len = 0;

	if (conf->account_cache_timeout == 0 || conf->api_url == NULL ||
	    !id->have_state)
		return;
	scratch.err = AR_OK;
	memset(&s, 0, sizeof(s));
	s.saved_at = (int64_t)ctx->now;
	if (entry_name(&scratch, conf, user, name, sizeof(name)) != AR_OK ||
	    ar_snapshot_copy_id(&scratch, id, &s.id) != AR_OK ||
	    ar_snapshot_encode(&scratch, &s, &buf, &len) != AR_OK ||
	    ar_cache_write(&scratch, conf, name, buf, len) != AR_OK)
		ar_log(ctx, AR_LOG_WARNING, "acctcache: not kept: %s",
		    scratch.detail);
	free(buf);
	ar_snapshot_clear(&s);
}

int
ar_acctcache_drop(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user)
{
	char name[96];
	int r;

	if ((r = entry_name(ctx, conf, user, name, sizeof(name))) != AR_OK)
		return r;
	return ar_cache_remove(ctx, conf, name);
}
