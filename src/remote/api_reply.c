/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Judging AuthRocket API replies: the HTTP status first, then the JSON
 * body by its "object" member and exact types, never by message text.
 * No network here, so every function can be fed bytes directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "fetch.h"
#include "json.h"
#include "membership.h"
#include "secure.h"
#include "token.h"

#define ERRTEXT_MAX	160	/* server error text kept for the log */

/*
 * Copy the first error message of an error body ({"errors": ["msg"]} in
 * v2, {"errors": {"field": ["msg"]}} in v1, or {"error": "msg"}) into
 * buf, raw: the log functions escape it.  Parsed on a scratch copy of the
 * context so that a body that is not JSON records no failure of its own.
 */
static void
error_text(const struct ar_ctx *ctx, const char *body, size_t len,
    char *buf, size_t n)
{
	struct ar_ctx scratch;
	json_t *root = NULL, *e, *v = NULL;
	const char *field = NULL, *key;
	const char *s;

	buf[0] = '\0';
	ar_ctx_try(ctx, &scratch);
	scratch.debug = 0;
	scratch.log = NULL;
	if (body == NULL || len == 0 ||
	    ar_json_parse_object(&scratch, body, len, AR_ERR_UNAVAIL,
	    &root) != AR_OK)
		return;
	if ((e = json_object_get(root, "errors")) != NULL) {
		if (json_is_array(e)) {
			v = json_array_get(e, 0);
		} else if (json_is_object(e)) {
			json_object_foreach(e, key, v) {
				field = key;
				break;
			}
			if (json_is_array(v))
				v = json_array_get(v, 0);
		}
	} else {
		v = json_object_get(root, "error");
	}
	if (v != NULL && json_is_string(v)) {
		s = json_string_value(v);
		if (field != NULL)
			snprintf(buf, n, "%.40s: %s", field, s);
		else
			snprintf(buf, n, "%s", s);
	}
	json_decref(root);
}

int
ar_api_parse_status(struct ar_ctx *ctx, int kind, const char *what,
    long status, const char *body, size_t len)
{
	char text[ERRTEXT_MAX];
	int login = kind == AR_API_LOGIN || kind == AR_API_CODE;

	if (status >= 200 && status <= 299)
		return AR_OK;
	error_text(ctx, body, len, text, sizeof(text));
	if (status == 401 || status == 409 || status == 422) {
		/* Login failures; v2 says 409/422, v1 401 (text localised). */
		if (login)
			return ar_fail(ctx, AR_ERR_AUTH,
			    kind == AR_API_CODE ? "bad_code" : "auth_failed",
			    "api: %s: %ld: %s", what, status, text);
	} else if (status == 404 && strcasestr(text, "realm not found") !=
	    NULL) {
		/* Not the user's fault: this host names a realm the key
		 * does not know. */
		ar_log(ctx, AR_LOG_ERR, "api: realm not found (404): check "
		    "realm_id");
		return ar_fail(ctx, AR_ERR_CONFIG, "realm_not_found",
		    "api: %s: 404: %s", what, text);
	} else if (status == 404) {
		if (kind == AR_API_LOGIN || kind == AR_API_USER)
			return ar_fail(ctx, AR_ERR_USER_UNKNOWN, "unknown_user",
			    "api: %s: 404: %s", what, text);
		if (kind == AR_API_CODE)
			return ar_fail(ctx, AR_ERR_AUTH, "bad_code",
			    "api: %s: 404: %s", what, text);
		if (kind == AR_API_SESSION)
			return ar_fail(ctx, AR_ERR_AUTH, "session_revoked",
			    "api: %s: 404: session is gone", what);
	} else if (status == 402) {
		ar_log(ctx, AR_LOG_ERR,
		    "api: AuthRocket account inactive or unpaid (402)");
		return ar_fail(ctx, AR_ERR_UNAVAIL, "account_inactive",
		    "api: %s: 402: %s", what, text);
	} else if (status == 403) {
		ar_log(ctx, AR_LOG_ERR, "api: API key rejected (403): check "
		    "api_key, account_id and realm_id");
		return ar_fail(ctx, AR_ERR_UNAVAIL, "api_key_rejected",
		    "api: %s: 403: %s", what, text);
	}
	return ar_fetch_judge_status(ctx, what, status, text);
}

/* Copy an optional string member (absent or null leaves *out NULL). */
static int
opt_str(struct ar_ctx *ctx, json_t *o, const char *key, char **out)
{
	int r = ar_json_get_str(ctx, o, key, AR_ERR_UNAVAIL, 1, out);

	return r == AR_NOTHING ? AR_OK : r;
}

/* A required, non-empty string member. */
static int
req_str(struct ar_ctx *ctx, json_t *o, const char *key, char **out)
{
	char *s = NULL;
	int r;

	r = ar_json_get_str(ctx, o, key, AR_ERR_UNAVAIL, 0, &s);
	if (r == AR_NOTHING || (r == AR_OK && *s == '\0')) {
		free(s);
		return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: reply lacks \"%s\"", key);
	}
	if (r == AR_OK)
		*out = s;
	return r;
}

/* Is member "object" of o exactly the string want? */
static int
object_is(json_t *o, const char *want)
{
	json_t *v = json_object_get(o, "object");

	return v != NULL && json_is_string(v) &&
	    strcmp(json_string_value(v), want) == 0;
}

/* Custom attributes: an object (string members kept), null or absent. */
static int
read_custom(struct ar_ctx *ctx, json_t *cs, struct ar_identity *id)
{
	if (cs != NULL && !json_is_null(cs) && !json_is_object(cs))
		return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: user \"custom\" is not an object");
	return ar_custom_parse(ctx, cs, "api", id);
}

/*
 * Has AuthRocket verified the user's email address?  v2 says so with
 * "email_verified": true, v1 with "email_verification": "verified";
 * absent or null means not verified, another type is a bad reply.
 */
static int
read_verified(struct ar_ctx *ctx, const struct ar_conf *conf, json_t *o,
    int *verified)
{
	const char *key = conf->api_version == 1 ? "email_verification" :
	    "email_verified";
	json_t *v = json_object_get(o, key);

	*verified = 0;
	if (v == NULL || json_is_null(v))
		return AR_OK;
	if (conf->api_version == 1 && json_is_string(v)) {
		*verified = strcmp(json_string_value(v), "verified") == 0;
		return AR_OK;
	}
	if (conf->api_version != 1 && json_is_boolean(v)) {
		*verified = json_is_true(v);
		return AR_OK;
	}
	return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
	    "api: user \"%s\" has the wrong type", key);
}

/* A user object into *id (fresh); on error *id is left cleared. */
static int
read_user(struct ar_ctx *ctx, const struct ar_conf *conf, json_t *o,
    struct ar_identity *id)
{
	struct ar_identity t;
	char *state = NULL, *type = NULL;
	int r = AR_ERR_INTERNAL;

	memset(&t, 0, sizeof(t));
	if (!object_is(o, "user")) {
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: reply is not a user object");
		goto out;
	}
	if ((r = req_str(ctx, o, "id", &t.user_id)) != AR_OK ||
	    (r = opt_str(ctx, o, "username", &t.username)) != AR_OK ||
	    (r = opt_str(ctx, o, "email", &t.email)) != AR_OK ||
	    (r = opt_str(ctx, o, "reference", &t.reference)) != AR_OK ||
	    (r = opt_str(ctx, o, "user_type", &type)) != AR_OK)
		goto out;
	/* Without a state nothing says the person may still log in. */
	if ((r = req_str(ctx, o, "state", &state)) != AR_OK)
		goto out;
	if ((r = read_custom(ctx, json_object_get(o, "custom"), &t)) != AR_OK)
		goto out;
	if ((r = read_verified(ctx, conf, o, &t.email_verified)) != AR_OK)
		goto out;
	t.version = conf->api_version;
	t.source = "api";
	t.have_state = 1;
	t.active = strcmp(state, "active") == 0;
	/* v1 API users (user_type "api") are not people and never log in. */
	t.human = type == NULL || strcmp(type, "human") == 0;
	*id = t;
	memset(&t, 0, sizeof(t));	/* transferred */
	r = AR_OK;
out:
	free(state);
	free(type);
	ar_identity_clear(&t);
	return r;
}

int
ar_api_parse_user(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *body, size_t len, struct ar_identity *id)
{
	json_t *root = NULL;
	int r;

	if ((r = ar_json_parse_object(ctx, body, len, AR_ERR_UNAVAIL,
	    &root)) != AR_OK)
		return r;
	r = read_user(ctx, conf, root, id);
	json_decref(root);
	return r;
}

int
ar_api_user_from_json(struct ar_ctx *ctx, const struct ar_conf *conf,
    void *obj, struct ar_identity *id)
{
	return read_user(ctx, conf, obj, id);
}

/* Is s a login JWT as far as its shape goes? */
static int
is_jwt(const char *s)
{
	size_t len = strlen(s);

	return len <= AR_MAX_TOKEN && ar_token_looks_like_jwt(s, len);
}

int
ar_api_parse_login(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *body, size_t len, int code_step, struct ar_login *login)
{
	struct ar_login t;
	json_t *root = NULL;
	char *tok = NULL;
	int r = AR_ERR_INTERNAL;

	memset(&t, 0, sizeof(t));
	if ((r = ar_json_parse_object(ctx, body, len, AR_ERR_UNAVAIL,
	    &root)) != AR_OK)
		goto out;
	if (conf->api_version == 1) {
		/* v1: a user object; its token says which step we are at. */
		if (!object_is(root, "user")) {
			r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
			    "api: login reply is not a user object");
			goto out;
		}
		if ((r = req_str(ctx, root, "token", &tok)) != AR_OK)
			goto out;
		if (is_jwt(tok)) {
			if ((r = read_user(ctx, conf, root, &t.id)) != AR_OK)
				goto out;
			t.id.source = "password";
			t.have_id = 1;
			t.token = tok;
			tok = NULL;	/* transferred */
		} else if (strncmp(tok, "kli_", 4) == 0 && !code_step) {
			t.need_code = 1;
			t.challenge = tok;
			tok = NULL;	/* transferred */
		} else {
			r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
			    "api: login reply holds an unexpected token");
			goto out;
		}
	} else if (object_is(root, "session")) {
		/* v2: the identity is in the token; the reply names the user */
		if ((r = req_str(ctx, root, "token", &tok)) != AR_OK)
			goto out;
		if (!is_jwt(tok)) {
			r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
			    "api: session token is not a JWT");
			goto out;
		}
		if ((r = req_str(ctx, root, "user_id", &t.id.user_id)) !=
		    AR_OK || (r = opt_str(ctx, root, "id",
		    &t.id.session_id)) != AR_OK)
			goto out;
		t.id.version = 2;
		t.id.source = "password";
		t.have_id = 1;
		t.token = tok;
		tok = NULL;	/* transferred */
	} else if (object_is(root, "token") && !code_step) {
		if ((r = req_str(ctx, root, "token", &tok)) != AR_OK)
			goto out;
		t.need_code = 1;
		t.challenge = tok;
		tok = NULL;	/* transferred */
	} else {
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: login reply is neither a session nor a token");
		goto out;
	}
	*login = t;
	memset(&t, 0, sizeof(t));	/* transferred */
	r = AR_OK;
out:
	if (root != NULL)
		ar_json_wipe_member(root, "token");
	json_decref(root);
	ar_secure_free_str(tok);
	ar_login_clear(&t);
	return r;
}

int
ar_api_parse_memberships(struct ar_ctx *ctx, const char *body, size_t len,
    struct ar_identity *id)
{
	json_t *root = NULL, *coll, *more, *item, *uid;
	size_t i;
	int r = AR_ERR_INTERNAL;

	if ((r = ar_json_parse_object(ctx, body, len, AR_ERR_UNAVAIL,
	    &root)) != AR_OK)
		goto out;
	coll = json_object_get(root, "collection");
	more = json_object_get(root, "more_results");
	if (!json_is_array(coll) || (more != NULL && !json_is_boolean(more))) {
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: memberships reply is not a collection");
		goto out;
	}
	/* A partial list could lack the membership that matters. */
	if (json_is_true(more)) {
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "too_many_memberships",
		    "api: memberships span more than one page");
		goto out;
	}
	json_array_foreach(coll, i, item) {
		uid = json_is_object(item) ? json_object_get(item, "user_id") :
		    NULL;
		if (uid != NULL && (!json_is_string(uid) || id->user_id ==
		    NULL || strcmp(json_string_value(uid), id->user_id) != 0)) {
			r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
			    "api: membership of another user in the reply");
			goto out;
		}
	}
	r = ar_memberships_parse(ctx, coll, AR_MEMB_API, AR_ERR_UNAVAIL,
	    id);
out:
	json_decref(root);
	return r;
}

int
ar_api_parse_session(struct ar_ctx *ctx, const char *body, size_t len)
{
	json_t *root = NULL;
	int r;

	if ((r = ar_json_parse_object(ctx, body, len, AR_ERR_UNAVAIL,
	    &root)) != AR_OK)
		return r;
	if (!object_is(root, "session"))
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: session reply is not a session object");
	json_decref(root);
	return r;
}
