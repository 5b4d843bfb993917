/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two decisions the module makes, independent of PAM: authenticate
 * (prompt, verify token or password, map, policy) and account (is the
 * person behind this local account still allowed).
 */
#ifndef AR_AUTH_H
#define AR_AUTH_H

#include "ar.h"
#include "conf.h"
#include "identity.h"

/*
 * Authenticate ctx->user: prompt through ctx->prompt, route the input by
 * conf->mode, verify it, map the identity to a local name equal to
 * ctx->user and apply the policy.  Logs the decision line.  On AR_OK *id
 * holds the identity (owned by the caller, ar_identity_free()).
 */
int	ar_auth_authenticate(struct ar_ctx *ctx, const struct ar_conf *conf,
	    struct ar_identity **id);

/*
 * Account check for ctx->user.  prior is the identity this handle's
 * authentication established, or NULL.  Returns AR_OK, AR_ERR_DENIED,
 * AR_ERR_USER_UNKNOWN, AR_ERR_UNAVAIL, AR_NOTHING (nothing to check), or
 * another error.  Logs the decision line.
 */
int	ar_auth_account(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const struct ar_identity *prior);

#endif /* AR_AUTH_H */
