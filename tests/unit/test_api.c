/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/api.c without a network: URL escaping, status
 * handling, and the parsing of user, login, session and membership
 * replies for both AuthRocket generations.
 */
#include <stdarg.h>

#include "harness.h"

#include "api.h"
#include "fetch.h"
#include "secure.h"

#define JWT	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"

/* Every log line of one test, to look for leaks of raw text. */
static char logbuf[8192];

static void
log_capture(void *arg, int prio, const char *line)
{
	size_t n = strlen(logbuf);

	(void)arg;
	(void)prio;
	snprintf(logbuf + n, sizeof(logbuf) - n, "%s\n", line);
}

static void
setup(struct ar_ctx *ctx, struct ar_conf *conf, int version)
{
	ar_ctx_init(ctx, "auth");
	ctx->log = log_capture;
	logbuf[0] = '\0';
	memset(conf, 0, sizeof(*conf));
	conf->api_version = version;
	conf->api_url = version == 1 ? "https://api.invalid/v1" :
	    "https://api.invalid/v2";
	conf->api_key = version == 1 ? "ko_key" : "ks_key";
	conf->timeout = 2;
	/* No request may ever be made by these tests. */
	conf->helper = "/nonexistent/authrocket-helper";
	conf->cache_dir = "/nonexistent";
}

/* No raw control character anywhere in what was logged or recorded. */
static int
clean(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\n')
			return 0;
	return 1;
}

static void
check_escape(const char *in, const char *want)
{
	struct ar_ctx ctx;
	char *out = NULL;

	ar_ctx_init(&ctx, "auth");
	T_EQ_INT(ar_api_escape_name(&ctx, in, AR_ERR_AUTH, &out), AR_OK);
	T_EQ_STR(out, want);
	free(out);
}

static void
check_bad_name(const char *in)
{
	struct ar_ctx ctx;
	char *out = NULL;

	ar_ctx_init(&ctx, "auth");
	T_EQ_INT(ar_api_escape_name(&ctx, in, AR_ERR_AUTH, &out),
	    AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_name");
	T_CHECK(out == NULL);
}

static void
test_escape(void)
{
	char long_name[300];

	check_escape("alice", "alice");
	check_escape("mail@example.com", "mail%40example.com");
	check_escape("a b/c?d#e%f", "a%20b%2Fc%3Fd%23e%25f");
	check_escape("Az09-._~", "Az09-._~");
	check_escape("\xc3\xa9t\xc3\xa9", "%C3%A9t%C3%A9");
	check_escape("usr_abc", "usr_abc");
	check_escape(".a", ".a");
	check_escape("a+b&c=d", "a%2Bb%26c%3Dd");
	check_bad_name("");
	check_bad_name(NULL);
	check_bad_name(".");
	check_bad_name("..");
	check_bad_name("...");
	check_bad_name("bad\nname");
	check_bad_name("tab\tname");
	check_bad_name("del\x7f");
	check_bad_name("esc\x1b[31m");
	memset(long_name, 'a', 257);
	long_name[257] = '\0';
	check_bad_name(long_name);
	long_name[256] = '\0';
	{
		struct ar_ctx ctx;
		char *out = NULL;

		ar_ctx_init(&ctx, "auth");
		T_EQ_INT(ar_api_escape_name(&ctx, long_name, AR_ERR_AUTH,
		    &out), AR_OK);
		T_EQ_INT(strlen(out), 256);
		free(out);
		ar_ctx_init(&ctx, "auth");
		T_EQ_INT(ar_api_escape_name(&ctx, "", AR_ERR_USER_UNKNOWN,
		    &out), AR_ERR_USER_UNKNOWN);
	}
}

static int
status(int version, int kind, long st, const char *body, const char **reason)
{
	static struct ar_ctx ctx;
	struct ar_conf conf;
	int r;

	setup(&ctx, &conf, version);
	r = ar_api_parse_status(&ctx, kind, "POST users/x/authenticate",
	    st, body, body ? strlen(body) : 0);
	*reason = ctx.reason;
	return r;
}

static void
test_status(void)
{
	const char *why = NULL;

	T_EQ_INT(status(1, AR_API_LOGIN, 200, "{}", &why), AR_OK);
	T_EQ_INT(status(1, AR_API_LOGIN, 201, "{}", &why), AR_OK);
	T_EQ_INT(status(1, AR_API_LOGIN, 401, "{}", &why), AR_ERR_AUTH);
	T_EQ_STR(why, "auth_failed");
	T_EQ_INT(status(2, AR_API_LOGIN, 409, "{\"errors\":[\"Login failed\"]}",
	    &why), AR_ERR_AUTH);
	T_EQ_STR(why, "auth_failed");
	T_EQ_INT(status(2, AR_API_LOGIN, 422, NULL, &why), AR_ERR_AUTH);
	T_EQ_INT(status(2, AR_API_CODE, 409, NULL, &why), AR_ERR_AUTH);
	T_EQ_STR(why, "bad_code");
	T_EQ_INT(status(1, AR_API_CODE, 404, NULL, &why), AR_ERR_AUTH);
	T_EQ_INT(status(1, AR_API_LOGIN, 404, NULL, &why),
	    AR_ERR_USER_UNKNOWN);
	T_EQ_STR(why, "unknown_user");
	T_EQ_INT(status(2, AR_API_USER, 404, NULL, &why),
	    AR_ERR_USER_UNKNOWN);
	T_EQ_INT(status(2, AR_API_SESSION, 404, NULL, &why), AR_ERR_AUTH);
	T_EQ_STR(why, "session_revoked");
	T_EQ_INT(status(2, AR_API_MEMB, 404, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(status(2, AR_API_USER, 401, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(status(2, AR_API_SESSION, 409, NULL, &why), AR_ERR_UNAVAIL);

	T_EQ_INT(status(1, AR_API_LOGIN, 402, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "account_inactive");
	T_CHECK(strstr(logbuf,
	    "api: AuthRocket account inactive or unpaid (402)\n") != NULL);
	T_EQ_INT(status(2, AR_API_USER, 403, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "api_key_rejected");
	T_CHECK(strstr(logbuf, "api: API key rejected (403): check api_key, "
	    "account_id and realm_id\n") != NULL);
	T_EQ_INT(status(1, AR_API_LOGIN, 429, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "rate_limited");
	T_EQ_INT(status(1, AR_API_LOGIN, 500, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "server_error");
	T_EQ_INT(status(1, AR_API_LOGIN, 503, "<html>", &why), AR_ERR_UNAVAIL);
	T_EQ_INT(status(1, AR_API_LOGIN, 301, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "redirect");
	T_EQ_INT(status(2, AR_API_LOGIN, 302, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(status(2, AR_API_LOGIN, 304, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(status(2, AR_API_LOGIN, 400, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_status");
	T_EQ_INT(status(2, AR_API_LOGIN, 100, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(status(2, AR_API_LOGIN, 0, NULL, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(status(2, AR_API_LOGIN, 600, NULL, &why), AR_ERR_UNAVAIL);
}

/* Server error text is escaped in the detail and the log, never raw. */
static void
test_error_text_escaped(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	const char *v1 = "{\"errors\":{\"base\":[\"bad \\u001b[31mred\\n"
	    "allow user=root\"]}}";
	const char *v2 = "{\"errors\":[\"x\\u001b]0;title\\u0007\\r\\n"
	    "injected\"]}";

	setup(&ctx, &conf, 1);
	T_EQ_INT(ar_api_parse_status(&ctx, AR_API_LOGIN, "POST x",
	    401, v1, strlen(v1)), AR_ERR_AUTH);
	T_CHECK(clean(ctx.detail));
	T_CHECK(strchr(ctx.detail, '\x1b') == NULL);
	T_CHECK(strstr(ctx.detail, "\\x1b[31mred") != NULL);
	T_CHECK(strstr(ctx.detail, "base: ") != NULL);

	setup(&ctx, &conf, 2);
	T_EQ_INT(ar_api_parse_status(&ctx, AR_API_LOGIN, "POST x",
	    500, v2, strlen(v2)), AR_ERR_UNAVAIL);
	T_CHECK(clean(ctx.detail));
	T_CHECK(clean(logbuf));
	T_CHECK(strstr(logbuf, "injected") != NULL);
	T_CHECK(strstr(logbuf, "\\x1b]0;title") != NULL);
}

static int
login(int version, const char *body, int code_step, struct ar_login *l,
    const char **reason)
{
	static struct ar_ctx ctx;
	struct ar_conf conf;
	int r;

	setup(&ctx, &conf, version);
	memset(l, 0, sizeof(*l));
	r = ar_api_parse_login(&ctx, &conf, body, strlen(body), code_step, l);
	*reason = ctx.reason;
	return r;
}

static void
test_login_v1(void)
{
	struct ar_login l;
	const char *why;

	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_a\",\"username\":"
	    "\"alice\",\"email\":\"alice@example.com\",\"state\":\"active\","
	    "\"user_type\":\"human\",\"reference\":null,\"custom\":{\"unix\":"
	    "\"al\",\"n\":5,\"o\":{}},\"token\":\"" JWT "\"}", 0, &l, &why),
	    AR_OK);
	T_EQ_INT(l.need_code, 0);
	T_EQ_STR(l.token, JWT);
	T_CHECK(l.challenge == NULL);
	T_EQ_INT(l.have_id, 1);
	T_EQ_STR(l.id.user_id, "usr_a");
	T_EQ_STR(l.id.username, "alice");
	T_EQ_STR(l.id.email, "alice@example.com");
	T_CHECK(l.id.reference == NULL);
	T_EQ_INT(l.id.have_state, 1);
	T_EQ_INT(l.id.active, 1);
	T_EQ_INT(l.id.human, 1);
	T_EQ_INT(l.id.version, 1);
	T_EQ_INT(l.id.n_custom, 1);
	T_EQ_STR(ar_identity_custom(&l.id, "unix"), "al");
	ar_login_clear(&l);
	T_CHECK(l.token == NULL && l.have_id == 0);

	/* A second factor: a kli_ token and no login yet. */
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_c\",\"state\":"
	    "\"active\",\"token\":\"kli_abc\"}", 0, &l, &why), AR_OK);
	T_EQ_INT(l.need_code, 1);
	T_EQ_STR(l.challenge, "kli_abc");
	T_CHECK(l.token == NULL);
	T_EQ_INT(l.have_id, 0);
	ar_login_clear(&l);
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_c\",\"state\":"
	    "\"active\",\"token\":\"kli_abc\"}", 1, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");

	/* Inactive and API users are reported, not refused, here. */
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_d\",\"state\":"
	    "\"inactive\",\"user_type\":\"api\",\"token\":\"" JWT "\"}", 0, &l,
	    &why), AR_OK);
	T_EQ_INT(l.id.active, 0);
	T_EQ_INT(l.id.human, 0);
	ar_login_clear(&l);
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_d\",\"state\":"
	    "\"active\",\"token\":\"" JWT "\"}", 0, &l, &why), AR_OK);
	T_EQ_INT(l.id.human, 1);
	ar_login_clear(&l);

	/* Wrong shapes. */
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_a\",\"state\":"
	    "\"active\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_a\",\"state\":"
	    "\"active\",\"token\":\"tmf:abc\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_a\",\"state\":"
	    "\"active\",\"token\":\"\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(login(1, "{\"object\":\"session\",\"id\":\"kss_a\","
	    "\"user_id\":\"usr_a\",\"token\":\"" JWT "\"}", 0, &l, &why),
	    AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");
	T_EQ_INT(login(1, "{\"id\":\"usr_a\",\"state\":\"active\",\"token\":"
	    "\"" JWT "\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(login(1, "{\"object\":\"user\",\"state\":\"active\",\"token\":"
	    "\"" JWT "\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_a\",\"token\":"
	    "\"" JWT "\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");
	/* Wrong types are refused, never read as something else. */
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_a\",\"state\":"
	    "\"active\",\"token\":42}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":7,\"state\":"
	    "\"active\",\"token\":\"" JWT "\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_a\",\"state\":"
	    "true,\"token\":\"" JWT "\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_a\",\"state\":"
	    "\"active\",\"username\":[\"a\"],\"token\":\"" JWT "\"}", 0, &l,
	    &why), AR_ERR_UNAVAIL);
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_a\",\"state\":"
	    "\"active\",\"custom\":[1],\"token\":\"" JWT "\"}", 0, &l, &why),
	    AR_ERR_UNAVAIL);
	T_EQ_INT(login(1, "{\"object\":[\"user\"],\"id\":\"usr_a\",\"state\":"
	    "\"active\",\"token\":\"" JWT "\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr\\u0000a\","
	    "\"state\":\"active\",\"token\":\"" JWT "\"}", 0, &l, &why),
	    AR_ERR_UNAVAIL);
	/* Duplicate members could hide a second identity. */
	T_EQ_INT(login(1, "{\"object\":\"user\",\"id\":\"usr_a\",\"id\":"
	    "\"usr_b\",\"state\":\"active\",\"token\":\"" JWT "\"}", 0, &l,
	    &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_json");
	T_CHECK(l.token == NULL && l.have_id == 0 && l.need_code == 0);
}

static void
test_login_v2(void)
{
	struct ar_login l;
	const char *why;

	T_EQ_INT(login(2, "{\"object\":\"session\",\"id\":\"kss_1\",\"token\":"
	    "\"" JWT "\",\"user_id\":\"usr_a\"}", 0, &l, &why), AR_OK);
	T_EQ_INT(l.need_code, 0);
	T_EQ_STR(l.token, JWT);
	T_EQ_INT(l.have_id, 1);
	T_EQ_STR(l.id.user_id, "usr_a");
	T_EQ_STR(l.id.session_id, "kss_1");
	T_EQ_INT(l.id.have_state, 0);
	T_CHECK(l.id.username == NULL);
	ar_login_clear(&l);
	/* The same in the second-factor step. */
	T_EQ_INT(login(2, "{\"object\":\"session\",\"id\":\"kss_1\",\"token\":"
	    "\"" JWT "\",\"user_id\":\"usr_a\"}", 1, &l, &why), AR_OK);
	ar_login_clear(&l);

	T_EQ_INT(login(2, "{\"object\":\"token\",\"token\":\"tmf:xyz\"}", 0,
	    &l, &why), AR_OK);
	T_EQ_INT(l.need_code, 1);
	T_EQ_STR(l.challenge, "tmf:xyz");
	T_CHECK(l.token == NULL);
	ar_login_clear(&l);
	/* Decided by "object", not by the token's prefix. */
	T_EQ_INT(login(2, "{\"object\":\"token\",\"token\":\"other\"}", 0,
	    &l, &why), AR_OK);
	T_EQ_INT(l.need_code, 1);
	ar_login_clear(&l);
	T_EQ_INT(login(2, "{\"object\":\"token\",\"token\":\"tmf:xyz\"}", 1,
	    &l, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");

	T_EQ_INT(login(2, "{\"object\":\"session\",\"id\":\"kss_1\",\"token\":"
	    "\"tmf:abc\",\"user_id\":\"usr_a\"}", 0, &l, &why),
	    AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");
	T_EQ_INT(login(2, "{\"object\":\"session\",\"id\":\"kss_1\",\"token\":"
	    "\"" JWT "\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");
	T_EQ_INT(login(2, "{\"object\":\"session\",\"id\":\"kss_1\","
	    "\"user_id\":\"usr_a\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(login(2, "{\"object\":\"user\",\"id\":\"usr_a\",\"state\":"
	    "\"active\",\"token\":\"" JWT "\"}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");
	T_EQ_INT(login(2, "{\"token\":\"" JWT "\"}", 0, &l, &why),
	    AR_ERR_UNAVAIL);
	T_EQ_INT(login(2, "{\"object\":\"session\",\"id\":\"kss_1\",\"token\":"
	    "\"" JWT "\",\"user_id\":5}", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(login(2, "{\"object\":\"token\",\"token\":null}", 0, &l,
	    &why), AR_ERR_UNAVAIL);

	/* Not JSON, not an object, too deep. */
	T_EQ_INT(login(2, "{not json", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_json");
	T_EQ_INT(login(2, "<html><body>down</body></html>", 0, &l, &why),
	    AR_ERR_UNAVAIL);
	T_EQ_INT(login(2, "[{\"object\":\"session\"}]", 0, &l, &why),
	    AR_ERR_UNAVAIL);
	T_EQ_INT(login(2, "", 0, &l, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(login(2, "{\"object\":\"token\",\"token\":\"tmf:x\"} x", 0,
	    &l, &why), AR_ERR_UNAVAIL);
	{
		static char deep[200002];

		memset(deep, '[', 100000);
		memset(deep + 100000, ']', 100000);
		deep[200000] = '\0';
		T_EQ_INT(login(2, deep, 0, &l, &why), AR_ERR_UNAVAIL);
		T_EQ_STR(why, "bad_json");
		memset(deep, 0, sizeof(deep));
		strcpy(deep,
		    "{\"object\":\"token\",\"token\":\"tmf:x\",\"a\":");
		memset(deep + strlen(deep), '[', 20);
		memset(deep + strlen(deep), ']', 20);
		strcat(deep, "}");
		T_EQ_INT(login(2, deep, 0, &l, &why), AR_ERR_UNAVAIL);
		T_EQ_STR(why, "bad_json");
	}
}

static int
user(int version, const char *body, struct ar_identity *id,
    const char **reason)
{
	static struct ar_ctx ctx;
	struct ar_conf conf;
	int r;

	setup(&ctx, &conf, version);
	memset(id, 0, sizeof(*id));
	r = ar_api_parse_user(&ctx, &conf, body, strlen(body), id);
	*reason = ctx.reason;
	return r;
}

static void
test_user(void)
{
	struct ar_identity id;
	const char *why;

	T_EQ_INT(user(2, "{\"object\":\"user\",\"id\":\"usr_b\",\"username\":"
	    "\"bob\",\"email\":null,\"state\":\"active\",\"reference\":\"r1\","
	    "\"custom\":null,\"first_name\":\"Bob\"}", &id, &why), AR_OK);
	T_EQ_STR(id.user_id, "usr_b");
	T_EQ_STR(id.username, "bob");
	T_CHECK(id.email == NULL);
	T_EQ_STR(id.reference, "r1");
	T_EQ_INT(id.version, 2);
	T_EQ_STR(id.source, "api");
	T_EQ_INT(id.have_state, 1);
	T_EQ_INT(id.active, 1);
	T_EQ_INT(id.human, 1);
	T_EQ_INT(id.have_memberships, 0);
	ar_identity_clear(&id);

	T_EQ_INT(user(1, "{\"object\":\"user\",\"id\":\"usr_d\",\"state\":"
	    "\"inactive\",\"user_type\":\"human\"}", &id, &why), AR_OK);
	T_EQ_INT(id.active, 0);
	T_EQ_INT(id.human, 1);
	ar_identity_clear(&id);
	/* Only exactly "active" is active. */
	T_EQ_INT(user(1, "{\"object\":\"user\",\"id\":\"usr_d\",\"state\":"
	    "\"Active\"}", &id, &why), AR_OK);
	T_EQ_INT(id.active, 0);
	ar_identity_clear(&id);
	T_EQ_INT(user(1, "{\"object\":\"user\",\"id\":\"usr_d\",\"state\":"
	    "\"active\",\"user_type\":null}", &id, &why), AR_OK);
	T_EQ_INT(id.human, 1);
	ar_identity_clear(&id);

	T_EQ_INT(user(1, "{\"object\":\"org\",\"id\":\"org_x\",\"state\":"
	    "\"active\"}", &id, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");
	T_CHECK(id.user_id == NULL);
	T_EQ_INT(user(1, "{\"object\":\"user\",\"id\":\"\",\"state\":"
	    "\"active\"}", &id, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(user(1, "{\"object\":\"user\",\"id\":\"usr_x\",\"state\":"
	    "\"active\",\"email\":1}", &id, &why), AR_ERR_UNAVAIL);
	T_CHECK(id.user_id == NULL);
	T_EQ_INT(user(1, "{\"object\":\"user\",\"id\":\"usr_x\",\"state\":"
	    "\"active\",\"user_type\":false}", &id, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(user(1, "{\"object\":\"user\",\"id\":\"usr_x\"}", &id, &why),
	    AR_ERR_UNAVAIL);
	T_EQ_INT(user(1, "{\"object\":\"user\",\"id\":\"usr_x\",\"state\":"
	    "null}", &id, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(user(1, "{\"collection\":[]}", &id, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(user(1, "null", &id, &why), AR_ERR_UNAVAIL);
}

static int
memb(const char *uid, const char *body, struct ar_identity *id,
    const char **reason)
{
	static struct ar_ctx ctx;
	struct ar_conf conf;
	int r;

	setup(&ctx, &conf, 2);
	memset(id, 0, sizeof(*id));
	id->user_id = ar_strdup(uid);
	r = ar_api_parse_memberships(&ctx, body, strlen(body), id);
	*reason = ctx.reason;
	return r;
}

static void
test_memberships(void)
{
	struct ar_identity id;
	const char *why;

	T_EQ_INT(memb("usr_a", "{\"collection\":[{\"object\":\"membership\","
	    "\"org_id\":\"org_ops\",\"user_id\":\"usr_a\",\"permissions\":"
	    "[\"sudo\",\"ssh\"],\"expires_at\":null},{\"org_id\":\"org_b\","
	    "\"user_id\":\"usr_a\",\"permissions\":[]}],"
	    "\"more_results\":false}",
	    &id, &why), AR_OK);
	T_EQ_INT(id.have_memberships, 1);
	T_EQ_INT(id.n_memb, 2);
	T_EQ_STR(id.memb[0].org_id, "org_ops");
	T_EQ_INT(id.memb[0].n_perm, 2);
	T_EQ_STR(id.memb[0].perm[1], "ssh");
	T_EQ_INT(id.memb[1].n_perm, 0);
	ar_identity_clear(&id);

	T_EQ_INT(memb("usr_a", "{\"collection\":[],\"more_results\":false}",
	    &id, &why), AR_OK);
	T_EQ_INT(id.have_memberships, 1);
	T_EQ_INT(id.n_memb, 0);
	ar_identity_clear(&id);

	/* A partial list fails closed. */
	T_EQ_INT(memb("usr_a", "{\"collection\":[],\"more_results\":true}",
	    &id, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "too_many_memberships");
	T_EQ_INT(id.have_memberships, 0);
	ar_identity_clear(&id);
	T_EQ_INT(memb("usr_a", "{\"collection\":[],\"more_results\":\"no\"}",
	    &id, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");
	ar_identity_clear(&id);
	T_EQ_INT(memb("usr_a", "{\"collection\":[{\"org_id\":\"org_x\","
	    "\"user_id\":\"usr_b\",\"permissions\":[\"sudo\"]}]}", &id, &why),
	    AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_reply");
	T_EQ_INT(id.have_memberships, 0);
	ar_identity_clear(&id);
	T_EQ_INT(memb("usr_a", "{\"collection\":{}}", &id, &why),
	    AR_ERR_UNAVAIL);
	ar_identity_clear(&id);
	T_EQ_INT(memb("usr_a", "{\"more_results\":false}", &id, &why),
	    AR_ERR_UNAVAIL);
	ar_identity_clear(&id);
	T_EQ_INT(memb("usr_a", "{\"collection\":[{\"org_id\":\"org_x\","
	    "\"user_id\":\"usr_a\",\"permissions\":\"sudo\"}]}", &id, &why),
	    AR_ERR_UNAVAIL);
	T_EQ_INT(id.have_memberships, 0);
	ar_identity_clear(&id);
}

/* Refusals that must happen before any request is attempted. */
static void
test_no_request(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_login l;
	struct ar_identity id;

	memset(&l, 0, sizeof(l));
	memset(&id, 0, sizeof(id));
	/* The helper does not exist: reaching it would be AR_ERR_CONFIG. */
	setup(&ctx, &conf, 1);
	T_EQ_INT(ar_api_authenticate(&ctx, &conf, "bad\nname", "pw", &l),
	    AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_name");
	setup(&ctx, &conf, 2);
	T_EQ_INT(ar_api_authenticate(&ctx, &conf, "..", "pw", &l),
	    AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_name");
	setup(&ctx, &conf, 2);
	T_EQ_INT(ar_api_authenticate(&ctx, &conf, "alice", "pw\xff", &l),
	    AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_input");
	setup(&ctx, &conf, 2);
	T_EQ_INT(ar_api_authenticate(&ctx, &conf, "alice", "\xc0\xaf", &l),
	    AR_ERR_AUTH);
	setup(&ctx, &conf, 1);
	T_EQ_INT(ar_api_authenticate_code(&ctx, &conf, "al\x01", "kli_x",
	    "123456", &l), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_name");
	setup(&ctx, &conf, 1);
	T_EQ_INT(ar_api_get_user(&ctx, &conf, "x\ny", &id),
	    AR_ERR_USER_UNKNOWN);
	T_EQ_STR(ctx.reason, "bad_name");
	setup(&ctx, &conf, 1);
	T_EQ_INT(ar_api_session_live(&ctx, &conf, ""), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_name");
	/* A newline in the key would inject a header. */
	setup(&ctx, &conf, 1);
	conf.api_key = "ko_key\r\nX-Evil: 1";
	T_EQ_INT(ar_api_authenticate(&ctx, &conf, "alice", "pw", &l),
	    AR_ERR_CONFIG);
	setup(&ctx, &conf, 2);
	conf.realm_id = "rl_x\n";
	T_EQ_INT(ar_api_get_user(&ctx, &conf, "alice", &id), AR_ERR_CONFIG);
	setup(&ctx, &conf, 2);
	conf.api_key = NULL;
	T_EQ_INT(ar_api_get_user(&ctx, &conf, "alice", &id), AR_ERR_CONFIG);
	setup(&ctx, &conf, 2);
	T_EQ_INT(ar_fetch_get(&ctx, &conf, "http://x/jwks", NULL, NULL),
	    AR_ERR_CONFIG);
	T_CHECK(l.token == NULL && id.user_id == NULL);
	ar_login_clear(&l);
}

int
main(void)
{
	T_RUN(test_escape);
	T_RUN(test_status);
	T_RUN(test_error_text_escaped);
	T_RUN(test_login_v1);
	T_RUN(test_login_v2);
	T_RUN(test_user);
	T_RUN(test_memberships);
	T_RUN(test_no_request);
	return t_done("test_api");
}
