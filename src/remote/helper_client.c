/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Running authrocket-helper for one HTTPS request from inside a host
 * process: the helper binary and the trust anchors checked on their
 * descriptors, the CA file's content handed over with the request, the
 * child started and reaped through spawn.c without touching the host's
 * signal dispositions, the whole exchange bounded by the context's
 * deadline.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper_client.h"
#include "errtext.h"
#include "proto.h"
#include "secure.h"
#include "spawn.h"

#define AR_HELPER_MARGIN_MS	250	/* left for the helper to answer */
#define AR_HELPER_MIN_MS	100	/* shortest timeout handed over */

/* The outcome of running the helper, before the reply is looked at. */
enum run_result {
	RUN_OK = 0,
	RUN_TIMEOUT,
	RUN_FAILED
};

void
ar_deadline_start(struct ar_ctx *ctx, const struct ar_conf *conf)
{
	if (ctx->deadline_ms == 0)
		ctx->deadline_ms = ar_monotonic_ms() +
		    (int64_t)conf->timeout * 1000;
}

void
ar_http_resp_clear(struct ar_http_resp *resp)
{
	if (resp == NULL)
		return;
	/* The body may hold a login token. */
	ar_secure_free(resp->body, resp->body_len);
	free(resp->date);
	free(resp->error);
	free(resp->detail);
	free(resp->tls);
	memset(resp, 0, sizeof(*resp));
}

static int
encode_request(const struct ar_conf *conf, const struct ar_http_req *req,
    const char *ca, size_t ca_len, long long timeout_ms, char **buf,
    size_t *len)
{
	struct ar_msg m;
	size_t i;
	int r = AR_ERR_INTERNAL;

	memset(&m, 0, sizeof(m));
	if ((r = ar_msg_add_str(&m, "method", req->method)) != AR_OK ||
	    (r = ar_msg_add_str(&m, "url", req->url)) != AR_OK)
		goto out;
	for (i = 0; i < sizeof(req->headers) / sizeof(req->headers[0]) &&
	    req->headers[i] != NULL; i++) {
		if ((r = ar_msg_add_str(&m, "header", req->headers[i])) !=
		    AR_OK)
			goto out;
	}
	if (req->body != NULL &&
	    (r = ar_msg_add(&m, "body", req->body, req->body_len)) != AR_OK)
		goto out;
	if ((r = ar_msg_add_int(&m, "timeout_ms", timeout_ms)) != AR_OK ||
	    (ca != NULL && (r = ar_msg_add(&m, "ca_blob", ca, ca_len)) !=
	    AR_OK) ||
	    (r = ar_msg_add_str(&m, "ca_dir", conf->ca_dir)) != AR_OK ||
	    (r = ar_msg_add_str(&m, "proxy", conf->proxy)) != AR_OK ||
	    (r = ar_msg_add_int(&m, "max_body", req->max_body != 0 ?
	    (long long)req->max_body : AR_MAX_REPLY)) != AR_OK)
		goto out;
	r = ar_msg_encode(&m, buf, len);
 out:
	ar_msg_clear(&m);
	return r;
}

/* The reply as it arrives: a buffer that grows, wiped as it does. */
struct inbox {
	char	*buf;
	size_t	 used;
	size_t	 cap;
};

/* Send what the socket takes now; *wr_open drops when the helper stops. */
static void
send_some(int sock, const char *req, size_t reqlen, size_t *sent,
    int *wr_open)
{
	ssize_t got;

	/* MSG_NOSIGNAL: a dying helper must not raise SIGPIPE in the host. */
	got = send(sock, req + *sent, reqlen - *sent, MSG_NOSIGNAL);
	if (got > 0)
		*sent += (size_t)got;
	else if (got < 0 && errno != EINTR && errno != EAGAIN)
		*wr_open = 0;	/* it stopped reading */
}

/*
 * Read what the socket holds now into in: 1 to go on, 0 at EOF (or a
 * read error, which ends the reply the same way), -1 with why set when
 * the reply cannot be kept (out of memory, too large).
 */
static int
recv_some(int sock, struct inbox *in, char *why, size_t whylen)
{
	ssize_t got;
	char *n;

	if (in->used == in->cap) {
		if ((n = malloc(in->cap * 2)) == NULL) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		memcpy(n, in->buf, in->used);
		ar_secure_free(in->buf, in->cap);
		in->buf = n;
		in->cap *= 2;
	}
	got = recv(sock, in->buf + in->used, in->cap - in->used, 0);
	if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN))
		return 0;
	if (got > 0 && (in->used += (size_t)got) > AR_PROTO_MAX_SIZE) {
		snprintf(why, whylen, "reply too large");
		return -1;
	}
	return 1;
}

/*
 * Send the request and read the reply until EOF, both before the
 * deadline: RUN_OK, RUN_TIMEOUT, or RUN_FAILED with why set.
 */
static int
pump(struct ar_ctx *ctx, int sock, const char *req, size_t reqlen,
    struct inbox *in, char *why, size_t whylen)
{
	struct pollfd pfd;
	size_t sent = 0;
	char ebuf[AR_ERRNO_BUF];
	int64_t left;
	int wr_open = 1, rd_open = 1;

	while (rd_open) {
		if (wr_open && sent == reqlen) {
			(void)shutdown(sock, SHUT_WR);
			wr_open = 0;
		}
		if ((left = ctx->deadline_ms - ar_monotonic_ms()) <= 0)
			return RUN_TIMEOUT;
		pfd.fd = sock;
		pfd.events = POLLIN | (wr_open ? POLLOUT : 0);
		pfd.revents = 0;
		if (poll(&pfd, 1, left > 60000 ? 60000 : (int)left) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(why, whylen, "poll: %s",
			    ar_errno_str(errno, ebuf, sizeof(ebuf)));
			return RUN_FAILED;
		}
		if (wr_open && (pfd.revents & (POLLOUT | POLLERR | POLLHUP)))
			send_some(sock, req, reqlen, &sent, &wr_open);
		if (pfd.revents & (POLLIN | POLLERR | POLLHUP)) {
			switch (recv_some(sock, in, why, whylen)) {
			case -1:
				return RUN_FAILED;
			case 0:
				rd_open = 0;
				break;
			default:
				break;
			}
		}
	}
	return RUN_OK;
}

/*
 * Send the request, read the reply until EOF and reap the child, all
 * before the deadline.  On RUN_OK *out holds the raw reply; on any other
 * result the child is killed and reaped.
 */
static int
exchange(struct ar_ctx *ctx, struct ar_child *child, int sock,
    const char *req, size_t reqlen, char **out, size_t *outlen, int *status,
    char *why, size_t whylen)
{
	struct inbox in = { NULL, 0, 65536 };
	char ebuf[AR_ERRNO_BUF];
	int r = RUN_FAILED, w;

	*status = -1;
	if ((in.buf = malloc(in.cap)) == NULL) {
		snprintf(why, whylen, "out of memory");
		goto kill;
	}
	if (fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK) < 0) {
		snprintf(why, whylen, "fcntl: %s",
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
		goto kill;
	}
	if ((r = pump(ctx, sock, req, reqlen, &in, why, whylen)) != RUN_OK)
		goto kill;
	r = RUN_FAILED;
	/* EOF comes as the helper exits; still, bound the wait for it. */
	if ((w = ar_child_wait(child, ctx->deadline_ms, status)) == 0) {
		r = RUN_TIMEOUT;
		goto kill;
	}
	if (w < 0) {
		snprintf(why, whylen, "waitid: %s",
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
		goto kill;
	}
	*out = in.buf;
	*outlen = in.used;
	in.buf = NULL;	/* transferred */
	r = RUN_OK;
	goto out;
 kill:
	ar_child_kill(child, status);
 out:
	ar_secure_free(in.buf, in.cap);
	return r;
}

/* Steal a field's value (NULL when absent); the message forgets it. */
static char *
take(struct ar_msg *m, const char *name, size_t *len)
{
	char *v;
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->f[i].name, name) == 0) {
			v = m->f[i].val;
			if (len != NULL)
				*len = m->f[i].len;
			m->f[i].val = NULL;
			m->f[i].len = 0;
			return v;
		}
	}
	return NULL;
}

/* The URL for the log: no query string (it may name a user or a key). */
static int
url_log_len(const char *url)
{
	size_t n = strcspn(url, "?#");

	return n > 200 ? 200 : (int)n;
}

/*
 * Record a failure of this request and log it as one line for the
 * administrator: method, URL without query, reason and detail (which
 * never holds a header value or a body).
 */
static int
fail_log(struct ar_ctx *ctx, const struct ar_http_req *req, int code,
    const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
fail_log(struct ar_ctx *ctx, const struct ar_http_req *req, int code,
    const char *reason, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	ar_log(ctx, AR_LOG_ERR, "api: %s %.*s failed: %s (%s)", req->method,
	    url_log_len(req->url), req->url, reason, detail);
	return ar_fail(ctx, code, reason, "%s", detail);
}

static int
decode_reply(struct ar_ctx *ctx, const char *buf, size_t len,
    struct ar_http_resp *resp, char *why, size_t whylen)
{
	struct ar_ctx tmp;
	struct ar_msg m;
	long long status;
	int r = AR_ERR_INTERNAL;

	memset(&m, 0, sizeof(m));
	/* A scratch context: the caller records "helper_failed". */
	ar_ctx_init(&tmp, ctx->phase);
	if ((r = ar_msg_decode(&tmp, buf, len, &m)) != AR_OK) {
		snprintf(why, whylen, "%s", r == AR_ERR_NOMEM ?
		    "out of memory" : tmp.detail);
		goto out;
	}
	r = AR_ERR_UNAVAIL;
	status = ar_msg_get_int(&m, "status", -1);
	if (status < 0 || status > 999 || (status > 0 && status < 100)) {
		snprintf(why, whylen, "reply without a valid status");
		goto out;
	}
	resp->status = (long)status;
	resp->time_ms = (long)ar_msg_get_int(&m, "time_ms", 0);
	resp->body = take(&m, "body", &resp->body_len);
	resp->date = take(&m, "date", NULL);
	resp->error = take(&m, "error", NULL);
	resp->detail = take(&m, "detail", NULL);
	resp->tls = take(&m, "tls", NULL);
	/* Optional; when present, seconds within what the helper passes on. */
	if (ar_msg_get(&m, "retry_after", NULL) != NULL) {
		resp->retry_after = (long)ar_msg_get_int(&m, "retry_after", -1);
		if (resp->retry_after <= 0 || resp->retry_after > 86400) {
			snprintf(why, whylen, "reply with a bad retry_after");
			goto out;
		}
	}
	/* Exactly one of an HTTP status and a transport error. */
	if ((status == 0) != (resp->error != NULL)) {
		snprintf(why, whylen, "reply with %s",
		    status == 0 ? "neither status nor error" :
		    "both status and error");
		goto out;
	}
	r = AR_OK;
 out:
	if (r != AR_OK)
		ar_http_resp_clear(resp);
	ar_msg_clear(&m);
	return r;
}

/*
 * The trust anchors obey the same owner and mode rule as every file the
 * module trusts.  The CA file is read here, by descriptor, and its
 * content travels with the request, so what was checked is what the
 * helper trusts; a CA directory is checked with all its entries.
 */
int
ar_anchors_load(struct ar_ctx *ctx, const struct ar_conf *conf, char **ca,
    size_t *ca_len)
{
	int r;

	if (conf->ca_dir != NULL && (r = ar_dir_check(ctx, conf->ca_dir)) !=
	    AR_OK)
		return r;
	if (conf->ca_file == NULL)
		return AR_OK;
	return ar_file_read(ctx, conf->ca_file, AR_FILE_PUBLIC,
	    AR_MAX_CA_FILE, ca, ca_len);
}

/*
 * Start the helper (prog) and run the exchange; on RUN_OK *reply holds
 * the raw reply and *status how the helper ended.  Failures are logged
 * and recorded here; the child never outlives this function.
 */
static int
run_helper(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_http_req *req, int prog, const char *reqbuf,
    size_t reqlen, char **reply, size_t *replylen, int *status)
{
	struct ar_child child = { -1, -1 };
	char *argv[2], why[256], ebuf[AR_ERRNO_BUF];
	int sv[2] = { -1, -1 }, devnull = -1, run, r = AR_ERR_INTERNAL;
	int64_t left = ctx->deadline_ms - ar_monotonic_ms();

	why[0] = '\0';
	argv[0] = conf->helper;
	argv[1] = NULL;
	/* A socket, not a pipe: send(MSG_NOSIGNAL) never raises SIGPIPE. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
	    (devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
		r = fail_log(ctx, req, errno == ENOMEM || errno == ENOBUFS ?
		    AR_ERR_NOMEM : AR_ERR_UNAVAIL, "helper_failed",
		    "helper: cannot set up: %s",
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	if ((r = ar_child_start(prog, sv[1], devnull, argv, &child, why,
	    sizeof(why))) != AR_OK) {
		r = fail_log(ctx, req, r, "helper_failed", "helper: %s", why);
		goto out;
	}
	close(sv[1]);
	sv[1] = -1;
	run = exchange(ctx, &child, sv[0], reqbuf, reqlen, reply, replylen,
	    status, why, sizeof(why));
	if (run == RUN_TIMEOUT) {
		r = fail_log(ctx, req, AR_ERR_UNAVAIL, "timeout",
		    "helper: no answer within %lld.%lld s",
		    (long long)(left / 1000), (long long)(left % 1000 / 100));
		goto out;
	}
	if (run != RUN_OK) {
		r = fail_log(ctx, req, AR_ERR_UNAVAIL, "helper_failed",
		    "helper: %s", why);
		goto out;
	}
	r = AR_OK;
 out:
	ar_child_kill(&child, NULL);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (devnull >= 0)
		close(devnull);
	return r;
}

int
ar_http_perform(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_http_req *req, struct ar_http_resp *resp)
{
	char *reqbuf = NULL, *reply = NULL, *ca = NULL, why[256];
	size_t reqlen = 0, replylen = 0, ca_len = 0;
	long long timeout_ms;
	int64_t left;
	int prog = -1, status = -1, r = AR_ERR_INTERNAL;

	memset(resp, 0, sizeof(*resp));
	why[0] = '\0';
	if (req->method == NULL || req->url == NULL) {
		r = ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "api: request without method or url");
		goto out;
	}
	if ((r = ar_prog_open(ctx, conf->helper, &prog)) != AR_OK ||
	    (r = ar_anchors_load(ctx, conf, &ca, &ca_len)) != AR_OK)
		goto out;
	ar_deadline_start(ctx, conf);
	if ((left = ctx->deadline_ms - ar_monotonic_ms()) <= 0) {
		r = fail_log(ctx, req, AR_ERR_UNAVAIL, "timeout",
		    "deadline passed before the request");
		goto out;
	}
	/* Leave the helper time to report its own timeout. */
	timeout_ms = left - AR_HELPER_MARGIN_MS;
	if (timeout_ms < AR_HELPER_MIN_MS)
		timeout_ms = AR_HELPER_MIN_MS;
	if ((r = encode_request(conf, req, ca, ca_len, timeout_ms, &reqbuf,
	    &reqlen)) != AR_OK) {
		r = ar_fail(ctx, r, r == AR_ERR_NOMEM ? "no_memory" :
		    "internal", "api: cannot encode the request");
		goto out;
	}
	if ((r = run_helper(ctx, conf, req, prog, reqbuf, reqlen, &reply,
	    &replylen, &status)) != AR_OK)
		goto out;
	r = AR_ERR_INTERNAL;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status))
			r = fail_log(ctx, req, AR_ERR_UNAVAIL,
			    "helper_failed", "helper: killed by signal %d",
			    WTERMSIG(status));
		else
			r = fail_log(ctx, req, AR_ERR_UNAVAIL,
			    "helper_failed", "helper: exit status %d",
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto out;
	}
	if ((r = decode_reply(ctx, reply, replylen, resp, why,
	    sizeof(why))) != AR_OK) {
		r = fail_log(ctx, req, r == AR_ERR_NOMEM ? AR_ERR_NOMEM :
		    AR_ERR_UNAVAIL, "helper_failed", "helper: bad reply: %s",
		    why);
		goto out;
	}
	/* A transport failure is an answer: the caller decides, we log. */
	if (resp->error != NULL)
		ar_log(ctx, AR_LOG_ERR, "api: %s %.*s failed: %s (%s)",
		    req->method, url_log_len(req->url), req->url, resp->error,
		    resp->detail != NULL ? resp->detail : "-");
	else
		ar_log(ctx, AR_LOG_DEBUG, "api: %s %.*s: status %ld in %ld ms",
		    req->method, url_log_len(req->url), req->url,
		    resp->status, resp->time_ms);
	r = AR_OK;
 out:
	if (prog >= 0)
		close(prog);
	free(ca);
	ar_secure_free(reqbuf, reqlen);
	ar_secure_free(reply, replylen);
	if (r != AR_OK)
		ar_http_resp_clear(resp);
	return r;
}
