/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The AuthRocket REST API as the module uses it (v1 and v2): requests
 * built here and sent through the helper, replies parsed here.
 */
#ifndef AR_API_H
#define AR_API_H

#include "ar.h"
#include "conf.h"
#include "identity.h"

/*
 * The result of a password login.  v1 replies give the whole user object
 * (id filled, have_state set).  v2 replies are a session: id then holds
 * only user_id and session_id (have_id set, have_state not), and the rest
 * of the identity is in the token or comes from ar_api_get_user().
 */
struct ar_login {
	int			 need_code;	/* second factor asked for */
	char			*challenge;	/* kli_... / tmf:..., secret */
	char			*token;		/* login JWT, secret, or NULL */
	struct ar_identity	 id;		/* from the user object, or
						   empty when only a token */
	int			 have_id;
};

/* What a request was for: decides what 401/404/409/422 mean. */
enum ar_api_kind {
	AR_API_LOGIN = 0,	/* users/{name}/authenticate */
	AR_API_CODE,		/* authenticate_code / authenticate_token */
	AR_API_USER,		/* GET users/{name} */
	AR_API_MEMB,		/* GET memberships */
	AR_API_SESSION,		/* GET sessions/{id} */
	AR_API_OTHER		/* JWKS, probe */
};

/*
 * POST users/{name}/authenticate (v1 body {"password","request":{ip,
 * client}}, v2 {"user":{"password"}}).  AR_OK: login filled (either a
 * token/user or need_code with challenge).  Errors: AR_ERR_AUTH (v1 401,
 * v2 409/422), AR_ERR_USER_UNKNOWN (404), AR_ERR_UNAVAIL (402/403 with a
 * log line naming the misconfiguration, 429, 5xx, 3xx, transport, bad or
 * unexpected reply), AR_ERR_NOMEM.  Release with ar_login_clear().
 */
int	ar_api_authenticate(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *name, const char *password, struct ar_login *login);

/*
 * Complete a second factor: v1 POST users/{name}/authenticate_code, v2
 * POST users/authenticate_token.  Same results as ar_api_authenticate()
 * (need_code is never set on AR_OK; a wrong code is AR_ERR_AUTH).
 */
int	ar_api_authenticate_code(struct ar_ctx *ctx,
	    const struct ar_conf *conf, const char *name,
	    const char *challenge, const char *code, struct ar_login *login);

/*
 * GET users/{name}: fill *id (state, user_type, names, custom...).
 * Errors: AR_ERR_USER_UNKNOWN (404), AR_ERR_UNAVAIL, AR_ERR_NOMEM.
 */
int	ar_api_get_user(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *name, struct ar_identity *id);

/*
 * GET memberships?user_id=ID: fill id->memb and set have_memberships.
 * Errors: AR_ERR_UNAVAIL, AR_ERR_NOMEM.
 */
int	ar_api_memberships(struct ar_ctx *ctx, const struct ar_conf *conf,
	    struct ar_identity *id);

/*
 * GET sessions/{id}: AR_OK when live (200), AR_ERR_AUTH ("session_revoked")
 * on 404, AR_ERR_UNAVAIL otherwise.
 */
int	ar_api_session_live(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *session_id);

/*
 * For authrocket-check api: GET realms/{realm_id} (or users?max_results=1
 * without realm): status, latency, TLS version and the Date header.
 * AR_OK whenever the helper answered, also for a transport failure (then
 * status 0 and error set, e.g. "connect", "tls", "timeout"); a status
 * other than 2xx or a transport failure is still recorded in ctx (reason,
 * detail, and the log hints of ar_api_parse_status()).  Errors:
 * AR_ERR_CONFIG, AR_ERR_UNAVAIL (helper failed), AR_ERR_NOMEM.  Release
 * with ar_api_probe_clear().
 */
struct ar_api_probe {
	long	 status;
	long	 time_ms;
	char	*tls;
	char	*date;
	char	*error;
};
int	ar_api_probe(struct ar_ctx *ctx, const struct ar_conf *conf,
	    struct ar_api_probe *p);
void	ar_api_probe_clear(struct ar_api_probe *p);

void	ar_login_clear(struct ar_login *login);

/*
 * The URL and headers of an API request for path (relative to api_url,
 * already escaped), exactly as the module sends them, for a program that
 * talks HTTPS itself (authrocket-sync).  with_body adds the JSON
 * Content-Type.  On AR_OK *call holds malloc'ed strings (one of them the
 * API key): release with ar_api_call_clear(), which wipes the key.
 * Errors: AR_ERR_CONFIG (no api_url/api_key, a header value with a blank
 * or control character), AR_ERR_NOMEM.
 */
struct ar_api_call {
	char		*url;
	const char	*headers[8];	/* "Name: value", NULL terminated */
	size_t		 n_headers;
	char		*owned[3];	/* what headers[] points into */
};
int	ar_api_call_build(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *path, int with_body, struct ar_api_call *call);
void	ar_api_call_clear(struct ar_api_call *call);

/*
 * A user object already parsed (a json_t object, as an item of a list
 * page) into *id, with the rules of ar_api_parse_user().
 */
int	ar_api_user_from_json(struct ar_ctx *ctx, const struct ar_conf *conf,
	    void *obj, struct ar_identity *id);

/*
 * The pieces below are the network-free parts of the calls above, for
 * tests and fuzzing.
 */

/*
 * Percent-escape a user name, id or email for one URL path segment
 * (RFC 3986 unreserved characters kept, every other byte %XX).  Names
 * that are empty, longer than 256 bytes, hold a control character or
 * consist only of dots are refused with err_code and reason "bad_name".
 * On AR_OK *out is malloc'ed.  Errors: err_code, AR_ERR_NOMEM.
 */
int	ar_api_escape_name(struct ar_ctx *ctx, const char *name, int err_code,
	    char **out);

/*
 * Judge an HTTP status for a request of kind (enum ar_api_kind) named
 * what ("POST users/x/authenticate"): AR_OK for 2xx; 401/409/422 on a
 * login AR_ERR_AUTH ("auth_failed", "bad_code"); 404 AR_ERR_USER_UNKNOWN
 * ("unknown_user") for logins and users, AR_ERR_AUTH ("session_revoked")
 * for sessions; 402 and 403 AR_ERR_UNAVAIL with a log line naming the
 * misconfiguration ("account_inactive", "api_key_rejected"); 3xx
 * ("redirect"), 429 ("rate_limited"), 5xx ("server_error") and anything
 * else ("bad_status") AR_ERR_UNAVAIL.  The server's error text from body
 * goes into the detail and log, escaped.
 */
int	ar_api_parse_status(struct ar_ctx *ctx, int kind, const char *what,
	    long status, const char *body, size_t len);

/*
 * Parse a 2xx login reply (see struct ar_login).  v1: a "user" object
 * whose "token" is a JWT (login done) or a "kli_" token (need_code);
 * v2: a "session" object with a JWT "token" and "user_id", or a "token"
 * object (need_code).  With code_step set a second need_code is refused.
 * Errors: AR_ERR_UNAVAIL ("bad_json", "bad_reply"), AR_ERR_NOMEM.
 */
int	ar_api_parse_login(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *body, size_t len, int code_step,
	    struct ar_login *login);

/*
 * Parse a user object into *id (user_id and state required; active,
 * human, username, email, reference, string custom attributes; version
 * from conf, have_state set; email_verified from v2 "email_verified":
 * true or v1 "email_verification": "verified", absent or null meaning
 * not verified).  Errors: AR_ERR_UNAVAIL ("bad_json",
 * "bad_reply"), AR_ERR_NOMEM.  *id is untouched on error.
 */
int	ar_api_parse_user(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *body, size_t len, struct ar_identity *id);

/*
 * Parse a memberships collection for id->user_id into id->memb (set
 * have_memberships).  more_results true is AR_ERR_UNAVAIL
 * ("too_many_memberships"), an entry naming another user "bad_reply".
 */
int	ar_api_parse_memberships(struct ar_ctx *ctx, const char *body,
	    size_t len, struct ar_identity *id);

/*
 * Check a GET sessions/{id} reply body: AR_OK when it is a session
 * object, AR_ERR_UNAVAIL ("bad_json", "bad_reply") otherwise.
 */
int	ar_api_parse_session(struct ar_ctx *ctx, const char *body, size_t len);

#endif /* AR_API_H */
