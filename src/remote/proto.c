/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The framing spoken between the module and authrocket-helper: encoding
 * and strict decoding of named, binary-safe fields (see proto.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "secure.h"

#define AR_PROTO_END		"end"
#define AR_PROTO_MAX_DIGITS	10	/* enough for AR_PROTO_MAX_SIZE */
#define AR_PROTO_MAX_NUMBER	19	/* digits of a long long */

/*
 * The rules both sides share, so that the encoder never writes what the
 * decoder refuses and the decoder takes nothing the encoder cannot write:
 * only these names may repeat, only these may hold a NUL byte, and these
 * are numbers, written in canonical decimal (no sign but a leading minus,
 * no leading zero, no "-0").
 */
static const char *const repeatable[] = { "header", NULL };
static const char *const binary[] = { "body", NULL };
static const char *const numeric[] = { "status", "time_ms", "timeout_ms",
    "max_body", NULL };

static int
listed(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

/* Is v[0..len) a canonical decimal long long? */
static int
canonical_number(const char *v, size_t len)
{
	size_t i = 0, digits;

	if (len > 0 && v[0] == '-')
		i = 1;
	digits = len - i;
	if (digits == 0 || digits > AR_PROTO_MAX_NUMBER ||
	    (v[i] == '0' && (digits > 1 || i == 1)))
		return 0;
	for (; i < len; i++)
		if (v[i] < '0' || v[i] > '9')
			return 0;
	return 1;
}

/*
 * May field name with value v[0..len) follow the n fields of m?  NULL if
 * so, else why not.
 */
static const char *
field_refused(const struct ar_msg *m, size_t n, const char *name,
    const char *v, size_t len)
{
	size_t i;

	if (!listed(repeatable, name))
		for (i = 0; i < n; i++)
			if (strcmp(m->f[i].name, name) == 0)
				return "repeated field";
	if (!listed(binary, name) && len > 0 && memchr(v, '\0', len) != NULL)
		return "NUL byte in a text field";
	if (listed(numeric, name) && !canonical_number(v, len))
		return "number not in canonical decimal";
	return NULL;
}

/* Length of a valid field name at s (up to n bytes), or 0. */
static size_t
name_span(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < sizeof(((struct ar_field *)0)->name) - 1;
	    i++) {
		if ((s[i] < 'a' || s[i] > 'z') && s[i] != '_')
			break;
	}
	return i;
}

static int
name_ok(const char *name)
{
	size_t len;

	if (name == NULL)
		return 0;
	len = strlen(name);
	return len > 0 && name_span(name, len) == len;
}

int
ar_msg_add(struct ar_msg *m, const char *name, const char *val, size_t len)
{
	struct ar_field *f;
	char *copy;

	/* "end" would cut the message short when encoded. */
	if (!name_ok(name) || strcmp(name, AR_PROTO_END) == 0 ||
	    m->n >= AR_PROTO_MAX_FIELDS || (val == NULL && len != 0) ||
	    len > AR_PROTO_MAX_SIZE ||
	    field_refused(m, m->n, name, val, len) != NULL)
		return AR_ERR_INTERNAL;
	if ((copy = malloc(len + 1)) == NULL)
		return AR_ERR_NOMEM;
	if (len > 0)
		memcpy(copy, val, len);
	copy[len] = '\0';
	f = &m->f[m->n++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->val = copy;
	f->len = len;
	return AR_OK;
}

int
ar_msg_add_str(struct ar_msg *m, const char *name, const char *val)
{
	if (val == NULL)
		return AR_OK;
	return ar_msg_add(m, name, val, strlen(val));
}

int
ar_msg_add_int(struct ar_msg *m, const char *name, long long v)
{
	char buf[32];
	int n;

	n = snprintf(buf, sizeof(buf), "%lld", v);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return AR_ERR_INTERNAL;
	return ar_msg_add(m, name, buf, (size_t)n);
}

const char *
ar_msg_get(const struct ar_msg *m, const char *name, size_t *len)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->f[i].name, name) == 0) {
			if (len != NULL)
				*len = m->f[i].len;
			return m->f[i].val;
		}
	}
	return NULL;
}

long long
ar_msg_get_int(const struct ar_msg *m, const char *name, long long def)
{
	const char *v;
	char *end;
	size_t len;
	long long x;

	/* One spelling per number: "0200" is not 200. */
	if ((v = ar_msg_get(m, name, &len)) == NULL ||
	    !canonical_number(v, len))
		return def;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return def;
	return x;
}

int
ar_msg_encode(const struct ar_msg *m, char **buf, size_t *len)
{
	char *out = NULL, *p;
	size_t i, total = 0;
	int n, r = AR_ERR_INTERNAL;

	for (i = 0; i < m->n; i++) {
		/* name, SP, up to 20 digits, LF, bytes, LF */
		total += strlen(m->f[i].name) + 1 + 20 + 1 + m->f[i].len + 1;
		if (total > AR_PROTO_MAX_SIZE + 64)
			goto out;
	}
	total += sizeof("end 0\n\n");
	if ((out = malloc(total)) == NULL) {
		r = AR_ERR_NOMEM;
		goto out;
	}
	p = out;
	for (i = 0; i < m->n; i++) {
		n = snprintf(p, total - (size_t)(p - out), "%s %zu\n",
		    m->f[i].name, m->f[i].len);
		if (n < 0 || (size_t)n >= total - (size_t)(p - out))
			goto out;
		p += n;
		if (m->f[i].len > 0)
			memcpy(p, m->f[i].val, m->f[i].len);
		p += m->f[i].len;
		*p++ = '\n';
	}
	memcpy(p, "end 0\n\n", 7);
	p += 7;
	/* Whatever is encoded here must also decode on the other side. */
	if ((size_t)(p - out) > AR_PROTO_MAX_SIZE)
		goto out;
	*len = (size_t)(p - out);
	*buf = out;
	out = NULL;	/* transferred */
	r = AR_OK;
 out:
	if (out != NULL)
		ar_secure_free(out, total);
	return r;
}

static int
bad_frame(struct ar_ctx *ctx, size_t nfield, const char *what)
{
	if (ctx != NULL)
		return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_helper_reply",
		    "proto: field %zu: %s", nfield + 1, what);
	return AR_ERR_UNAVAIL;
}

/*
 * Append field number nfield (name nm[0..nlen), already a valid name,
 * value val[0..vlen)) to m, under the same rules as ar_msg_add().
 */
static int
add_decoded(struct ar_ctx *ctx, struct ar_msg *m, size_t nfield,
    const char *nm, size_t nlen, const char *val, size_t vlen)
{
	struct ar_field *f;
	char name[sizeof(f->name)];
	const char *why;

	if (m->n >= AR_PROTO_MAX_FIELDS)
		return bad_frame(ctx, nfield, "too many fields");
	memcpy(name, nm, nlen);
	name[nlen] = '\0';
	if ((why = field_refused(m, m->n, name, val, vlen)) != NULL)
		return bad_frame(ctx, nfield, why);
	f = &m->f[m->n];
	if ((f->val = malloc(vlen + 1)) == NULL)
		return AR_ERR_NOMEM;
	memcpy(f->name, name, nlen + 1);
	if (vlen > 0)
		memcpy(f->val, val, vlen);
	f->val[vlen] = '\0';
	f->len = vlen;
	m->n++;
	return AR_OK;
}

int
ar_msg_decode(struct ar_ctx *ctx, const char *buf, size_t len,
    struct ar_msg *m)
{
	size_t pos = 0, nstart, nlen, dstart, vlen, nfield = 0;
	int r = AR_ERR_INTERNAL;

	if (len > AR_PROTO_MAX_SIZE) {
		r = bad_frame(ctx, 0, "message too large");
		goto out;
	}
	for (;;) {
		if (pos >= len) {
			r = bad_frame(ctx, nfield, "missing end");
			goto out;
		}
		nstart = pos;
		nlen = name_span(buf + pos, len - pos);
		if (nlen == 0 || pos + nlen >= len || buf[pos + nlen] != ' ') {
			r = bad_frame(ctx, nfield, "bad name");
			goto out;
		}
		dstart = pos + nlen + 1;
		/* A decimal length: "0", or no leading zero. */
		vlen = 0;
		for (pos = dstart; pos < len && buf[pos] >= '0' &&
		    buf[pos] <= '9'; pos++) {
			if (pos - dstart >= AR_PROTO_MAX_DIGITS) {
				r = bad_frame(ctx, nfield, "bad length");
				goto out;
			}
			vlen = vlen * 10 + (size_t)(buf[pos] - '0');
		}
		if (pos == dstart || (buf[dstart] == '0' && pos - dstart > 1) ||
		    pos >= len || buf[pos] != '\n') {
			r = bad_frame(ctx, nfield, "bad length");
			goto out;
		}
		pos++;
		if (vlen > len - pos || len - pos - vlen < 1) {
			r = bad_frame(ctx, nfield, "length past the end");
			goto out;
		}
		if (buf[pos + vlen] != '\n') {
			r = bad_frame(ctx, nfield, "no line feed after value");
			goto out;
		}
		if (nlen == 3 && memcmp(buf + nstart, AR_PROTO_END, 3) == 0) {
			if (vlen != 0) {
				r = bad_frame(ctx, nfield, "end with a value");
				goto out;
			}
			if (pos + 1 != len) {
				r = bad_frame(ctx, nfield, "data after end");
				goto out;
			}
			break;
		}
		if ((r = add_decoded(ctx, m, nfield, buf + nstart, nlen,
		    buf + pos, vlen)) != AR_OK)
			goto out;
		pos += vlen + 1;
		nfield++;
	}
	r = AR_OK;
 out:
	if (r != AR_OK)
		ar_msg_clear(m);
	return r;
}

void
ar_msg_clear(struct ar_msg *m)
{
	size_t i;

	for (i = 0; i < m->n && i < AR_PROTO_MAX_FIELDS; i++) {
		ar_secure_free(m->f[i].val, m->f[i].len);
		m->f[i].val = NULL;
		m->f[i].len = 0;
		m->f[i].name[0] = '\0';
	}
	m->n = 0;
}
