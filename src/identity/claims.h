/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsing of a token's header and payload JSON (jansson), kept apart from
 * token.c so that libjwt and jansson each stay in one file.
 */
#ifndef AR_CLAIMS_H
#define AR_CLAIMS_H

#include "ar.h"
#include "conf.h"
#include "identity.h"

/*
 * Check a decoded header: strict object, "alg" a string equal to
 * want_alg byte for byte (want_alg NULL: any of HS256, RS256, ES256,
 * ES384, for peeking at the kid before the key is known), "typ" absent or
 * exactly "JWT", no "crit", "kid" a string of 1 to 256 characters if
 * present (copied to *kid when kid != NULL, NULL when absent).
 * Errors: AR_ERR_AUTH ("bad_header", "alg_mismatch"), AR_ERR_NOMEM.
 */
int	ar_claims_header(struct ar_ctx *ctx, const char *json, size_t len,
	    const char *want_alg, char **kid);

/* A decoded payload parsed as strict JSON, opaque outside claims.c. */
struct ar_claims;

/*
 * Parse a decoded payload as a strict JSON object (bounded depth, no
 * duplicate members, no NUL) without judging the claims yet; token.c does
 * this before libjwt sees the token, and judges the same parse with
 * ar_claims_check() once the signature holds.  On AR_OK *out is owned by
 * the caller (ar_claims_free()).  Errors: AR_ERR_AUTH ("bad_claims"),
 * AR_ERR_NOMEM.
 */
int	ar_claims_parse(struct ar_ctx *ctx, const char *json, size_t len,
	    struct ar_claims **out);

/*
 * Judge a parsed payload and fill *id with the identity it names: check
 * the time, realm and issuer claims against conf at ctx->now as
 * ar_token_verify() documents.  Every known claim must have its exact
 * JSON type; only the descriptive ones (un, fn, ln, n, preferred_username,
 * email, given_name, family_name, name, ref) and cs may also be null,
 * meaning absent.  Custom attributes keep string values only; v2
 * "email_verified" sets email_verified only when it is JSON true.  On
 * AR_OK *id is filled (ar_identity_clear() releases it); on error *id is
 * untouched.  Errors: AR_ERR_AUTH with the reasons of ar_token_verify(),
 * AR_ERR_NOMEM.
 */
int	ar_claims_check(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const struct ar_claims *c, struct ar_identity *id);

/* Release a parsed payload; NULL is fine. */
void	ar_claims_free(struct ar_claims *c);


#endif /* AR_CLAIMS_H */
