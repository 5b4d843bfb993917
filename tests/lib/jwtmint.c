/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tests' JWT minter: base64url, HMAC, RSA and ECDSA (JOSE r||s)
 * signatures with OpenSSL.  See jwtmint.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>

#include "jwtmint.h"

char *
jwtmint_b64url(const void *data, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_";
	const unsigned char *in = data;
	char *out;
	size_t i, o = 0;
	unsigned long v;

	if ((out = malloc(n / 3 * 4 + 5)) == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63];
		out[o++] = tab[v & 63];
	}
	if (n - i >= 1) {
		v = (unsigned long)in[i] << 16;
		if (n - i == 2)
			v |= (unsigned long)in[i + 1] << 8;
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		if (n - i == 2)
			out[o++] = tab[(v >> 6) & 63];
	}
	out[o] = '\0';
	return out;
}

/* A DER ECDSA signature as JOSE's fixed-size r||s; NULL on failure. */
static unsigned char *
ecdsa_raw(const unsigned char *der, size_t dlen, int size)
{
	const unsigned char *p = der;
	const BIGNUM *r, *s;
	unsigned char *raw = NULL;
	ECDSA_SIG *es;

	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)dlen)) == NULL)
		return NULL;
	ECDSA_SIG_get0(es, &r, &s);
	if ((raw = malloc(2 * (size_t)size)) != NULL &&
	    (BN_bn2binpad(r, raw, size) != size ||
	    BN_bn2binpad(s, raw + size, size) != size)) {
		free(raw);
		raw = NULL;
	}
	ECDSA_SIG_free(es);
	return raw;
}

/* Signature bytes of in under sg; *n its length.  NULL on failure. */
static unsigned char *
sign(const struct jwtmint_signer *sg, const char *in, size_t inlen,
    size_t *n)
{
	unsigned char *out = NULL, *der = NULL;
	unsigned int hl = 0;
	EVP_MD_CTX *m = NULL;
	size_t dl = 0;

	if (sg->hkey != NULL) {
		if ((out = malloc(EVP_MAX_MD_SIZE)) == NULL ||
		    HMAC(sg->md, sg->hkey, (int)sg->hlen,
		    (const unsigned char *)in, inlen, out, &hl) == NULL) {
			free(out);
			return NULL;
		}
		*n = hl;
		return out;
	}
	if ((m = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(m, NULL, sg->md, NULL, sg->pkey) != 1 ||
	    EVP_DigestSign(m, NULL, &dl, (const unsigned char *)in,
	    inlen) != 1 || (der = malloc(dl)) == NULL ||
	    EVP_DigestSign(m, der, &dl, (const unsigned char *)in,
	    inlen) != 1)
		goto out;
	if (sg->ec == 0) {
		out = der;
		der = NULL;
		*n = dl;
	} else if ((out = ecdsa_raw(der, dl, sg->ec)) != NULL) {
		*n = 2 * (size_t)sg->ec;
	}
out:
	EVP_MD_CTX_free(m);
	free(der);
	return out;
}

char *
jwtmint_token(const char *header, size_t hlen, const char *payload,
    size_t plen, const struct jwtmint_signer *sg)
{
	char *h = jwtmint_b64url(header, hlen);
	char *p = jwtmint_b64url(payload, plen);
	char *in = NULL, *tok = NULL, *s64 = NULL;
	unsigned char *sig = NULL;
	size_t n = 0;

	if (h == NULL || p == NULL || asprintf(&in, "%s.%s", h, p) < 0) {
		in = NULL;
		goto out;
	}
	if (sg != NULL && (sig = sign(sg, in, strlen(in), &n)) == NULL)
		goto out;
	if ((s64 = jwtmint_b64url(sig != NULL ? sig : (unsigned char *)"",
	    n)) == NULL || asprintf(&tok, "%s.%s", in, s64) < 0)
		tok = NULL;
out:
	free(h);
	free(p);
	free(in);
	free(sig);
	free(s64);
	return tok;
}
