/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small, strict DER reader for the one structure the login path needs
 * to look into: SubjectPublicKeyInfo (RFC 5280 4.1, RFC 3279, RFC 5480).
 */
#include <string.h>

#include "spki.h"

/* A definite-length TLV at *p with tag `tag`; advance past it. */
static int
der_take(const unsigned char **p, const unsigned char *end, unsigned char tag,
    const unsigned char **val, size_t *vlen)
{
	const unsigned char *q = *p;
	size_t len, i, n;

	if (end - q < 2 || q[0] != tag)
		return -1;
	q++;
	if (*q < 0x80) {
		len = *q++;
	} else {
		n = *q++ & 0x7f;
		/* DER: long form only when needed, no leading zero byte. */
		if (n == 0 || n > 3 || (size_t)(end - q) < n || q[0] == 0)
			return -1;
		for (len = 0, i = 0; i < n; i++)
			len = (len << 8) | *q++;
		if (len < 0x80)
			return -1;
	}
	if ((size_t)(end - q) < len)
		return -1;
	*val = q;
	*vlen = len;
	*p = q + len;
	return 0;
}

static const unsigned char oid_rsa[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01
};
static const unsigned char oid_ec[] = {
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01
};
static const unsigned char oid_p256[] = {
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07
};
static const unsigned char oid_p384[] = {
	0x2b, 0x81, 0x04, 0x00, 0x22
};

static int
oid_is(const unsigned char *v, size_t n, const unsigned char *oid, size_t on)
{
	return n == on && memcmp(v, oid, on) == 0;
}

/* Bits of a positive DER INTEGER (minimal encoding required). */
static int
integer_bits(const unsigned char *v, size_t n, int *bits)
{
	unsigned char top;
	int b;

	if (n == 0 || (v[0] & 0x80) != 0)
		return -1;			/* empty or negative */
	if (v[0] == 0) {
		if (n == 1 || (v[1] & 0x80) == 0)
			return -1;		/* zero, or not minimal */
		v++;
		n--;
	}
	if (n > 2048)
		return -1;
	for (top = v[0], b = 0; top != 0; top >>= 1)
		b++;
	*bits = (int)(n - 1) * 8 + b;
	return 0;
}

static int
classify_rsa(const unsigned char *key, size_t klen, int min_bits,
    enum ar_spki_type *type, int *bits)
{
	const unsigned char *p = key, *end = key + klen, *seq, *n, *e;
	size_t seqlen, nlen, elen;
	int nbits, ebits;

	if (der_take(&p, end, 0x30, &seq, &seqlen) != 0 || p != end)
		return AR_SPKI_MALFORMED;
	p = seq;
	end = seq + seqlen;
	if (der_take(&p, end, 0x02, &n, &nlen) != 0 ||
	    der_take(&p, end, 0x02, &e, &elen) != 0 || p != end ||
	    integer_bits(n, nlen, &nbits) != 0 ||
	    integer_bits(e, elen, &ebits) != 0 || ebits < 2 ||
	    (e[elen - 1] & 1) == 0)
		return AR_SPKI_MALFORMED;
	*bits = nbits;
	if (nbits < min_bits)
		return AR_SPKI_TOO_SMALL;
	*type = AR_SPKI_RSA;
	return AR_SPKI_OK;
}

static int
classify_ec(const unsigned char *curve, size_t clen, const unsigned char *pt,
    size_t plen, enum ar_spki_type *type, int *bits)
{
	size_t field;

	if (oid_is(curve, clen, oid_p256, sizeof(oid_p256))) {
		field = 32;
		*type = AR_SPKI_EC_P256;
	} else if (oid_is(curve, clen, oid_p384, sizeof(oid_p384))) {
		field = 48;
		*type = AR_SPKI_EC_P384;
	} else {
		return AR_SPKI_UNSUPPORTED;
	}
	if (!((plen == 1 + 2 * field && pt[0] == 0x04) ||
	    (plen == 1 + field && (pt[0] == 0x02 || pt[0] == 0x03))))
		return AR_SPKI_MALFORMED;
	*bits = (int)field * 8;
	return AR_SPKI_OK;
}

int
ar_spki_classify(const unsigned char *der, size_t len, int min_rsa_bits,
    enum ar_spki_type *type, int *bits)
{
	const unsigned char *p = der, *end, *spki, *algid, *oid;
	const unsigned char *bitstr, *params = NULL;
	size_t spkilen, algidlen, oidlen, bitlen, plen = 0;
	enum ar_spki_type a = AR_SPKI_NONE;
	int b = 0, r;

	if (der == NULL)
		return AR_SPKI_MALFORMED;
	end = der + len;
	if (der_take(&p, end, 0x30, &spki, &spkilen) != 0 || p != end)
		return AR_SPKI_MALFORMED;
	p = spki;
	end = spki + spkilen;
	if (der_take(&p, end, 0x30, &algid, &algidlen) != 0 ||
	    der_take(&p, end, 0x03, &bitstr, &bitlen) != 0 || p != end)
		return AR_SPKI_MALFORMED;
	/* The key bits: a BIT STRING with no unused bits. */
	if (bitlen < 2 || bitstr[0] != 0)
		return AR_SPKI_MALFORMED;
	p = algid;
	end = algid + algidlen;
	if (der_take(&p, end, 0x06, &oid, &oidlen) != 0)
		return AR_SPKI_MALFORMED;
	if (oid_is(oid, oidlen, oid_rsa, sizeof(oid_rsa))) {
		/* rsaEncryption carries an explicit NULL parameter. */
		if (end - p != 2 || p[0] != 0x05 || p[1] != 0x00)
			return AR_SPKI_MALFORMED;
		r = classify_rsa(bitstr + 1, bitlen - 1, min_rsa_bits, &a, &b);
	} else if (oid_is(oid, oidlen, oid_ec, sizeof(oid_ec))) {
		if (der_take(&p, end, 0x06, &params, &plen) != 0 || p != end)
			return AR_SPKI_MALFORMED;
		r = classify_ec(params, plen, bitstr + 1, bitlen - 1, &a, &b);
	} else {
		return AR_SPKI_UNSUPPORTED;
	}
	if (r == AR_SPKI_OK || r == AR_SPKI_TOO_SMALL)
		*bits = b;
	if (r == AR_SPKI_OK)
		*type = a;
	return r;
}
