/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging in while AuthRocket is away, and keeping what makes that
 * possible: the glue between the authentication flow and the credential
 * and account caches.  A cached verifier is used only when AuthRocket
 * could not be asked, never to overrule an answer it gave.
 */
#include <string.h>

#include "acctcache.h"
#include "credcache.h"
#include "offline.h"
#include "outage.h"

#define SOURCE_OFFLINE	"offline"

int
ar_offline_is(const struct ar_identity *id)
{
	return id != NULL && id->source != NULL &&
	    strcmp(id->source, SOURCE_OFFLINE) == 0;
}

int
ar_offline_password(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *password, int r, struct ar_identity *id,
    const char **method)
{
	struct ar_ctx scratch;
	struct ar_identity kept;
	int rr;

	/* Only when AuthRocket could not be asked: never after an answer. */
	if (r != AR_ERR_UNAVAIL || !conf->cache_credentials ||
	    !ar_outage_reason(ctx->reason) || ctx->user == NULL)
		return r;
	ar_ctx_try(ctx, &scratch);
	memset(&kept, 0, sizeof(kept));
	rr = ar_credcache_verify(&scratch, conf, ctx->user, password, &kept);
	if (rr == AR_NOTHING)
		return r;
	*method = SOURCE_OFFLINE;
	ar_log(ctx, AR_LOG_INFO, "AuthRocket unreachable (%s): password "
	    "checked against the cached verifier", ctx->reason);
	ar_ctx_clear_error(ctx);
	if (rr != AR_OK)
		return ar_ctx_adopt(ctx, &scratch, rr);
	ar_identity_clear(id);
	*id = kept;
	id->source = SOURCE_OFFLINE;
	return AR_OK;
}

void
ar_offline_after_account(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *method, int r)
{
	struct ar_ctx scratch;

	if (strcmp(method, "api") != 0 || (r != AR_ERR_DENIED &&
	    r != AR_ERR_USER_UNKNOWN) || conf->api_url == NULL ||
	    ctx->user == NULL)
		return;
	ar_ctx_try(ctx, &scratch);
	if (ar_credcache_drop(&scratch, conf, ctx->user) != AR_OK)
		ar_log_trial(ctx, AR_LOG_WARNING, &scratch,
		    "credcache: cannot drop: ");
}

/* Errors here never change a decision; they are only worth a line. */
static void
quietly(struct ar_ctx *ctx, int r, const struct ar_ctx *scratch,
    const char *what)
{
	if (r != AR_OK)
		ar_log_trial(ctx, AR_LOG_WARNING, scratch, "%s: ", what);
}

void
ar_offline_after_login(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *password, int code_user, int online,
    const struct ar_identity *id, int r)
{
	struct ar_ctx scratch;

	if (conf->api_url == NULL || ctx->user == NULL)
		return;
	ar_ctx_try(ctx, &scratch);
	if (online && (r == AR_OK || r == AR_ERR_DENIED) && id != NULL)
		ar_acctcache_put(ctx, conf, ctx->user, id);
	if (online && r == AR_OK && conf->cache_credentials) {
		quietly(ctx, ar_credcache_store(&scratch, conf, ctx->user,
		    password, code_user, id), &scratch,
		    "credcache: verifier not kept");
		return;
	}
	/* AuthRocket refused the person (not just the password): forget. */
	if ((online && r == AR_ERR_DENIED) || (!online &&
	    r == AR_ERR_USER_UNKNOWN && ctx->reason != NULL &&
	    strcmp(ctx->reason, "unknown_user") == 0)) {
		quietly(ctx, ar_credcache_drop(&scratch, conf, ctx->user),
		    &scratch, "credcache: cannot drop");
		if (!online)
			quietly(ctx, ar_acctcache_drop(&scratch, conf,
			    ctx->user), &scratch, "acctcache: cannot drop");
	}
}
