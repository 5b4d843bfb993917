/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The AuthRocket REST API (v1 and v2) as the module uses it: URLs, headers
 * and JSON bodies are built here and sent through authrocket-helper; the
 * replies are judged in api_reply.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "fetch.h"
#include "claims.h"
#include "helper_client.h"
#include "json.h"
#include "outage.h"
#include "secure.h"
#include "token.h"

#define NAME_MAX_LEN	256	/* longest user name or id put in a path */

static int
nomem(struct ar_ctx *ctx)
{
	return ar_fail(ctx, AR_ERR_NOMEM, "no_memory", "api: out of memory");
}

/* A malloc'ed concatenation of a and b (NULL on ENOMEM). */
static char *
concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s;

	if ((s = malloc(la + lb + 1)) == NULL)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

int
ar_api_escape_name(struct ar_ctx *ctx, const char *name, int err_code,
    char **out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, len, o = 0, dots = 0;
	char *s;

	len = name != NULL ? strlen(name) : 0;
	if (len == 0 || len > NAME_MAX_LEN)
		return ar_fail(ctx, err_code, "bad_name",
		    "api: name is empty or longer than %d bytes", NAME_MAX_LEN);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f)
			return ar_fail(ctx, err_code, "bad_name",
			    "api: name contains a control character");
		if (c == '.')
			dots++;
	}
	/* "." and ".." would be path steps, not a name, once in a URL. */
	if (dots == len)
		return ar_fail(ctx, err_code, "bad_name",
		    "api: name consists only of dots");
	if ((s = malloc(3 * len + 1)) == NULL)
		return nomem(ctx);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		/* RFC 3986 unreserved characters stay, the rest is escaped. */
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			s[o++] = (char)c;
		} else {
			s[o++] = '%';
			s[o++] = hex[c >> 4];
			s[o++] = hex[c & 0xf];
		}
	}
	s[o] = '\0';
	*out = s;
	return AR_OK;
}

/* Header values must not be able to end the line they are on. */
static int
header_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Strict UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
static int
utf8_valid(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s != '\0') {
		unsigned int c = *s, n, i, cp;

		if (c < 0x80) {
			s++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		s += n + 1;
	}
	return 1;
}

/*
 * Serialise root into a malloc'ed buffer of exactly the right size, so
 * that no growing intermediate copy of the password is left behind.
 */
static int
dump_body(struct ar_ctx *ctx, json_t *root, char **out, size_t *len)
{
	size_t n, m;
	char *buf;

	if ((n = json_dumpb(root, NULL, 0, JSON_COMPACT)) == 0)
		return nomem(ctx);
	if ((buf = malloc(n + 1)) == NULL)
		return nomem(ctx);
	m = json_dumpb(root, buf, n, JSON_COMPACT);
	if (m != n) {
		ar_secure_free(buf, n + 1);
		return ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "api: cannot serialise the request body");
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return AR_OK;
}

int
ar_api_call_build(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *path, int with_body, struct ar_api_call *call)
{
	struct ar_api_call c;
	char *base = NULL;
	size_t n = 0;
	int v1, r = AR_ERR_INTERNAL;

	memset(&c, 0, sizeof(c));
	if (conf->api_url == NULL || conf->api_key == NULL ||
	    (conf->api_version != 1 && conf->api_version != 2)) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: api_url and api_key are needed for the API");
		goto out;
	}
	/* A newline in a configured value would add request headers. */
	if (!header_safe(conf->api_key) || (conf->realm_id != NULL &&
	    !header_safe(conf->realm_id)) || (conf->account_id != NULL &&
	    !header_safe(conf->account_id))) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config", "conf: api_key, "
		    "realm_id or account_id holds a blank or control "
		    "character");
		goto out;
	}
	v1 = conf->api_version == 1;
	if ((base = concat(conf->api_url, "/")) == NULL ||
	    (c.url = concat(base, path)) == NULL ||
	    (c.owned[0] = concat(v1 ? "X-Authrocket-Api-Key: " :
	    "Authrocket-Api-Key: ", conf->api_key)) == NULL) {
		r = nomem(ctx);
		goto out;
	}
	c.headers[n++] = c.owned[0];
	if (conf->realm_id != NULL) {
		if ((c.owned[1] = concat(v1 ? "X-Authrocket-Realm: " :
		    "Authrocket-Realm: ", conf->realm_id)) == NULL) {
			r = nomem(ctx);
			goto out;
		}
		c.headers[n++] = c.owned[1];
	}
	if (v1 && conf->account_id != NULL) {
		if ((c.owned[2] = concat("X-Authrocket-Account: ",
		    conf->account_id)) == NULL) {
			r = nomem(ctx);
			goto out;
		}
		c.headers[n++] = c.owned[2];
	}
	c.headers[n++] = "Accept: application/json";
	if (with_body)
		c.headers[n++] = "Content-Type: application/json";
	c.headers[n++] = "User-Agent: " AR_USER_AGENT;
	c.headers[n] = NULL;
	c.n_headers = n;
	*call = c;
	memset(&c, 0, sizeof(c));	/* transferred */
	r = AR_OK;
out:
	free(base);
	ar_api_call_clear(&c);
	return r;
}

void
ar_api_call_clear(struct ar_api_call *call)
{
	if (call == NULL)
		return;
	free(call->url);
	ar_secure_free_str(call->owned[0]);	/* the API key */
	free(call->owned[1]);
	free(call->owned[2]);
	memset(call, 0, sizeof(*call));
}

/*
 * Send one request to conf->api_url + "/" + path (path already escaped)
 * with the API key and realm headers.  AR_OK means the helper answered:
 * resp->status is the HTTP status, or 0 with resp->error set.
 */
static int
api_send(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *method, const char *path, const char *body, size_t body_len,
    struct ar_http_resp *resp)
{
	struct ar_http_req req;
	struct ar_api_call call;
	size_t i;
	int r = AR_ERR_INTERNAL;

	memset(&req, 0, sizeof(req));
	memset(&call, 0, sizeof(call));
	if ((r = ar_api_call_build(ctx, conf, path, body != NULL, &call)) !=
	    AR_OK)
		goto out;
	for (i = 0; i <= call.n_headers; i++)
		req.headers[i] = call.headers[i];
	req.method = method;
	req.url = call.url;
	req.body = body;
	req.body_len = body_len;
	if ((r = ar_http_perform(ctx, conf, &req, resp)) != AR_OK)
		goto out;
	ar_log(ctx, AR_LOG_DEBUG, "api: %s %s: status %ld in %ld ms", method,
	    path, resp->status, resp->time_ms);
	r = AR_OK;
out:
	ar_api_call_clear(&call);
	return r;
}

/*
 * As api_send(), and a transport failure is AR_ERR_UNAVAIL.  Inside an
 * outage window nothing is sent ("offline"); what the request found
 * opens, extends or closes the window.
 */
static int
api_request(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *method, const char *path, const char *body, size_t body_len,
    struct ar_http_resp *resp)
{
	int probe = 0, r;

	/* Inside an outage window nobody waits for AuthRocket again. */
	if ((r = ar_outage_check(ctx, conf, &probe)) != AR_OK)
		return r;
	r = api_send(ctx, conf, method, path, body, body_len, resp);
	ar_outage_note(ctx, conf, r != AR_OK ? (ctx->reason != NULL ?
	    ctx->reason : "helper_failed") : resp->status == 0 ?
	    ar_fetch_transport_reason(resp->error) : NULL, resp->status,
	    resp->retry_after, probe);
	if (r != AR_OK)
		return r;
	if (resp->status == 0)
		return ar_fail(ctx, AR_ERR_UNAVAIL,
		    ar_fetch_transport_reason(resp->error), "api: %s %s: %s", method,
		    path, resp->error != NULL ? resp->error : "transport");
	return AR_OK;
}

/* Wipe the reply body (it may hold a login token), then release all. */
static void
resp_wipe_clear(struct ar_http_resp *resp)
{
	if (resp->body != NULL)
		explicit_bzero(resp->body, resp->body_len);
	ar_http_resp_clear(resp);
}

/* The v1 "client" text: product, version and the PAM service. */
static json_t *
client_string(const struct ar_ctx *ctx)
{
	char buf[160];

	if (ctx->service == NULL || !utf8_valid(ctx->service) ||
	    strlen(ctx->service) > 64)
		return json_string(AR_USER_AGENT);
	snprintf(buf, sizeof(buf), "%s (%s)", AR_USER_AGENT, ctx->service);
	return json_string(buf);
}

/* Build the body of a password login (the caller wipes it). */
static int
login_body(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *password, char **body, size_t *len)
{
	json_t *root = NULL, *inner = NULL, *pw = NULL, *v;
	int r = AR_ERR_INTERNAL;

	if ((root = json_object()) == NULL || (inner = json_object()) == NULL ||
	    (pw = json_string(password)) == NULL) {
		r = nomem(ctx);
		goto out;
	}
	if (conf->api_version == 1) {
		if (json_object_set(root, "password", pw) != 0) {
			r = nomem(ctx);
			goto out;
		}
		if (ctx->rhost != NULL && *ctx->rhost != '\0' &&
		    utf8_valid(ctx->rhost) &&
		    json_object_set_new(inner, "ip",
		    json_string(ctx->rhost)) != 0) {
			r = nomem(ctx);
			goto out;
		}
		if ((v = client_string(ctx)) == NULL ||
		    json_object_set_new(inner, "client", v) != 0 ||
		    json_object_set(root, "request", inner) != 0) {
			r = nomem(ctx);
			goto out;
		}
	} else if (json_object_set(inner, "password", pw) != 0 ||
	    json_object_set(root, "user", inner) != 0) {
		r = nomem(ctx);
		goto out;
	}
	r = dump_body(ctx, root, body, len);
out:
	if (pw != NULL)
		explicit_bzero((char *)json_string_value(pw),
		    json_string_length(pw));
	json_decref(pw);
	json_decref(inner);
	json_decref(root);
	return r;
}

/* {"user": {"token": challenge, "code": code}} for both generations. */
static int
code_body(struct ar_ctx *ctx, const char *challenge, const char *code,
    char **body, size_t *len)
{
	json_t *root = NULL, *inner = NULL;
	int r = AR_ERR_INTERNAL;

	if ((root = json_object()) == NULL || (inner = json_object()) == NULL ||
	    json_object_set_new(inner, "token", json_string(challenge)) != 0 ||
	    json_object_set_new(inner, "code", json_string(code)) != 0 ||
	    json_object_set(root, "user", inner) != 0) {
		r = nomem(ctx);
		goto out;
	}
	r = dump_body(ctx, root, body, len);
out:
	if (inner != NULL) {
		ar_json_wipe_member(inner, "token");
		ar_json_wipe_member(inner, "code");
	}
	json_decref(inner);
	json_decref(root);
	return r;
}

/* POST a login body to path and parse the reply into *login. */
static int
post_login(struct ar_ctx *ctx, const struct ar_conf *conf, int kind,
    const char *path, const char *body, size_t body_len,
    struct ar_login *login)
{
	struct ar_http_resp resp;
	char what[300];
	int r;

	memset(&resp, 0, sizeof(resp));
	snprintf(what, sizeof(what), "POST %s", path);
	if ((r = api_request(ctx, conf, "POST", path, body, body_len,
	    &resp)) != AR_OK)
		goto out;
	if ((r = ar_api_parse_status(ctx, kind, what, resp.status,
	    resp.body, resp.body_len)) != AR_OK)
		goto out;
	r = ar_api_parse_login(ctx, conf, resp.body, resp.body_len,
	    kind == AR_API_CODE, login);
out:
	resp_wipe_clear(&resp);
	return r;
}

int
ar_api_authenticate(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *name, const char *password, struct ar_login *login)
{
	char *ename = NULL, *path = NULL, *body = NULL;
	size_t body_len = 0;
	int r = AR_ERR_INTERNAL;

	if ((r = ar_api_escape_name(ctx, name, AR_ERR_AUTH, &ename)) != AR_OK)
		goto out;
	/* JSON carries UTF-8 only; such a password cannot be right. */
	if (password == NULL || !utf8_valid(password)) {
		r = ar_fail(ctx, AR_ERR_AUTH, "bad_input",
		    "api: password is not valid UTF-8");
		goto out;
	}
	if ((path = malloc(strlen(ename) + 32)) == NULL) {
		r = nomem(ctx);
		goto out;
	}
	sprintf(path, "users/%s/authenticate", ename);
	if ((r = login_body(ctx, conf, password, &body, &body_len)) != AR_OK)
		goto out;
	r = post_login(ctx, conf, AR_API_LOGIN, path, body, body_len, login);
out:
	ar_secure_free(body, body_len + (body != NULL));
	free(path);
	free(ename);
	return r;
}

int
ar_api_authenticate_code(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *name, const char *challenge, const char *code,
    struct ar_login *login)
{
	char *ename = NULL, *path = NULL, *body = NULL;
	size_t body_len = 0;
	int r = AR_ERR_INTERNAL;

	if ((r = ar_api_escape_name(ctx, name, AR_ERR_AUTH, &ename)) != AR_OK)
		goto out;
	if (challenge == NULL || code == NULL || !utf8_valid(challenge) ||
	    !utf8_valid(code)) {
		r = ar_fail(ctx, AR_ERR_AUTH, "bad_input",
		    "api: code is not valid UTF-8");
		goto out;
	}
	if ((path = malloc(strlen(ename) + 40)) == NULL) {
		r = nomem(ctx);
		goto out;
	}
	if (conf->api_version == 1)
		sprintf(path, "users/%s/authenticate_code", ename);
	else
		strcpy(path, "users/authenticate_token");
	if ((r = code_body(ctx, challenge, code, &body, &body_len)) != AR_OK)
		goto out;
	r = post_login(ctx, conf, AR_API_CODE, path, body, body_len, login);
out:
	ar_secure_free(body, body_len + (body != NULL));
	free(path);
	free(ename);
	return r;
}

/* GET path; on AR_OK the 2xx reply is in *resp. */
static int
get_ok(struct ar_ctx *ctx, const struct ar_conf *conf, int kind,
    const char *path, struct ar_http_resp *resp)
{
	char what[300];
	int r;

	snprintf(what, sizeof(what), "GET %s", path);
	if ((r = api_request(ctx, conf, "GET", path, NULL, 0, resp)) != AR_OK)
		return r;
	return ar_api_parse_status(ctx, kind, what, resp->status,
	    resp->body, resp->body_len);
}

/*
 * GET prefix + escaped(name) + suffix; on AR_OK the 2xx reply is in
 * *resp.  A name that cannot be put in a path is bad_name_code, and no
 * request is made.
 */
static int
get_named(struct ar_ctx *ctx, const struct ar_conf *conf, int kind,
    const char *prefix, const char *name, const char *suffix,
    int bad_name_code, struct ar_http_resp *resp)
{
	char *ename = NULL, *path = NULL;
	size_t n;
	int r = AR_ERR_INTERNAL;

	if ((r = ar_api_escape_name(ctx, name, bad_name_code, &ename)) !=
	    AR_OK)
		goto out;
	n = strlen(prefix) + strlen(ename) + strlen(suffix) + 1;
	if ((path = malloc(n)) == NULL) {
		r = nomem(ctx);
		goto out;
	}
	snprintf(path, n, "%s%s%s", prefix, ename, suffix);
	r = get_ok(ctx, conf, kind, path, resp);
out:
	free(path);
	free(ename);
	return r;
}

int
ar_api_get_user(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *name, struct ar_identity *id)
{
	struct ar_http_resp resp;
	int r;

	memset(&resp, 0, sizeof(resp));
	r = get_named(ctx, conf, AR_API_USER, "users/", name, "",
	    AR_ERR_USER_UNKNOWN, &resp);
	if (r == AR_OK)
		r = ar_api_parse_user(ctx, conf, resp.body, resp.body_len, id);
	resp_wipe_clear(&resp);
	return r;
}

int
ar_api_memberships(struct ar_ctx *ctx, const struct ar_conf *conf,
    struct ar_identity *id)
{
	struct ar_http_resp resp;
	int r;

	if (id->user_id == NULL)
		return ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "api: memberships asked for without a user id");
	memset(&resp, 0, sizeof(resp));
	r = get_named(ctx, conf, AR_API_MEMB, "memberships?user_id=",
	    id->user_id, "&max_results=100", AR_ERR_UNAVAIL, &resp);
	if (r == AR_OK)
		r = ar_api_parse_memberships(ctx, resp.body, resp.body_len, id);
	resp_wipe_clear(&resp);
	return r;
}

int
ar_api_session_live(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *session_id)
{
	struct ar_http_resp resp;
	int r;

	memset(&resp, 0, sizeof(resp));
	r = get_named(ctx, conf, AR_API_SESSION, "sessions/", session_id, "",
	    AR_ERR_AUTH, &resp);
	if (r == AR_OK)
		r = ar_api_parse_session(ctx, resp.body, resp.body_len);
	resp_wipe_clear(&resp);
	return r;
}

int
ar_api_probe(struct ar_ctx *ctx, const struct ar_conf *conf,
    struct ar_api_probe *p)
{
	struct ar_http_resp resp;
	struct ar_api_probe t;
	char *ename = NULL, *path = NULL;
	int r = AR_ERR_INTERNAL;

	memset(&resp, 0, sizeof(resp));
	memset(&t, 0, sizeof(t));
	if (conf->realm_id != NULL) {
		if ((r = ar_api_escape_name(ctx, conf->realm_id, AR_ERR_CONFIG,
		    &ename)) != AR_OK)
			goto out;
		if ((path = concat("realms/", ename)) == NULL) {
			r = nomem(ctx);
			goto out;
		}
	} else if ((path = ar_strdup("users?max_results=1")) == NULL) {
		r = nomem(ctx);
		goto out;
	}
	/* A transport failure is a result to report here, not an error. */
	if ((r = api_send(ctx, conf, "GET", path, NULL, 0, &resp)) != AR_OK)
		goto out;
	/* Still judge the outcome: the reason and log hints (403...) help. */
	if (resp.status == 0)
		(void)ar_fail(ctx, AR_ERR_UNAVAIL, ar_fetch_transport_reason(resp.error),
		    "api: GET %s: %s", path, resp.error ? resp.error : "-");
	else
		(void)ar_api_parse_status(ctx, AR_API_OTHER, "GET probe",
		    resp.status, resp.body, resp.body_len);
	t.status = resp.status;
	t.time_ms = resp.time_ms;
	if ((resp.tls != NULL && (t.tls = ar_strdup(resp.tls)) == NULL) ||
	    (resp.date != NULL && (t.date = ar_strdup(resp.date)) == NULL) ||
	    (resp.error != NULL && (t.error = ar_strdup(resp.error)) ==
	    NULL)) {
		r = nomem(ctx);
		goto out;
	}
	*p = t;
	memset(&t, 0, sizeof(t));	/* transferred */
	r = AR_OK;
out:
	ar_api_probe_clear(&t);
	resp_wipe_clear(&resp);
	free(path);
	free(ename);
	return r;
}

void
ar_api_probe_clear(struct ar_api_probe *p)
{
	if (p == NULL)
		return;
	free(p->tls);
	free(p->date);
	free(p->error);
	memset(p, 0, sizeof(*p));
}

void
ar_login_clear(struct ar_login *login)
{
	if (login == NULL)
		return;
	ar_secure_free_str(login->challenge);
	ar_secure_free_str(login->token);
	ar_identity_clear(&login->id);
	memset(login, 0, sizeof(*login));
}
