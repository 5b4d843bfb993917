/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-helper: reads one request message (proto.h) on stdin,
 * performs it over HTTPS and writes one reply message on stdout.  The
 * module starts it with an empty environment; exit status 0 means a reply
 * was written.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ar.h"
#include "proto.h"
#include "secure.h"
#include "http.h"

#define AR_HELPER_MAX_TIMEOUT_MS	600000L

/* Read all of fd up to max bytes; more than max is an error. */
static int
read_all(int fd, size_t max, char **buf, size_t *len)
{
	size_t cap = 65536, used = 0;
	char *b, *n;
	ssize_t got;
	int r = AR_ERR_INTERNAL;

	if ((b = malloc(cap)) == NULL)
		return AR_ERR_NOMEM;
	for (;;) {
		if (used == cap) {
			if (cap > max) {
				goto out;	/* more than max bytes */
			}
			/* Grow by copying: the request holds secrets. */
			if ((n = malloc(cap * 2)) == NULL) {
				r = AR_ERR_NOMEM;
				goto out;
			}
			memcpy(n, b, used);
			ar_secure_free(b, cap);
			b = n;
			cap *= 2;
		}
		got = read(fd, b + used, cap - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		used += (size_t)got;
		if (used > max)
			goto out;
	}
	*buf = b;
	*len = used;
	b = NULL;	/* transferred */
	r = AR_OK;
 out:
	ar_secure_free(b, cap);
	return r;
}

/* Parse a non-negative decimal field; -1 when malformed. */
static long
field_num(const struct ar_field *f)
{
	long v = 0;
	size_t i;

	if (f->len == 0 || f->len > 9 || (f->val[0] == '0' && f->len > 1))
		return -1;
	for (i = 0; i < f->len; i++) {
		if (f->val[i] < '0' || f->val[i] > '9')
			return -1;
		v = v * 10 + (f->val[i] - '0');
	}
	return v;
}

/*
 * Fill req from the message; NULL when fine, else the reason for a
 * bad_request reply.  Unknown and repeated fields are refused: the module
 * and the helper are built together, so a mismatch is a bug to surface.
 */
static const char *
parse_request(const struct ar_msg *m, struct ar_helper_req *req)
{
	static const char *const single[] = { "method", "url", "body",
	    "timeout_ms", "ca_blob", "ca_dir", "proxy", "max_body", NULL };
	const struct ar_field *f;
	size_t i, j, k;
	long v;

	memset(req, 0, sizeof(*req));
	req->timeout_ms = -1;
	req->max_body = AR_MAX_REPLY;
	for (i = 0; i < m->n; i++) {
		f = &m->f[i];
		/* Only the body may hold arbitrary bytes. */
		if (strcmp(f->name, "body") != 0 && strlen(f->val) != f->len)
			return "NUL byte in a field";
		if (strcmp(f->name, "header") == 0) {
			if (req->nheaders >= AR_HELPER_MAX_HEADERS)
				return "too many headers";
			req->headers[req->nheaders++] = f->val;
			continue;
		}
		for (j = 0; single[j] != NULL; j++) {
			if (strcmp(f->name, single[j]) == 0)
				break;
		}
		if (single[j] == NULL)
			return "unknown field";
		for (k = 0; k < i; k++) {
			if (strcmp(m->f[k].name, f->name) == 0)
				return "repeated field";
		}
		if (strcmp(f->name, "method") == 0)
			req->method = f->val;
		else if (strcmp(f->name, "url") == 0)
			req->url = f->val;
		else if (strcmp(f->name, "body") == 0) {
			req->body = f->val;
			req->body_len = f->len;
		} else if (strcmp(f->name, "timeout_ms") == 0) {
			v = field_num(f);
			if (v <= 0 || v > AR_HELPER_MAX_TIMEOUT_MS)
				return "bad timeout_ms";
			req->timeout_ms = v;
		} else if (strcmp(f->name, "ca_blob") == 0) {
			req->ca_blob = f->val;
			req->ca_blob_len = f->len;
		} else if (strcmp(f->name, "ca_dir") == 0)
			req->ca_dir = f->val;
		else if (strcmp(f->name, "proxy") == 0)
			req->proxy = f->val;
		else if (strcmp(f->name, "max_body") == 0) {
			v = field_num(f);
			if (v <= 0)
				return "bad max_body";
			/* Never more than the module can take back. */
			if (v < AR_MAX_REPLY)
				req->max_body = (size_t)v;
		}
	}
	if (req->method == NULL || req->url == NULL)
		return "method and url are required";
	if (req->timeout_ms < 0)
		return "timeout_ms is required";
	return NULL;
}

static int
encode_reply(const struct ar_helper_resp *resp, char **buf, size_t *len)
{
	struct ar_msg m;
	int r = AR_ERR_INTERNAL;

	memset(&m, 0, sizeof(m));
	if ((r = ar_msg_add_int(&m, "status", resp->status)) != AR_OK)
		goto out;
	if (resp->error == NULL && (r = ar_msg_add(&m, "body",
	    resp->body != NULL ? resp->body : "", resp->body_len)) != AR_OK)
		goto out;
	if (resp->date[0] != '\0' &&
	    (r = ar_msg_add_str(&m, "date", resp->date)) != AR_OK)
		goto out;
	if ((r = ar_msg_add_str(&m, "error", resp->error)) != AR_OK)
		goto out;
	if (resp->detail[0] != '\0' &&
	    (r = ar_msg_add_str(&m, "detail", resp->detail)) != AR_OK)
		goto out;
	if (resp->tls[0] != '\0' &&
	    (r = ar_msg_add_str(&m, "tls", resp->tls)) != AR_OK)
		goto out;
	if ((r = ar_msg_add_int(&m, "time_ms", resp->time_ms)) != AR_OK)
		goto out;
	if (resp->retry_after > 0 && (r = ar_msg_add_int(&m, "retry_after",
	    resp->retry_after)) != AR_OK)
		goto out;
	r = ar_msg_encode(&m, buf, len);
 out:
	ar_msg_clear(&m);
	return r;
}

/*
 * The module starts the helper with no arguments; --version and --help are
 * for the person who runs it by hand.  Returns -1 to go on, or the exit
 * status.
 */
static int
command_line(int argc, char **argv)
{
	if (argc <= 1)
		return -1;
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("authrocket-helper %s\n", AR_VERSION);
		return 0;
	}
	fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr,
	    "usage: authrocket-helper [--version | --help]\n"
	    "pam_authrocket's HTTPS helper: it reads one request on stdin "
	    "and writes\none reply on stdout.  The module starts it; "
	    "there is nothing to configure.\n");
	return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
}

int
main(int argc, char **argv)
{
	struct ar_helper_resp resp;
	struct ar_helper_req req;
	struct ar_ctx ctx;
	struct ar_msg m;
	char *in = NULL, *out = NULL;
	size_t inlen = 0, outlen = 0;
	const char *bad;
	int ok = 0, rc;

	if ((rc = command_line(argc, argv)) >= 0)
		return rc;
	/*
	 * The module already starts us with an empty environment; clearing
	 * it again keeps SSLKEYLOGFILE, *_proxy, OPENSSL_CONF and friends
	 * away from libcurl and OpenSSL when someone runs us by hand.
	 */
	if (clearenv() != 0)
		return 1;
	/* A module that went away must not kill us in the middle of a write
	 * with a signal: EPIPE is handled where it happens. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 1;

	ar_ctx_init(&ctx, "helper");
	memset(&m, 0, sizeof(m));
	memset(&resp, 0, sizeof(resp));
	if (read_all(STDIN_FILENO, AR_PROTO_MAX_SIZE, &in, &inlen) != AR_OK)
		goto out;
	if (ar_msg_decode(&ctx, in, inlen, &m) != AR_OK)
		goto out;
	if ((bad = parse_request(&m, &req)) != NULL) {
		resp.error = "bad_request";
		ar_escape(resp.detail, sizeof(resp.detail), bad, strlen(bad));
	} else if (ar_helper_http(&req, &resp) != AR_OK)
		goto out;
	if (encode_reply(&resp, &out, &outlen) != AR_OK)
		goto out;
	if (ar_write_all(STDOUT_FILENO, out, outlen) != 0)
		goto out;
	ok = 1;
 out:
	ar_msg_clear(&m);
	ar_secure_free(in, inlen);
	ar_secure_free(out, outlen);
	ar_secure_free(resp.body, resp.body_len);
	return ok ? 0 : 1;
}
