/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parts of talking HTTPS through the helper that do not depend on
 * the AuthRocket API: failure names, status judgement, a plain GET.
 */
#include <stdio.h>
#include <string.h>

#include "fetch.h"

const char *
ar_fetch_transport_reason(const char *error)
{
	static const char *const known[] = { "timeout", "connect", "resolve",
	    "tls", "too_large", "proto" };
	size_t i;

	for (i = 0; error != NULL && i < sizeof(known) / sizeof(known[0]);
	    i++)
		if (strcmp(error, known[i]) == 0)
			return known[i];
	return "transport";
}

int
ar_fetch_judge_status(struct ar_ctx *ctx, const char *what, long status,
    const char *text)
{
	if (status >= 200 && status <= 299)
		return AR_OK;
	if (status >= 300 && status <= 399) {
		/* Redirects are never followed: no server we ask sends one. */
		ar_log(ctx, AR_LOG_ERR, "api: %s: redirect (%ld) not followed",
		    what, status);
		return ar_fail(ctx, AR_ERR_UNAVAIL, "redirect",
		    "api: %s: redirect (%ld)", what, status);
	}
	if (status == 429) {
		ar_log(ctx, AR_LOG_ERR, "api: %s: rate limited (429)", what);
		return ar_fail(ctx, AR_ERR_UNAVAIL, "rate_limited",
		    "api: %s: 429: %s", what, text);
	}
	if (status >= 500 && status <= 599) {
		ar_log(ctx, AR_LOG_ERR, "api: %s: server error (%ld): %s",
		    what, status, text[0] != '\0' ? text : "-");
		return ar_fail(ctx, AR_ERR_UNAVAIL, "server_error",
		    "api: %s: %ld: %s", what, status, text);
	}
	ar_log(ctx, AR_LOG_ERR, "api: %s: unexpected status %ld: %s", what,
	    status, text[0] != '\0' ? text : "-");
	return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_status",
	    "api: %s: unexpected status %ld", what, status);
}

int
ar_fetch_get(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *url, char **body, size_t *len)
{
	struct ar_http_req req;
	struct ar_http_resp resp;
	char what[300];
	int r = AR_ERR_INTERNAL;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	if (url == NULL || strncmp(url, "https://", 8) != 0) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: only https:// URLs are fetched",
		    url != NULL ? url : "-");
		goto out;
	}
	/* No API key: the document is public and may live on another host. */
	req.method = "GET";
	req.url = url;
	req.headers[0] = "Accept: application/json";
	req.headers[1] = "User-Agent: " AR_USER_AGENT;
	req.headers[2] = NULL;
	if ((r = ar_http_perform(ctx, conf, &req, &resp)) != AR_OK)
		goto out;
	snprintf(what, sizeof(what), "GET %.200s", url);
	if (resp.status == 0) {
		r = ar_fail(ctx, AR_ERR_UNAVAIL,
		    ar_fetch_transport_reason(resp.error), "api: %s: %s", what,
		    resp.error ? resp.error : "transport");
		goto out;
	}
	if ((r = ar_fetch_judge_status(ctx, what, resp.status, "")) != AR_OK)
		goto out;
	if (resp.body == NULL) {
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: %s: empty reply", what);
		goto out;
	}
	*body = resp.body;
	*len = resp.body_len;
	resp.body = NULL;	/* transferred */
	r = AR_OK;
out:
	ar_http_resp_clear(&resp);
	return r;
}
