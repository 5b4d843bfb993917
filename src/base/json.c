/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Strict JSON loading for every parser in the library: nesting depth is
 * bounded before jansson runs, duplicate members and NUL bytes are refused,
 * and the getters accept one exact JSON type each.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Reason keyword for a value of the wrong type. */
static const char *
type_reason(int err_code)
{
	return err_code == AR_ERR_AUTH ? "bad_claims" : "bad_json";
}

/*
 * Deepest nesting of objects and arrays in buf, counting brackets outside
 * strings only.  Stops early once limit is exceeded so that a huge input
 * costs no more than needed.
 */
static size_t
scan_depth(const char *buf, size_t len, size_t limit)
{
	size_t i, depth = 0, max = 0;
	int in_str = 0, esc = 0;

	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		switch (c) {
		case '"':
			in_str = 1;
			break;
		case '{':
		case '[':
			if (++depth > max) {
				max = depth;
				if (max > limit)
					return max;
			}
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
	}
	return max;
}

/*
 * A fixed description of a jansson error.  jansson's own text may quote
 * part of the input, which can be a secret (a token in an API reply), so
 * it is never copied into the detail.
 */
static const char *
describe_error(const json_error_t *e)
{
	switch (json_error_code(e)) {
	case json_error_duplicate_key:
		return "duplicate member";
	case json_error_end_of_input_expected:
		return "trailing data";
	case json_error_premature_end_of_input:
		return "premature end of input";
	case json_error_invalid_syntax:
		return "invalid syntax";
	case json_error_invalid_utf8:
		return "invalid utf-8";
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return "nul character";
	case json_error_numeric_overflow:
		return "number out of range";
	case json_error_stack_overflow:
		return "nesting too deep";
	case json_error_wrong_type:
		return "not an object";
	default:
		return "invalid json";
	}
}

int
ar_json_parse_object(struct ar_ctx *ctx, const char *buf, size_t len,
    int err_code, json_t **out)
{
	json_error_t jerr;
	json_t *root = NULL;
	size_t depth;
	int r = AR_ERR_INTERNAL;

	if (buf == NULL || len == 0) {
		r = ar_fail(ctx, err_code, "bad_json", "json: empty input");
		goto out;
	}
	if (memchr(buf, '\0', len) != NULL) {
		r = ar_fail(ctx, err_code, "bad_json",
		    "json: nul byte in input");
		goto out;
	}
	/* jansson recurses per level: bound the depth before it looks. */
	depth = scan_depth(buf, len, AR_MAX_JSON_DEPTH);
	if (depth > AR_MAX_JSON_DEPTH) {
		r = ar_fail(ctx, err_code, "bad_json",
		    "json: nested deeper than %d levels", AR_MAX_JSON_DEPTH);
		goto out;
	}
	memset(&jerr, 0, sizeof(jerr));
	/* No JSON_DECODE_ANY: only an object or array is a valid document. */
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (json_error_code(&jerr) == json_error_out_of_memory) {
			r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
			    "json: out of memory");
			goto out;
		}
		r = ar_fail(ctx, err_code, "bad_json",
		    "json: line %d column %d: %s", jerr.line, jerr.column,
		    describe_error(&jerr));
		goto out;
	}
	if (!json_is_object(root)) {
		r = ar_fail(ctx, err_code, "bad_json",
		    "json: top level is not an object");
		goto out;
	}
	*out = root;
	root = NULL;	/* transferred */
	r = AR_OK;
out:
	json_decref(root);
	return r;
}

int
ar_json_get_str(struct ar_ctx *ctx, json_t *obj, const char *key,
    int err_code, int null_ok, char **out)
{
	json_t *v;
	const char *s;
	char *copy;
	size_t n;

	v = json_object_get(obj, key);
	if (v == NULL || (null_ok && json_is_null(v)))
		return AR_NOTHING;
	if (!json_is_string(v))
		return ar_fail(ctx, err_code, type_reason(err_code),
		    "json: member %s is not a string", key);
	s = json_string_value(v);
	n = json_string_length(v);
	/* A NUL inside would make C see a different string than JSON. */
	if (strlen(s) != n)
		return ar_fail(ctx, err_code, type_reason(err_code),
		    "json: member %s contains a nul character", key);
	if ((copy = malloc(n + 1)) == NULL)
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "json: out of memory");
	memcpy(copy, s, n + 1);
	*out = copy;
	return AR_OK;
}

int
ar_json_get_int(struct ar_ctx *ctx, json_t *obj, const char *key,
    int err_code, int64_t *out)
{
	json_t *v;

	v = json_object_get(obj, key);
	if (v == NULL)
		return AR_NOTHING;
	/* Reals, strings, booleans and null are refused, not read as 0. */
	if (!json_is_integer(v))
		return ar_fail(ctx, err_code, type_reason(err_code),
		    "json: member %s is not an integer", key);
	*out = (int64_t)json_integer_value(v);
	return AR_OK;
}

void
ar_json_wipe_member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (v != NULL && json_is_string(v))
		explicit_bzero((char *)json_string_value(v),
		    json_string_length(v));
}
