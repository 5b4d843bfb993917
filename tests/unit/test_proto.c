/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the module/helper framing (src/proto.c): round trips,
 * binary values, repeated names, and every way a frame can be malformed;
 * the encoder and the decoder refuse the same things.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "proto.h"

/* Decode len bytes of s into a fresh message; returns the result. */
static int
dec(struct ar_ctx *ctx, const char *s, size_t len, struct ar_msg *m)
{
	memset(m, 0, sizeof(*m));
	ar_ctx_init(ctx, "test");
	return ar_msg_decode(ctx, s, len, m);
}

/* Expect the NUL terminated frame s to be refused as bad_helper_reply. */
static void
expect_bad(const char *s)
{
	struct ar_ctx ctx;
	struct ar_msg m;

	T_EQ_INT(dec(&ctx, s, strlen(s), &m), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "bad_helper_reply");
	T_EQ_INT(m.n, 0);
	ar_msg_clear(&m);
}

static void
test_round_trip(void)
{
	static const char bin[] = { 'a', '\0', '\n', 'e', 'n', 'd', ' ', '0',
	    '\n', '\n', (char)0xff };
	struct ar_msg m, d;
	struct ar_ctx ctx;
	const char *v;
	char *buf = NULL;
	size_t len = 0, vlen = 0;

	memset(&m, 0, sizeof(m));
	T_EQ_INT(ar_msg_add_str(&m, "method", "POST"), AR_OK);
	T_EQ_INT(ar_msg_add_str(&m, "header", "Accept: application/json"),
	    AR_OK);
	T_EQ_INT(ar_msg_add_str(&m, "header", "X-Two: 2"), AR_OK);
	T_EQ_INT(ar_msg_add(&m, "body", bin, sizeof(bin)), AR_OK);
	T_EQ_INT(ar_msg_add_int(&m, "timeout_ms", 9750), AR_OK);
	T_EQ_INT(ar_msg_add_int(&m, "neg", -42), AR_OK);
	T_EQ_INT(ar_msg_add_str(&m, "empty", ""), AR_OK);
	T_EQ_INT(ar_msg_add_str(&m, "absent", NULL), AR_OK);
	T_EQ_INT(m.n, 7);
	T_EQ_INT(ar_msg_encode(&m, &buf, &len), AR_OK);
	T_CHECK(len > 7 && memcmp(buf + len - 7, "end 0\n\n", 7) == 0);
	T_CHECK(memcmp(buf, "method 4\nPOST\nheader 24\n", 24) == 0);

	T_EQ_INT(dec(&ctx, buf, len, &d), AR_OK);
	T_EQ_INT(d.n, 7);
	T_EQ_STR(ar_msg_get(&d, "method", NULL), "POST");
	/* The first of repeated names, and all of them in order. */
	T_EQ_STR(ar_msg_get(&d, "header", NULL), "Accept: application/json");
	T_EQ_STR(d.f[2].name, "header");
	T_EQ_STR(d.f[2].val, "X-Two: 2");
	v = ar_msg_get(&d, "body", &vlen);
	T_EQ_INT(vlen, sizeof(bin));
	T_CHECK(v != NULL && memcmp(v, bin, sizeof(bin)) == 0);
	T_CHECK(v != NULL && v[vlen] == '\0');
	T_EQ_INT(ar_msg_get_int(&d, "timeout_ms", -1), 9750);
	T_EQ_INT(ar_msg_get_int(&d, "neg", 0), -42);
	T_EQ_INT(ar_msg_get_int(&d, "method", 77), 77);
	T_EQ_INT(ar_msg_get_int(&d, "nothere", 5), 5);
	T_EQ_INT(ar_msg_get_int(&d, "empty", 6), 6);
	T_CHECK(ar_msg_get(&d, "absent", NULL) == NULL);
	v = ar_msg_get(&d, "empty", &vlen);
	T_CHECK(v != NULL && vlen == 0 && v[0] == '\0');

	ar_msg_clear(&d);
	T_EQ_INT(d.n, 0);
	T_CHECK(d.f[0].val == NULL);
	ar_msg_clear(&m);
	free(buf);
}

static void
test_empty_message(void)
{
	struct ar_msg m, d;
	struct ar_ctx ctx;
	char *buf = NULL;
	size_t len = 0;

	memset(&m, 0, sizeof(m));
	T_EQ_INT(ar_msg_encode(&m, &buf, &len), AR_OK);
	T_EQ_INT(len, 7);
	T_CHECK(buf != NULL && memcmp(buf, "end 0\n\n", 7) == 0);
	T_EQ_INT(dec(&ctx, buf, len, &d), AR_OK);
	T_EQ_INT(d.n, 0);
	free(buf);
}

static void
test_add_errors(void)
{
	struct ar_msg m;
	char name[8];
	int i;

	memset(&m, 0, sizeof(m));
	T_EQ_INT(ar_msg_add_str(&m, "", "x"), AR_ERR_INTERNAL);
	T_EQ_INT(ar_msg_add_str(&m, "Upper", "x"), AR_ERR_INTERNAL);
	T_EQ_INT(ar_msg_add_str(&m, "with space", "x"), AR_ERR_INTERNAL);
	T_EQ_INT(ar_msg_add_str(&m, "digit1", "x"), AR_ERR_INTERNAL);
	T_EQ_INT(ar_msg_add_str(&m, "sixteen_chars_xx", "x"),
	    AR_ERR_INTERNAL);
	T_EQ_INT(ar_msg_add_str(&m, "fifteen_chars_x", "x"), AR_OK);
	/* "end" would terminate the message early. */
	T_EQ_INT(ar_msg_add_str(&m, "end", ""), AR_ERR_INTERNAL);
	T_EQ_INT(ar_msg_add(&m, "null", NULL, 3), AR_ERR_INTERNAL);
	T_EQ_INT(m.n, 1);
	for (i = 1; i < AR_PROTO_MAX_FIELDS; i++) {
		snprintf(name, sizeof(name), "f%c%c", 'a' + i / 26,
		    'a' + i % 26);
		T_CHECK(ar_msg_add_str(&m, name, "v") == AR_OK);
	}
	T_EQ_INT(m.n, AR_PROTO_MAX_FIELDS);
	T_EQ_INT(ar_msg_add_str(&m, "over", "v"), AR_ERR_INTERNAL);
	ar_msg_clear(&m);
}

static void
test_framing_errors(void)
{
	char many[AR_PROTO_MAX_FIELDS * 16 + 64];
	size_t i, o = 0;
	struct ar_ctx ctx;
	struct ar_msg m;

	expect_bad("");
	expect_bad("end 0\n");			/* missing final LF */
	expect_bad("end 0\n\nx");		/* trailing data */
	expect_bad("end 0\n\nend 0\n\n");	/* two messages */
	expect_bad("end 1\nx\n");		/* end with a value */
	expect_bad("a 1\nx\n");			/* missing end */
	expect_bad("a 1\nx\nend 0\n");		/* end cut short */
	expect_bad("A 1\nx\nend 0\n\n");	/* upper case name */
	expect_bad("a1 1\nx\nend 0\n\n");	/* digit in name */
	expect_bad(" 1\nx\nend 0\n\n");		/* empty name */
	expect_bad("sixteen_chars_xx 1\nx\nend 0\n\n");	/* name too long */
	expect_bad("a  1\nx\nend 0\n\n");	/* two spaces */
	expect_bad("a\t1\nx\nend 0\n\n");	/* tab */
	expect_bad("a 01\nx\nend 0\n\n");	/* leading zero */
	expect_bad("a 00\n\nend 0\n\n");	/* leading zero */
	expect_bad("a -1\nx\nend 0\n\n");	/* sign */
	expect_bad("a +1\nx\nend 0\n\n");	/* sign */
	expect_bad("a \nx\nend 0\n\n");		/* no digits */
	expect_bad("a 1x\nx\nend 0\n\n");	/* junk in length */
	expect_bad("a 1\r\nx\nend 0\n\n");	/* CRLF */
	expect_bad("a 99\nx\nend 0\n\n");	/* length past the end */
	expect_bad("a 9\nx\nend 0\n\n");	/* no room for the LF */
	expect_bad("a 99999999999999999999\nx\nend 0\n\n"); /* overflow */
	expect_bad("a 2\nx\nend 0\n\n");	/* no LF after the bytes */
	expect_bad("a 1\nxyend 0\n\n");		/* no LF after the bytes */
	expect_bad("a 1\nx");			/* cut in the value */
	expect_bad("a 1");			/* cut in the length */
	expect_bad("a");			/* cut in the name */

	/* Embedded NUL in a name: the decoder sees all len bytes. */
	T_EQ_INT(dec(&ctx, "a\0 1\nx\nend 0\n\n", 14, &m), AR_ERR_UNAVAIL);

	/* Exactly the maximum number of fields is fine, one more is not. */
	for (i = 0; i < AR_PROTO_MAX_FIELDS; i++)
		o += (size_t)snprintf(many + o, sizeof(many) - o,
		    "header 1\nx\n");
	snprintf(many + o, sizeof(many) - o, "end 0\n\n");
	T_EQ_INT(dec(&ctx, many, strlen(many), &m), AR_OK);
	T_EQ_INT(m.n, AR_PROTO_MAX_FIELDS);
	ar_msg_clear(&m);
	snprintf(many + o, sizeof(many) - o, "header 1\nx\nend 0\n\n");
	expect_bad(many);
}

static void
test_size_caps(void)
{
	struct ar_ctx ctx;
	struct ar_msg m;
	char *big, *buf = NULL;
	size_t vlen = AR_PROTO_MAX_SIZE - 32, n, len = 0;
	const char *v;

	/* A value just inside the cap decodes. */
	big = malloc(AR_PROTO_MAX_SIZE + 64);
	T_CHECK(big != NULL);
	if (big == NULL)
		return;
	n = (size_t)snprintf(big, 32, "body %zu\n", vlen);
	memset(big + n, 'b', vlen);
	memcpy(big + n + vlen, "\nend 0\n\n", 8);
	n += vlen + 8;
	T_CHECK(n <= AR_PROTO_MAX_SIZE);
	T_EQ_INT(dec(&ctx, big, n, &m), AR_OK);
	v = ar_msg_get(&m, "body", &len);
	T_EQ_INT(len, vlen);
	T_CHECK(v != NULL && v[0] == 'b' && v[len - 1] == 'b');
	ar_msg_clear(&m);

	/* One byte over the total cap is refused before parsing. */
	vlen = AR_PROTO_MAX_SIZE;
	n = (size_t)snprintf(big, 32, "body %zu\n", vlen - 20);
	memset(big + n, 'b', vlen - 20);
	memcpy(big + n + vlen - 20, "\nend 0\n\n", 8);
	n += vlen - 20 + 8;
	T_CHECK(n > AR_PROTO_MAX_SIZE);
	T_EQ_INT(dec(&ctx, big, n, &m), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "bad_helper_reply");

	/* The encoder refuses what the decoder would refuse. */
	memset(&m, 0, sizeof(m));
	T_EQ_INT(ar_msg_add(&m, "body", big, AR_PROTO_MAX_SIZE), AR_OK);
	T_EQ_INT(ar_msg_encode(&m, &buf, &len), AR_ERR_INTERNAL);
	T_CHECK(buf == NULL);
	ar_msg_clear(&m);
	T_EQ_INT(ar_msg_add(&m, "body", big, AR_PROTO_MAX_SIZE + 1),
	    AR_ERR_INTERNAL);
	free(big);
}

static void
test_get_int(void)
{
	struct ar_msg m;

	memset(&m, 0, sizeof(m));
	ar_msg_add_str(&m, "a", "12x");
	ar_msg_add_str(&m, "b", "-");
	ar_msg_add_str(&m, "c", "99999999999999999999");
	ar_msg_add_str(&m, "d", " 1");
	ar_msg_add(&m, "e", "1\0002", 3);
	ar_msg_add_str(&m, "f", "0");
	T_EQ_INT(ar_msg_get_int(&m, "a", -1), -1);
	T_EQ_INT(ar_msg_get_int(&m, "b", -1), -1);
	T_EQ_INT(ar_msg_get_int(&m, "c", -1), -1);
	T_EQ_INT(ar_msg_get_int(&m, "d", -1), -1);
	T_EQ_INT(ar_msg_get_int(&m, "e", -1), -1);
	T_EQ_INT(ar_msg_get_int(&m, "f", -1), 0);
	ar_msg_clear(&m);
}

/* A frame literal and its length (it may hold NUL bytes). */
#define FRAME(s)	(s), sizeof(s) - 1

/*
 * Each row: a frame, its length, whether its field comes twice, and that
 * field (name, value, length) as given to ar_msg_add(); ok says whether
 * both sides take it.
 */
struct rule_row {
	const char	*frame;
	size_t		 len;
	int		 twice;
	const char	*name;
	const char	*val;
	size_t		 vlen;
	int		 ok;
};

/*
 * Repeated fields, NUL bytes and numbers: the decoder refuses exactly
 * what the encoder refuses to write.
 */
static void
test_same_rules_both_sides(void)
{
	static const struct rule_row rows[] = {
		/* A reply with two statuses: the first used to win. */
		{ FRAME("status 3\n200\nstatus 3\n401\nend 0\n\n"), 1,
		    "status", "401", 3, 0 },
		{ FRAME("body 1\nx\nbody 1\ny\nend 0\n\n"), 1, "body", "y", 1,
		    0 },
		{ FRAME("error 1\nx\nerror 1\ny\nend 0\n\n"), 1, "error", "y",
		    1, 0 },
		{ FRAME("url 1\nx\nurl 1\ny\nend 0\n\n"), 1, "url", "y", 1, 0 },
		/* Only headers repeat. */
		{ FRAME("header 1\nx\nheader 1\ny\nend 0\n\n"), 1, "header",
		    "y", 1, 1 },
		/* Numbers have one spelling. */
		{ FRAME("status 4\n0200\nend 0\n\n"), 0, "status", "0200", 4,
		    0 },
		{ FRAME("status 4\n+200\nend 0\n\n"), 0, "status", "+200", 4,
		    0 },
		{ FRAME("status 4\n 200\nend 0\n\n"), 0, "status", " 200", 4,
		    0 },
		{ FRAME("status 4\n200 \nend 0\n\n"), 0, "status", "200 ", 4,
		    0 },
		{ FRAME("status 2\n-0\nend 0\n\n"), 0, "status", "-0", 2, 0 },
		{ FRAME("status 0\n\nend 0\n\n"), 0, "status", "", 0, 0 },
		{ FRAME("status 3\n2e2\nend 0\n\n"), 0, "status", "2e2", 3, 0 },
		{ FRAME("time_ms 2\n07\nend 0\n\n"), 0, "time_ms", "07", 2, 0 },
		{ FRAME("timeout_ms 2\n0x\nend 0\n\n"), 0, "timeout_ms", "0x",
		    2, 0 },
		{ FRAME("max_body 20\n99999999999999999999\nend 0\n\n"), 0,
		    "max_body", "99999999999999999999", 20, 0 },
		{ FRAME("status 1\n0\nend 0\n\n"), 0, "status", "0", 1, 1 },
		{ FRAME("status 3\n200\nend 0\n\n"), 0, "status", "200", 3, 1 },
		{ FRAME("time_ms 2\n-1\nend 0\n\n"), 0, "time_ms", "-1", 2, 1 },
		/* Only the body holds NUL bytes. */
		{ FRAME("error 3\nx\0y\nend 0\n\n"), 0, "error", "x\0y", 3,
		    0 },
		{ FRAME("status 4\n200\0\nend 0\n\n"), 0, "status", "200\0", 4,
		    0 },
		{ FRAME("body 3\nx\0y\nend 0\n\n"), 0, "body", "x\0y", 3, 1 },
	};
	struct ar_ctx ctx;
	struct ar_msg m;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		T_EQ_INT(dec(&ctx, rows[i].frame, rows[i].len, &m),
		    rows[i].ok ? AR_OK : AR_ERR_UNAVAIL);
		if (!rows[i].ok) {
			T_EQ_STR(ctx.reason, "bad_helper_reply");
			T_EQ_INT(m.n, 0);
		}
		ar_msg_clear(&m);
		/* The same fields through the encoder's front door. */
		memset(&m, 0, sizeof(m));
		if (rows[i].twice)
			T_EQ_INT(ar_msg_add(&m, rows[i].name, rows[i].val,
			    rows[i].vlen), AR_OK);
		T_EQ_INT(ar_msg_add(&m, rows[i].name, rows[i].val,
		    rows[i].vlen), rows[i].ok ? AR_OK : AR_ERR_INTERNAL);
		ar_msg_clear(&m);
	}
}

/* The reply reader takes the status as it was written, or not at all. */
static void
test_get_int_canonical(void)
{
	struct ar_msg m;

	memset(&m, 0, sizeof(m));
	/* Names outside the number list: stored, but not read as numbers. */
	T_EQ_INT(ar_msg_add_str(&m, "a", "0200"), AR_OK);
	T_EQ_INT(ar_msg_add_str(&m, "b", "-0"), AR_OK);
	T_EQ_INT(ar_msg_add_str(&m, "c", "+5"), AR_OK);
	T_EQ_INT(ar_msg_add_str(&m, "d", "9223372036854775807"), AR_OK);
	T_EQ_INT(ar_msg_add_str(&m, "e", "9223372036854775808"), AR_OK);
	T_EQ_INT(ar_msg_add_str(&m, "f", "-9223372036854775808"), AR_OK);
	T_EQ_INT(ar_msg_get_int(&m, "a", -1), -1);
	T_EQ_INT(ar_msg_get_int(&m, "b", -1), -1);
	T_EQ_INT(ar_msg_get_int(&m, "c", -1), -1);
	T_CHECK(ar_msg_get_int(&m, "d", -1) == 9223372036854775807LL);
	T_EQ_INT(ar_msg_get_int(&m, "e", -1), -1);
	T_CHECK(ar_msg_get_int(&m, "f", 0) == -9223372036854775807LL - 1);
	ar_msg_clear(&m);
}

int
main(void)
{
	T_RUN(test_round_trip);
	T_RUN(test_empty_message);
	T_RUN(test_add_errors);
	T_RUN(test_framing_errors);
	T_RUN(test_size_caps);
	T_RUN(test_get_int);
	T_RUN(test_same_rules_both_sides);
	T_RUN(test_get_int_canonical);
	return t_done("test_proto");
}
