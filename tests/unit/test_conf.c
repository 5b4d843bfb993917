/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/conf.c: the file syntax, module arguments and their
 * precedence, every key's value rules, the rules between keys and the
 * file permission rules for secrets.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ar.h"
#include "conf.h"

#define V1URL	"https://api-e1.authrocket.com/v1"
#define V2URL	"https://api-e2.authrocket.com/v2"
/* 32 and 31 bytes, used as literal HMAC secrets. */
#define HS32	"jsk_0123456789abcdefghijklmnopqr"
#define HS31	"jsk_0123456789abcdefghijklmnopq"
#define HSLINE	"jwt_key = " HS32 "\n"
#define V1BASE	"api_url = " V1URL "\napi_key = ko_testkey\n" HSLINE

/* Does the parsed list hold s, exactly (byte for byte)? */
static int
list_has(const struct ar_list *l, const char *s)
{
	size_t i;

	if (l == NULL || s == NULL)
		return 0;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->item[i], s) == 0)
			return 1;
	return 0;
}

static const char pubkey[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/V4be6hZja1+KK8L1afMRCjeBVi2\n"
    "q98ZQMGygE3BwI3UIK9w7+nQIarvh4S5CTpCTzM9SemoGGvwlovXoRQXqg==\n"
    "-----END PUBLIC KEY-----\n";

static char dir[64];
static char cfg[128];
static struct ar_ctx ctx;

static const char *
path_of(const char *name)
{
	static char buf[8][256];
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

static const char *
put(const char *name, mode_t mode, const char *data, size_t len)
{
	const char *p = path_of(name);
	int fd;

	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd == -1 || write(fd, data, len) != (ssize_t)len ||
	    fchmod(fd, mode) != 0) {
		perror(p);
		exit(2);
	}
	close(fd);
	return p;
}

static const char *
puts_(const char *name, mode_t mode, const char *text)
{
	return put(name, mode, text, strlen(text));
}

static int
is_zero(const struct ar_conf *c)
{
	static const struct ar_conf zero;

	return memcmp(c, &zero, sizeof(zero)) == 0;
}

/*
 * Write text as the config file with mode, load it with the NULL
 * terminated arguments that follow.  A failed load must leave c zeroed.
 */
static int
load(struct ar_conf *c, const char *text, mode_t mode, ...)
{
	const char *argv[16];
	va_list ap;
	int argc = 0, r;

	va_start(ap, mode);
	while (argc < 15 && (argv[argc] = va_arg(ap, const char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	if (text != NULL)
		puts_("pam.conf", mode, text);
	ar_ctx_init(&ctx, "auth");
	memset(c, 0x5a, sizeof(*c));
	r = ar_conf_load(&ctx, argc, argv, cfg, c);
	if (r != AR_OK) {
		T_CHECK(is_zero(c));
		T_EQ_INT(ctx.err, r);
		if (r == AR_ERR_CONFIG)
			T_EQ_STR(ctx.reason, "config");
	}
	return r;
}

/* Expect a configuration error; the detail must contain want. */
#define BAD(want, text, ...) do {					\
	struct ar_conf b_;						\
	T_EQ_INT(load(&b_, text, 0600, __VA_ARGS__), AR_ERR_CONFIG);	\
	if (strstr(ctx.detail, want) == NULL) {				\
		t_failed++;						\
		fprintf(stderr, "FAIL %s: %s:%d: detail \"%s\" lacks "	\
		    "\"%s\"\n", t_current, __FILE__, __LINE__,		\
		    ctx.detail, want);					\
	} else								\
		t_passed++;						\
	ar_conf_free(&b_);						\
} while (0)

/* Expect success and release the result. */
#define GOOD(text, ...) do {						\
	struct ar_conf g_;						\
	int g_r_ = load(&g_, text, 0600, __VA_ARGS__);			\
	T_EQ_INT(g_r_, AR_OK);						\
	if (g_r_ != AR_OK)						\
		fprintf(stderr, "  detail: %s\n", ctx.detail);		\
	ar_conf_free(&g_);						\
} while (0)

/*
 * One configuration rule: the file text, the module arguments, and the
 * detail a configuration error must contain (NULL: the load succeeds).
 */
struct conf_rule {
	const char	*want;
	const char	*text;
	const char	*args[4];	/* NULL terminated */
};

/* Load each rule's file and arguments; expect its result. */
static void
check_rules(const struct conf_rule *rules, size_t n)
{
	const struct conf_rule *cr;
	struct ar_conf c;
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		cr = &rules[i];
		r = load(&c, cr->text, 0600, cr->args[0], cr->args[1],
		    cr->args[2], cr->args[3], NULL);
		if (cr->want == NULL) {
			T_EQ_INT(r, AR_OK);
			if (r != AR_OK)
				fprintf(stderr, "  rule %zu: detail: %s\n", i,
				    ctx.detail);
		} else {
			T_EQ_INT(r, AR_ERR_CONFIG);
			if (strstr(ctx.detail, cr->want) == NULL) {
				t_failed++;
				fprintf(stderr, "FAIL %s: rule %zu: detail "
				    "\"%s\" lacks \"%s\"\n", t_current, i,
				    ctx.detail, cr->want);
			} else
				t_passed++;
		}
		ar_conf_free(&c);
	}
}

static int
detail_has(const char *s)
{
	return strstr(ctx.detail, s) != NULL;
}

static void
test_minimal_v1(void)
{
	struct ar_conf c;

	T_EQ_INT(load(&c, "# pam_authrocket\n\n" V1BASE, 0600, NULL), AR_OK);
	T_EQ_STR(c.config_path, cfg);
	T_EQ_STR(c.api_url, V1URL);
	T_EQ_INT(c.api_version, 1);
	T_EQ_STR(c.api_key, "ko_testkey");
	T_EQ_INT(c.api_key_len, 10);
	T_EQ_STR(c.jwt_key, HS32);
	T_EQ_INT(c.jwt_key_len, 32);
	T_CHECK(c.jwks_url == NULL);
	T_CHECK(c.realm_id == NULL && c.account_id == NULL);
	T_CHECK(c.issuer == NULL && c.prompt == NULL && c.proxy == NULL);
	T_EQ_INT(c.mode, AR_MODE_AUTO);
	T_EQ_INT(c.map_by, AR_MAP_USERNAME);
	T_CHECK(c.map_custom == NULL);
	T_EQ_INT(c.min_uid, 1000);
	T_EQ_INT(c.leeway, 30);
	T_EQ_INT(c.max_token_age, 0);
	T_EQ_INT(c.timeout, 10);
	T_EQ_INT(c.verify_session, 0);
	T_EQ_INT(c.debug, 0);
	T_EQ_INT(ctx.debug, 0);
	T_EQ_STR(c.helper, AR_DEFAULT_HELPER);
	T_EQ_STR(c.cache_dir, AR_DEFAULT_CACHE_DIR);
	T_EQ_INT(c.require_permission.n, 0);
	T_EQ_INT(c.require_org.n, 0);
	T_CHECK(c.ca_file == NULL && c.ca_dir == NULL);
	ar_conf_free(&c);
	T_CHECK(is_zero(&c));
	ar_conf_free(&c);
	ar_conf_free(NULL);
}

static void
test_v2(void)
{
	struct ar_conf c;

	T_EQ_INT(load(&c,
	    "api_url = " V2URL "/\n"
	    "api_key = ks_abc\n"
	    "realm_id = rl_0vnTQdYZ\n"
	    "loginrocket_url = https://demo.e2.loginrocket.com/\n"
	    "issuer = https://authrocket.com\n", 0600, NULL), AR_OK);
	T_EQ_STR(c.api_url, V2URL);
	T_EQ_INT(c.api_version, 2);
	T_EQ_STR(c.realm_id, "rl_0vnTQdYZ");
	T_EQ_STR(c.loginrocket_url, "https://demo.e2.loginrocket.com/");
	T_EQ_STR(c.jwks_url,
	    "https://demo.e2.loginrocket.com/connect/jwks");
	T_EQ_STR(c.issuer, "https://authrocket.com");
	T_CHECK(c.jwt_key == NULL);
	ar_conf_free(&c);

	/* Without the trailing slash, and an explicit jwks_url wins. */
	T_EQ_INT(load(&c,
	    "loginrocket_url = https://login.example.com\n"
	    "mode = token\n", 0600, NULL), AR_OK);
	T_EQ_STR(c.jwks_url, "https://login.example.com/connect/jwks");
	T_EQ_INT(c.api_version, 0);
	ar_conf_free(&c);
	T_EQ_INT(load(&c,
	    "loginrocket_url = https://login.example.com\n"
	    "jwks_url = https://keys.example.com/jwks.json\n", 0600, NULL),
	    AR_OK);
	T_EQ_STR(c.jwks_url, "https://keys.example.com/jwks.json");
	ar_conf_free(&c);

	/* A jwt_key means no derived jwks_url. */
	T_EQ_INT(load(&c, HSLINE
	    "loginrocket_url = https://login.example.com\n", 0600, NULL),
	    AR_OK);
	T_CHECK(c.jwks_url == NULL);
	ar_conf_free(&c);
}

static void
test_syntax(void)
{
	struct ar_conf c;

	/* Blanks around key and value, tabs, CRLF, comments. */
	T_EQ_INT(load(&c, "  # comment\r\n\t\r\n"
	    "\tapi_url\t=\t" V1URL "  \r\n"
	    "api_key=ko_testkey\r\n"
	    "jwt_key   =" HS32 "\r\n"
	    "prompt = AuthRocket token # not a comment\n"
	    "   # indented comment", 0600, NULL), AR_OK);
	T_EQ_STR(c.api_url, V1URL);
	T_EQ_STR(c.api_key, "ko_testkey");
	T_EQ_STR(c.jwt_key, HS32);
	T_EQ_STR(c.prompt, "AuthRocket token # not a comment");
	ar_conf_free(&c);

	BAD("line 4: unknown key", V1BASE "tiemout = 5\n", NULL);
	T_CHECK(detail_has("tiemout"));
	T_CHECK(detail_has(cfg));
	{
		static const struct conf_rule rules[] = {
			{ "line 2: expected",
			    HSLINE "mode token\n",
			    { NULL } },
			{ "line 4: duplicate key timeout (first on line 2)",
			    HSLINE "timeout = 5\n\ntimeout = 6\n",
			    { NULL } },
			{ "line 2: missing key",
			    HSLINE " = x\n",
			    { NULL } },
			{ "line 2: timeout: empty value",
			    HSLINE "timeout =\n",
			    { NULL } },
			{ "line 2: config is only valid as a module argument",
			    HSLINE "config = /etc/x\n",
			    { NULL } },
			{ "prompt: contains control characters",
			    HSLINE "prompt = a\tb\n",
			    { NULL } },
			{ "prompt: contains control characters",
			    HSLINE "prompt = a\rb\n",
			    { NULL } },
			/* An empty file configures nothing to check with. */
			{ "nothing to check",
			    "",
			    { NULL } },
			{ "nothing to check",
			    "# only a comment\n",
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}
}

static void
test_arguments(void)
{
	struct ar_conf c;
	const char *alt;

	/* Arguments override the file. */
	T_EQ_INT(load(&c, V1BASE "timeout = 5\nmode = password\n", 0600,
	    "timeout=20", "require_permission=sudo", NULL), AR_OK);
	T_EQ_INT(c.timeout, 20);
	T_EQ_INT(c.mode, AR_MODE_PASSWORD);
	T_EQ_INT(c.require_permission.n, 1);
	T_CHECK(list_has(&c.require_permission, "sudo"));
	ar_conf_free(&c);

	/* A bad file value is not hidden by an argument... */
	BAD("line 2: timeout", HSLINE "timeout = 0\n", "timeout=5", NULL);
	/* ...but the argument's own value is what gets checked. */
	BAD("module argument timeout:", HSLINE "timeout = 5\n",
	    "timeout=61", NULL);

	BAD("unknown module argument", HSLINE, "tiemout=5", NULL);
	T_CHECK(detail_has("tiemout"));
	/* Stacking arguments; use_first_pass, the stricter, wins. */
	T_EQ_INT(load(&c, HSLINE, 0600, NULL), AR_OK);
	T_EQ_INT(c.first_pass, AR_PASS_PROMPT);
	ar_conf_free(&c);
	T_EQ_INT(load(&c, HSLINE, 0600, "try_first_pass", NULL), AR_OK);
	T_EQ_INT(c.first_pass, AR_PASS_TRY);
	ar_conf_free(&c);
	T_EQ_INT(load(&c, HSLINE, 0600, "use_first_pass", NULL), AR_OK);
	T_EQ_INT(c.first_pass, AR_PASS_USE);
	ar_conf_free(&c);
	T_EQ_INT(load(&c, HSLINE, 0600, "use_first_pass", "try_first_pass",
	    NULL), AR_OK);
	T_EQ_INT(c.first_pass, AR_PASS_USE);
	ar_conf_free(&c);
	{
		static const struct conf_rule rules[] = {
			{ "unknown module argument",
			    HSLINE,
			    { "use_authtok", NULL } },
			{ "unknown module argument",
			    HSLINE,
			    { "use_first_pass=yes", NULL } },
			{ "missing",
			    HSLINE,
			    { "mode", NULL } },
			{ "module argument timeout given twice",
			    HSLINE,
			    { "timeout=5", "timeout=6", NULL } },
			{ "module argument debug given twice",
			    HSLINE,
			    { "debug", "debug=no", NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}

	/* config= */
	alt = puts_("alt.conf", 0600, HSLINE "timeout = 7\n");
	{
		char arg[300];

		snprintf(arg, sizeof(arg), "config=%s", alt);
		T_EQ_INT(load(&c, "bogus line\n", 0600, arg, NULL), AR_OK);
		T_EQ_INT(c.timeout, 7);
		T_EQ_STR(c.config_path, alt);
		ar_conf_free(&c);
		BAD("config given twice", HSLINE, arg, arg, NULL);
	}
	BAD("config: must be an absolute path", HSLINE, "config=x.conf",
	    NULL);
	BAD("no such file", HSLINE, "config=/nonexistent/ar.conf", NULL);

	/* debug */
	T_EQ_INT(load(&c, HSLINE, 0600, "debug", NULL), AR_OK);
	T_EQ_INT(c.debug, 1);
	T_EQ_INT(ctx.debug, 1);
	ar_conf_free(&c);
	T_EQ_INT(load(&c, HSLINE "debug = yes\n", 0600, NULL), AR_OK);
	T_EQ_INT(c.debug, 1);
	T_EQ_INT(ctx.debug, 1);
	ar_conf_free(&c);
	T_EQ_INT(load(&c, HSLINE "debug = on\n", 0600, "debug=off", NULL),
	    AR_OK);
	T_EQ_INT(c.debug, 0);
	T_EQ_INT(ctx.debug, 0);
	ar_conf_free(&c);

	/* NULL entries in argv are skipped. */
	{
		const char *argv[] = { NULL, "timeout=9" };

		puts_("pam.conf", 0600, HSLINE);
		ar_ctx_init(&ctx, "auth");
		T_EQ_INT(ar_conf_load(&ctx, 2, argv, cfg, &c), AR_OK);
		T_EQ_INT(c.timeout, 9);
		ar_conf_free(&c);
	}

	/* Secrets do not belong in world-readable pam.d lines. */
	BAD("secrets are not accepted as module arguments",
	    "api_url = " V1URL "\n" HSLINE, "api_key=ko_testkey", NULL);
	T_CHECK(!detail_has("ko_testkey"));
	BAD("secrets are not accepted as module arguments",
	    "mode = token\n", "jwt_key=" HS32, NULL);
	T_CHECK(!detail_has(HS32));
}

static void
test_file_rules(void)
{
	struct ar_conf c;
	char text[600];
	const char *p, *link;

	unlink(cfg);
	T_EQ_INT(load(&c, NULL, 0, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("no such file"));

	/* A secret in a readable file. */
	T_EQ_INT(load(&c, V1BASE, 0644, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("holds a secret and must not be readable by "
	    "group or others (chmod 600)"));
	T_CHECK(!detail_has("ko_testkey") && !detail_has(HS32));
	T_EQ_INT(load(&c, HSLINE "mode = token\n", 0640, NULL),
	    AR_ERR_CONFIG);
	T_CHECK(detail_has("holds a secret"));
	T_EQ_INT(load(&c, "api_url = " V1URL "\napi_key = ko_x\n", 0604,
	    NULL), AR_ERR_CONFIG);

	/* Only a public key path: readable is fine. */
	p = puts_("pub.pem", 0644, pubkey);
	snprintf(text, sizeof(text), "jwt_key_file = %s\nmode = token\n", p);
	T_EQ_INT(load(&c, text, 0644, NULL), AR_OK);
	/* One trailing newline is dropped, nothing else. */
	T_EQ_INT(c.jwt_key_len, strlen(pubkey) - 1);
	T_CHECK(c.jwt_key != NULL &&
	    strncmp(c.jwt_key, pubkey, strlen(pubkey) - 1) == 0 &&
	    c.jwt_key[strlen(pubkey) - 1] == '\0');
	ar_conf_free(&c);

	/* Writable by group or others, whatever it holds. */
	T_EQ_INT(load(&c, text, 0664, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("must not be writable by group or others"));
	T_EQ_INT(load(&c, text, 0602, NULL), AR_ERR_CONFIG);

	/* Symlink, directory, size, NUL. */
	puts_("real.conf", 0600, HSLINE);
	link = path_of("link.conf");
	unlink(link);
	T_EQ_INT(symlink(path_of("real.conf"), link), 0);
	snprintf(text, sizeof(text), "config=%s", link);
	BAD("is a symbolic link", HSLINE, text, NULL);
	unlink(link);
	unlink(path_of("real.conf"));

	p = path_of("conf.d");
	T_EQ_INT(mkdir(p, 0700), 0);
	snprintf(text, sizeof(text), "config=%s", p);
	BAD("is not a regular file", HSLINE, text, NULL);
	rmdir(p);

	{
		size_t n = AR_MAX_FILE + 1;
		char *big = malloc(n + 1);

		T_CHECK(big != NULL);
		memset(big, '#', n);
		memcpy(big, HSLINE, strlen(HSLINE));
		big[n] = '\0';
		BAD("is larger than", big, NULL);
		/* The limit itself is fine. */
		big[n - 1] = '\0';
		GOOD(big, NULL);
		free(big);
	}
	put("pam.conf", 0600, HSLINE "#\0x\n", strlen(HSLINE) + 4);
	ar_ctx_init(&ctx, "auth");
	T_EQ_INT(ar_conf_load(&ctx, 0, NULL, cfg, &c), AR_ERR_CONFIG);
	T_CHECK(detail_has("NUL"));
	T_CHECK(is_zero(&c));

	/* Wrong owner. */
	if (geteuid() == 0) {
		puts_("pam.conf", 0600, HSLINE);
		T_EQ_INT(chown(cfg, 65534, 65534), 0);
		ar_ctx_init(&ctx, "auth");
		T_EQ_INT(ar_conf_load(&ctx, 0, NULL, cfg, &c), AR_ERR_CONFIG);
		T_CHECK(detail_has("must be owned by root"));
		T_CHECK(is_zero(&c));
	} else {
		T_SKIP("chown to another uid needs root");
	}
}

static void
test_key_files(void)
{
	struct ar_conf c;
	char text[600];
	const char *p;

	/* api_key_file: secret kind, CRLF dropped. */
	p = puts_("api.key", 0600, "ko_fromfile\r\n");
	snprintf(text, sizeof(text), "api_url = " V1URL "\n"
	    "api_key_file = %s\n", p);
	T_EQ_INT(load(&c, text, 0644, NULL), AR_OK);
	T_EQ_STR(c.api_key, "ko_fromfile");
	T_EQ_INT(c.api_key_len, 11);
	ar_conf_free(&c);
	puts_("api.key", 0644, "ko_fromfile\n");
	T_EQ_INT(load(&c, text, 0644, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("must not be readable by group or others"));
	T_CHECK(detail_has(p));
	puts_("api.key", 0600, "\n");
	T_EQ_INT(load(&c, text, 0600, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("is empty"));
	puts_("api.key", 0600, "");
	T_EQ_INT(load(&c, text, 0600, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("is empty"));
	puts_("api.key", 0600, "ko_two words\n");
	T_EQ_INT(load(&c, text, 0600, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("api_key: must be printable ASCII"));
	T_CHECK(!detail_has("two words"));
	puts_("api.key", 0600, "ko_a\nko_b\n");
	T_EQ_INT(load(&c, text, 0600, NULL), AR_ERR_CONFIG);
	unlink(p);
	T_EQ_INT(load(&c, text, 0600, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("no such file"));

	/* jwt_key_file with an HMAC secret: secret rules apply. */
	p = puts_("hs.key", 0600, HS32 "\n");
	snprintf(text, sizeof(text), "jwt_key_file = %s\n", p);
	T_EQ_INT(load(&c, text, 0644, NULL), AR_OK);
	T_EQ_STR(c.jwt_key, HS32);
	T_EQ_INT(c.jwt_key_len, 32);
	ar_conf_free(&c);
	puts_("hs.key", 0640, HS32 "\n");
	T_EQ_INT(load(&c, text, 0600, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("must not be readable by group or others"));
	puts_("hs.key", 0600, HS31 "\r\n");
	T_EQ_INT(load(&c, text, 0600, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("jwt_key: HMAC secret shorter than 32 bytes"));
	T_CHECK(!detail_has(HS31));
	puts_("hs.key", 0600, "");
	T_EQ_INT(load(&c, text, 0600, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("is empty"));
	puts_("hs.key", 0620, HS32);
	T_EQ_INT(load(&c, text, 0600, NULL), AR_ERR_CONFIG);
	T_CHECK(detail_has("must not be writable"));

	/* A public key file may be readable; CRLF PEM is kept as is. */
	puts_("hs.key", 0644, "-----BEGIN PUBLIC KEY-----\r\nMFkw\r\n"
	    "-----END PUBLIC KEY-----\r\n");
	T_EQ_INT(load(&c, text, 0644, NULL), AR_OK);
	T_EQ_STR(c.jwt_key,
	    "-----BEGIN PUBLIC KEY-----\r\nMFkw\r\n-----END PUBLIC KEY-----");
	ar_conf_free(&c);

	/* Relative key file paths. */
	BAD("api_key_file: must be an absolute path",
	    "api_url = " V1URL "\napi_key_file = api.key\n", NULL);
	BAD("jwt_key_file: must be an absolute path",
	    "jwt_key_file = hs.key\n", NULL);
	unlink(p);
	unlink(path_of("pub.pem"));
}

static void
test_hmac_length(void)
{
	BAD("jwt_key: HMAC secret shorter than 32 bytes",
	    "jwt_key = " HS31 "\n", NULL);
	T_CHECK(!detail_has(HS31));
	T_CHECK(detail_has("line 1"));
	GOOD("jwt_key = " HS32 "\n", NULL);
	/* Blanks around the value are not part of the secret. */
	BAD("shorter than 32", "jwt_key =   " HS31 "   \n", NULL);
}

static void
test_api_url(void)
{
	struct ar_conf c;

	{
		static const struct conf_rule rules[] = {
			{ "api_url: must start with https://",
			    "api_url = http://api-e1.authrocket.com/v1\n"
			    "api_key = ko_x\n" ,
			    { NULL } },
			{ "api_url: must start with https://",
			    "api_url = HTTPS://api-e1.authrocket.com/v1\n"
			    "api_key = ko_x\n" ,
			    { NULL } },
			{ "api_url: must end with /v1 or /v2",
			    "api_url = https://api-e1.authrocket.com/v3\n"
			    "api_key = ko_x\n" ,
			    { NULL } },
			{ "api_url: must end with /v1 or /v2",
			    "api_url = https://api-e1.authrocket.com\n"
			    "api_key = ko_x\n" ,
			    { NULL } },
			{ "api_url: must end with /v1 or /v2",
			    "api_url = https://api-e1.authrocket.com/v1//\n"
			    "api_key = ko_x\n" ,
			    { NULL } },
			{ "api_url: must end with /v1 or /v2",
			    "api_url = https://api-e1.authrocket.com/xv1\n"
			    "api_key = ko_x\n" ,
			    { NULL } },
			{ "api_url: must end with /v1 or /v2",
			    "api_url = https://v1\napi_key = ko_x\n",
			    { NULL } },
			{ "api_url: has no host name",
			    "api_url = https:///v1\napi_key = ko_x\n",
			    { NULL } },
			{ "api_url: must not contain a user name or password",
			    "api_url = https://u:p@api-e1.authrocket.com/v1\n"
			    "api_key = ko_x\n" ,
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}
	T_CHECK(!detail_has("u:p"));
	BAD("api_url: must not have a query",
	    "api_url = https://api-e1.authrocket.com/v1?x=/v1\n"
	    "api_key = ko_x\n", NULL);
	BAD("api_url: must not contain blanks",
	    "api_url = https://api e1.authrocket.com/v1\napi_key = ko_x\n",
	    NULL);

	T_EQ_INT(load(&c, "api_url = " V1URL "/\napi_key = ko_x\n", 0600,
	    NULL), AR_OK);
	T_EQ_STR(c.api_url, V1URL);
	T_EQ_INT(c.api_version, 1);
	ar_conf_free(&c);
	T_EQ_INT(load(&c, "api_url = https://127.0.0.1:8443/mock/v2\n"
	    "api_key = ks_x\n", 0600, NULL), AR_OK);
	T_EQ_STR(c.api_url, "https://127.0.0.1:8443/mock/v2");
	T_EQ_INT(c.api_version, 2);
	ar_conf_free(&c);

	/* api_url and api key go together. */
	{
		static const struct conf_rule rules[] = {
			{ "api_url needs api_key or api_key_file",
			    "api_url = " V1URL "\n" HSLINE,
			    { NULL } },
			{ "api_key needs api_url",
			    "api_key = ko_x\n" HSLINE,
			    { NULL } },
			/* Key prefix against the API version. */
			{ "a ks_ key belongs to API v2",
			    "api_url = " V1URL "\napi_key = ks_x\n",
			    { NULL } },
			{ "belong to API v1",
			    "api_url = " V2URL "\napi_key = ko_x\n",
			    { NULL } },
			{ "belong to API v1",
			    "api_url = " V2URL "\napi_key = key_x\n",
			    { NULL } },
			{ NULL,
			    "api_url = " V1URL "\napi_key = key_x\n",
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}

	/* account_id only with key_ keys on v1. */
	T_EQ_INT(load(&c, "api_url = " V1URL "\napi_key = key_x\n"
	    "account_id = org_abc\n", 0600, NULL), AR_OK);
	T_EQ_STR(c.account_id, "org_abc");
	ar_conf_free(&c);
	{
		static const struct conf_rule rules[] = {
			{ "account_id is only used with key_ API keys",
			    "api_url = " V1URL "\n" "api_key = ko_x\n"
			    "account_id = org_abc\n" ,
			    { NULL } },
			{ "account_id is only used with key_ API keys",
			    "api_url = " V2URL "\n" "api_key = ks_x\n"
			    "account_id = org_abc\n" ,
			    { NULL } },
			{ "account_id: must be an id starting with org_",
			    "api_url = " V1URL "\n" "api_key = key_x\n"
			    "account_id = abc\n" ,
			    { NULL } },
			{ "account_id: must be an id starting with org_",
			    "api_url = " V1URL "\n" "api_key = key_x\n"
			    "account_id = org_\n" ,
			    { NULL } },
			/* realm_id */
			{ "realm_id: must be an id starting with rl_",
			    HSLINE "realm_id = realm1\n",
			    { NULL } },
			{ "realm_id: must be an id starting with rl_",
			    HSLINE "realm_id = rl_a/b\n",
			    { NULL } },
			{ NULL,
			    HSLINE "realm_id = rl_a-b_C9\n",
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}
}

static void
test_other_urls(void)
{
	struct ar_conf c;

	{
		static const struct conf_rule rules[] = {
			{ "jwks_url: must start with https://",
			    "jwks_url = http://x.example.com/jwks\n",
			    { NULL } },
			{ "loginrocket_url: must start with https://",
			    "loginrocket_url = http://x.e2.loginrocket.com/\n",
			    { NULL } },
			{ "loginrocket_url: has no host name",
			    "loginrocket_url = https://\n",
			    { NULL } },
			{ NULL,
			    "jwks_url = https://x.example.com/jwks\n"
			    "mode = token\n" ,
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}

	T_EQ_INT(load(&c, HSLINE "proxy = socks5h://127.0.0.1:1080\n", 0600,
	    NULL), AR_OK);
	T_EQ_STR(c.proxy, "socks5h://127.0.0.1:1080");
	ar_conf_free(&c);
	{
		static const struct conf_rule rules[] = {
			{ NULL,
			    HSLINE "proxy = http://proxy.example.com:3128\n",
			    { NULL } },
			{ NULL,
			    HSLINE "proxy = https://proxy.example.com\n",
			    { NULL } },
			{ NULL,
			    HSLINE "proxy = socks5://proxy.example.com\n",
			    { NULL } },
			{ "proxy: must start with http://, https://, socks5:// or "
			    "socks5h://",
			    HSLINE "proxy = ftp://proxy.example.com\n",
			    { NULL } },
			{ "proxy: must start with",
			    HSLINE "proxy = proxy:3128\n",
			    { NULL } },
			{ "proxy: must not contain a user name or password",
			    HSLINE "proxy = http://user:pw@proxy.example.com\n",
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}
}

static void
test_ranges(void)
{
	struct ar_conf c;

	T_EQ_INT(load(&c, HSLINE "min_uid = 0\nleeway = 0\n"
	    "max_token_age = 315360000\ntimeout = 1\n", 0600, NULL), AR_OK);
	T_EQ_INT(c.min_uid, 0);
	T_EQ_INT(c.leeway, 0);
	T_EQ_INT(c.max_token_age, 315360000);
	T_EQ_INT(c.timeout, 1);
	ar_conf_free(&c);
	T_EQ_INT(load(&c, HSLINE "min_uid = 4294967294\nleeway = 300\n"
	    "timeout = 60\nmax_token_age = 0600\n", 0600, NULL), AR_OK);
	T_EQ_INT(c.min_uid, 4294967294LL);
	T_EQ_INT(c.leeway, 300);
	T_EQ_INT(c.timeout, 60);
	T_EQ_INT(c.max_token_age, 600);	/* decimal, not octal */
	ar_conf_free(&c);

	{
		static const struct conf_rule rules[] = {
			{ "min_uid: must be an integer from 0 to 4294967294",
			    HSLINE "min_uid = 4294967295\n",
			    { NULL } },
			{ "min_uid: must be an integer",
			    HSLINE "min_uid = -1\n",
			    { NULL } },
			{ "min_uid: must be an integer",
			    HSLINE "min_uid = +5\n",
			    { NULL } },
			{ "min_uid: must be an integer",
			    HSLINE "min_uid = 0x10\n",
			    { NULL } },
			{ "min_uid: must be an integer",
			    HSLINE "min_uid = 1e3\n",
			    { NULL } },
			{ "min_uid: must be an integer",
			    HSLINE "min_uid = 10 00\n",
			    { NULL } },
			{ "min_uid: must be an integer",
			    HSLINE "min_uid = 99999999999999999999999999\n",
			    { NULL } },
			{ "leeway: must be an integer from 0 to 300",
			    HSLINE "leeway = 301\n",
			    { NULL } },
			{ "max_token_age: must be an integer from 0 to "
			    "315360000",
			    HSLINE "max_token_age = 315360001\n",
			    { NULL } },
			{ "timeout: must be an integer from 1 to 60",
			    HSLINE "timeout = 0\n",
			    { NULL } },
			{ "timeout: must be an integer from 1 to 60",
			    HSLINE "timeout = 61\n",
			    { NULL } },
			{ "timeout: must be an integer",
			    HSLINE "timeout = ten\n",
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}
}

static void
test_bools(void)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES",
	    "True", NULL };
	static const char *const no[] = { "no", "false", "off", "0", "No",
	    NULL };
	struct ar_conf c;
	char arg[64];
	size_t i;

	for (i = 0; yes[i] != NULL; i++) {
		snprintf(arg, sizeof(arg), "verify_session=%s", yes[i]);
		T_EQ_INT(load(&c, V1BASE, 0600, arg, NULL), AR_OK);
		T_EQ_INT(c.verify_session, 1);
		ar_conf_free(&c);
	}
	for (i = 0; no[i] != NULL; i++) {
		snprintf(arg, sizeof(arg), "verify_session=%s", no[i]);
		T_EQ_INT(load(&c, V1BASE "verify_session = yes\n", 0600, arg,
		    NULL), AR_OK);
		T_EQ_INT(c.verify_session, 0);
		ar_conf_free(&c);
	}
	{
		static const struct conf_rule rules[] = {
			{ "verify_session: must be yes, no",
			    V1BASE,
			    { "verify_session=2", NULL } },
			{ "debug: must be yes, no",
			    HSLINE "debug = maybe\n",
			    { NULL } },
			{ "verify_session needs api_url",
			    HSLINE "verify_session = yes\n",
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}
}

static void
test_map_by(void)
{
	struct ar_conf c;
	char text[400];
	const char *p;
	static const struct {
		const char *v;
		int want;
	} ok[] = {
		{ "username", AR_MAP_USERNAME },
		{ "email", AR_MAP_EMAIL },
		{ "email_localpart", AR_MAP_EMAIL_LOCALPART },
		{ "reference", AR_MAP_REFERENCE },
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "map_by=%s", ok[i].v);
		T_EQ_INT(load(&c, HSLINE, 0600, text, NULL), AR_OK);
		T_EQ_INT(c.map_by, ok[i].want);
		T_CHECK(c.map_custom == NULL);
		ar_conf_free(&c);
	}
	/* The argument replaces the file's custom name. */
	T_EQ_INT(load(&c, HSLINE "map_by = custom:linux_user\n", 0600,
	    "map_by=email", NULL), AR_OK);
	T_EQ_INT(c.map_by, AR_MAP_EMAIL);
	T_CHECK(c.map_custom == NULL);
	ar_conf_free(&c);
	T_EQ_INT(load(&c, HSLINE "map_by = custom:Linux.user-1_x\n", 0600,
	    NULL), AR_OK);
	T_EQ_INT(c.map_by, AR_MAP_CUSTOM);
	T_EQ_STR(c.map_custom, "Linux.user-1_x");
	ar_conf_free(&c);

	{
		static const struct conf_rule rules[] = {
			{ "map_by: custom:NAME needs a NAME",
			    HSLINE "map_by = custom:\n",
			    { NULL } },
			{ "map_by: custom:NAME needs a NAME",
			    HSLINE "map_by = custom:a/b\n",
			    { NULL } },
			{ "map_by: custom:NAME needs a NAME",
			    HSLINE "map_by = custom:a b\n",
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}
	memset(text, 0, sizeof(text));
	snprintf(text, sizeof(text), HSLINE "map_by = custom:");
	memset(text + strlen(text), 'a', 64);
	GOOD(text, NULL);
	strcat(text, "a");
	BAD("map_by: custom:NAME needs a NAME", text, NULL);
	{
		static const struct conf_rule rules[] = {
			{ "map_by: must be username",
			    HSLINE "map_by = Username\n",
			    { NULL } },
			{ "map_by: must be username",
			    HSLINE "map_by = uid\n",
			    { NULL } },
			{ "map_by=file needs user_map_file",
			    HSLINE "map_by = file\n",
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}
	p = path_of("users.map");
	snprintf(text, sizeof(text), HSLINE "map_by = file\n"
	    "user_map_file = %s\n", p);
	T_EQ_INT(load(&c, text, 0600, NULL), AR_OK);
	T_EQ_INT(c.map_by, AR_MAP_FILE);
	T_EQ_STR(c.user_map_file, p);
	ar_conf_free(&c);
	BAD("user_map_file: must be an absolute path",
	    HSLINE "user_map_file = users.map\n", NULL);
}

static void
test_lists(void)
{
	struct ar_conf c;

	T_EQ_INT(load(&c, HSLINE "require_permission = sudo , admin ,x y\n"
	    "require_org = org_1,  org_2\n", 0600, NULL), AR_OK);
	T_EQ_INT(c.require_permission.n, 3);
	if (c.require_permission.n == 3) {
		T_EQ_STR(c.require_permission.item[0], "sudo");
		T_EQ_STR(c.require_permission.item[1], "admin");
		T_EQ_STR(c.require_permission.item[2], "x y");
	}
	T_EQ_INT(list_has(&c.require_permission, "admin"), 1);
	T_EQ_INT(list_has(&c.require_permission, "Admin"), 0);
	T_EQ_INT(list_has(&c.require_permission, "admin "), 0);
	T_EQ_INT(list_has(&c.require_permission, NULL), 0);
	T_EQ_INT(list_has(NULL, "admin"), 0);
	T_EQ_INT(c.require_org.n, 2);
	T_EQ_INT(list_has(&c.require_org, "org_1"), 1);
	T_EQ_INT(list_has(&c.require_org, "org_2"), 1);
	T_EQ_INT(list_has(&c.require_org, "org_3"), 0);
	ar_conf_free(&c);
	T_EQ_INT(list_has(&c.require_org, "org_1"), 0);

	T_EQ_INT(load(&c, HSLINE "require_permission = one\n", 0600, NULL),
	    AR_OK);
	T_EQ_INT(c.require_permission.n, 1);
	ar_conf_free(&c);

	{
		static const struct conf_rule rules[] = {
			{ "require_permission: empty item in list",
			    HSLINE "require_permission = a,,b\n",
			    { NULL } },
			{ "require_permission: empty item in list",
			    HSLINE "require_permission = a,\n",
			    { NULL } },
			{ "require_permission: empty item in list",
			    HSLINE "require_permission = , a\n",
			    { NULL } },
			{ "require_permission: empty item in list",
			    HSLINE "require_permission = ,\n",
			    { NULL } },
			{ "require_org: items must be ids starting with org_",
			    HSLINE "require_org = org_1,acme\n",
			    { NULL } },
			{ "require_org: items must be ids starting with org_",
			    HSLINE "require_org = org_\n",
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}
}

static void
test_exclusive_and_modes(void)
{
	char text[400];
	const char *p;

	p = puts_("hs2.key", 0600, HS32 "\n");
	snprintf(text, sizeof(text), HSLINE "jwt_key_file = %s\n", p);
	BAD("jwt_key and jwt_key_file are mutually exclusive", text, NULL);
	/* A bare base64 public key body may be an argument. */
	{
		char arg[400];

		snprintf(arg, sizeof(arg), "jwt_key=");
		memset(arg + 8, 'A', 300);
		arg[308] = '\0';
		snprintf(text, sizeof(text), "jwt_key_file = %s\n", p);
		BAD("jwt_key and jwt_key_file are mutually exclusive", text,
		    arg, NULL);
		GOOD("mode = token\n", arg, NULL);
	}
	snprintf(text, sizeof(text), V1BASE "api_key_file = %s\n", p);
	BAD("api_key and api_key_file are mutually exclusive", text, NULL);
	unlink(p);

	/* mode requirements */
	{
		static const struct conf_rule rules[] = {
			{ "mode=password needs api_url",
			    HSLINE "mode = password\n",
			    { NULL } },
			{ NULL,
			    V1BASE "mode = password\n",
			    { NULL } },
			{ "mode=token needs jwt_key",
			    "api_url = " V1URL "\n" "api_key = ko_x\n"
			    "mode = token\n" ,
			    { NULL } },
			{ NULL,
			    HSLINE "mode = token\n",
			    { NULL } },
			{ NULL,
			    "loginrocket_url = https://x.example.com/\n"
			    "mode = token\n" ,
			    { NULL } },
			{ NULL,
			    "api_url = " V1URL "\napi_key = ko_x\n",
			    { NULL } },
			{ "nothing to check",
			    "timeout = 5\n",
			    { NULL } },
			{ "mode: must be auto, token or password",
			    HSLINE "mode = both\n",
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}
}

static void
test_values(void)
{
	struct ar_conf c;
	char text[600];
	size_t n;

	T_EQ_INT(load(&c, HSLINE "ca_file = /etc/ssl/certs/ca.pem\n"
	    "ca_dir = /etc/ssl/certs\nhelper = /opt/ar/helper\n"
	    "cache_dir = /var/cache/ar\nprompt = AuthRocket token: \n"
	    "issuer = https://authrocket.com\n", 0600, NULL), AR_OK);
	T_EQ_STR(c.ca_file, "/etc/ssl/certs/ca.pem");
	T_EQ_STR(c.ca_dir, "/etc/ssl/certs");
	T_EQ_STR(c.helper, "/opt/ar/helper");
	T_EQ_STR(c.cache_dir, "/var/cache/ar");
	T_EQ_STR(c.prompt, "AuthRocket token:");
	ar_conf_free(&c);

	{
		static const struct conf_rule rules[] = {
			{ "ca_file: must be an absolute path",
			    HSLINE "ca_file = ca.pem\n",
			    { NULL } },
			{ "ca_dir: must be an absolute path",
			    HSLINE "ca_dir = certs\n",
			    { NULL } },
			{ "helper: must be an absolute path",
			    HSLINE,
			    { "helper=helper", NULL } },
			{ "cache_dir: must be an absolute path",
			    HSLINE "cache_dir = ~/cache\n",
			    { NULL } },
		};

		check_rules(rules, sizeof(rules) / sizeof(rules[0]));
	}

	snprintf(text, sizeof(text), HSLINE "prompt = ");
	n = strlen(text);
	memset(text + n, 'p', 200);
	text[n + 200] = '\0';
	T_EQ_INT(load(&c, text, 0600, NULL), AR_OK);
	T_EQ_INT(strlen(c.prompt), 200);
	ar_conf_free(&c);
	strcat(text, "p");
	BAD("prompt: longer than 200 bytes", text, NULL);
	BAD("issuer: contains control characters",
	    HSLINE "issuer = a\x1b[31m\n", NULL);
	BAD("contains control characters", HSLINE "prompt = a\x7f\n", NULL);
}

/* The directory and outage keys: one row per rule. */
static void
test_directory_keys(void)
{
	static const struct {
		const char	*line;
		const char	*want;	/* detail, or NULL for accepted */
	} rows[] = {
		{ "uid_range = 2000-3000\n", NULL },
		{ "uid_range = 3000-2000\n", "uid_range: must be LOW-HIGH" },
		{ "uid_range = 999-3000\n", "uid_range: must be LOW-HIGH" },
		{ "uid_range = 2000-4294967295\n", "uid_range: must be" },
		{ "uid_range = 2000\n", "uid_range: must be LOW-HIGH" },
		{ "uid_range = 2000-3000x\n", "uid_range: must be LOW-HIGH" },
		{ "uid_attr = custom:uid\n", NULL },
		{ "uid_attr = uid\n", "uid_attr: must be custom:NAME" },
		{ "uid_attr = custom:\n", "uid_attr: must be custom:NAME" },
		{ "ssh_keys_attr = custom:ssh keys\n", "ssh_keys_attr: must be" },
		{ "home_dir = /srv/home/%u\n", NULL },
		{ "home_dir = home/%u\n", "home_dir: must be an absolute path" },
		{ "home_dir = /home/%s\n", "home_dir: %u is the only" },
		{ "home_dir = /home/a:b\n", "home_dir: must be an absolute" },
		{ "shell = bash\n", "shell: must be an absolute path" },
		{ "group_map = sudo:sudo, org:org_abc:staff\n", NULL },
		{ "group_map = sudo\n", "group_map: items must be" },
		{ "group_map = sudo:Sudo\n", "group_map: group names must" },
		{ "group_map = org:abc:staff\n", "group_map: org:ORG_ID needs" },
		{ "group_map = a:b:c\n", "group_map: items must be" },
		{ "group_map = sudo:sudo,\n", "group_map: empty item" },
		{ "sync_max_drop = 101\n", "sync_max_drop: must be an integer" },
		{ "offline_failed_login_attempts = 0\n",
		    "offline_failed_login_attempts: must be an integer" },
		{ "offline_timeout = 3601\n", "offline_timeout: must be" },
		{ "account_cache_timeout = 0\n", NULL },
		{ "jwks_max_stale = 0\n", NULL },
		{ "directory = maybe\n", "directory: must be yes, no" },
	};
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", V1BASE, rows[i].line);
		if (rows[i].want == NULL)
			GOOD(text, NULL);
		else
			BAD(rows[i].want, text, NULL);
	}
}

static void
test_directory_defaults(void)
{
	struct ar_conf c;

	T_EQ_INT(load(&c, V1BASE "group_map = sudo:sudo, org:org_x1:staff\n",
	    0600, NULL), AR_OK);
	T_EQ_INT(c.uid_min, 1879048192u);
	T_EQ_INT(c.uid_max, 2147352575u);
	T_EQ_STR(c.home_dir, "/home/%u");
	T_EQ_STR(c.shell, "/bin/bash");
	T_EQ_INT(c.directory, 0);
	T_EQ_INT(c.jwks_max_stale, 604800);
	T_EQ_INT(c.offline_timeout, 30);
	T_EQ_INT(c.offline_credentials_expiration, 3);
	T_EQ_INT(c.offline_failed_login_attempts, 5);
	T_EQ_INT(c.account_cache_timeout, 300);
	T_EQ_INT(c.sync_max_drop, 20);
	T_EQ_INT(c.group_map.n, 2);
	T_EQ_STR(c.group_map.rule[0].permission, "sudo");
	T_EQ_STR(c.group_map.rule[0].group, "sudo");
	T_CHECK(c.group_map.rule[0].org_id == NULL);
	T_EQ_STR(c.group_map.rule[1].org_id, "org_x1");
	T_EQ_STR(c.group_map.rule[1].group, "staff");
	ar_conf_free(&c);
}

static void
test_keys_table(void)
{
	static const char *const want[] = { "api_url", "api_key",
	    "api_key_file", "account_id", "realm_id", "jwt_key",
	    "jwt_key_file", "jwks_url", "loginrocket_url", "issuer", "mode",
	    "map_by", "user_map_file", "require_permission", "require_org",
	    "min_uid", "leeway", "max_token_age", "verify_session",
	    "timeout", "ca_file", "ca_dir", "proxy", "prompt", "debug",
	    "helper", "cache_dir", "jwks_max_stale", "offline_timeout",
	    "cache_credentials", "offline_credentials_expiration",
	    "offline_failed_login_attempts", "account_cache_timeout",
	    "directory", "uid_range", "uid_attr", "home_dir", "shell",
	    "group_map", "ssh_keys_attr", "sync_max_drop", "adopt_local",
	    NULL };
	const struct ar_conf_key *k = ar_conf_keys();
	size_t i, n;

	for (n = 0; k[n].name != NULL; n++) {
		T_CHECK(k[n].type != NULL && k[n].def != NULL);
		if (strcmp(k[n].name, "timeout") == 0) {
			T_EQ_STR(k[n].def, "10");
			T_EQ_STR(k[n].type, "integer");
		}
		if (strcmp(k[n].name, "helper") == 0)
			T_EQ_STR(k[n].def, AR_DEFAULT_HELPER);
		if (strcmp(k[n].name, "api_key") == 0)
			T_EQ_STR(k[n].def, "");
	}
	for (i = 0; want[i] != NULL; i++) {
		size_t j;
		int found = 0;

		for (j = 0; j < n; j++)
			if (strcmp(k[j].name, want[i]) == 0)
				found++;
		T_EQ_INT(found, 1);
	}
	T_EQ_INT(n, i);
}

static void
cleanup(void)
{
	static const char *const names[] = { "pam.conf", "alt.conf",
	    "pub.pem", "api.key", "hs.key", "hs2.key", NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		unlink(path_of(names[i]));
	if (rmdir(dir) != 0)
		perror(dir);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ar-conf-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(cfg, sizeof(cfg), "%s/pam.conf", dir);
	T_RUN(test_minimal_v1);
	T_RUN(test_v2);
	T_RUN(test_syntax);
	T_RUN(test_arguments);
	T_RUN(test_file_rules);
	T_RUN(test_key_files);
	T_RUN(test_hmac_length);
	T_RUN(test_api_url);
	T_RUN(test_other_urls);
	T_RUN(test_ranges);
	T_RUN(test_bools);
	T_RUN(test_map_by);
	T_RUN(test_lists);
	T_RUN(test_exclusive_and_modes);
	T_RUN(test_values);
	T_RUN(test_directory_keys);
	T_RUN(test_directory_defaults);
	T_RUN(test_keys_table);
	cleanup();
	return t_done("test_conf");
}
