/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AuthRocket 2 public keys from the realm's JWKS document: strict parsing,
 * selection by kid, and a cache in the root-only cache directory so that
 * logins go on while AuthRocket cannot be reached.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "fetch.h"
#include "json.h"
#include "jwks.h"
#include "secure.h"

#define JWKS_MAX_DOC	AR_MAX_REPLY	/* largest document kept */
#define JWKS_MAX_N	1024		/* RSA modulus bytes (8192 bits) */
#define JWKS_MAX_E	16		/* RSA exponent bytes */
#define JWKS_CLOCK_SLACK 300		/* an mtime this far ahead is odd */

/*
 * Base64 (url selects the URL-safe alphabet) into a malloc'ed buffer.
 * Padding is optional; any other character than the alphabet, or a
 * length no encoder produces, is refused (returns -1).
 */
static int
b64_decode(const char *s, size_t len, int url, unsigned char **out,
    size_t *outlen)
{
	unsigned char *o;
	unsigned int acc = 0;
	size_t i, n = 0, bits = 0;

	if (len >= 1 && s[len - 1] == '=')
		len--;
	if (len >= 1 && s[len - 1] == '=')
		len--;
	if (len == 0 || len % 4 == 1)
		return -1;
	if ((o = malloc(len * 3 / 4 + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned int v;

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == (url ? '-' : '+'))
			v = 62;
		else if (c == (url ? '_' : '/'))
			v = 63;
		else {
			free(o);
			return -1;
		}
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	*out = o;
	*outlen = n;
	return 0;
}

/* Append a DER length. */
static size_t
der_len(unsigned char *p, size_t len)
{
	if (len < 0x80) {
		p[0] = (unsigned char)len;
		return 1;
	}
	if (len <= 0xff) {
		p[0] = 0x81;
		p[1] = (unsigned char)len;
		return 2;
	}
	p[0] = 0x82;
	p[1] = (unsigned char)(len >> 8);
	p[2] = (unsigned char)len;
	return 3;
}

/* Size of a DER element with a content of len bytes. */
static size_t
der_size(size_t len)
{
	return 1 + (len < 0x80 ? 1 : len <= 0xff ? 2 : 3) + len;
}

/* Append an unsigned big-endian INTEGER (leading zeros dropped). */
static size_t
der_uint(unsigned char *p, const unsigned char *v, size_t len)
{
	size_t o = 0, pad;

	while (len > 1 && v[0] == 0) {
		v++;
		len--;
	}
	pad = (v[0] & 0x80) != 0;
	p[o++] = 0x02;
	o += der_len(p + o, len + pad);
	if (pad)
		p[o++] = 0;
	memcpy(p + o, v, len);
	return o + len;
}

static size_t
uint_size(const unsigned char *v, size_t len)
{
	while (len > 1 && v[0] == 0) {
		v++;
		len--;
	}
	return der_size(len + ((v[0] & 0x80) != 0));
}

/*
 * A SubjectPublicKeyInfo (DER) for the RSA key of base64url n and e, so
 * that ar_key_from_der() can take it like an x5c entry.
 */
static int
rsa_spki(const char *n64, const char *e64, unsigned char **der,
    size_t *derlen)
{
	static const unsigned char alg_id[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a,
	    0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };
	unsigned char *n = NULL, *e = NULL, *p = NULL;
	size_t nl = 0, el = 0, rsa, bits, total, o = 0;
	int r = -1;

	if (b64_decode(n64, strlen(n64), 1, &n, &nl) == -1 ||
	    b64_decode(e64, strlen(e64), 1, &e, &el) == -1 ||
	    nl == 0 || el == 0 || nl > JWKS_MAX_N || el > JWKS_MAX_E)
		goto out;
	rsa = uint_size(n, nl) + uint_size(e, el);
	bits = 1 + der_size(rsa);
	total = sizeof(alg_id) + der_size(bits);
	if ((p = malloc(der_size(total))) == NULL)
		goto out;
	p[o++] = 0x30;
	o += der_len(p + o, total);
	memcpy(p + o, alg_id, sizeof(alg_id));
	o += sizeof(alg_id);
	p[o++] = 0x03;
	o += der_len(p + o, bits);
	p[o++] = 0x00;		/* no unused bits */
	p[o++] = 0x30;
	o += der_len(p + o, rsa);
	o += der_uint(p + o, n, nl);
	o += der_uint(p + o, e, el);
	*der = p;
	*derlen = o;
	p = NULL;	/* transferred */
	r = 0;
out:
	free(n);
	free(e);
	free(p);
	return r;
}

/* The string member key of o, or NULL (absent, or another type). */
static const char *
str_member(json_t *o, const char *key, int *bad)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return NULL;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

/*
 * Turn one JWK into a key, or say why not (returns -1, nothing recorded
 * in ctx).  The key type must agree with "kty" and "alg" when present:
 * a document cannot make an RSA key answer for ES256 or the reverse.
 */
static int
jwk_key(struct ar_ctx *ctx, json_t *jwk, struct ar_key *key)
{
	struct ar_ctx scratch;
	struct ar_key k;
	json_t *x5c;
	const char *use, *kty, *alg, *s, *n, *e;
	unsigned char *der = NULL;
	size_t derlen = 0;
	int bad = 0, rc = -1;

	memset(&k, 0, sizeof(k));
	ar_ctx_try(ctx, &scratch);
	use = str_member(jwk, "use", &bad);
	kty = str_member(jwk, "kty", &bad);
	alg = str_member(jwk, "alg", &bad);
	if (bad || (use != NULL && strcmp(use, "sig") != 0))
		goto out;
	if (alg != NULL && strcmp(alg, "RS256") != 0 &&
	    strcmp(alg, "ES256") != 0 && strcmp(alg, "ES384") != 0)
		goto out;
	x5c = json_object_get(jwk, "x5c");
	if (x5c != NULL) {
		if (!json_is_array(x5c) || json_array_size(x5c) == 0 ||
		    !json_is_string(json_array_get(x5c, 0)))
			goto out;
		s = json_string_value(json_array_get(x5c, 0));
		if (b64_decode(s, json_string_length(json_array_get(x5c, 0)),
		    0, &der, &derlen) == -1)
			goto out;
	} else if (kty != NULL && strcmp(kty, "RSA") == 0) {
		n = str_member(jwk, "n", &bad);
		e = str_member(jwk, "e", &bad);
		if (bad || n == NULL || e == NULL ||
		    rsa_spki(n, e, &der, &derlen) == -1)
			goto out;
	} else {
		goto out;
	}
	if (ar_key_from_der(&scratch, der, derlen, &k) != AR_OK)
		goto out;
	if (k.alg != AR_ALG_RS256 && k.alg != AR_ALG_ES256 &&
	    k.alg != AR_ALG_ES384)
		goto out;
	if (alg != NULL && strcmp(alg, ar_alg_str(k.alg)) != 0)
		goto out;
	if (kty != NULL && !((strcmp(kty, "RSA") == 0 &&
	    k.alg == AR_ALG_RS256) || (strcmp(kty, "EC") == 0 &&
	    k.alg != AR_ALG_RS256)))
		goto out;
	*key = k;
	memset(&k, 0, sizeof(k));	/* transferred */
	rc = 0;
out:
	if (rc == -1 && scratch.err != AR_OK)
		ar_log_trial(ctx, AR_LOG_DEBUG, &scratch,
		    "jwks: key skipped: ");
	free(der);
	ar_key_free(&k);
	return rc;
}

int
ar_jwks_find(struct ar_ctx *ctx, const char *doc, size_t len,
    const char *kid, struct ar_key *key)
{
	struct ar_ctx scratch;
	struct ar_key k;
	json_t *root = NULL, *keys, *jwk;
	const char *jkid;
	size_t i, matched = 0;
	int bad, r = AR_ERR_INTERNAL;

	memset(&k, 0, sizeof(k));
	ar_ctx_try(ctx, &scratch);
	if ((r = ar_json_parse_object(&scratch, doc, len, AR_ERR_UNAVAIL,
	    &root)) != AR_OK) {
		if (r == AR_ERR_NOMEM)
			r = ar_fail(ctx, r, "no_memory", "jwks: out of memory");
		else
			r = ar_fail_trial(ctx, AR_ERR_UNAVAIL, "bad_jwks",
			    &scratch, "jwks: document is not valid: ");
		goto out;
	}
	keys = json_object_get(root, "keys");
	if (!json_is_array(keys)) {
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_jwks",
		    "jwks: document has no \"keys\" array");
		goto out;
	}
	json_array_foreach(keys, i, jwk) {
		if (!json_is_object(jwk))
			continue;
		bad = 0;
		jkid = str_member(jwk, "kid", &bad);
		/* Without a kid in the token only a lone key is unambiguous. */
		if (kid != NULL ? (jkid == NULL || strcmp(jkid, kid) != 0) :
		    json_array_size(keys) != 1)
			continue;
		matched++;
		if (jwk_key(ctx, jwk, &k) == -1)
			continue;
		if (jkid != NULL && (k.kid = ar_strdup(jkid)) == NULL) {
			r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
			    "jwks: out of memory");
			goto out;
		}
		*key = k;
		memset(&k, 0, sizeof(k));	/* transferred */
		r = AR_OK;
		goto out;
	}
	if (matched > 0)
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_jwks",
		    "jwks: key \"%s\" is not a usable signing key",
		    kid != NULL ? kid : "-");
	else
		r = ar_fail(ctx, AR_ERR_AUTH, "unknown_kid",
		    "jwks: no key \"%s\" in the document",
		    kid != NULL ? kid : "-");
out:
	ar_key_free(&k);
	json_decref(root);
	return r;
}

void
ar_jwks_cache_names(const char *url, char *doc, char *mark, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a, 64 bits */
	const unsigned char *p;

	for (p = (const unsigned char *)url; *p != '\0'; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	snprintf(doc, n, "jwks-%016llx", (unsigned long long)h);
	snprintf(mark, n, "jwks-%016llx.try", (unsigned long long)h);
}

/* Was a fetch tried less than AR_JWKS_REFETCH_MIN seconds ago? */
static int
tried_recently(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *mark)
{
	struct ar_ctx scratch;
	char *buf = NULL;
	size_t len = 0;
	time_t mtime = 0;
	int recent = 0;

	ar_ctx_try(ctx, &scratch);
	if (ar_cache_read(&scratch, conf, mark, 64, &buf, &len, &mtime) ==
	    AR_OK)
		recent = mtime <= ctx->now + JWKS_CLOCK_SLACK &&
		    ctx->now - mtime < AR_JWKS_REFETCH_MIN;
	free(buf);
	return recent;
}

/*
 * May a cached document that is no longer fresh still be used, now that
 * fetching failed (why)?  Only while it is at most jwks_max_stale seconds
 * old: a key AuthRocket revoked must stop working some day even while the
 * JWKS cannot be fetched.  A document dated in the future has no age we
 * can trust, and is refused as well.
 */
static int
stale_usable(struct ar_ctx *ctx, const struct ar_conf *conf, time_t mtime,
    const char *why)
{
	long long age = (long long)ctx->now - (long long)mtime;

	if (mtime <= ctx->now + JWKS_CLOCK_SLACK && age >= 0 &&
	    age <= conf->jwks_max_stale) {
		ar_log(ctx, AR_LOG_WARNING, "jwks: %s; using cached keys from "
		    "%lld s ago", why, age);
		return AR_OK;
	}
	if (mtime > ctx->now + JWKS_CLOCK_SLACK)
		ar_log(ctx, AR_LOG_ERR, "jwks: %s, and the cached keys are "
		    "dated %lld s in the future: not used", why, -age);
	else
		ar_log(ctx, AR_LOG_ERR, "jwks: %s, and the cached keys are "
		    "%lld s old, older than jwks_max_stale (%lld s): not used",
		    why, age, (long long)conf->jwks_max_stale);
	return ar_fail(ctx, AR_ERR_UNAVAIL, "jwks_too_stale",
	    "jwks: cached keys are %lld s old and jwks_max_stale is %lld s",
	    age, (long long)conf->jwks_max_stale);
}

/* Fetch the document; on AR_OK it is at least an object with "keys". */
static int
fetch_doc(struct ar_ctx *scratch, const struct ar_conf *conf, char **doc,
    size_t *len)
{
	struct ar_ctx pscratch;
	json_t *root = NULL;
	char *b = NULL;
	size_t l = 0;
	int r;

	if ((r = ar_fetch_get(scratch, conf, conf->jwks_url, &b, &l)) !=
	    AR_OK)
		return r;
	ar_ctx_try(scratch, &pscratch);
	if ((r = ar_json_parse_object(&pscratch, b, l, AR_ERR_UNAVAIL,
	    &root)) != AR_OK || !json_is_array(json_object_get(root,
	    "keys"))) {
		json_decref(root);
		free(b);
		if (r == AR_ERR_NOMEM)
			return ar_ctx_adopt(scratch, &pscratch, r);
		return ar_fail(scratch, AR_ERR_UNAVAIL, "bad_jwks",
		    "jwks: fetched document is not a JWKS");
	}
	json_decref(root);
	*doc = b;
	*len = l;
	return AR_OK;
}

int
ar_jwks_key(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *kid, struct ar_key *key)
{
	struct ar_ctx scratch;
	char name[64], mark[64], *doc = NULL, *fresh_doc = NULL, why[300];
	size_t len = 0, fresh_len = 0;
	time_t mtime = 0;
	int have, fresh = 0, r = AR_ERR_INTERNAL;

	if (conf->jwks_url == NULL) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: no jwks_url for the token's key");
		goto out;
	}
	ar_jwks_cache_names(conf->jwks_url, name, mark, sizeof(name));
	r = ar_cache_read(ctx, conf, name, JWKS_MAX_DOC, &doc, &len, &mtime);
	if (r != AR_OK && r != AR_NOTHING)
		goto out;
	have = r == AR_OK;
	if (have)
		fresh = mtime <= ctx->now + JWKS_CLOCK_SLACK &&
		    ctx->now - mtime < AR_JWKS_TTL;
	if (fresh) {
		ar_ctx_try(ctx, &scratch);
		r = ar_jwks_find(&scratch, doc, len, kid, key);
		if (r == AR_OK || r == AR_ERR_NOMEM)
			goto adopt_out;
		/* An unknown kid may be a rotation; bounded refetching. */
		if (tried_recently(ctx, conf, mark))
			goto adopt_out;
	} else if (have && tried_recently(ctx, conf, mark)) {
		snprintf(why, sizeof(why), "the last fetch was tried less "
		    "than %d s ago", AR_JWKS_REFETCH_MIN);
		if ((r = stale_usable(ctx, conf, mtime, why)) == AR_OK)
			r = ar_jwks_find(ctx, doc, len, kid, key);
		goto out;
	}
	/* Mark the attempt first: a failing AuthRocket is asked rarely. */
	ar_ctx_try(ctx, &scratch);
	if (ar_cache_touch(&scratch, conf, mark) != AR_OK)
		ar_log_trial(ctx, AR_LOG_WARNING, &scratch, "jwks: ");
	ar_ctx_try(ctx, &scratch);
	r = fetch_doc(&scratch, conf, &fresh_doc, &fresh_len);
	/* The reply (or the failure) arrived now: ages count from here. */
	(void)ar_ctx_tick(ctx);
	if (r == AR_OK) {
		struct ar_ctx wscratch;

		ar_ctx_try(ctx, &wscratch);
		if (ar_cache_write(&wscratch, conf, name, fresh_doc,
		    fresh_len) != AR_OK)
			ar_log_trial(ctx, AR_LOG_WARNING, &wscratch,
			    "jwks: keys not cached: ");
		r = ar_jwks_find(ctx, fresh_doc, fresh_len, kid, key);
		goto out;
	}
	if (r == AR_ERR_NOMEM || !have)
		goto adopt_out;
	/* Keep logging in with the keys we had while AuthRocket is away. */
	snprintf(why, sizeof(why), "cannot fetch %s (%s)", conf->jwks_url,
	    scratch.reason != NULL ? scratch.reason : "error");
	if ((r = stale_usable(ctx, conf, mtime, why)) == AR_OK)
		r = ar_jwks_find(ctx, doc, len, kid, key);
	goto out;
adopt_out:
	(void)ar_ctx_adopt(ctx, &scratch, r);
out:
	free(doc);
	free(fresh_doc);
	return r;
}
