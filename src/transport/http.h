/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one HTTPS request authrocket-helper performs, as main.c hands it to
 * the libcurl code in http.c and gets the outcome back.
 */
#ifndef AR_HELPER_HTTP_H
#define AR_HELPER_HTTP_H

#include <stddef.h>

#define AR_HELPER_MAX_HEADERS	32
#define AR_HELPER_MAX_HDR_BYTES	65536	/* reply header bytes accepted */
#define AR_HELPER_CA_DIR	"/etc/ssl/certs"

struct ar_helper_req {
	const char	*method;	/* "GET" or "POST" */
	const char	*url;		/* must start with "https://" */
	const char	*headers[AR_HELPER_MAX_HEADERS]; /* "Name: value" */
	size_t		 nheaders;
	const char	*body;		/* POST only, or NULL */
	size_t		 body_len;
	long		 timeout_ms;	/* connect and total */
	const char	*ca_file;	/* or NULL */
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

#endif /* AR_HELPER_HTTP_H */
