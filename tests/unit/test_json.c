/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for src/json.c: depth bound, duplicates, NUL bytes, top-level
 * type and the exact-type getters.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

/* Parse a NUL-terminated string; returns the result, *out on success. */
static int
parse(struct ar_ctx *ctx, const char *s, json_t **out)
{
	ar_ctx_init(ctx, "test");
	return ar_json_parse_object(ctx, s, strlen(s), AR_ERR_AUTH, out);
}

/*
 * An object nested depth levels deep in total: objects ({"a":{"a":{}}}) or,
 * below the top object, arrays ({"a":[[[]]]}).
 */
static char *
nested(int depth, int arrays)
{
	char *s = malloc((size_t)depth * 8 + 8);
	int i;

	strcpy(s, "{");
	if (arrays && depth > 1)
		strcat(s, "\"a\":");
	for (i = 1; i < depth; i++)
		strcat(s, arrays ? "[" : "\"a\":{");
	for (i = 1; i < depth; i++)
		strcat(s, arrays ? "]" : "}");
	strcat(s, "}");
	return s;
}

static void
test_valid(void)
{
	struct ar_ctx ctx;
	json_t *o = NULL;

	T_EQ_INT(parse(&ctx, "{\"a\":1,\"b\":[1,2,{\"c\":null}]}", &o),
	    AR_OK);
	T_CHECK(json_is_object(o));
	json_decref(o);
	o = NULL;
	T_EQ_INT(parse(&ctx, " \n{}\t", &o), AR_OK);
	json_decref(o);
}

static void
test_depth(void)
{
	struct ar_ctx ctx;
	json_t *o = NULL;
	char *s;

	s = nested(AR_MAX_JSON_DEPTH, 0);
	T_EQ_INT(parse(&ctx, s, &o), AR_OK);
	json_decref(o);
	o = NULL;
	free(s);

	s = nested(AR_MAX_JSON_DEPTH + 1, 0);
	T_EQ_INT(parse(&ctx, s, &o), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_json");
	T_CHECK(o == NULL);
	free(s);

	s = nested(AR_MAX_JSON_DEPTH + 1, 1);
	T_EQ_INT(parse(&ctx, s, &o), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_json");
	free(s);

	/* A deep but unbalanced prefix is refused before jansson runs. */
	s = malloc(100001);
	s[0] = '{';
	memcpy(s + 1, "\"a\":", 4);
	memset(s + 5, '[', 99995);
	s[100000] = '\0';
	T_EQ_INT(parse(&ctx, s, &o), AR_ERR_AUTH);
	T_CHECK(strstr(ctx.detail, "nested deeper") != NULL);
	free(s);

	/* Brackets inside strings, also after escaped quotes, do not count. */
	T_EQ_INT(parse(&ctx, "{\"a\":\"[[[[[[[[[[[[[[[[[[[[{{{{{{\","
	    "\"b\":\"x\\\"[[[[[[[[[[[[[[[[[[[[[[[[\"}", &o), AR_OK);
	json_decref(o);
	o = NULL;
	/* A backslash at the end of a string does not escape the quote. */
	s = nested(AR_MAX_JSON_DEPTH, 1);
	{
		char *t = malloc(strlen(s) + 32);

		strcpy(t, "{\"q\":\"\\\\\",\"r\":");
		strcat(t, s);
		strcat(t, "}");
		T_EQ_INT(parse(&ctx, t, &o), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "bad_json");
		free(t);
	}
	free(s);
}

static void
test_duplicates(void)
{
	struct ar_ctx ctx;
	json_t *o = NULL;

	T_EQ_INT(parse(&ctx, "{\"sub\":\"a\",\"sub\":\"b\"}", &o),
	    AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_json");
	T_CHECK(strstr(ctx.detail, "duplicate") != NULL);
	T_CHECK(o == NULL);
	T_EQ_INT(parse(&ctx, "{\"a\":{\"x\":1,\"x\":1}}", &o), AR_ERR_AUTH);
	/* Equal after unescaping is still a duplicate. */
	T_EQ_INT(parse(&ctx, "{\"sub\":\"a\",\"s\\u0075b\":\"b\"}", &o),
	    AR_ERR_AUTH);
}

static void
test_nul_and_top(void)
{
	struct ar_ctx ctx;
	json_t *o = NULL;
	const char with_nul[] = "{\"a\":\"x\"}\0";

	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_json_parse_object(&ctx, with_nul, sizeof(with_nul) - 1,
	    AR_ERR_UNAVAIL, &o), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "bad_json");
	T_EQ_INT(parse(&ctx, "{\"a\":\"x\\u0000y\"}", &o), AR_ERR_AUTH);
	T_EQ_INT(parse(&ctx, "[1,2]", &o), AR_ERR_AUTH);
	T_CHECK(strstr(ctx.detail, "not an object") != NULL);
	T_EQ_INT(parse(&ctx, "\"str\"", &o), AR_ERR_AUTH);
	T_EQ_INT(parse(&ctx, "42", &o), AR_ERR_AUTH);
	T_EQ_INT(parse(&ctx, "null", &o), AR_ERR_AUTH);
	T_EQ_INT(parse(&ctx, "", &o), AR_ERR_AUTH);
	T_EQ_INT(parse(&ctx, "{}x", &o), AR_ERR_AUTH);
	T_EQ_INT(parse(&ctx, "{} {}", &o), AR_ERR_AUTH);
	T_EQ_INT(parse(&ctx, "{\"a\":1,}", &o), AR_ERR_AUTH);
	T_EQ_INT(parse(&ctx, "{\"a\":\"\xff\"}", &o), AR_ERR_AUTH);
	T_CHECK(o == NULL);
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_json_parse_object(&ctx, NULL, 0, AR_ERR_UNAVAIL, &o),
	    AR_ERR_UNAVAIL);
}

static void
test_getters(void)
{
	struct ar_ctx ctx;
	json_t *o = NULL;
	char *s = NULL;
	int64_t v = -1;

	T_EQ_INT(parse(&ctx, "{\"s\":\"abc\",\"i\":9007199254740993,"
	    "\"neg\":-5,\"r\":1.0,\"t\":true,\"n\":null,\"is\":\"12\","
	    "\"o\":{},\"nul\":\"a\\u0000b\"}", &o), AR_ERR_AUTH);
	/* jansson refuses \u0000 itself; build that object by hand. */
	T_EQ_INT(parse(&ctx, "{\"s\":\"abc\",\"i\":9007199254740993,"
	    "\"neg\":-5,\"r\":1.0,\"t\":true,\"n\":null,\"is\":\"12\","
	    "\"o\":{}}", &o), AR_OK);
	json_object_set_new(o, "nul", json_stringn("a\0b", 3));

	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_json_get_str(&ctx, o, "s", AR_ERR_AUTH, 0, &s), AR_OK);
	T_EQ_STR(s, "abc");
	free(s);
	s = NULL;
	T_EQ_INT(ar_json_get_str(&ctx, o, "missing", AR_ERR_AUTH, 0, &s),
	    AR_NOTHING);
	T_EQ_INT(ar_json_get_str(&ctx, o, "n", AR_ERR_AUTH, 1, &s),
	    AR_NOTHING);
	T_EQ_INT(ar_json_get_str(&ctx, o, "n", AR_ERR_AUTH, 0, &s),
	    AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_claims");
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_json_get_str(&ctx, o, "i", AR_ERR_UNAVAIL, 0, &s),
	    AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "bad_json");
	T_EQ_INT(ar_json_get_str(&ctx, o, "o", AR_ERR_AUTH, 1, &s),
	    AR_ERR_AUTH);
	T_EQ_INT(ar_json_get_str(&ctx, o, "nul", AR_ERR_AUTH, 0, &s),
	    AR_ERR_AUTH);
	T_CHECK(s == NULL);

	T_EQ_INT(ar_json_get_int(&ctx, o, "i", AR_ERR_AUTH, &v), AR_OK);
	T_EQ_INT(v, 9007199254740993LL);
	T_EQ_INT(ar_json_get_int(&ctx, o, "neg", AR_ERR_AUTH, &v), AR_OK);
	T_EQ_INT(v, -5);
	v = 77;
	T_EQ_INT(ar_json_get_int(&ctx, o, "missing", AR_ERR_AUTH, &v),
	    AR_NOTHING);
	T_EQ_INT(ar_json_get_int(&ctx, o, "r", AR_ERR_AUTH, &v), AR_ERR_AUTH);
	T_EQ_INT(ar_json_get_int(&ctx, o, "t", AR_ERR_AUTH, &v), AR_ERR_AUTH);
	T_EQ_INT(ar_json_get_int(&ctx, o, "n", AR_ERR_AUTH, &v), AR_ERR_AUTH);
	T_EQ_INT(ar_json_get_int(&ctx, o, "is", AR_ERR_AUTH, &v),
	    AR_ERR_AUTH);
	T_EQ_INT(v, 77);
	json_decref(o);
}

int
main(void)
{
	T_RUN(test_valid);
	T_RUN(test_depth);
	T_RUN(test_duplicates);
	T_RUN(test_nul_and_top);
	T_RUN(test_getters);
	return t_done("test_json");
}
