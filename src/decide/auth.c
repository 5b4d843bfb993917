/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The authentication and account decisions: prompt, route the input to
 * the token or the password path, establish an AuthRocket identity, map
 * it to the local account being logged into and apply the policy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acctcache.h"
#include "api.h"
#include "auth.h"
#include "directory_policy.h"
#include "helper_client.h"
#include "jwks.h"
#include "key.h"
#include "map.h"
#include "name.h"
#include "offline.h"
#include "outage.h"
#include "policy.h"
#include "secure.h"
#include "token.h"

#define PROMPT_CODE	"Verification code: "
#define AR_MAX_CODE	64	/* longest verification code sent */

static const char *
default_prompt(const struct ar_conf *conf)
{
	if (conf->prompt != NULL)
		return conf->prompt;
	switch (conf->mode) {
	case AR_MODE_TOKEN:
		return "AuthRocket token: ";
	case AR_MODE_PASSWORD:
		return "AuthRocket password: ";
	default:
		break;
	}
	if (conf->api_url == NULL)
		return "AuthRocket token: ";
	return "AuthRocket password or token: ";
}

/*
 * An answer arrived, the person's or AuthRocket's: read the clock again,
 * so that every time check after it (exp, nbf, iat, max_token_age, cache
 * ages, membership expiry) is made at this moment, not when the module
 * started.  A prompt may stand open for minutes (su has no timeout).
 */
static int
answered(struct ar_ctx *ctx, int r)
{
	(void)ar_ctx_tick(ctx);
	return r;
}

/* Ask once; an absent reply is a conversation error, never a login. */
static int
ask(struct ar_ctx *ctx, const char *text, char **reply)
{
	char *ans = NULL;
	int r;

	if (ctx->prompt == NULL)
		return ar_fail(ctx, AR_ERR_CONV, "conversation",
		    "no conversation function");
	r = ctx->prompt(ctx->prompt_arg, AR_PROMPT_ECHO_OFF, text, &ans);
	if (r != AR_OK) {
		ar_secure_free_str(ans);
		/* sudo fails its conversation for long replies: say so. */
		return ar_fail(ctx, r == AR_ERR_NOMEM ? r : AR_ERR_CONV,
		    "conversation", "the conversation failed%s",
		    ctx->service != NULL && strcmp(ctx->service, "sudo") == 0 ?
		    " (sudo refuses replies of 512 characters or more: an "
		    "RS256 token is too long for sudo)" : "");
	}
	if (ans == NULL)
		return ar_fail(ctx, AR_ERR_CONV, "conversation",
		    "the conversation returned nothing");
	*reply = ans;
	return AR_OK;
}

static void
tell(struct ar_ctx *ctx, int style, const char *text)
{
	char *unused = NULL;

	if (ctx->prompt != NULL)
		(void)ctx->prompt(ctx->prompt_arg, style, text, &unused);
	ar_secure_free_str(unused);
}

/*
 * Why a person who has proven who they are is refused, in their words.
 * Only after proof: before it, every refusal looks the same.
 */
static const struct {
	const char	*reason;
	const char	*text;
} explanations[] = {
	{ "no_permission", "Access denied: your AuthRocket account does not "
	    "hold the permission this host requires." },
	{ "no_org", "Access denied: you are not a member of an AuthRocket "
	    "organisation this host requires." },
	{ "membership_expired", "Access denied: your AuthRocket membership "
	    "that grants access here has expired." },
	{ "inactive", "Access denied: your AuthRocket account is inactive." },
	{ "not_human", "Access denied: this AuthRocket user is not a person "
	    "and cannot log in." },
};

static void
explain(struct ar_ctx *ctx, int r)
{
	const char *why = ctx->reason != NULL ? ctx->reason : "";
	size_t i;

	if (r == AR_ERR_UNAVAIL) {
		tell(ctx, AR_PROMPT_ERROR, "AuthRocket could not be reached to "
		    "confirm your access; try again later.");
		return;
	}
	for (i = 0; i < sizeof(explanations) / sizeof(explanations[0]); i++)
		if (strcmp(why, explanations[i].reason) == 0) {
			tell(ctx, AR_PROMPT_ERROR, explanations[i].text);
			return;
		}
}

/* Pasted tokens often carry blanks or a newline around them. */
static void
trim_span(const char *s, size_t *off, size_t *len)
{
	size_t b = 0, e = strlen(s);

	while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' ||
	    s[b] == '\n'))
		b++;
	while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' ||
	    s[e - 1] == '\r' || s[e - 1] == '\n'))
		e--;
	*off = b;
	*len = e - b;
}

/* The key for this token: the configured one, or the realm's JWKS. */
static int
token_key(struct ar_ctx *ctx, const struct ar_conf *conf, const char *tok,
    size_t len, struct ar_key *key)
{
	char *kid = NULL;
	int r;

	if (conf->jwt_key != NULL)
		return ar_key_parse(ctx, conf->jwt_key, conf->jwt_key_len, key);
	if (conf->jwks_url == NULL)
		return ar_fail(ctx, AR_ERR_AUTH, "token_not_configured",
		    "a token was given but no jwt_key or jwks_url is set");
	if ((r = ar_token_peek_kid(ctx, tok, len, &kid)) != AR_OK)
		return r;
	r = ar_jwks_key(ctx, conf, kid, key);
	free(kid);
	return r;
}

static int
verify_token(struct ar_ctx *ctx, const struct ar_conf *conf, const char *tok,
    size_t len, struct ar_identity *id)
{
	struct ar_key key;
	int r = AR_ERR_INTERNAL;

	memset(&key, 0, sizeof(key));
	if (len > AR_MAX_TOKEN) {
		r = ar_fail(ctx, AR_ERR_AUTH, "too_large",
		    "token of %zu bytes is larger than %d", len, AR_MAX_TOKEN);
		goto out;
	}
	if ((r = token_key(ctx, conf, tok, len, &key)) != AR_OK)
		goto out;
	r = ar_token_verify(ctx, conf, &key, tok, len, id);
 out:
	ar_key_free(&key);
	return r;
}

/* Token path: offline verification, then the optional session check. */
static int
auth_token(struct ar_ctx *ctx, const struct ar_conf *conf, const char *tok,
    size_t len, struct ar_identity *id)
{
	int r;

	if ((r = verify_token(ctx, conf, tok, len, id)) != AR_OK)
		return r;
	if (conf->verify_session) {
		if (conf->api_url == NULL)
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: verify_session needs api_url");
		if (id->session_id == NULL)
			return ar_fail(ctx, AR_ERR_AUTH, "no_session",
			    "token carries no session id to verify");
		if ((r = answered(ctx, ar_api_session_live(ctx, conf,
		    id->session_id))) != AR_OK)
			return r;
	}
	return AR_OK;
}

/* Copy what the API said about the user over a token's identity. */
static int
merge_state(struct ar_identity *dst, const struct ar_identity *src)
{
	if (!src->have_state)
		return AR_OK;
	if (dst->user_id != NULL && src->user_id != NULL &&
	    strcmp(dst->user_id, src->user_id) != 0)
		return AR_ERR_UNAVAIL;
	dst->have_state = 1;
	dst->active = src->active;
	dst->human = src->human;
	return AR_OK;
}

/*
 * Did the API answer about the user we asked for?  AuthRocket takes a
 * username, an email or a user id in the path and matches the first two
 * without regard to case; mapping afterwards is still exact.
 */
static int
reply_is_about(const char *asked, const struct ar_identity *id)
{
	return (id->username != NULL && strcasecmp(asked, id->username) == 0) ||
	    (id->email != NULL && strcasecmp(asked, id->email) == 0) ||
	    (id->user_id != NULL && strcmp(asked, id->user_id) == 0);
}

/*
 * The realm asks for a second factor: prompt for the code and complete
 * the login with it; *login then holds the reply to the code.
 */
static int
second_factor(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *name, struct ar_login *login)
{
	char *challenge = login->challenge, *code = NULL;
	int64_t left = ctx->deadline_ms - ar_monotonic_ms();
	int r = AR_ERR_INTERNAL;

	login->challenge = NULL;
	ar_login_clear(login);
	if ((r = answered(ctx, ask(ctx, PROMPT_CODE, &code))) != AR_OK)
		goto out;
	/*
	 * The deadline bounds network work, not the person reading their
	 * authenticator: the time spent at the prompt does not count
	 * (sshd's LoginGraceTime bounds that).
	 */
	if (ctx->deadline_ms != 0)
		ctx->deadline_ms = ar_monotonic_ms() + (left > 0 ? left : 0);
	if (*code == '\0' || strnlen(code, AR_MAX_CODE + 1) > AR_MAX_CODE) {
		r = ar_fail(ctx, AR_ERR_AUTH, *code == '\0' ?
		    "empty_input" : "too_large",
		    "empty or overlong verification code");
		goto out;
	}
	r = answered(ctx, ar_api_authenticate_code(ctx, conf, name,
	    challenge, code, login));
	if (r == AR_OK && login->need_code)
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: second factor asked for twice");
 out:
	ar_secure_free_str(challenge);
	ar_secure_free_str(code);
	return r;
}

/*
 * The identity a login reply establishes.  Prefer the signed token when
 * we can verify it: it is the identity AuthRocket vouches for, and the
 * user object then only adds the account state.  Else the user object.
 */
static int
reply_identity(struct ar_ctx *ctx, const struct ar_conf *conf,
    struct ar_login *login, struct ar_identity *id)
{
	const char *why;
	int r;

	if (login->token == NULL ||
	    (conf->jwt_key == NULL && conf->jwks_url == NULL)) {
		if (!login->have_id)
			return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
			    "api: login reply carries no user");
		*id = login->id;
		memset(&login->id, 0, sizeof(login->id));  /* transferred */
		login->have_id = 0;
		return AR_OK;
	}
	r = verify_token(ctx, conf, login->token, strlen(login->token), id);
	if (r == AR_ERR_AUTH) {
		/*
		 * Our key and the realm disagree: not the user's fault, and
		 * not a login.  A key the JWKS does not (yet) hold is a
		 * rotation.
		 */
		why = ctx->reason;
		ar_ctx_clear_error(ctx);
		return ar_fail(ctx, AR_ERR_UNAVAIL, why != NULL &&
		    strcmp(why, "unknown_kid") == 0 ? "unknown_kid" :
		    "bad_reply", "api: returned token does not verify (%s)",
		    why != NULL ? why : "unknown");
	}
	if (r != AR_OK)
		return r;
	if (login->have_id && merge_state(id, &login->id) != AR_OK)
		return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: token and user object disagree");
	return AR_OK;
}

/*
 * A session reply (v2) names only the user id: fetch the user for the
 * account state.  The user fetched must be the one the token named.
 */
static int
fetch_state(struct ar_ctx *ctx, const struct ar_conf *conf,
    struct ar_identity *id)
{
	struct ar_identity fresh;
	int r;

	if (id->have_state || id->user_id == NULL)
		return AR_OK;
	memset(&fresh, 0, sizeof(fresh));
	r = answered(ctx, ar_api_get_user(ctx, conf, id->user_id, &fresh));
	if (r == AR_OK && (id->username == NULL || (fresh.username != NULL &&
	    strcmp(id->username, fresh.username) == 0))) {
		if (id->username == NULL) {
			ar_identity_clear(id);
			*id = fresh;
			return AR_OK;
		}
		r = merge_state(id, &fresh);
		ar_identity_clear(&fresh);
		return r;
	}
	ar_identity_clear(&fresh);
	if (r == AR_OK || r == AR_ERR_USER_UNKNOWN)
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: user lookup after login disagrees");
	return r;
}

/*
 * Password path: the API, a second factor when asked (*code_user set),
 * then the identity.
 */
static int
auth_password(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *password, struct ar_identity *id, int *code_user)
{
	struct ar_login login;
	char *name = NULL;
	int r = AR_ERR_INTERNAL;

	memset(&login, 0, sizeof(login));
	if (conf->api_url == NULL) {
		r = ar_fail(ctx, AR_ERR_AUTH, "not_a_token",
		    "input is not a token and no api_url is configured");
		goto out;
	}
	/* Never send a name that could not be a local account. */
	if (!ar_name_ok(ctx->user)) {
		r = ar_fail(ctx, AR_ERR_USER_UNKNOWN, "bad_local_name",
		    "local name is not acceptable");
		goto out;
	}
	if ((r = ar_map_remote_name(ctx, conf, ctx->user, &name)) != AR_OK)
		goto out;
	r = answered(ctx, ar_api_authenticate(ctx, conf, name, password,
	    &login));
	if (r != AR_OK)
		goto out;
	if (login.need_code) {
		*code_user = 1;
		if ((r = second_factor(ctx, conf, name, &login)) != AR_OK)
			goto out;
	}
	if ((r = reply_identity(ctx, conf, &login, id)) != AR_OK ||
	    (r = fetch_state(ctx, conf, id)) != AR_OK)
		goto out;
	if (!reply_is_about(name, id)) {
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "unexpected_user",
		    "api: the login reply is about another user than \"%s\"",
		    name);
		goto out;
	}
	id->source = "password";
	r = AR_OK;
 out:
	free(name);
	ar_login_clear(&login);
	return r;
}

/* Does this stack line need memberships, and can it ask for them? */
static int
wants_memberships(const struct ar_conf *conf)
{
	return conf->api_url != NULL && (conf->require_permission.n > 0 ||
	    conf->require_org.n > 0);
}

/* Memberships missing from a token: ask the API when it is configured. */
static int
need_memberships(struct ar_ctx *ctx, const struct ar_conf *conf,
    struct ar_identity *id)
{
	if (id->have_memberships || !wants_memberships(conf))
		return AR_OK;
	if (id->user_id == NULL)
		return ar_fail(ctx, AR_ERR_DENIED, "memberships_unknown",
		    "no user id to look memberships up");
	return answered(ctx, ar_api_memberships(ctx, conf, id));
}

/* The identity must name exactly the account being logged into. */
static int
check_mapping(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_identity *id, int mismatch)
{
	char *local = NULL;
	int r;

	if ((r = ar_map_local_name(ctx, conf, id, &local)) != AR_OK)
		return r;
	if (ctx->user == NULL || strcmp(local, ctx->user) != 0) {
		r = ar_fail(ctx, mismatch, "wrong_user",
		    "identity maps to local account \"%s\"", local);
		free(local);
		return r;
	}
	free(local);
	return AR_OK;
}

/*
 * The credential: an earlier module's (use_first_pass, try_first_pass)
 * or typed at our prompt; *prompted says which.
 */
static int
read_input(struct ar_ctx *ctx, const struct ar_conf *conf, char **input,
    int *prompted)
{
	*prompted = 0;
	if (conf->first_pass != AR_PASS_PROMPT && ctx->authtok != NULL) {
		if ((*input = ar_strdup(ctx->authtok)) == NULL)
			return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
			    "out of memory");
		return AR_OK;
	}
	if (conf->first_pass == AR_PASS_USE)
		return ar_fail(ctx, AR_ERR_AUTH, "no_first_pass",
		    "use_first_pass: no credential from an earlier module");
	if (conf->loginrocket_url != NULL && conf->prompt == NULL &&
	    conf->mode != AR_MODE_PASSWORD) {
		char msg[600];

		snprintf(msg, sizeof(msg), "Log in at %s to get a token.",
		    conf->loginrocket_url);
		tell(ctx, AR_PROMPT_INFO, msg);
	}
	*prompted = 1;
	return answered(ctx, ask(ctx, default_prompt(conf), input));
}

/* Does the (trimmed) input go the password way? */
static int
is_password(const struct ar_conf *conf, const char *s, size_t len)
{
	if (conf->mode == AR_MODE_TOKEN || ar_token_looks_like_jwt(s, len))
		return 0;
	return conf->mode == AR_MODE_PASSWORD || conf->api_url != NULL;
}

/*
 * A password typed at our prompt is kept for the modules after this one
 * (one prompt per stack); a token, sshd's stand-in or the stack's own
 * credential never is.
 */
static int
store_password(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *input, int prompted)
{
	size_t off, len;

	trim_span(input, &off, &len);
	if (!prompted || ctx->store_authtok == NULL ||
	    ar_policy_stand_in(input, strlen(input)) ||
	    !is_password(conf, input + off, len))
		return AR_OK;
	if (ctx->store_authtok(ctx->store_arg, input) != AR_OK)
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "cannot keep the password for the stack");
	return AR_OK;
}

/*
 * Local work only, before anything typed may leave the host: an account
 * this module does not serve, and sshd's stand-in for what was typed,
 * are answered here.
 */
static int
check_local(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *input)
{
	int r;

	if ((r = ar_policy_served(ctx, conf, ctx->user, NULL)) != AR_OK)
		return r;
	if (ar_policy_stand_in(input, strlen(input)))
		return ar_fail(ctx, AR_ERR_AUTH, "sshd_stand_in",
		    "sshd passed its stand-in instead of what was typed");
	return AR_OK;
}

/*
 * The credential, checked before it is used: not empty, bounded, kept
 * for the stack when it is a typed password, and only for an account
 * this module serves.  Local work only; *out is the caller's to wipe,
 * whatever the result.
 */
static int
take_input(struct ar_ctx *ctx, const struct ar_conf *conf, char **out)
{
	char *input = NULL;
	int prompted = 0, r;

	r = read_input(ctx, conf, &input, &prompted);
	*out = input;
	if (r != AR_OK)
		return r;
	if (*input == '\0')
		return ar_fail(ctx, AR_ERR_AUTH, "empty_input", "empty input");
	/* Bounded everything: nothing this long is a token or a password. */
	if (strnlen(input, AR_MAX_INPUT + 1) > AR_MAX_INPUT)
		return ar_fail(ctx, AR_ERR_AUTH, "too_large",
		    "input longer than %d bytes", AR_MAX_INPUT);
	if ((r = store_password(ctx, conf, input, prompted)) != AR_OK)
		return r;
	return check_local(ctx, conf, input);
}

/*
 * Who typed this?  A token is verified offline; a password goes to
 * AuthRocket (with a second factor when asked), or to the cached
 * verifier when AuthRocket could not be asked.  *method names the way
 * taken; *code_user and *online are what the offline store needs.
 */
static int
prove(struct ar_ctx *ctx, const struct ar_conf *conf, const char *input,
    struct ar_identity *id, const char **method, int *code_user,
    int *online)
{
	size_t off, len;
	int r;

	trim_span(input, &off, &len);
	if (conf->mode == AR_MODE_TOKEN ||
	    (conf->mode == AR_MODE_AUTO &&
	    (ar_token_looks_like_jwt(input + off, len) ||
	    conf->api_url == NULL))) {
		*method = "token";
		return auth_token(ctx, conf, input + off, len, id);
	}
	*method = "password";
	/* Password mode: a token is never sent to the API. */
	if (ar_token_looks_like_jwt(input + off, len))
		return ar_fail(ctx, AR_ERR_AUTH, "token_in_password_mode",
		    "input looks like a token; not sent to the API");
	r = auth_password(ctx, conf, input, id, code_user);
	*online = r == AR_OK;
	return ar_offline_password(ctx, conf, input, r, id, method);
}

/*
 * One outcome line per login: a refusal is logged here; a success is
 * logged by the account phase, which decides the rest.  Only a person
 * who has proven who they are is told why they are refused.
 */
static void
log_authenticate(struct ar_ctx *ctx, const struct ar_identity *id, int r,
    int proven, const char *method)
{
	if (id != NULL) {
		ctx->ar_name = id->username;
		ctx->ar_session = id->session_id;
	}
	if (r != AR_OK && proven)
		explain(ctx, r);
	if (r != AR_OK)
		ar_log_decision(ctx, r, method, id != NULL ? id->user_id :
		    NULL);
	else
		ar_log(ctx, AR_LOG_DEBUG, "authenticated %s by %s; the account "
		    "phase logs the outcome", id != NULL && id->user_id !=
		    NULL ? id->user_id : "-", method);
	ctx->ar_name = ctx->ar_session = NULL;
}

int
ar_auth_authenticate(struct ar_ctx *ctx, const struct ar_conf *conf,
    struct ar_identity **out)
{
	struct ar_identity *id = NULL;
	const char *method = "-";
	char *input = NULL, *dir_id = NULL;
	int proven = 0, code_user = 0, online = 0;
	int r = AR_ERR_INTERNAL;

	if ((id = calloc(1, sizeof(*id))) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory", "out of memory");
		goto out;
	}
	/* The same prompt for everyone, served or not. */
	if ((r = take_input(ctx, conf, &input)) != AR_OK)
		goto out;
	/* Accounts the directory does not serve: nothing is sent. */
	if ((r = ar_dirpolicy_lookup(ctx, conf, AR_DIRECTORY_DIR, ctx->user,
	    &dir_id)) != AR_OK)
		goto out;
	if ((r = prove(ctx, conf, input, id, &method, &code_user,
	    &online)) != AR_OK)
		goto out;
	proven = 1;	/* the credential is AuthRocket's word for id */
	if ((r = need_memberships(ctx, conf, id)) != AR_OK)
		goto out;
	if ((r = check_mapping(ctx, conf, id, AR_ERR_AUTH)) != AR_OK)
		goto out;
	if ((r = ar_dirpolicy_match(ctx, dir_id, id, AR_ERR_AUTH)) != AR_OK)
		goto out;
	if ((r = ar_policy_identity(ctx, conf, id)) != AR_OK)
		goto out;
	r = AR_OK;
 out:
	if (strcmp(method, "password") == 0)
		ar_offline_after_login(ctx, conf, input, code_user, online, id,
		    r);
	ar_secure_free_str(input);
	free(dir_id);
	log_authenticate(ctx, id, r, proven, method);
	if (r == AR_OK) {
		*out = id;
		id = NULL;	/* transferred */
	}
	ar_identity_free(id);
	return r;
}

/* Look the person behind a local account up through the API. */
static int
account_lookup(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_identity *prior, const char *dir_id,
    struct ar_identity *id)
{
	char *name = NULL;
	int r;

	if (prior != NULL && prior->user_id != NULL) {
		r = answered(ctx, ar_api_get_user(ctx, conf, prior->user_id,
		    id));
	} else if (dir_id != NULL) {
		/* The directory names the person: ask for them by id. */
		r = answered(ctx, ar_api_get_user(ctx, conf, dir_id, id));
	} else {
		if ((r = ar_map_remote_name(ctx, conf, ctx->user, &name)) !=
		    AR_OK)
			return r;
		r = answered(ctx, ar_api_get_user(ctx, conf, name, id));
		free(name);
	}
	if (r != AR_OK)
		return r;
	/*
	 * The user found must map back to this very account; when it does
	 * not, this local account has no AuthRocket identity.
	 */
	if ((r = check_mapping(ctx, conf, id, AR_ERR_USER_UNKNOWN)) != AR_OK)
		return r == AR_ERR_AUTH ? AR_ERR_USER_UNKNOWN : r;
	if (prior != NULL && prior->user_id != NULL && (id->user_id == NULL ||
	    strcmp(prior->user_id, id->user_id) != 0))
		return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: user lookup returned another user");
	return AR_OK;
}

/*
 * A requirement named only on the account line: the login did not need
 * the memberships, so it did not fetch them.  Fetch them now (into
 * *extra) rather than deny people who hold what is required; *view is
 * prior with those memberships (it borrows from prior and *extra).
 */
static int
account_memberships(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_identity *prior, struct ar_identity *extra,
    struct ar_identity *view)
{
	int r;

	*view = *prior;
	if (prior->have_memberships || prior->user_id == NULL ||
	    !wants_memberships(conf))
		return AR_OK;	/* the policy says what is missing */
	if ((extra->user_id = ar_strdup(prior->user_id)) == NULL)
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "account: out of memory");
	if ((r = need_memberships(ctx, conf, extra)) != AR_OK)
		return r;
	view->memb = extra->memb;
	view->n_memb = extra->n_memb;
	view->have_memberships = extra->have_memberships;
	return AR_OK;
}

/*
 * The account's state: from the account cache when a fresh answer is
 * there (and is about the same person), else from AuthRocket, kept for
 * the next check.  *from says which ("cache" or "api").
 */
static int
account_state(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_identity *prior, const char *dir_id,
    struct ar_identity *id, const char **from)
{
	int64_t age = 0;
	int r;

	if (ar_acctcache_get(ctx, conf, ctx->user, id, &age) == AR_OK) {
		if (prior == NULL || prior->user_id == NULL ||
		    (id->user_id != NULL &&
		    strcmp(prior->user_id, id->user_id) == 0)) {
			*from = "cache";
			ar_log(ctx, AR_LOG_DEBUG, "account: cached answer, "
			    "%lld s old", (long long)age);
			r = check_mapping(ctx, conf, id, AR_ERR_USER_UNKNOWN);
			if (r == AR_OK)
				r = need_memberships(ctx, conf, id);
			return r == AR_ERR_AUTH ? AR_ERR_USER_UNKNOWN : r;
		}
		ar_identity_clear(id);
	}
	*from = "api";
	if ((r = account_lookup(ctx, conf, prior, dir_id, id)) != AR_OK)
		return r;
	if ((r = need_memberships(ctx, conf, id)) != AR_OK)
		return r;
	ar_acctcache_put(ctx, conf, ctx->user, id);
	return AR_OK;
}

/*
 * Has this module anything to check for the account?  *skip is set
 * (result AR_OK) when the rest of the stack decides alone: not a
 * directory account, no API and no login by this module, or a system
 * account below min_uid.  After a login by this module a PAM_USER that
 * is not (or no longer) the person's is AR_ERR_DENIED.
 */
static int
account_scope(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_identity *prior, char **dir_id, int *skip)
{
	int r;

	*skip = 0;
	r = ar_dirpolicy_lookup(ctx, conf, AR_DIRECTORY_DIR, ctx->user,
	    dir_id);
	if (r == AR_ERR_USER_UNKNOWN && prior == NULL) {
		/* Not a directory account: the rest of the stack decides. */
		ar_log(ctx, AR_LOG_DEBUG, "account: %s is not in the "
		    "directory: nothing to check", ctx->user);
		ar_ctx_clear_error(ctx);
		*skip = 1;
		return AR_OK;
	}
	/* This module authenticated someone, and PAM_USER is not theirs. */
	if (r == AR_ERR_USER_UNKNOWN)
		return AR_ERR_DENIED;
	if (r != AR_OK)
		return r;
	if (prior == NULL && conf->api_url == NULL) {
		/* Nothing to check: let the rest of the stack decide. */
		ar_log(ctx, AR_LOG_DEBUG, "account: no api_url and no "
		    "authentication by this module: nothing to check");
		*skip = 1;
		return AR_OK;
	}
	r = ar_policy_served(ctx, conf, ctx->user, NULL);
	if (r == AR_ERR_AUTH && prior == NULL) {
		/*
		 * Below min_uid and not authenticated by this module (root's
		 * cron jobs, su by root, key logins of system accounts): not
		 * an AuthRocket account, so the rest of the stack decides.
		 */
		ar_log(ctx, AR_LOG_DEBUG, "account: %s is below min_uid: "
		    "nothing to check", ctx->user);
		*skip = 1;
		return AR_OK;
	}
	if (r != AR_OK)
		return r == AR_ERR_AUTH ? AR_ERR_DENIED : r;
	/* PAM_USER may have changed since authentication: map again. */
	if (prior != NULL && (r = check_mapping(ctx, conf, prior,
	    AR_ERR_DENIED)) != AR_OK)
		return r == AR_ERR_AUTH ? AR_ERR_DENIED : r;
	return AR_OK;
}

/*
 * Fresh state into *fresh, and *id pointed at it, unless this handle
 * just asked AuthRocket; an offline login asks again, and stands (with
 * *id left at prior) while AuthRocket stays unreachable.
 */
static int
account_refresh(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_identity *prior, const char *dir_id,
    struct ar_identity *fresh, const struct ar_identity **id,
    const char **method, const char **from)
{
	int r;

	if (conf->api_url == NULL || (prior != NULL && prior->have_state &&
	    !ar_offline_is(prior)))
		return AR_OK;
	r = account_state(ctx, conf, prior, dir_id, fresh, from);
	if (prior == NULL)
		*method = *from;
	if (r != AR_OK && ar_offline_is(prior) &&
	    ar_outage_reason(ctx->reason)) {
		ar_ctx_clear_error(ctx);
		ar_identity_clear(fresh);
		*method = "offline";
		return AR_OK;
	}
	if (r != AR_OK)
		return r;
	*id = fresh;
	return AR_OK;
}

/*
 * The outcome line of the whole login, authentication included; the
 * person has logged in by some method, so a refusal is explained.
 */
static void
log_account(struct ar_ctx *ctx, const struct ar_identity *prior,
    const struct ar_identity *id, int r, const char *method)
{
	if (r != AR_OK)
		explain(ctx, r);
	if (id != NULL) {
		ctx->ar_name = id->username;
		ctx->ar_session = prior != NULL ? prior->session_id :
		    id->session_id;
	}
	ar_log_decision(ctx, r, method, id != NULL ? id->user_id : NULL);
	ctx->ar_name = ctx->ar_session = NULL;
}

int
ar_auth_account(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_identity *prior)
{
	struct ar_identity fresh, extra, view;
	const struct ar_identity *id = prior;
	const char *method = prior != NULL && prior->source != NULL ?
	    prior->source : "lookup";
	const char *from = "-";	/* where the state came from */
	char *dir_id = NULL;
	int skip = 0, r = AR_ERR_INTERNAL;

	memset(&fresh, 0, sizeof(fresh));
	memset(&extra, 0, sizeof(extra));
	if ((r = account_scope(ctx, conf, prior, &dir_id, &skip)) != AR_OK)
		goto out;
	if (skip) {
		free(dir_id);
		return AR_NOTHING;
	}
	if ((r = account_refresh(ctx, conf, prior, dir_id, &fresh, &id,
	    &method, &from)) != AR_OK)
		goto out;
	if ((r = ar_dirpolicy_match(ctx, dir_id, id, AR_ERR_DENIED)) != AR_OK)
		goto out;
	if (id == prior && prior != NULL) {
		if ((r = account_memberships(ctx, conf, prior, &extra,
		    &view)) != AR_OK)
			goto out;
		id = &view;
	}
	if ((r = ar_policy_identity(ctx, conf, id)) != AR_OK)
		goto out;
	r = AR_OK;
 out:
	ar_offline_after_account(ctx, conf, from, r);
	log_account(ctx, prior, id, r, method);
	ar_identity_clear(&fresh);
	ar_identity_clear(&extra);
	free(dir_id);
	return r;
}
