/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the network-free halves of the API client, i.e. what the
 * module makes of a reply body.  The first byte picks the parser, the API
 * generation and (for the status judge) the HTTP status and request kind.
 */
#include "fuzz.h"
#include "api.h"
#include "conf.h"
#include "identity.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 200, 201, 204, 301, 302, 400, 401,
	    402, 403, 404, 409, 422, 429, 500, 503, 0 };
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_login login;
	struct ar_identity id;
	const char *body;
	char *esc = NULL, *nul;
	size_t len;
	int r, sel;

	if (size < 2)
		return 0;
	sel = data[0];
	body = (const char *)data + 2;
	len = size - 2;
	memset(&conf, 0, sizeof(conf));
	conf.api_version = (sel & 1) ? 2 : 1;
	conf.api_url = conf.api_version == 1 ? (char *)"https://a.example/v1" :
	    (char *)"https://a.example/v2";
	fuzz_ctx(&ctx, "auth");
	switch ((sel >> 1) & 7) {
	case 0:
	case 1:
		memset(&login, 0, sizeof(login));
		r = ar_api_parse_login(&ctx, &conf, body, len, (sel >> 1) & 1,
		    &login);
		if (r == AR_OK) {
			if (!login.need_code && login.token == NULL &&
			    !login.have_id)
				abort();
			if (login.need_code && login.challenge == NULL)
				abort();
		} else if (login.token != NULL || login.challenge != NULL ||
		    ctx.err == AR_OK) {
			abort();
		}
		ar_login_clear(&login);
		break;
	case 2:
		memset(&id, 0, sizeof(id));
		r = ar_api_parse_user(&ctx, &conf, body, len, &id);
		if (r == AR_OK) {
			if (id.user_id == NULL || !id.have_state)
				abort();
		} else if (id.user_id != NULL || ctx.err == AR_OK) {
			abort();
		}
		ar_identity_clear(&id);
		break;
	case 3:
		memset(&id, 0, sizeof(id));
		if ((id.user_id = strdup("usr_alice")) == NULL)
			return 0;
		r = ar_api_parse_memberships(&ctx, body, len, &id);
		if (r == AR_OK && !id.have_memberships)
			abort();
		if (r != AR_OK && ctx.err == AR_OK)
			abort();
		ar_identity_clear(&id);
		break;
	case 4:
	case 5:
		r = ar_api_parse_status(&ctx, data[1] % 6,
		    "POST users/x/authenticate", statuses[data[1] >> 4],
		    body, len);
		if ((r == AR_OK) != (statuses[data[1] >> 4] / 100 == 2))
			abort();
		if (strchr(ctx.detail, '\n') != NULL ||
		    strchr(ctx.detail, '\033') != NULL)
			abort();	/* server text must be escaped */
		break;
	default:
		/* The name escaper works on C strings. */
		if ((nul = strndup(body, len)) == NULL)
			return 0;
		r = ar_api_escape_name(&ctx, nul, AR_ERR_USER_UNKNOWN, &esc);
		if (r == AR_OK && (esc == NULL || strchr(esc, '/') != NULL ||
		    strcmp(esc, ".") == 0 || strcmp(esc, "..") == 0))
			abort();
		free(esc);
		free(nul);
		break;
	}
	return 0;
}
