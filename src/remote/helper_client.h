/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Running authrocket-helper for one HTTPS request: started from its
 * checked descriptor (spawn.h) with an empty environment and clean
 * descriptors, the request (with the checked CA file's content) over a
 * socket pair, the reply read back under the context's deadline, the
 * child always reaped.
 */
#ifndef AR_HELPER_CLIENT_H
#define AR_HELPER_CLIENT_H

#include "ar.h"
#include "conf.h"

struct ar_http_req {
	const char	*method;	/* "GET" or "POST" */
	const char	*url;		/* absolute https:// URL */
	const char	*headers[12];	/* "Name: value", NULL terminated */
	const char	*body;		/* or NULL */
	size_t		 body_len;
	size_t		 max_body;	/* 0: AR_MAX_REPLY */
};

struct ar_http_resp {
	long		 status;	/* HTTP status, 0 on transport error */
	char		*body;		/* malloc'ed, NUL terminated, or NULL */
	size_t		 body_len;
	char		*date;		/* the Date header, or NULL */
	char		*error;		/* transport error class, or NULL:
					   "timeout", "connect", "resolve",
					   "tls", "too_large", "proto",
					   "bad_request" */
	char		*detail;	/* helper's escaped detail, or NULL */
	char		*tls;		/* negotiated TLS version, or NULL */
	long		 time_ms;	/* helper's measured request time */
	long		 retry_after;	/* Retry-After seconds, or 0 */
};

/*
 * Start the deadline for this call's network work if not yet started:
 * ctx->deadline_ms = now + conf->timeout seconds.
 */
void	ar_deadline_start(struct ar_ctx *ctx, const struct ar_conf *conf);

/*
 * Perform req through the helper (conf->helper, checked on its opened
 * descriptor by ar_prog_open()) with conf->ca_file (read and checked
 * here, its content sent), conf->ca_dir (checked with its entries) and
 * conf->proxy, within the remaining deadline (started here if needed).
 * The helper is killed and reaped when the deadline passes.  AR_OK
 * means the helper answered: resp->status is the HTTP status (3xx
 * included: redirects are never followed), or 0 with resp->error set
 * for transport failures (those are also logged, as "api: METHOD
 * URL-without-query failed: CLASS (DETAIL)").  Errors: AR_ERR_UNAVAIL
 * ("helper_failed", "timeout"; logged the same way), AR_ERR_CONFIG
 * ("config": helper or trust anchor unsafe), AR_ERR_NOMEM.  Release
 * resp with ar_http_resp_clear() in every case.
 */
int	ar_http_perform(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const struct ar_http_req *req, struct ar_http_resp *resp);

void	ar_http_resp_clear(struct ar_http_resp *resp);

/*
 * The trust anchors of conf, checked like every file trusted: ca_dir (the
 * directory and its entries) must pass the owner and mode rule, and
 * ca_file is read by descriptor into *ca (malloc'ed, *ca_len bytes; NULL
 * without ca_file), so that what was checked is exactly what the HTTPS
 * code is given.  AR_OK, AR_ERR_CONFIG or AR_ERR_NOMEM.
 */
int	ar_anchors_load(struct ar_ctx *ctx, const struct ar_conf *conf,
	    char **ca, size_t *ca_len);

#endif /* AR_HELPER_CLIENT_H */
