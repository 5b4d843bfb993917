/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Login-token verification: grammar and size checks, the header, the
 * signature through libjwt with the pinned algorithm, then every claim.
 */
#ifndef AR_TOKEN_H
#define AR_TOKEN_H

#include "ar.h"
#include "conf.h"
#include "identity.h"
#include "key.h"

/*
 * Does the input have the shape of a JWT (three non-empty base64url
 * segments separated by dots, the first starting with "eyJ")?  Used by
 * auto mode to route input; it decides nothing about validity.
 */
int	ar_token_looks_like_jwt(const char *s, size_t len);

/*
 * The token's header "kid" (for JWKS), after the grammar and header checks;
 * *kid is malloc'ed or NULL when absent.  Errors as ar_token_verify().
 */
int	ar_token_peek_kid(struct ar_ctx *ctx, const char *tok, size_t len,
	    char **kid);

/*
 * Verify a token against key and conf at ctx->now (the flow reads the
 * clock into it when the token arrives, see ar_ctx_tick()):
 *  - grammar: exactly three non-empty base64url segments (no padding, no
 *    other characters), total length <= AR_MAX_TOKEN;
 *  - header: strict JSON object, no duplicate members, "alg" exactly the
 *    key's pinned algorithm (case-sensitive), "typ" absent or "JWT";
 *  - signature: jwt_decode() with the key, then jwt_get_alg() checked;
 *  - payload: strict JSON object (jansson, duplicates rejected, depth
 *    bounded), claims with exact types; exp (required unless
 *    conf->max_token_age > 0), nbf, iat with conf->leeway, max_token_age,
 *    realm (v1 "aud", v2 "rid") when conf->realm_id is set, issuer
 *    (conf->issuer, or "https://authrocket.com" for v2 tokens).
 * The generation is 2 when "sub" is present, else 1 (needs "uid").
 * On AR_OK *id is filled (release with ar_identity_clear()).
 * Errors: AR_ERR_AUTH with reason keywords "malformed", "too_large",
 * "bad_header", "alg_mismatch", "bad_signature", "truncated" (bad signature
 * and length 255/511/1023/4095), "bad_claims", "expired", "not_yet_valid",
 * "issued_in_future", "too_old", "no_exp", "wrong_realm", "wrong_issuer";
 * AR_ERR_NOMEM.
 */
int	ar_token_verify(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const struct ar_key *key, const char *tok, size_t len,
	    struct ar_identity *id);

#endif /* AR_TOKEN_H */
