/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The decisions around an AuthRocket outage: when a password login may
 * be checked against the cached verifier instead, and what an online
 * answer leaves behind for the next outage and the account cache.
 */
#ifndef AR_OFFLINE_H
#define AR_OFFLINE_H

#include "ar.h"
#include "conf.h"
#include "identity.h"

/*
 * The password path ended in r.  When r says AuthRocket could not be
 * reached (or the fast-failure window is open) and cache_credentials is
 * on, check password against ctx->user's cached verifier: AR_OK with *id
 * replaced by the identity kept at the last online login (source
 * "offline", *method "offline"); AR_ERR_AUTH for a wrong password;
 * AR_ERR_UNAVAIL when the verifier is locked, expired or belongs to a
 * code user.  Without a verifier, and for every other r, r is returned
 * unchanged with ctx untouched.
 */
int	ar_offline_password(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *password, int r, struct ar_identity *id,
	    const char **method);

/*
 * After a password login decided r.  online set: AuthRocket vouched for
 * password and id is its fresh identity for ctx->user.  On success the
 * verifier (or, for code_user, the refusal) is kept and the account
 * cache refreshed; a policy denial refreshes the account cache and drops
 * the verifier; AuthRocket not knowing the user drops both.  Never fails.
 */
void	ar_offline_after_login(struct ar_ctx *ctx,
	    const struct ar_conf *conf, const char *password, int code_user,
	    int online, const struct ar_identity *id, int r);

/*
 * After an account check that asked AuthRocket (method "api") decided r:
 * a denial (inactive, permission gone) or an unknown user withdraws the
 * cached verifier, so that an outage does not let the person back in.
 * Never fails.
 */
void	ar_offline_after_account(struct ar_ctx *ctx,
	    const struct ar_conf *conf, const char *method, int r);

/* Was this identity established from the credential cache? */
int	ar_offline_is(const struct ar_identity *id);

#endif /* AR_OFFLINE_H */
