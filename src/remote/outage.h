/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast failure during an AuthRocket outage: after a request found
 * AuthRocket unreachable, a marker per API URL in the cache directory
 * makes later requests answer at once instead of waiting out the timeout
 * again, until offline_timeout (or a 429's Retry-After) has passed.
 */
#ifndef AR_OUTAGE_H
#define AR_OUTAGE_H

#include "ar.h"
#include "conf.h"

/* The longest Retry-After honoured, seconds. */
#define AR_OUTAGE_MAX_RETRY_AFTER	3600

/* What the marker says; times are unix seconds on ctx->now's clock. */
struct ar_outage {
	int64_t	since;		/* first failure of this outage */
	int64_t	until;		/* no request before this time */
	char	reason[24];	/* "connect", "rate_limited", "probe"... */
};

/*
 * Does this failure reason (ctx->reason) mean AuthRocket could not be
 * reached: connect, resolve, TLS, timeout, transport, 5xx, 429, or the
 * fast-failure answer "offline" itself?  A definite answer (401, 404,
 * inactive...) and a helper or configuration failure are not.
 */
int	ar_outage_reason(const char *reason);

/*
 * Before a request to conf->api_url: AR_OK to go ahead (*probe is set
 * when an outage window just ended and this request is the one that
 * tries again; the marker then holds others off for conf->timeout), or
 * AR_ERR_UNAVAIL with reason "offline" inside the window.  Problems with
 * the marker (unsafe directory, garbage) are logged and ignored: the
 * marker only ever makes an answer faster, never an allow.
 */
int	ar_outage_check(struct ar_ctx *ctx, const struct ar_conf *conf,
	    int *probe);

/*
 * After a request: error is the transport failure class ("connect",
 * "timeout"...) or NULL when AuthRocket answered with HTTP status;
 * retry_after a 429's Retry-After in seconds (0: none).  An unreachable
 * AuthRocket (connect, resolve, TLS, timeout, 5xx, 429) starts or
 * extends the window; any other answer ends it when probe is set.
 * Other failures (the helper, an oversized reply) change nothing.
 * Never fails: write errors are logged.
 */
void	ar_outage_note(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *error, long status, long retry_after, int probe);

/* Read the marker for authrocket-check: AR_OK, AR_NOTHING, or an error. */
int	ar_outage_read(struct ar_ctx *ctx, const struct ar_conf *conf,
	    struct ar_outage *o);

/* The marker's entry name for conf->api_url into buf (at least 40). */
void	ar_outage_name(const struct ar_conf *conf, char *buf, size_t n);

#endif /* AR_OUTAGE_H */
