/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parts of an identity that tokens and API replies both carry, read
 * from JSON: membership lists (a token's "m" (AuthRocket 1) or "orgs"
 * (AuthRocket 2) claim, or an API memberships collection) and custom
 * attributes.  The parsers live in claims.c beside the token claims, whose
 * exact-type rules they share; this header lets the API reply code use
 * them with jansson types without pulling jansson into claims.h (token.c,
 * the libjwt file, includes that one).
 */
#ifndef AR_MEMBERSHIP_H
#define AR_MEMBERSHIP_H

#include "ar.h"
#include "identity.h"
#include "json.h"

/* The shape of one list, named for where it comes from. */
enum ar_memb_form {
	AR_MEMB_TOKEN_V1 = 1,	/* "m": [{"oid","p":[...]}] */
	AR_MEMB_TOKEN_V2 = 2,	/* "orgs": [{"oid","perm":[...]}] */
	AR_MEMB_API = 3		/* [{"org_id","permissions","expires_at"}] */
};

/*
 * Fill the memberships of *id from the JSON array arr of the given form.
 * Known members must have their exact types (permissions: array of
 * strings; AR_MEMB_API also accepts null permissions); AR_MEMB_API
 * "expires_at" is an integer unix time, null, or an RFC 3339 string
 * ("2025-01-31T12:00:00Z", fraction and offset allowed), stored in
 * expires_at with has_expiry set (null or absent: has_expiry 0; every
 * time, 0 included, is a time that passes; expired entries are kept, the
 * caller decides).
 * On AR_OK any previous memberships of *id are replaced and
 * have_memberships is set (also for an empty array); on error *id is
 * unchanged.  Errors: err_code with reason "bad_claims" (AR_ERR_AUTH) or
 * "bad_json" (any other code), AR_ERR_NOMEM.
 */
int	ar_memberships_parse(struct ar_ctx *ctx, const json_t *arr,
	    enum ar_memb_form form, int err_code, struct ar_identity *id);

/*
 * Fill id->custom with the string members of a custom-attributes object
 * (a token's "cs" claim, an API user's "custom"); members of other types,
 * and strings with an embedded NUL, are skipped.  cs NULL, JSON null, an
 * empty object or any other type adds nothing: the caller judges the type
 * first.  Errors: AR_ERR_NOMEM (detail "<what>: out of memory"), with the
 * entries copied so far left in *id for ar_identity_clear().
 */
int	ar_custom_parse(struct ar_ctx *ctx, json_t *cs, const char *what,
	    struct ar_identity *id);

#endif /* AR_MEMBERSHIP_H */
