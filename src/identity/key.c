/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The realm's JWT key: tell an HMAC secret from a public key, check the
 * public key's type and size with OpenSSL, pin the one algorithm it allows
 * and keep public keys as normalised SubjectPublicKeyInfo PEM for libjwt.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "conf.h"
#include "key.h"
#include "secure.h"
#include "spki.h"

#define AR_HMAC_MIN		32	/* shortest HMAC secret accepted */
#define AR_RSA_MIN_BITS		2048	/* smallest RSA modulus accepted */

/* Where a key came from decides the error code and wording. */
struct key_origin {
	int		 code;		/* AR_ERR_CONFIG or AR_ERR_UNAVAIL */
	const char	*reason;	/* "bad_key" or "bad_jwks" */
	const char	*what;		/* "jwt_key" or "jwks" */
};

static const struct key_origin origin_conf = {
	AR_ERR_CONFIG, "bad_key", "jwt_key"
};
static const struct key_origin origin_jwks = {
	AR_ERR_UNAVAIL, "bad_jwks", "jwks"
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

/* Narrow [*s, *s + *n) to its text without surrounding blanks. */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_blank((*s)[0])) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_blank((*s)[*n - 1]))
		(*n)--;
}

void
ar_key_clear_errors(void)
{
	ERR_clear_error();
}

/* Copy len bytes into a new NUL-terminated buffer. */
static unsigned char *
dup_bytes(const void *p, size_t len)
{
	unsigned char *d;

	if (len == SIZE_MAX || (d = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(d, p, len);
	d[len] = '\0';
	return d;
}

/* The algorithm a key type pins: the key decides, never the token. */
static int
alg_of_spki(enum ar_spki_type type)
{
	switch (type) {
	case AR_SPKI_RSA:
		return AR_ALG_RS256;
	case AR_SPKI_EC_P256:
		return AR_ALG_ES256;
	case AR_SPKI_EC_P384:
		return AR_ALG_ES384;
	case AR_SPKI_NONE:
		break;
	}
	return AR_ALG_NONE;
}

/*
 * Check the public key's type and size and pin its algorithm: RSA of at
 * least 2048 bits gives RS256, P-256 ES256, P-384 ES384.  Everything else
 * (short RSA, RSA-PSS, other curves, EdDSA, DSA) is refused, because the
 * algorithm must follow from the key and nothing else.
 */
static int
classify(struct ar_ctx *ctx, const struct key_origin *o, EVP_PKEY *pkey,
    int *alg, int *bits)
{
	char group[64];
	size_t glen = 0;
	int b;

	b = EVP_PKEY_get_bits(pkey);
	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
		if (b < AR_RSA_MIN_BITS)
			return ar_fail(ctx, o->code, o->reason,
			    "%s: rsa key of %d bits is too small (at least "
			    "%d)", o->what, b, AR_RSA_MIN_BITS);
		*alg = AR_ALG_RS256;
		*bits = b;
		return AR_OK;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_group_name(pkey, group, sizeof(group),
		    &glen) != 1) {
			ar_key_clear_errors();
			return ar_fail(ctx, o->code, o->reason,
			    "%s: ec key without a named curve", o->what);
		}
		if (strcmp(group, "prime256v1") == 0) {
			*alg = AR_ALG_ES256;
			*bits = 256;
			return AR_OK;
		}
		if (strcmp(group, "secp384r1") == 0) {
			*alg = AR_ALG_ES384;
			*bits = 384;
			return AR_OK;
		}
		return ar_fail(ctx, o->code, o->reason,
		    "%s: ec curve %s is not supported (P-256 or P-384 only)",
		    o->what, group);
	default:
		return ar_fail(ctx, o->code, o->reason,
		    "%s: unsupported key type %s (rsa or ec P-256/P-384 "
		    "only)", o->what, OBJ_nid2sn(EVP_PKEY_get_base_id(pkey)));
	}
}

/*
 * Finish a public key: classify it and store its SubjectPublicKeyInfo PEM,
 * the form libjwt 1.10.2 reads for RS and ES algorithms.
 */
static int
finish_public(struct ar_ctx *ctx, const struct key_origin *o, EVP_PKEY *pkey,
    struct ar_key *key)
{
	struct ar_key k;
	BIO *bio = NULL;
	char *mem;
	long n;
	int r = AR_ERR_INTERNAL;

	memset(&k, 0, sizeof(k));
	if ((r = classify(ctx, o, pkey, &k.alg, &k.bits)) != AR_OK)
		goto out;
	r = AR_ERR_INTERNAL;
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PUBKEY(bio, pkey) != 1 ||
	    (n = BIO_get_mem_data(bio, &mem)) <= 0) {
		ar_key_clear_errors();
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "%s: cannot encode the public key", o->what);
		goto out;
	}
	if ((k.data = dup_bytes(mem, (size_t)n)) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory", "%s: out of memory",
		    o->what);
		goto out;
	}
	k.len = (size_t)n;
	*key = k;
	r = AR_OK;
out:
	BIO_free(bio);
	return r;
}

/*
 * DER of one PEM block to a public key: a SubjectPublicKeyInfo, a PKCS#1
 * RSAPublicKey or a certificate.  The DER must be consumed exactly.
 */
static EVP_PKEY *
der_to_pkey(const char *type, const unsigned char *der, long len)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey = NULL;
	X509 *x;

	if (strcmp(type, "PUBLIC KEY") == 0) {
		pkey = d2i_PUBKEY(NULL, &p, len);
	} else if (strcmp(type, "RSA PUBLIC KEY") == 0) {
		pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, len);
	} else if (strcmp(type, "CERTIFICATE") == 0) {
		if ((x = d2i_X509(NULL, &p, len)) != NULL) {
			pkey = X509_get_pubkey(x);
			X509_free(x);
		}
	}
	if (pkey != NULL && p != der + len) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

/*
 * The common case, a SubjectPublicKeyInfo: classify it with the small DER
 * reader and re-armour it ourselves.  OpenSSL's decoder costs more than
 * the signature check, and libjwt decodes the key once more when it
 * verifies, so the login path must not pay for it twice.
 */
static int
finish_spki(struct ar_ctx *ctx, const struct key_origin *o,
    const unsigned char *der, size_t len, struct ar_key *key)
{
	struct ar_key k;
	size_t b64len, i, off = 0, cap;
	unsigned char *b64 = NULL;
	enum ar_spki_type type = AR_SPKI_NONE;
	int r, bits = 0;

	memset(&k, 0, sizeof(k));
	switch (ar_spki_classify(der, len, AR_RSA_MIN_BITS, &type, &bits)) {
	case AR_SPKI_OK:
		k.alg = alg_of_spki(type);
		break;
	case AR_SPKI_TOO_SMALL:
		return ar_fail(ctx, o->code, o->reason, "%s: rsa key of %d "
		    "bits is too small (at least %d)", o->what, bits,
		    AR_RSA_MIN_BITS);
	case AR_SPKI_UNSUPPORTED:
		return ar_fail(ctx, o->code, o->reason, "%s: unsupported key "
		    "type (rsa or ec P-256/P-384 only)", o->what);
	default:
		return ar_fail(ctx, o->code, o->reason, "%s: malformed "
		    "SubjectPublicKeyInfo", o->what);
	}
	k.bits = bits;
	if (len > INT_MAX / 2) {
		r = ar_fail(ctx, o->code, o->reason, "%s: key too large",
		    o->what);
		goto out;
	}
	b64len = 4 * ((len + 2) / 3);
	cap = strlen("-----BEGIN PUBLIC KEY-----\n") + b64len + b64len / 64 +
	    strlen("-----END PUBLIC KEY-----\n") + 2;
	if ((b64 = malloc(b64len + 1)) == NULL ||
	    (k.data = malloc(cap)) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory", "%s: out of memory",
		    o->what);
		goto out;
	}
	(void)EVP_EncodeBlock(b64, der, (int)len);
	off = (size_t)snprintf((char *)k.data, cap,
	    "-----BEGIN PUBLIC KEY-----\n");
	for (i = 0; i < b64len; i += 64) {
		size_t chunk = b64len - i < 64 ? b64len - i : 64;

		memcpy(k.data + off, b64 + i, chunk);
		off += chunk;
		k.data[off++] = '\n';
	}
	off += (size_t)snprintf((char *)k.data + off, cap - off,
	    "-----END PUBLIC KEY-----\n");
	k.len = off;
	*key = k;
	k.data = NULL;	/* transferred */
	r = AR_OK;
out:
	free(b64);
	free(k.data);
	return r;
}

/* Parse PEM text (one block is used) into *key. */
static int
parse_pem(struct ar_ctx *ctx, const char *pem, size_t len, struct ar_key *key)
{
	const struct key_origin *o = &origin_conf;
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long der_len = 0;
	int r = AR_ERR_INTERNAL;

	if (len > INT_MAX ||
	    (bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "jwt_key: out of memory");
		goto out;
	}
	if (PEM_read_bio(bio, &name, &header, &der, &der_len) != 1) {
		r = ar_fail(ctx, o->code, o->reason,
		    "jwt_key: not a valid PEM public key");
		goto out;
	}
	if (strstr(name, "PRIVATE KEY") != NULL) {
		r = ar_fail(ctx, o->code, o->reason,
		    "jwt_key: a private key was given; configure the realm's "
		    "public key");
		goto out;
	}
	if (strcmp(name, "PUBLIC KEY") == 0 && der_len > 0) {
		r = finish_spki(ctx, o, der, (size_t)der_len, key);
		goto out;
	}
	if ((pkey = der_to_pkey(name, der, der_len)) == NULL) {
		r = ar_fail(ctx, o->code, o->reason,
		    "jwt_key: PEM block %s is not a usable public key "
		    "(PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)", name);
		goto out;
	}
	r = finish_public(ctx, o, pkey, key);
out:
	ar_key_clear_errors();
	EVP_PKEY_free(pkey);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	return r;
}

static int
is_b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

/*
 * A bare base64 body (what some consoles show without the BEGIN/END lines,
 * possibly broken over lines): rewrap it as a PUBLIC KEY PEM block.
 */
static int
parse_bare(struct ar_ctx *ctx, const char *s, size_t n, struct ar_key *key)
{
	char *pem = NULL, *body = NULL;
	size_t i, blen = 0, o = 0, cap;
	int r = AR_ERR_INTERNAL;

	if ((body = malloc(n + 1)) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "jwt_key: out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (is_blank(s[i]))
			continue;
		if (!is_b64_char(s[i])) {
			r = ar_fail(ctx, AR_ERR_CONFIG, "bad_key",
			    "jwt_key: neither a PEM public key nor a base64 "
			    "key body (longer than %d characters or naming a "
			    "PUBLIC KEY, so not taken as an HMAC secret)",
			    AR_PUBLIC_TEXT_LEN);
			goto out;
		}
		body[blen++] = s[i];
	}
	if (blen == 0) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "bad_key", "jwt_key: empty");
		goto out;
	}
	cap = blen + blen / 64 + 64;
	if ((pem = malloc(cap)) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "jwt_key: out of memory");
		goto out;
	}
	o = (size_t)snprintf(pem, cap, "-----BEGIN PUBLIC KEY-----\n");
	for (i = 0; i < blen; i += 64) {
		size_t chunk = blen - i < 64 ? blen - i : 64;

		memcpy(pem + o, body + i, chunk);
		o += chunk;
		pem[o++] = '\n';
	}
	o += (size_t)snprintf(pem + o, cap - o, "-----END PUBLIC KEY-----\n");
	r = parse_pem(ctx, pem, o, key);
out:
	free(body);
	free(pem);
	return r;
}

/* An HMAC secret: its literal bytes, "jsk_" prefix included. */
static int
parse_hmac(struct ar_ctx *ctx, const char *text, size_t len,
    struct ar_key *key)
{
	struct ar_key k;

	if (len < AR_HMAC_MIN)
		return ar_fail(ctx, AR_ERR_CONFIG, "bad_key",
		    "jwt_key: hmac secret of %zu bytes is too short (at "
		    "least %d)", len, AR_HMAC_MIN);
	memset(&k, 0, sizeof(k));
	if ((k.data = dup_bytes(text, len)) == NULL)
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "jwt_key: out of memory");
	k.len = len;
	k.alg = AR_ALG_HS256;
	k.bits = len > INT_MAX / 8 ? INT_MAX : (int)len * 8;
	*key = k;
	return AR_OK;
}

int
ar_key_parse(struct ar_ctx *ctx, const char *text, size_t len,
    struct ar_key *key)
{
	const char *s = text;
	size_t n = len;

	if (text == NULL || len == 0)
		return ar_fail(ctx, AR_ERR_CONFIG, "bad_key", "jwt_key: empty");
	/* The SDKs' rule decides the kind; the key never names its alg. */
	if (!ar_key_text_is_public(text, len))
		return parse_hmac(ctx, text, len, key);
	trim(&s, &n);
	if (memmem(s, n, "-----BEGIN ", strlen("-----BEGIN ")) != NULL)
		return parse_pem(ctx, s, n, key);
	return parse_bare(ctx, s, n, key);
}

int
ar_key_from_der(struct ar_ctx *ctx, const unsigned char *der, size_t len,
    struct ar_key *key)
{
	EVP_PKEY *pkey = NULL;
	int r = AR_ERR_INTERNAL;

	if (der == NULL || len == 0 || len > LONG_MAX) {
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_jwks",
		    "jwks: empty or oversized key");
		goto out;
	}
	/* A JWKS x5c entry may be a bare SPKI (the usual case) or a
	 * certificate. */
	if (ar_spki_classify(der, len, AR_RSA_MIN_BITS,
	    &(enum ar_spki_type){ AR_SPKI_NONE }, &(int){ 0 }) !=
	    AR_SPKI_MALFORMED) {
		r = finish_spki(ctx, &origin_jwks, der, len, key);
		goto out;
	}
	if ((pkey = der_to_pkey("PUBLIC KEY", der, (long)len)) == NULL &&
	    (pkey = der_to_pkey("CERTIFICATE", der, (long)len)) == NULL) {
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_jwks",
		    "jwks: key is neither a SubjectPublicKeyInfo nor a "
		    "certificate");
		goto out;
	}
	r = finish_public(ctx, &origin_jwks, pkey, key);
out:
	ar_key_clear_errors();
	EVP_PKEY_free(pkey);
	return r;
}

void
ar_key_free(struct ar_key *key)
{
	if (key == NULL)
		return;
	/* data holds len bytes plus a NUL; an HMAC secret is wiped. */
	if (key->data != NULL)
		ar_secure_free(key->data, key->len + 1);
	free(key->kid);
	memset(key, 0, sizeof(*key));
}

const char *
ar_alg_str(int alg)
{
	switch (alg) {
	case AR_ALG_HS256:
		return "HS256";
	case AR_ALG_RS256:
		return "RS256";
	case AR_ALG_ES256:
		return "ES256";
	case AR_ALG_ES384:
		return "ES384";
	default:
		return "none";
	}
}

void
ar_key_describe(const struct ar_key *key, char *buf, size_t n)
{
	char kid[128];

	if (buf == NULL || n == 0)
		return;
	if (key == NULL || key->len == 0) {
		snprintf(buf, n, "no key");
		return;
	}
	kid[0] = '\0';
	if (key->kid != NULL)
		ar_escape(kid, sizeof(kid), key->kid, strlen(key->kid));
	switch (key->alg) {
	case AR_ALG_HS256:
		snprintf(buf, n, "HS256 (hmac secret, %zu bytes)", key->len);
		break;
	case AR_ALG_RS256:
		snprintf(buf, n, "RS256 (rsa %d bits)%s%s", key->bits,
		    kid[0] ? ", kid " : "", kid);
		break;
	case AR_ALG_ES256:
	case AR_ALG_ES384:
		snprintf(buf, n, "%s (ec P-%d)%s%s", ar_alg_str(key->alg),
		    key->bits, kid[0] ? ", kid " : "", kid);
		break;
	default:
		snprintf(buf, n, "unusable key");
		break;
	}
}
