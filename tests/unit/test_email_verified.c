/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the rule that an email address maps an account only when
 * AuthRocket says it is verified: where the flag comes from (v2 token
 * claim, v2 and v1 API user objects, exact JSON types) and what mapping
 * does without it (map_by email and email_localpart, email: entries).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "claims.h"
#include "harness.h"
#include "map.h"

#define NOW	1700000000LL

static char dir[] = "/tmp/test_email_verified.XXXXXX";

/* A v2 payload for alice with the given email_verified member text. */
static void
payload(char *buf, size_t n, const char *verified)
{
	snprintf(buf, n, "{\"iss\":\"https://authrocket.com\",\"sub\":"
	    "\"usr_alice\",\"rid\":\"rl_test\",\"preferred_username\":"
	    "\"alice\",\"email\":\"alice@example.com\"%s%s,\"iat\":%lld,"
	    "\"exp\":%lld}", verified != NULL ? ",\"email_verified\":" : "",
	    verified != NULL ? verified : "", NOW - 5, NOW + 3600);
}

static void
test_token_claim(void)
{
	static const struct {
		const char	*member;	/* NULL: absent */
		int		 r;
		int		 verified;
	} rows[] = {
		{ "true", AR_OK, 1 },
		{ "false", AR_OK, 0 },
		{ NULL, AR_OK, 0 },
		{ "\"true\"", AR_ERR_AUTH, 0 },
		{ "1", AR_ERR_AUTH, 0 },
		{ "null", AR_ERR_AUTH, 0 },
	};
	struct ar_identity id;
	struct ar_claims *c;
	struct ar_conf conf;
	struct ar_ctx ctx;
	char json[512];
	size_t i;
	int r;

	memset(&conf, 0, sizeof(conf));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ar_ctx_init(&ctx, "auth");
		ctx.clock = NULL;
		ctx.now = (time_t)NOW;
		memset(&id, 0, sizeof(id));
		c = NULL;
		payload(json, sizeof(json), rows[i].member);
		r = ar_claims_parse(&ctx, json, strlen(json), &c);
		if (r == AR_OK)
			r = ar_claims_check(&ctx, &conf, c, &id);
		T_EQ_INT(r, rows[i].r);
		if (r != AR_OK)
			T_EQ_STR(ctx.reason, "bad_claims");
		T_EQ_INT(id.email_verified, rows[i].verified);
		ar_claims_free(c);
		ar_identity_clear(&id);
	}
}

static void
test_api_user(void)
{
	static const struct {
		int		 version;
		const char	*member;	/* "" when absent */
		int		 r;
		int		 verified;
	} rows[] = {
		{ 2, ",\"email_verified\":true", AR_OK, 1 },
		{ 2, ",\"email_verified\":false", AR_OK, 0 },
		{ 2, ",\"email_verified\":null", AR_OK, 0 },
		{ 2, "", AR_OK, 0 },
		{ 2, ",\"email_verified\":\"true\"", AR_ERR_UNAVAIL, 0 },
		{ 2, ",\"email_verified\":1", AR_ERR_UNAVAIL, 0 },
		/* The other generation's member means nothing. */
		{ 2, ",\"email_verification\":\"verified\"", AR_OK, 0 },
		{ 1, ",\"email_verification\":\"verified\"", AR_OK, 1 },
		{ 1, ",\"email_verification\":\"requested\"", AR_OK, 0 },
		{ 1, ",\"email_verification\":\"none\"", AR_OK, 0 },
		{ 1, ",\"email_verification\":\"Verified\"", AR_OK, 0 },
		{ 1, ",\"email_verification\":null", AR_OK, 0 },
		{ 1, "", AR_OK, 0 },
		{ 1, ",\"email_verification\":true", AR_ERR_UNAVAIL, 0 },
		{ 1, ",\"email_verified\":true", AR_OK, 0 },
	};
	struct ar_identity id;
	struct ar_conf conf;
	struct ar_ctx ctx;
	char json[512];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&conf, 0, sizeof(conf));
		conf.api_version = rows[i].version;
		ar_ctx_init(&ctx, "auth");
		memset(&id, 0, sizeof(id));
		snprintf(json, sizeof(json), "{\"object\":\"user\",\"id\":"
		    "\"usr_alice\",\"username\":\"alice\",\"email\":"
		    "\"alice@example.com\",\"state\":\"active\"%s}",
		    rows[i].member);
		T_EQ_INT(ar_api_parse_user(&ctx, &conf, json, strlen(json),
		    &id), rows[i].r);
		if (rows[i].r != AR_OK)
			T_EQ_STR(ctx.reason, "bad_reply");
		T_EQ_INT(id.email_verified, rows[i].verified);
		ar_identity_clear(&id);
	}
}

static void
test_mapping(void)
{
	static const struct {
		int		 map_by;
		int		 use_file;
		const char	*email;
		int		 verified;
		int		 r;
		const char	*want;		/* local name or reason */
	} rows[] = {
		{ AR_MAP_EMAIL_LOCALPART, 0, "alice@example.com", 1, AR_OK,
		    "alice" },
		{ AR_MAP_EMAIL_LOCALPART, 0, "alice@example.com", 0,
		    AR_ERR_AUTH, "email_unverified" },
		{ AR_MAP_EMAIL, 0, "alice@example.com", 0, AR_ERR_AUTH,
		    "email_unverified" },
		{ AR_MAP_EMAIL, 0, NULL, 0, AR_ERR_AUTH, "no_mapping" },
		/* An email: entry needs a verified address too. */
		{ AR_MAP_FILE, 1, "carol@example.com", 1, AR_OK, "carol" },
		{ AR_MAP_FILE, 1, "carol@example.com", 0, AR_ERR_AUTH,
		    "email_unverified" },
		{ AR_MAP_FILE, 1, "nobody@example.com", 0, AR_ERR_AUTH,
		    "no_mapping" },
		/* Unverified: the entry is skipped, map_by decides. */
		{ AR_MAP_USERNAME, 1, "carol@example.com", 0, AR_OK,
		    "mallory" },
		{ AR_MAP_USERNAME, 1, "carol@example.com", 1, AR_OK, "carol" },
		/* Other sources do not care about the address. */
		{ AR_MAP_USERNAME, 0, "alice@example.com", 0, AR_OK,
		    "mallory" },
	};
	struct ar_identity id;
	struct ar_conf conf;
	struct ar_ctx ctx;
	char path[256], *local;
	FILE *f;
	size_t i;
	int r;

	snprintf(path, sizeof(path), "%s/map", dir);
	if ((f = fopen(path, "w")) == NULL) {
		T_SKIP("cannot write the map file");
		return;
	}
	fputs("email:carol@example.com carol\n", f);
	fclose(f);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&conf, 0, sizeof(conf));
		conf.map_by = rows[i].map_by;
		conf.user_map_file = rows[i].use_file ? path : NULL;
		memset(&id, 0, sizeof(id));
		id.version = 2;
		id.user_id = "usr_mallory";
		id.username = "mallory";
		id.email = (char *)rows[i].email;
		id.email_verified = rows[i].verified;
		ar_ctx_init(&ctx, "auth");
		local = NULL;
		r = ar_map_local_name(&ctx, &conf, &id, &local);
		T_EQ_INT(r, rows[i].r);
		if (r == AR_OK)
			T_EQ_STR(local, rows[i].want);
		else
			T_EQ_STR(ctx.reason, rows[i].want);
		free(local);
	}
	unlink(path);
}

int
main(void)
{
	T_RUN(test_token_claim);
	T_RUN(test_api_user);
	if (mkdtemp(dir) == NULL) {
		T_SKIP("no temporary directory");
	} else {
		T_RUN(test_mapping);
		rmdir(dir);
	}
	return t_done("test_email_verified");
}
