/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one JWT minter of the C tests (tests/unit/test_token.c) and of
 * build/tools/armint (used by the Python tests): header and payload are
 * taken verbatim, so tests can also build tokens that are deliberately
 * wrong (duplicate members, odd types, algorithm tricks).
 */
#ifndef JWTMINT_H
#define JWTMINT_H

#include <stddef.h>

#include <openssl/evp.h>

/* How a token is signed. */
struct jwtmint_signer {
	const EVP_MD	*md;		/* digest */
	const void	*hkey;		/* HMAC key, or NULL for pkey */
	size_t		 hlen;
	EVP_PKEY	*pkey;		/* RSA or EC private key */
	int		 ec;		/* r and s size for ECDSA (JOSE r||s),
					   else 0 */
};

/* base64url without padding; malloc'ed, NULL when out of memory. */
char	*jwtmint_b64url(const void *data, size_t n);

/*
 * A compact token "B64(header).B64(payload).B64(signature)" with the
 * signature of sg over the first two parts; sg NULL gives an empty
 * signature segment.  Malloc'ed; NULL on any failure (OpenSSL's error
 * queue says why).
 */
char	*jwtmint_token(const char *header, size_t hlen, const char *payload,
	    size_t plen, const struct jwtmint_signer *sg);

#endif /* JWTMINT_H */
