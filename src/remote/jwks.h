/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AuthRocket 2 public keys from a JWKS document: parse, pick by kid, and
 * keep a root-only cache so logins go on while AuthRocket is unreachable.
 */
#ifndef AR_JWKS_H
#define AR_JWKS_H

#include "ar.h"
#include "conf.h"
#include "key.h"

#define AR_JWKS_TTL		3600	/* seconds a fetched document is fresh */
#define AR_JWKS_REFETCH_MIN	60	/* at most one refetch for an unknown kid */

/*
 * Find the key with this kid (or the only key when kid is NULL and the
 * document has exactly one) in a JWKS document; the key's x5c[0] (DER)
 * or, for RSA, n/e members are used.  Errors: AR_ERR_AUTH ("unknown_kid"),
 * AR_ERR_UNAVAIL ("bad_jwks"), AR_ERR_NOMEM.
 */
int	ar_jwks_find(struct ar_ctx *ctx, const char *doc, size_t len,
	    const char *kid, struct ar_key *key);

/*
 * The key for kid: from the cache in conf->cache_dir when fresh, else
 * fetched from conf->jwks_url (and cached); an unknown kid refetches at
 * most once per AR_JWKS_REFETCH_MIN seconds; when the fetch fails a stale
 * cached document is still used (with a warning), and a stale document
 * is used without a new attempt within AR_JWKS_REFETCH_MIN seconds of the
 * last one, either only while it is at most conf->jwks_max_stale seconds
 * old (else AR_ERR_UNAVAIL "jwks_too_stale"; a document dated in the
 * future is never used stale).  Ages are measured against ctx->now, which
 * is read again (ar_ctx_tick()) when a fetch returns.  Errors: as
 * ar_jwks_find(), plus AR_ERR_UNAVAIL when neither cache nor network has
 * a document, AR_ERR_CONFIG when jwks_url is unset or the cache directory
 * is unsafe (see ar_cache_read()).  A failure to write the cache is only
 * logged.  On AR_OK *key is the caller's (ar_key_free()).
 */
int	ar_jwks_key(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *kid, struct ar_key *key);

/*
 * The cache entry names for a JWKS URL: doc "jwks-<16 hex>" (FNV-1a 64
 * of the URL, so two realms never share an entry) and mark, the same
 * with ".try", whose mtime is the last fetch attempt.  n >= 32.
 */
void	ar_jwks_cache_names(const char *url, char *doc, char *mark, size_t n);

#endif /* AR_JWKS_H */
