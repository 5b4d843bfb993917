/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The realm's JWT key: classify it (HMAC secret, RSA, EC P-256/P-384),
 * pin the one algorithm it allows, and normalise public keys to PEM.
 * OpenSSL lives here (and in secure.c for constant-time compares).
 */
#ifndef AR_KEY_H
#define AR_KEY_H

#include "ar.h"

enum ar_alg {
	AR_ALG_NONE = 0,	/* never accepted */
	AR_ALG_HS256,
	AR_ALG_RS256,
	AR_ALG_ES256,
	AR_ALG_ES384
};

struct ar_key {
	int		 alg;		/* enum ar_alg, pinned by the key */
	unsigned char	*data;		/* HMAC secret bytes, or PEM text */
	size_t		 len;		/* > 0 always on a parsed key */
	int		 bits;		/* RSA modulus bits, EC curve bits */
	char		*kid;		/* JWKS kid, or NULL */
};

/*
 * Classify the configured key text (AuthRocket SDK rule: longer than 256
 * characters after trimming, or containing "PUBLIC KEY", is a public key;
 * otherwise an HMAC secret used as its literal bytes).  Public keys may be
 * PEM or a bare base64 SubjectPublicKeyInfo body; RSA (>= 2048 bits) gives
 * RS256, EC P-256 ES256, P-384 ES384; anything else is AR_ERR_CONFIG.
 * HMAC secrets shorter than 32 bytes are AR_ERR_CONFIG.
 * On AR_OK *key holds its own copy (release with ar_key_free()).
 */
int	ar_key_parse(struct ar_ctx *ctx, const char *text, size_t len,
	    struct ar_key *key);

/*
 * Build a key from a DER SubjectPublicKeyInfo (a JWKS x5c entry is
 * accepted too: an X.509 certificate's public key is used).  Same
 * algorithm rules as ar_key_parse().  Errors: AR_ERR_UNAVAIL for bad
 * material (it came from the network), AR_ERR_NOMEM.
 */
int	ar_key_from_der(struct ar_ctx *ctx, const unsigned char *der,
	    size_t len, struct ar_key *key);

/*
 * Empty OpenSSL's thread-local error queue (libjwt and the key parsers
 * leave entries on failure), so that the host process never finds our
 * errors there.  Lets token.c stay free of OpenSSL headers.
 */
void	ar_key_clear_errors(void);

/* Release and wipe a key's members; NULL-safe. */
void	ar_key_free(struct ar_key *key);

/* "HS256", "RS256", "ES256", "ES384", or "none". */
const char *ar_alg_str(int alg);

/* Describe the key for authrocket-check ("RS256 (RSA 2048 bits)"). */
void	ar_key_describe(const struct ar_key *key, char *buf, size_t n);

#endif /* AR_KEY_H */
