/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The credential cache: yescrypt verifiers made and checked with
 * libcrypt, the same scheme and default cost as Debian's /etc/shadow, so
 * an offline check costs what a pam_unix login costs.  The only file that
 * includes <crypt.h>.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "credcache.h"
#include "secure.h"

#define KIND		"cred"
#define YESCRYPT	"$y$"
#define DAY		86400
/* A record dated further ahead than this is not trusted. */
#define CLOCK_SLACK	300

/*
 * crypt_r(password, setting) into a malloc'ed copy.  The work area holds
 * password-derived state and is wiped.
 */
static int
hash(struct ar_ctx *ctx, const char *password, const char *setting,
    char **out)
{
	struct crypt_data *cd;
	const char *h;
	int r = AR_ERR_INTERNAL;

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "credcache: out of memory");
	h = crypt_r(password, setting, cd);
	/* Failures come back as NULL or a string starting with '*'. */
	if (h == NULL || strncmp(h, YESCRYPT, strlen(YESCRYPT)) != 0)
		r = ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "credcache: yescrypt failed");
	else if ((*out = ar_strdup(h)) == NULL)
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "credcache: out of memory");
	else
		r = AR_OK;
	ar_secure_free(cd, sizeof(*cd));
	return r;
}

int
ar_credcache_store(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, const char *password, int code_user,
    const struct ar_identity *id)
{
	struct ar_snapshot s;
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	int r = AR_ERR_INTERNAL;

	memset(&s, 0, sizeof(s));
	s.saved_at = (int64_t)ctx->now;
	s.code_user = code_user;
	if (!code_user) {
		/* Count 0: libcrypt's default cost, as for /etc/shadow. */
		if (crypt_gensalt_rn(YESCRYPT, 0, NULL, 0, setting,
		    sizeof(setting)) == NULL) {
			r = ar_fail(ctx, AR_ERR_INTERNAL, "internal",
			    "credcache: no yescrypt salt");
			goto out;
		}
		if ((r = hash(ctx, password, setting, &s.verifier)) != AR_OK)
			goto out;
	}
	if ((r = ar_snapshot_copy_id(ctx, id, &s.id)) != AR_OK)
		goto out;
	r = ar_snapshot_save(ctx, conf, KIND, user, &s);
 out:
	ar_snapshot_clear(&s);
	return r;
}

int
ar_credcache_read(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, struct ar_snapshot *s)
{
	return ar_snapshot_load(ctx, conf, KIND, user, s);
}

/* Is the record usable at all?  AR_OK, or AR_ERR_UNAVAIL with a reason. */
static int
usable(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_snapshot *s)
{
	int64_t now = (int64_t)ctx->now;

	if (s->code_user)
		return ar_fail(ctx, AR_ERR_UNAVAIL, "offline_code_user",
		    "credcache: the realm asks this user for a verification "
		    "code: no offline login");
	if (s->fails >= conf->offline_failed_login_attempts)
		return ar_fail(ctx, AR_ERR_UNAVAIL, "offline_locked",
		    "credcache: %lld wrong offline passwords since the last "
		    "online login", (long long)s->fails);
	if (s->saved_at > now + CLOCK_SLACK ||
	    (conf->offline_credentials_expiration > 0 && now - s->saved_at >
	    conf->offline_credentials_expiration * DAY))
		return ar_fail(ctx, AR_ERR_UNAVAIL, "offline_expired",
		    "credcache: last online login at %lld is too long ago",
		    (long long)s->saved_at);
	return AR_OK;
}

int
ar_credcache_verify(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, const char *password, struct ar_identity *id)
{
	struct ar_snapshot s;
	char *h = NULL;
	int r = AR_ERR_INTERNAL;

	memset(&s, 0, sizeof(s));
	if ((r = ar_credcache_read(ctx, conf, user, &s)) != AR_OK)
		goto out;
	if (!s.code_user && s.verifier == NULL) {
		r = AR_NOTHING;
		goto out;
	}
	if ((r = usable(ctx, conf, &s)) != AR_OK)
		goto out;
	if (strncmp(s.verifier, YESCRYPT, strlen(YESCRYPT)) != 0) {
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_cache",
		    "credcache: %s: not a yescrypt verifier", user);
		goto out;
	}
	if ((r = hash(ctx, password, s.verifier, &h)) != AR_OK)
		goto out;
	/* Constant time: how much matched must not show in the timing. */
	if (!ar_ct_equal(h, strlen(h), s.verifier, strlen(s.verifier))) {
		s.fails++;
		if (ar_snapshot_save(ctx, conf, KIND, user, &s) != AR_OK)
			ar_log(ctx, AR_LOG_WARNING, "credcache: %s: cannot "
			    "count a failure", user);
		ar_ctx_clear_error(ctx);
		r = ar_fail(ctx, AR_ERR_AUTH, "auth_failed",
		    "credcache: wrong offline password (%lld of %lld)",
		    (long long)s.fails,
		    (long long)conf->offline_failed_login_attempts);
		goto out;
	}
	*id = s.id;
	memset(&s.id, 0, sizeof(s.id));	/* transferred */
	r = AR_OK;
 out:
	ar_secure_free_str(h);
	ar_snapshot_clear(&s);
	return r;
}

int
ar_credcache_drop(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user)
{
	return ar_snapshot_drop(ctx, conf, KIND, user);
}
