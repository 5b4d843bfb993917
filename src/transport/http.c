/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTPS request of authrocket-helper, done with libcurl under fixed,
 * locked-down settings: https only, never a redirect, verification always
 * on, explicit proxy, bounded time, body and headers.  The only file that
 * includes <curl/curl.h>.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "ar.h"
#include "secure.h"
#include "http.h"

#define AR_TLS_PREFIX	"SSL connection using "

/* What the callbacks collect during one transfer. */
struct xfer {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* body cap */
	int	 body_too_large;
	size_t	 hdr_bytes;
	int	 hdr_too_large;
	char	 date[128];
	char	 tls[32];
	long	 retry_after;	/* seconds, -1 when absent or not a number */
};

/* Grow without realloc so that no unwiped copy of the body is left. */
static int
xfer_grow(struct xfer *x, size_t need)
{
	size_t ncap = x->cap ? x->cap : 16384;
	char *n;

	while (ncap < need)
		ncap *= 2;
	if ((n = malloc(ncap)) == NULL)
		return -1;
	if (x->len > 0)
		memcpy(n, x->buf, x->len);
	ar_secure_free(x->buf, x->cap);
	x->buf = n;
	x->cap = ncap;
	return 0;
}

/*
 * The body is capped here: CURLOPT_MAXFILESIZE does nothing for chunked
 * replies.  Returning less than asked aborts the transfer.
 */
static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (n > x->max - x->len) {
		x->body_too_large = 1;
		return 0;
	}
	if (x->len + n + 1 > x->cap && xfer_grow(x, x->len + n + 1) != 0)
		return 0;
	memcpy(x->buf + x->len, ptr, n);
	x->len += n;
	x->buf[x->len] = '\0';
	return n;
}

/* Copy the printable value of a "Name: value\r\n" line into dst. */
static void
header_value(char *dst, size_t dstlen, const char *line, size_t n,
    size_t skip)
{
	size_t i, o = 0;

	while (n > skip && (line[n - 1] == '\r' || line[n - 1] == '\n' ||
	    line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	for (i = skip; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	for (; i < n; i++) {
		if (line[i] < 0x20 || line[i] > 0x7e || o + 1 >= dstlen) {
			o = 0;	/* odd or overlong: keep nothing */
			break;
		}
		dst[o++] = line[i];
	}
	dst[o] = '\0';
}

/*
 * Retry-After in delta seconds (the HTTP-date form is ignored: a clock we
 * do not share), capped at AR_HELPER_MAX_RETRY_AFTER; -1 when absent or
 * odd.
 */
static long
retry_seconds(const char *line, size_t n)
{
	char v[16];
	long s = 0;
	size_t i;

	header_value(v, sizeof(v), line, n, 12);
	if (v[0] == '\0' || strspn(v, "0123456789") != strlen(v) ||
	    strlen(v) > 9)
		return -1;
	for (i = 0; v[i] != '\0'; i++)
		s = s * 10 + (v[i] - '0');
	return s > AR_HELPER_MAX_RETRY_AFTER ? AR_HELPER_MAX_RETRY_AFTER : s;
}

/* Header bytes are capped too; the Date header is kept for clock checks. */
static size_t
header_cb(char *ptr, size_t size, size_t nitems, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nitems;

	x->hdr_bytes += n;
	if (x->hdr_bytes > AR_HELPER_MAX_HDR_BYTES) {
		x->hdr_too_large = 1;
		return 0;
	}
	if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		x->date[0] = '\0';	/* a new response starts */
		x->retry_after = -1;
	} else if (n >= 5 && strncasecmp(ptr, "date:", 5) == 0)
		header_value(x->date, sizeof(x->date), ptr, n, 5);
	else if (n >= 12 && strncasecmp(ptr, "retry-after:", 12) == 0)
		x->retry_after = retry_seconds(ptr, n);
	return n;
}

/*
 * Only libcurl's informational text is looked at, for the negotiated TLS
 * version; the data types (which include the API key) are ignored.
 */
static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct xfer *x = arg;
	size_t pl = sizeof(AR_TLS_PREFIX) - 1, i, o = 0;

	(void)h;	/* one callback signature for every handle */
	if (type != CURLINFO_TEXT || size <= pl ||
	    memcmp(data, AR_TLS_PREFIX, pl) != 0)
		return 0;
	for (i = pl; i < size && o + 1 < sizeof(x->tls); i++) {
		if (!isalnum((unsigned char)data[i]) && data[i] != '.')
			break;
		x->tls[o++] = data[i];
	}
	x->tls[o] = '\0';
	return 0;
}

/* Transport error class of a libcurl result. */
static const char *
classify(CURLcode cc, const struct xfer *x)
{
	if (x->body_too_large || x->hdr_too_large)
		return "too_large";
	switch (cc) {
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "resolve";
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return "connect";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		return "tls";
	case CURLE_FILESIZE_EXCEEDED:
		return "too_large";
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return "bad_request";
	default:
		return "proto";
	}
}

/* Only printable ASCII without spaces: nothing curl could reinterpret. */
static int
text_ok(const char *s, int spaces)
{
	for (; *s != '\0'; s++) {
		if (*s < (spaces ? 0x20 : 0x21) || *s > 0x7e)
			return 0;
	}
	return 1;
}

/* NULL when the request is acceptable, else a detail for bad_request. */
static const char *
check_request(const struct ar_helper_req *req)
{
	size_t i;

	if (req->method == NULL || (strcmp(req->method, "GET") != 0 &&
	    strcmp(req->method, "POST") != 0))
		return "method must be GET or POST";
	if (req->url == NULL || !text_ok(req->url, 0))
		return "missing or malformed url";
	/* https only; libcurl is told the same below. */
	if (strncasecmp(req->url, "https://", 8) != 0)
		return "url is not https";
	if (strcmp(req->method, "GET") == 0 && req->body != NULL)
		return "body with GET";
	for (i = 0; i < req->nheaders; i++) {
		const char *h = req->headers[i], *c = strchr(h, ':');

		/* No CR, LF or NUL: one header line each, no injection. */
		if (c == NULL || c == h || !text_ok(h, 1) ||
		    strcspn(h, " \t") < (size_t)(c - h))
			return "malformed header";
	}
	if (req->timeout_ms <= 0)
		return "bad timeout";
	return NULL;
}

static void
set_detail(struct ar_helper_resp *resp, const char *text)
{
	char tmp[sizeof(resp->detail)];
	size_t n = strlen(text);

	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '.'))
		n--;
	if (n > sizeof(tmp) - 1)
		n = sizeof(tmp) - 1;
	memcpy(tmp, text, n);
	tmp[n] = '\0';
	/* House style is lower case; keep acronyms such as "SSL". */
	if (n > 1 && isupper((unsigned char)tmp[0]) &&
	    islower((unsigned char)tmp[1]))
		tmp[0] = (char)tolower((unsigned char)tmp[0]);
	ar_escape(resp->detail, sizeof(resp->detail), tmp, n);
}

#define SET(opt, val) do {						\
	if (curl_easy_setopt(h, (opt), (val)) != CURLE_OK)		\
		goto out;						\
} while (0)

/* The headers of req as a curl list, User-Agent apart (*ua points in). */
static int
build_headers(const struct ar_helper_req *req, struct curl_slist **out,
    const char **ua)
{
	struct curl_slist *hdrs = NULL, *tmp;
	size_t i;

	*ua = NULL;
	for (i = 0; i < req->nheaders; i++) {
		if (strncasecmp(req->headers[i], "User-Agent:", 11) == 0) {
			*ua = req->headers[i] + 11;
			*ua += strspn(*ua, " \t");
			continue;
		}
		if ((tmp = curl_slist_append(hdrs, req->headers[i])) == NULL)
			goto fail;
		hdrs = tmp;
	}
	/* No "Expect: 100-continue" round trip for larger bodies. */
	if ((tmp = curl_slist_append(hdrs, "Expect:")) == NULL)
		goto fail;
	*out = tmp;
	return AR_OK;
 fail:
	curl_slist_free_all(hdrs);
	return AR_ERR_NOMEM;
}

/* The locked-down settings of every transfer; AR_OK or AR_ERR_INTERNAL. */
static int
set_options(CURL *h, const struct ar_helper_req *req, struct curl_slist *hdrs,
    const char *ua, struct xfer *x, char *errbuf)
{
	int r = AR_ERR_INTERNAL;

	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_URL, req->url);
	/* https only, also for redirects, and none is followed anyway. */
	SET(CURLOPT_PROTOCOLS_STR, "https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_MAXREDIRS, 0L);
	/* No signals: the deadline belongs to the module, not SIGALRM. */
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, req->timeout_ms);
	/* Always explicit: "" disables every proxy, environment included. */
	SET(CURLOPT_PROXY, req->proxy != NULL ? req->proxy : "");
	SET(CURLOPT_NOPROXY, "");
	/* Our headers (the API key) go to the server only, not a proxy. */
	SET(CURLOPT_HEADEROPT, (long)CURLHEADER_SEPARATE);
	SET(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	/* Verification has no off switch. */
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_PROXY_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_PROXY_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (req->ca_blob == NULL && req->ca_dir == NULL) {
		/* The hashed directory is ~10x cheaper than the bundle. */
		SET(CURLOPT_CAINFO, (char *)NULL);
		SET(CURLOPT_CAPATH, AR_HELPER_CA_DIR);
	} else {
		/* Exactly what the caller checked and sent: no built-in
		 * bundle besides it. */
		SET(CURLOPT_CAINFO, (char *)NULL);
		SET(CURLOPT_CAPATH, req->ca_dir);
		if (req->ca_blob != NULL) {
			struct curl_blob cablob;

			cablob.data = (void *)req->ca_blob;
			cablob.len = req->ca_blob_len;
			cablob.flags = CURL_BLOB_COPY;
			SET(CURLOPT_CAINFO_BLOB, &cablob);
		}
	}
	/* No state from files: netrc ignored; cookies, HSTS, alt-svc unset. */
	SET(CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	SET(CURLOPT_TCP_NODELAY, 1L);
	if (ua != NULL)
		SET(CURLOPT_USERAGENT, ua);
	SET(CURLOPT_HTTPHEADER, hdrs);
	if (strcmp(req->method, "POST") == 0) {
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		SET(CURLOPT_POSTFIELDS, req->body != NULL ? req->body : "");
	} else
		SET(CURLOPT_HTTPGET, 1L);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)req->max_body);
	SET(CURLOPT_WRITEFUNCTION, write_cb);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, header_cb);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_DEBUGFUNCTION, debug_cb);
	SET(CURLOPT_DEBUGDATA, x);
	SET(CURLOPT_VERBOSE, 1L);
	r = AR_OK;
 out:
	return r;
}

/* One transfer on handle h (fresh or reset); fills *resp as documented. */
static int
perform(CURL *h, const struct ar_helper_req *req, struct ar_helper_resp *resp)
{
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hdrs = NULL, *tmp;
	struct xfer x;
	const char *ua = NULL, *bad;
	CURLcode cc;
	curl_off_t us = 0;
	long status = 0;
	int r = AR_ERR_INTERNAL;

	memset(resp, 0, sizeof(*resp));
	resp->retry_after = -1;
	memset(&x, 0, sizeof(x));
	x.retry_after = -1;
	errbuf[0] = '\0';
	x.max = req->max_body;

	if ((bad = check_request(req)) != NULL) {
		resp->error = "bad_request";
		set_detail(resp, bad);
		r = AR_OK;
		goto out;
	}
	if ((r = build_headers(req, &hdrs, &ua)) != AR_OK ||
	    (r = set_options(h, req, hdrs, ua, &x, errbuf)) != AR_OK)
		goto out;
	r = AR_ERR_INTERNAL;
	cc = curl_easy_perform(h);
	if (curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &us) == CURLE_OK)
		resp->time_ms = (long)(us / 1000);
	memcpy(resp->tls, x.tls, sizeof(resp->tls));
	if (cc != CURLE_OK) {
		resp->error = classify(cc, &x);
		if (x.body_too_large)
			set_detail(resp, "reply body over the size limit");
		else if (x.hdr_too_large)
			set_detail(resp, "reply headers over the size limit");
		else
			set_detail(resp, errbuf[0] != '\0' ? errbuf :
			    curl_easy_strerror(cc));
		r = AR_OK;
		goto out;
	}
	if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) !=
	    CURLE_OK || status < 100 || status > 999) {
		resp->error = "proto";
		set_detail(resp, "no valid status line");
		r = AR_OK;
		goto out;
	}
	resp->status = status;
	resp->retry_after = x.retry_after;
	memcpy(resp->date, x.date, sizeof(resp->date));
	if (x.buf == NULL && xfer_grow(&x, 1) != 0) {
		r = AR_ERR_NOMEM;
		goto out;
	}
	x.buf[x.len] = '\0';
	resp->body = x.buf;
	resp->body_len = x.len;
	x.buf = NULL;	/* transferred */
	r = AR_OK;
 out:
	ar_secure_free(x.buf, x.cap);
	/* The list holds the API key; curl frees it without wiping. */
	for (tmp = hdrs; tmp != NULL; tmp = tmp->next)
		explicit_bzero(tmp->data, strlen(tmp->data));
	curl_slist_free_all(hdrs);
	return r;
}

/* One libcurl handle whose connection cache outlives each transfer. */
struct ar_http_session {
	CURL	*h;
	int	 used;
};

int
ar_helper_http(const struct ar_helper_req *req, struct ar_helper_resp *resp)
{
	struct ar_http_session *s = NULL;
	int r;

	memset(resp, 0, sizeof(*resp));
	resp->retry_after = -1;
	if ((r = ar_http_session_new(&s)) != AR_OK)
		return r;
	r = ar_http_session_perform(s, req, resp);
	ar_http_session_free(s);
	return r;
}

int
ar_http_session_new(struct ar_http_session **out)
{
	struct ar_http_session *s;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return AR_ERR_INTERNAL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->h = curl_easy_init()) == NULL) {
		free(s);
		curl_global_cleanup();
		return AR_ERR_NOMEM;
	}
	*out = s;
	return AR_OK;
}

int
ar_http_session_perform(struct ar_http_session *s,
    const struct ar_helper_req *req, struct ar_helper_resp *resp)
{
	/*
	 * A reset forgets every option of the previous transfer but keeps
	 * the live connection, so the next request reuses it.
	 */
	if (s->used)
		curl_easy_reset(s->h);
	s->used = 1;
	return perform(s->h, req, resp);
}

void
ar_http_session_free(struct ar_http_session *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->h);
	free(s);
	curl_global_cleanup();
}
