/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cache commands of authrocket-check: show what the account cache,
 * the credential cache and the outage marker hold for a user, and drop
 * it (after a person's password was changed or their access withdrawn,
 * or to end an outage window early).
 */
#include <stdio.h>
#include <string.h>

#include "acctcache.h"
#include "cache.h"
#include "cache_cmd.h"
#include "credcache.h"
#include "name.h"
#include "outage.h"
#include "snapshot.h"

#define DAY	86400

static void
show_account(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, ar_check_put_fn *put, void *arg)
{
	struct ar_ctx scratch;
	struct ar_snapshot s;
	char buf[200];
	long long age;
	int r;

	ar_ctx_try(ctx, &scratch);
	memset(&s, 0, sizeof(s));
	if ((r = ar_acctcache_read(&scratch, conf, user, &s)) != AR_OK) {
		put(arg, "account_cache", r == AR_NOTHING ? "none" :
		    scratch.detail);
		return;
	}
	age = (long long)ctx->now - (long long)s.saved_at;
	snprintf(buf, sizeof(buf), "%s %s, %lld s old (%s)",
	    s.id.user_id != NULL ? s.id.user_id : "-",
	    s.id.active ? "active" : "inactive", age,
	    conf->account_cache_timeout > 0 && age >= 0 &&
	    age < conf->account_cache_timeout ? "used" : "stale, not used");
	put(arg, "account_cache", buf);
	ar_snapshot_clear(&s);
}

static void
show_credentials(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, ar_check_put_fn *put, void *arg)
{
	struct ar_ctx scratch;
	struct ar_snapshot s;
	const char *state;
	char buf[200];
	long long age;
	int r;

	ar_ctx_try(ctx, &scratch);
	memset(&s, 0, sizeof(s));
	if ((r = ar_credcache_read(&scratch, conf, user, &s)) !=
	    AR_OK) {
		put(arg, "cached_login", r == AR_NOTHING ? "none" :
		    scratch.detail);
		return;
	}
	age = (long long)ctx->now - (long long)s.saved_at;
	if (s.code_user)
		state = "code user, no offline login";
	else if (s.verifier == NULL)
		state = "no verifier";
	else if (s.fails >= conf->offline_failed_login_attempts)
		state = "locked until the next online login";
	else if (age < 0 || (conf->offline_credentials_expiration > 0 &&
	    age > conf->offline_credentials_expiration * DAY))
		state = "expired";
	else if (!conf->cache_credentials)
		state = "kept, but cache_credentials is off";
	else
		state = "usable while AuthRocket is unreachable";
	snprintf(buf, sizeof(buf), "last online login %lld s ago, %lld wrong "
	    "offline password(s), %s", age, (long long)s.fails, state);
	put(arg, "cached_login", buf);
	ar_snapshot_clear(&s);
}

void
ar_check_cache_show(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, ar_check_put_fn *put, void *arg)
{
	struct ar_ctx scratch;
	struct ar_outage o;
	char buf[200];

	if (conf->api_url == NULL || !ar_name_ok(user))
		return;
	show_account(ctx, conf, user, put, arg);
	show_credentials(ctx, conf, user, put, arg);
	ar_ctx_try(ctx, &scratch);
	if (ar_outage_read(&scratch, conf, &o) != AR_OK) {
		put(arg, "outage", "none");
		return;
	}
	snprintf(buf, sizeof(buf), "unreachable since %lld (%s), %lld s left "
	    "in the window", (long long)o.since, o.reason,
	    (long long)(o.until > ctx->now ? o.until - ctx->now : 0));
	put(arg, "outage", buf);
}

/* Everything kept for conf->api_url: both caches and the marker. */
static int
clear_all(struct ar_ctx *ctx, const struct ar_conf *conf, size_t *gone)
{
	static const char *const kinds[] = { "cred", "acct", NULL };
	char tag[20], prefix[48], name[48];
	size_t i, n;
	int r;

	*gone = 0;
	ar_cache_url_tag(conf->api_url, tag, sizeof(tag));
	for (i = 0; kinds[i] != NULL; i++) {
		snprintf(prefix, sizeof(prefix), "%s-%s-", kinds[i], tag);
		if ((r = ar_cache_remove_prefix(ctx, conf, prefix, &n)) !=
		    AR_OK)
			return r;
		*gone += n;
	}
	ar_outage_name(conf, name, sizeof(name));
	return ar_cache_remove(ctx, conf, name);
}

int
ar_check_cache_cmd(struct ar_ctx *ctx, const struct ar_conf *conf,
    int argc, char **argv, ar_check_put_fn *put, void *arg)
{
	char buf[64];
	size_t gone = 0;
	int r;

	if (argc < 1 || argc > 2 || strcmp(argv[0], "clear") != 0)
		return 2;
	if (conf->api_url == NULL) {
		put(arg, "cache", "no api_url: nothing is cached");
		return 0;
	}
	if (argc == 2) {
		if (!ar_name_ok(argv[1])) {
			put(arg, "cache", "not a local account name");
			return 2;
		}
		if ((r = ar_acctcache_drop(ctx, conf, argv[1])) == AR_OK)
			r = ar_credcache_drop(ctx, conf, argv[1]);
		put(arg, "cache", r == AR_OK ? "cleared" : ctx->detail);
		return r == AR_OK ? 0 : 1;
	}
	r = clear_all(ctx, conf, &gone);
	snprintf(buf, sizeof(buf), "cleared %zu entries", gone);
	put(arg, "cache", r == AR_OK ? buf : ctx->detail);
	return r == AR_OK ? 0 : 1;
}
