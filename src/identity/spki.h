/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading the algorithm and size of a DER SubjectPublicKeyInfo without
 * OpenSSL's decoder: the login path needs only to pin the algorithm, and
 * libjwt parses the key itself when it verifies.
 */
#ifndef AR_SPKI_H
#define AR_SPKI_H

#include <stddef.h>

enum ar_spki_result {
	AR_SPKI_OK = 0,
	AR_SPKI_MALFORMED,	/* not a well-formed SPKI */
	AR_SPKI_UNSUPPORTED,	/* another key type or curve */
	AR_SPKI_TOO_SMALL	/* RSA modulus below min_rsa_bits */
};

/* The key types this reader knows; key.c pins an algorithm for each. */
enum ar_spki_type {
	AR_SPKI_NONE = 0,
	AR_SPKI_RSA,		/* rsaEncryption */
	AR_SPKI_EC_P256,	/* id-ecPublicKey on prime256v1 */
	AR_SPKI_EC_P384		/* id-ecPublicKey on secp384r1 */
};

/*
 * Classify der (len bytes, consumed exactly): rsaEncryption with NULL
 * parameters and an RSAPublicKey of at least min_rsa_bits gives
 * AR_SPKI_RSA; id-ecPublicKey on P-256 (65-byte uncompressed or 33-byte
 * compressed point) AR_SPKI_EC_P256, on P-384 AR_SPKI_EC_P384.  *type and
 * *bits are set on AR_SPKI_OK (and *bits also on AR_SPKI_TOO_SMALL).
 */
int	ar_spki_classify(const unsigned char *der, size_t len,
	    int min_rsa_bits, enum ar_spki_type *type, int *bits);

#endif /* AR_SPKI_H */
