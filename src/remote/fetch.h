/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every request through the helper shares: naming a transport
 * failure, judging an HTTP status that has no API meaning, and a plain
 * credential-free GET (the JWKS document).
 */
#ifndef AR_FETCH_H
#define AR_FETCH_H

#include "ar.h"
#include "conf.h"
#include "helper_client.h"

/*
 * The reason keyword for a transport failure class reported by the
 * helper ("timeout", "connect", "resolve", "tls", "too_large", "proto");
 * anything else, NULL included, is "transport".  Static strings.
 */
const char *ar_fetch_transport_reason(const char *error);

/*
 * Judge an HTTP status for a request named what ("GET https://...") by
 * what it says about the server, not about an API call: AR_OK for 2xx;
 * otherwise AR_ERR_UNAVAIL with a log line: 3xx "redirect" (never
 * followed), 429 "rate_limited", 5xx "server_error", anything else
 * "bad_status".  text is the server's error text (raw, "" when none).
 */
int	ar_fetch_judge_status(struct ar_ctx *ctx, const char *what,
	    long status, const char *text);

/*
 * GET an absolute https:// URL through the helper with no credentials
 * (the JWKS document is public and may live on another host).  On AR_OK
 * *body is malloc'ed and NUL terminated (owned by the caller), *len its
 * length.  Errors: AR_ERR_CONFIG ("config": not https://),
 * AR_ERR_UNAVAIL (transport reason, status reason as
 * ar_fetch_judge_status(), "bad_reply" for an empty body, or the
 * helper's own failure), AR_ERR_NOMEM.
 */
int	ar_fetch_get(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *url, char **body, size_t *len);

#endif /* AR_FETCH_H */
