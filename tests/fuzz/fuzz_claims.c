/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the decoded header and payload parsers without any
 * signature in the way.  The first byte picks the parser and the
 * configuration variant; the rest is the JSON text.
 */
#include "fuzz.h"
#include "claims.h"
#include "conf.h"
#include "identity.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *algs[] = { "HS256", "RS256", "ES256", NULL };
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	struct ar_claims *parsed = NULL;
	const char *json;
	char *kid = NULL;
	size_t len;
	int r;

	if (size < 1)
		return 0;
	json = (const char *)data + 1;
	len = size - 1;
	fuzz_ctx(&ctx, "auth");
	if ((data[0] & 0xc0) == 0xc0) {
		r = ar_claims_header(&ctx, json, len, algs[data[0] & 3], &kid);
		if (r == AR_OK && kid != NULL &&
		    (strlen(kid) == 0 || strlen(kid) > 256))
			abort();
		if (r != AR_OK && kid != NULL)
			abort();
		free(kid);
		return 0;
	}
	if ((data[0] & 0xc0) == 0x80) {
		struct ar_claims *c = NULL;

		r = ar_claims_parse(&ctx, json, len, &c);
		if ((r != AR_OK && (ctx.err == AR_OK || c != NULL)) ||
		    (r == AR_OK && c == NULL))
			abort();
		ar_claims_free(c);
		return 0;
	}
	memset(&conf, 0, sizeof(conf));
	conf.leeway = (data[0] & 1) ? 0 : 300;
	conf.max_token_age = (data[0] & 2) ? 600 : 0;
	conf.realm_id = (data[0] & 4) ? NULL : (char *)"rl_test";
	conf.issuer = (data[0] & 8) ? (char *)"https://authrocket.com" : NULL;
	memset(&id, 0, sizeof(id));
	r = ar_claims_parse(&ctx, json, len, &parsed);
	if (r == AR_OK)
		r = ar_claims_check(&ctx, &conf, parsed, &id);
	ar_claims_free(parsed);
	if (r == AR_OK) {
		if (id.user_id == NULL)
			abort();
		(void)ar_identity_custom(&id, "unix");
		if (!id.have_memberships && id.n_memb != 0)
			abort();
	} else if (id.user_id != NULL || ctx.err == AR_OK) {
		abort();
	}
	ar_identity_clear(&id);
	return 0;
}
