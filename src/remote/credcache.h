/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cached credentials: a yescrypt verifier of a person's AuthRocket
 * password per local user and API URL, kept after each online password
 * login and used only while AuthRocket cannot be reached.
 */
#ifndef AR_CREDCACHE_H
#define AR_CREDCACHE_H

#include "ar.h"
#include "conf.h"
#include "identity.h"
#include "snapshot.h"

/*
 * After a successful online password login of local user: keep a fresh
 * verifier of password (yescrypt at libcrypt's default cost, a new salt
 * each time), the identity id and ctx->now, and reset the offline
 * failure count.  code_user set (the realm asked a verification code):
 * no verifier is kept, only the fact, so that offline login is refused.
 * Errors: AR_ERR_CONFIG, AR_ERR_INTERNAL, AR_ERR_NOMEM (nothing kept).
 */
int	ar_credcache_store(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *user, const char *password, int code_user,
	    const struct ar_identity *id);

/*
 * Offline check of password for local user.  AR_OK: *id receives the
 * identity kept at the last online login (caller clears it).
 * AR_ERR_AUTH ("auth_failed"): wrong password against a usable verifier
 * (the failure is counted).  AR_ERR_UNAVAIL: "offline_locked",
 * "offline_expired", "offline_code_user", "bad_cache".  AR_NOTHING: no
 * verifier for this user (nothing recorded in ctx).  Also AR_ERR_CONFIG,
 * AR_ERR_NOMEM.  The comparison is constant-time.
 */
int	ar_credcache_verify(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *user, const char *password, struct ar_identity *id);

/* Read what is kept for user (authrocket-check): AR_OK, AR_NOTHING... */
int	ar_credcache_read(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *user, struct ar_snapshot *s);

/* Forget user's verifier (absent is AR_OK). */
int	ar_credcache_drop(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *user);

#endif /* AR_CREDCACHE_H */
