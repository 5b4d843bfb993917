/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTPS requests of authrocket-helper (one per run) and authrocket-sync
 * (many over one kept-alive connection), as the programs hand them to the
 * libcurl code in http.c and get the outcome back.
 */
#ifndef AR_HELPER_HTTP_H
#define AR_HELPER_HTTP_H

#include <stddef.h>

#define AR_HELPER_MAX_HEADERS	32
#define AR_HELPER_MAX_HDR_BYTES	65536	/* reply header bytes accepted */
#define AR_HELPER_CA_DIR	"/etc/ssl/certs"
#define AR_HELPER_MAX_RETRY_AFTER 86400	/* seconds passed on at most */

struct ar_helper_req {
	const char	*method;	/* "GET" or "POST" */
	const char	*url;		/* must start with "https://" */
	const char	*headers[AR_HELPER_MAX_HEADERS]; /* "Name: value" */
	size_t		 nheaders;
	const char	*body;		/* POST only, or NULL */
	size_t		 body_len;
	long		 timeout_ms;	/* connect and total */
	const char	*ca_blob;	/* PEM text of the module's ca_file,
					   or NULL */
	size_t		 ca_blob_len;
	const char	*ca_dir;	/* or NULL; neither: system dir */
	const char	*proxy;		/* or NULL: no proxy at all */
	size_t		 max_body;	/* reply body cap */
};

struct ar_helper_resp {
	long		 status;	/* 0 when error is set */
	char		*body;		/* malloc'ed, or NULL */
	size_t		 body_len;
	char		 date[128];	/* Date header, or "" */
	const char	*error;		/* static class name, or NULL */
	char		 detail[256];	/* escaped, or "" */
	char		 tls[32];	/* "TLSv1.3", or "" */
	long		 time_ms;
	long		 retry_after;	/* Retry-After seconds, or -1 */
};

/*
 * Perform req with libcurl and fill *resp (zeroed here first).  A failed
 * request is not an error of this function: resp->error names the class
 * ("timeout", "connect", "resolve", "tls", "too_large", "proto",
 * "bad_request").  Returns AR_OK, or AR_ERR_NOMEM / AR_ERR_INTERNAL when
 * libcurl could not even be set up.  The caller wipes and frees
 * resp->body.
 */
int	ar_helper_http(const struct ar_helper_req *req,
	    struct ar_helper_resp *resp);

/*
 * A session: one libcurl handle reused for several requests, so that
 * requests to the same server share one connection (kept alive) and one
 * TLS handshake.  Every request is checked and configured exactly as by
 * ar_helper_http().  ar_http_session_new() returns AR_OK with *s set,
 * AR_ERR_NOMEM or AR_ERR_INTERNAL; perform has the results of
 * ar_helper_http(); free accepts NULL.
 */
struct ar_http_session;

int	ar_http_session_new(struct ar_http_session **s);
int	ar_http_session_perform(struct ar_http_session *s,
	    const struct ar_helper_req *req, struct ar_helper_resp *resp);
void	ar_http_session_free(struct ar_http_session *s);

#endif /* AR_HELPER_HTTP_H */
