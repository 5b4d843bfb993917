/*
 * The AuthRocket REST API as the module uses it (v1 and v2): requests
 * built here and sent through the helper, replies parsed here.
 */
#ifndef AR_API_H
#define AR_API_H

#include "ar.h"
#include "conf.h"
#include "identity.h"

struct ar_login {
	int			 need_code;	/* second factor asked for */
	char			*challenge;	/* kli_... / tmf:..., secret */
	char			*token;		/* login JWT, secret, or NULL */
	struct ar_identity	 id;		/* from the user object, or
						   empty when only a token */
	int			 have_id;
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
 * GET an absolute https URL without the API key (JWKS).  On AR_OK *body
 * is malloc'ed (NUL terminated).  Errors: AR_ERR_UNAVAIL, AR_ERR_NOMEM.
 */
int	ar_api_fetch(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *url, char **body, size_t *len);

/* For authrocket-check api: GET realms/{realm_id} (or users?max_results=1
 * without realm): status, latency, TLS version and the Date header. */
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

#endif /* AR_API_H */
