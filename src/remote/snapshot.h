/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the outage caches keep about a person between logins: the identity
 * AuthRocket last vouched for (state, names, memberships), when that was,
 * and for cached credentials the verifier and the offline failure count.
 * Encoded as a small strict JSON document.
 */
#ifndef AR_SNAPSHOT_H
#define AR_SNAPSHOT_H

#include "ar.h"
#include "conf.h"
#include "identity.h"

#define AR_SNAPSHOT_MAX	65536	/* largest encoded snapshot */

struct ar_snapshot {
	int64_t		 saved_at;	/* last online answer */
	char		*verifier;	/* crypt(3) string, or NULL */
	int64_t		 fails;		/* wrong offline passwords */
	int		 code_user;	/* realm asked a code */
	struct ar_identity id;
};

/*
 * Encode s into a malloc'ed buffer (*buf, *len; not NUL terminated).
 * Errors: AR_ERR_INTERNAL (over AR_SNAPSHOT_MAX), AR_ERR_NOMEM.
 */
int	ar_snapshot_encode(struct ar_ctx *ctx, const struct ar_snapshot *s,
	    char **buf, size_t *len);

/*
 * Decode buf into *s (zeroed first; release with ar_snapshot_clear()).
 * Exact types throughout.  Errors: AR_ERR_UNAVAIL ("bad_cache"),
 * AR_ERR_NOMEM.
 */
int	ar_snapshot_decode(struct ar_ctx *ctx, const char *buf, size_t len,
	    struct ar_snapshot *s);

/* Copy the parts of src an outage cache keeps into *dst (zeroed first). */
int	ar_snapshot_copy_id(struct ar_ctx *ctx,
	    const struct ar_identity *src, struct ar_identity *dst);

/*
 * Read and decode the cache entry of kind ("cred", "acct") for local
 * user (see ar_cache_user_entry()): AR_OK, AR_NOTHING when absent, or the
 * errors of ar_cache_read() and ar_snapshot_decode().
 */
int	ar_snapshot_load(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *kind, const char *user, struct ar_snapshot *s);

/* Encode s and write it atomically as that entry. */
int	ar_snapshot_save(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *kind, const char *user, const struct ar_snapshot *s);

/* Remove that entry (absent is AR_OK). */
int	ar_snapshot_drop(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *kind, const char *user);

void	ar_snapshot_clear(struct ar_snapshot *s);

#endif /* AR_SNAPSHOT_H */
