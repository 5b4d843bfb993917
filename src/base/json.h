/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Strict JSON loading shared by every parser (token claims, JWKS, API
 * replies): jansson with duplicate members rejected, depth bounded before
 * parsing, and exact-type getters.  Include only from files that parse
 * JSON.
 */
#ifndef AR_JSON_H
#define AR_JSON_H

#include <jansson.h>

#include "ar.h"

/*
 * Parse buf (len bytes, need not be NUL terminated) into an object:
 * rejects nesting deeper than AR_MAX_JSON_DEPTH (scanned before jansson
 * sees it), duplicate members, NUL bytes, trailing garbage and any
 * top-level value other than an object.  On AR_OK *out is a new
 * reference.  Errors: err_code (the caller's choice: AR_ERR_AUTH for
 * tokens, AR_ERR_UNAVAIL for replies) with reason "bad_json",
 * AR_ERR_NOMEM.
 */
int	ar_json_parse_object(struct ar_ctx *ctx, const char *buf, size_t len,
	    int err_code, json_t **out);

/*
 * Copy member key of obj as a string: AR_OK with *out malloc'ed,
 * AR_NOTHING when absent (or JSON null when null_ok), AR_ERR_AUTH-class
 * err_code when present with another type or containing a NUL,
 * AR_ERR_NOMEM.  The reason keyword of a type error is "bad_claims" when
 * err_code is AR_ERR_AUTH, "bad_json" otherwise (also for the getter
 * below).
 */
int	ar_json_get_str(struct ar_ctx *ctx, json_t *obj, const char *key,
	    int err_code, int null_ok, char **out);

/*
 * Member key as an integer (JSON integer only; reals, strings, booleans
 * rejected): AR_OK, AR_NOTHING when absent, err_code otherwise.
 */
int	ar_json_get_int(struct ar_ctx *ctx, json_t *obj, const char *key,
	    int err_code, int64_t *out);

/*
 * Overwrite the bytes of string member key of obj in place (a secret that
 * must not outlive the tree); anything else is left alone.
 */
void	ar_json_wipe_member(json_t *obj, const char *key);

#endif /* AR_JSON_H */
