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
 * want_alg byte for byte, "typ" absent or exactly "JWT", "kid" a string
 * if present (copied to *kid when kid != NULL, else ignored).
 * Errors: AR_ERR_AUTH ("bad_header", "alg_mismatch"), AR_ERR_NOMEM.
 */
int	ar_claims_header(struct ar_ctx *ctx, const char *json, size_t len,
	    const char *want_alg, char **kid);

/*
 * Parse a decoded payload into *id and check the time, realm and issuer
 * claims against conf at ctx->now as ar_token_verify() documents.
 * On AR_OK *id is filled (ar_identity_clear() releases it).
 */
int	ar_claims_payload(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *json, size_t len, struct ar_identity *id);

/*
 * Fill memberships of *id from a JSON array in the v1 "m" form
 * ([{"oid","p":[...]}]), v2 "orgs" form ([{"oid","perm":[...]}]) or the
 * API "collection" form ([{"org_id","permissions":[...],"expires_at"}]);
 * form is 1, 2 or 3.  Declared here for api.c; takes a json_t * as void *
 * to keep jansson out of this header.
 */
int	ar_claims_memberships(struct ar_ctx *ctx, void *json_array, int form,
	    int err_code, struct ar_identity *id);

#endif /* AR_CLAIMS_H */
