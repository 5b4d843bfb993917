/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Login-token verification.  libjwt 1.10.2 only checks the signature, and
 * trusts the token header while doing so, so everything it does not do
 * safely happens here: size and grammar, the pinned algorithm, strict
 * base64url, and the claims (through claims.c).  The only user of <jwt.h>.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>

#include "claims.h"
#include "secure.h"
#include "token.h"

/* A token split at its two dots. */
struct token_parts {
	const char	*seg[3];
	size_t		 len[3];
};

static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Strict unpadded base64url (RFC 7515 section 2): every character in the
 * alphabet, no length that leaves a lone character, and unused trailing
 * bits zero, so that exactly one text encodes each byte string.  On 0
 * *out is malloc'ed (NUL terminated, out_len bytes); -1 invalid, -2 no
 * memory.  out may be NULL to validate only.
 */
static int
b64url_decode(const char *s, size_t n, unsigned char **out, size_t *out_len)
{
	unsigned char *buf = NULL;
	uint32_t acc = 0;
	size_t i, o = 0;
	int v, bits = 0;

	if (n % 4 == 1)
		return -1;
	if (out != NULL && (buf = malloc(n / 4 * 3 + 3)) == NULL)
		return -2;
	for (i = 0; i < n; i++) {
		if ((v = b64url_value((unsigned char)s[i])) < 0)
			goto bad;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (buf != NULL)
				buf[o] = (unsigned char)(acc >> bits);
			o++;
			acc &= (1u << bits) - 1;
		}
	}
	/* Left-over bits must be zero (non-canonical encodings refused). */
	if (acc != 0)
		goto bad;
	if (out != NULL) {
		buf[o] = '\0';
		*out = buf;
		*out_len = o;
	}
	return 0;
bad:
	if (buf != NULL)
		ar_secure_free(buf, n / 4 * 3 + 3);
	return -1;
}

static int
is_b64url_char(char c)
{
	return b64url_value((unsigned char)c) >= 0;
}

int
ar_token_looks_like_jwt(const char *s, size_t len)
{
	size_t i, scan, dots = 0, seg = 0;

	if (s == NULL || len < 5 || strncmp(s, "eyJ", 3) != 0)
		return 0;
	/*
	 * Past the size limit only the start is looked at: such input is
	 * still routed to token mode (where it is refused as too large)
	 * rather than sent to the API as a password.
	 */
	scan = len > AR_MAX_TOKEN ? AR_MAX_TOKEN : len;
	for (i = 0; i < scan; i++) {
		if (s[i] == '.') {
			if (seg == 0 || ++dots > 2)
				return 0;
			seg = 0;
		} else if (is_b64url_char(s[i])) {
			seg++;
		} else {
			return 0;
		}
	}
	if (len > AR_MAX_TOKEN)
		return dots >= 1;
	return dots == 2 && seg > 0;
}

/*
 * Hosts cut long replies at fixed sizes (docs/security.md, Host limits):
 * a token of exactly such a length that fails is reported as probably
 * truncated.
 */
static int
is_cut_length(size_t len)
{
	return len == 255 || len == 511 || len == 1023 || len == 4095;
}

static int
fail_truncated(struct ar_ctx *ctx, size_t len)
{
	return ar_fail(ctx, AR_ERR_AUTH, "truncated",
	    "token probably truncated by the client (%zu characters)", len);
}

/*
 * Size and grammar: at most AR_MAX_TOKEN bytes (checked first, so a huge
 * paste costs nothing), three non-empty segments of base64url characters.
 * libjwt decodes segments on its stack and skips stray characters, so
 * nothing else may reach it.
 */
static int
split_token(struct ar_ctx *ctx, const char *tok, size_t len,
    struct token_parts *p)
{
	size_t i, start = 0, n = 0;

	if (tok == NULL || len == 0)
		return ar_fail(ctx, AR_ERR_AUTH, "malformed", "token: empty");
	if (len > AR_MAX_TOKEN)
		return ar_fail(ctx, AR_ERR_AUTH, "too_large",
		    "token: %zu bytes, at most %d accepted", len,
		    AR_MAX_TOKEN);
	for (i = 0; i <= len; i++) {
		if (i < len && tok[i] != '.') {
			if (!is_b64url_char(tok[i]))
				return ar_fail(ctx, AR_ERR_AUTH, "malformed",
				    "token: invalid character at offset %zu",
				    i);
			continue;
		}
		if (n == 3)
			return ar_fail(ctx, AR_ERR_AUTH, "malformed",
			    "token: more than three segments");
		if (i == start) {
			/* "h.p." is what a cut just after a dot leaves. */
			if (i == len && is_cut_length(len))
				return fail_truncated(ctx, len);
			return ar_fail(ctx, AR_ERR_AUTH, "malformed",
			    "token: segment %zu is empty", n + 1);
		}
		p->seg[n] = tok + start;
		p->len[n] = i - start;
		n++;
		start = i + 1;
	}
	if (n != 3 && is_cut_length(len))
		return fail_truncated(ctx, len);
	if (n != 3)
		return ar_fail(ctx, AR_ERR_AUTH, "malformed",
		    "token: %zu segments, three expected", n);
	return AR_OK;
}

/* Decode one segment strictly into a NUL-terminated buffer. */
static int
decode_segment(struct ar_ctx *ctx, const struct token_parts *p, int i,
    unsigned char **out, size_t *out_len)
{
	static const char *const names[] = {
		"header", "payload", "signature"
	};

	switch (b64url_decode(p->seg[i], p->len[i], out, out_len)) {
	case 0:
		return AR_OK;
	case -2:
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "token: out of memory");
	default:
		return ar_fail(ctx, AR_ERR_AUTH, "malformed",
		    "token: %s is not canonical base64url", names[i]);
	}
}

/* Grammar and header, shared by ar_token_verify and ar_token_peek_kid. */
static int
check_front(struct ar_ctx *ctx, const char *tok, size_t len,
    const char *want_alg, struct token_parts *p, char **kid)
{
	unsigned char *hdr = NULL;
	size_t hlen = 0;
	int r = AR_ERR_INTERNAL;

	if ((r = split_token(ctx, tok, len, p)) != AR_OK)
		goto out;
	if ((r = decode_segment(ctx, p, 0, &hdr, &hlen)) != AR_OK)
		goto out;
	r = ar_claims_header(ctx, (const char *)hdr, hlen, want_alg, kid);
out:
	if (hdr != NULL)
		ar_secure_free(hdr, hlen + 1);
	return r;
}

int
ar_token_peek_kid(struct ar_ctx *ctx, const char *tok, size_t len,
    char **kid)
{
	struct token_parts p;

	return check_front(ctx, tok, len, NULL, &p, kid);
}

/* libjwt's name for our pinned algorithm. */
static jwt_alg_t
jwt_alg_of(int alg)
{
	switch (alg) {
	case AR_ALG_HS256:
		return JWT_ALG_HS256;
	case AR_ALG_RS256:
		return JWT_ALG_RS256;
	case AR_ALG_ES256:
		return JWT_ALG_ES256;
	case AR_ALG_ES384:
		return JWT_ALG_ES384;
	default:
		return JWT_ALG_INVAL;
	}
}

/* Signature size in bytes for the key (JOSE raw r||s for ECDSA). */
static size_t
signature_size(const struct ar_key *key)
{
	switch (key->alg) {
	case AR_ALG_HS256:
		return 32;
	case AR_ALG_ES256:
		return 64;
	case AR_ALG_ES384:
		return 96;
	case AR_ALG_RS256:
		return key->bits > 0 ? ((size_t)key->bits + 7) / 8 : 0;
	default:
		return 0;
	}
}

/* A bad signature, or a cut-off token when its length says so. */
static int
fail_signature(struct ar_ctx *ctx, const struct ar_key *key, size_t len)
{
	if (is_cut_length(len))
		return fail_truncated(ctx, len);
	return ar_fail(ctx, AR_ERR_AUTH, "bad_signature",
	    "token: signature does not verify with the %s key",
	    ar_alg_str(key->alg));
}

/*
 * Everything decided before a signature is computed: a key that cannot
 * turn verification off, the grammar and header (pinned algorithm), and
 * a signature segment of exactly the key's size.  libjwt's decoder skips
 * invalid characters and ignores trailing bits, which makes signatures
 * malleable: require the exact length and the canonical encoding first.
 */
static int
check_shape(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_key *key, const char *tok, size_t len,
    struct token_parts *p)
{
	size_t sig;
	int r;

	/* A missing key would turn libjwt's verification off entirely. */
	if (key == NULL || key->data == NULL || key->len == 0 ||
	    key->len > INT_MAX || jwt_alg_of(key->alg) == JWT_ALG_INVAL ||
	    conf == NULL)
		return ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "token: no usable key");
	if ((r = check_front(ctx, tok, len, ar_alg_str(key->alg), p,
	    NULL)) != AR_OK)
		return r;
	sig = signature_size(key);
	if (sig == 0 || p->len[2] != (sig * 4 + 2) / 3 ||
	    b64url_decode(p->seg[2], p->len[2], NULL, NULL) != 0)
		return fail_signature(ctx, key, len);
	return AR_OK;
}

/*
 * The signature, computed by libjwt.  libjwt takes the algorithm from
 * the header: confirm it used the key's.
 */
static int
check_signature(struct ar_ctx *ctx, const struct ar_key *key,
    const char *tok, size_t len)
{
	jwt_t *jwt = NULL;
	char *copy = NULL;
	int r = AR_ERR_INTERNAL, rc;

	if ((copy = malloc(len + 1)) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "token: out of memory");
		goto out;
	}
	memcpy(copy, tok, len);
	copy[len] = '\0';
	rc = jwt_decode(&jwt, copy, key->data, (int)key->len);
	ar_key_clear_errors();
	if (rc == ENOMEM) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "token: out of memory");
		goto out;
	}
	if (rc != 0 || jwt == NULL) {
		r = fail_signature(ctx, key, len);
		goto out;
	}
	if (jwt_get_alg(jwt) != jwt_alg_of(key->alg)) {
		r = ar_fail(ctx, AR_ERR_AUTH, "alg_mismatch",
		    "token: verified with another algorithm than %s",
		    ar_alg_str(key->alg));
		goto out;
	}
	r = AR_OK;
out:
	if (jwt != NULL)
		jwt_free(jwt);
	ar_key_clear_errors();
	if (copy != NULL)
		ar_secure_free(copy, len + 1);
	return r;
}

int
ar_token_verify(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_key *key, const char *tok, size_t len,
    struct ar_identity *id)
{
	struct token_parts p;
	struct ar_identity t;
	struct ar_claims *claims = NULL;
	unsigned char *payload = NULL;
	size_t plen = 0;
	int r = AR_ERR_INTERNAL;

	memset(&t, 0, sizeof(t));
	if ((r = check_shape(ctx, conf, key, tok, len, &p)) != AR_OK)
		goto out;
	/*
	 * The payload must be a strict JSON object before libjwt parses it;
	 * the same parse is judged once the signature holds.
	 */
	if ((r = decode_segment(ctx, &p, 1, &payload, &plen)) != AR_OK ||
	    (r = ar_claims_parse(ctx, (const char *)payload, plen,
	    &claims)) != AR_OK)
		goto out;
	if ((r = check_signature(ctx, key, tok, len)) != AR_OK)
		goto out;
	/* The claims come from our own strict parse, not libjwt's grants. */
	if ((r = ar_claims_check(ctx, conf, claims, &t)) != AR_OK)
		goto out;
	*id = t;
	memset(&t, 0, sizeof(t));	/* transferred */
	r = AR_OK;
out:
	ar_identity_clear(&t);
	ar_claims_free(claims);
	if (payload != NULL)
		ar_secure_free(payload, plen + 1);
	return r;
}
