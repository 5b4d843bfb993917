/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-check: the administrator's view of what the module would do.
 * It runs the same library code as the module, so its verdict is the
 * module's verdict; output is text or, with --json, one JSON object.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "conf.h"
#include "identity.h"
#include "json.h"
#include "key.h"
#include "secure.h"

#define EXIT_OK		0
#define EXIT_FAILED	1
#define EXIT_USAGE	2

struct out {
	int	 json;
	json_t	*obj;		/* the --json result */
	json_t	*log;		/* log lines */
	char	*stdin_token;	/* the token command's input */
	int	 prompts;
};

static void
log_sink(void *arg, int prio, const char *line)
{
	struct out *o = arg;

	if (o->json)
		json_array_append_new(o->log, json_string(line));
	else
		fprintf(stderr, "log: %s\n", line);
	(void)prio;
}

/* The token command answers the credential prompt with stdin, once. */
static int
prompt_stdin(void *arg, int style, const char *text, char **reply)
{
	struct out *o = arg;

	(void)text;
	if (style != AR_PROMPT_ECHO_OFF && style != AR_PROMPT_ECHO_ON)
		return AR_OK;
	if (o->prompts++ > 0 || o->stdin_token == NULL)
		return AR_ERR_CONV;
	*reply = o->stdin_token;
	o->stdin_token = NULL;	/* transferred */
	return AR_OK;
}

static void
put(struct out *o, const char *key, const char *val)
{
	if (o->json)
		json_object_set_new(o->obj, key, val ? json_string(val) :
		    json_null());
	else
		printf("%-16s %s\n", key, val ? val : "-");
}

static void
put_int(struct out *o, const char *key, long long v)
{
	char buf[32];

	if (o->json) {
		json_object_set_new(o->obj, key, json_integer(v));
		return;
	}
	snprintf(buf, sizeof(buf), "%lld", v);
	put(o, key, buf);
}

static void
put_result(struct out *o, struct ar_ctx *ctx, int r)
{
	put(o, "verdict", r == AR_OK ? "accept" : r == AR_NOTHING ?
	    "nothing to check" : "deny");
	put(o, "result", ar_result_str(r));
	if (r != AR_OK && r != AR_NOTHING && ctx->reason != NULL)
		put(o, "reason", ctx->reason);
	if (r != AR_OK && r != AR_NOTHING && ctx->detail[0] != '\0')
		put(o, "detail", ctx->detail);
}

static void
put_identity(struct out *o, const struct ar_identity *id)
{
	size_t i;

	put(o, "ar_user", id->user_id);
	put(o, "username", id->username);
	put(o, "email", id->email);
	put(o, "realm", id->realm_id);
	put(o, "session", id->session_id);
	put_int(o, "generation", id->version);
	if (id->exp != 0)
		put_int(o, "exp", id->exp);
	for (i = 0; i < id->n_memb; i++)
		put(o, "org", id->memb[i].org_id);
}

static char *
read_stdin(size_t max)
{
	char *buf;
	size_t len = 0;
	ssize_t n;

	if ((buf = malloc(max + 1)) == NULL)
		return NULL;
	while (len < max && (n = read(0, buf + len, max - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	/* One trailing newline, as a shell here-string adds. */
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return buf;
}

static int
cmd_config(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf)
{
	static const char *modes[] = { "auto", "token", "password" };
	char desc[128];
	struct ar_key key;
	int r;

	put(o, "config", conf->config_path);
	put(o, "mode", modes[conf->mode]);
	put(o, "api_url", conf->api_url);
	put_int(o, "api_version", conf->api_version);
	put(o, "realm_id", conf->realm_id);
	put(o, "jwks_url", conf->jwks_url);
	put_int(o, "min_uid", conf->min_uid);
	put_int(o, "timeout", conf->timeout);
	if (conf->jwt_key != NULL) {
		memset(&key, 0, sizeof(key));
		r = ar_key_parse(ctx, conf->jwt_key, conf->jwt_key_len, &key);
		if (r != AR_OK) {
			put(o, "jwt_key", "invalid");
			put(o, "detail", ctx->detail);
			return EXIT_USAGE;
		}
		ar_key_describe(&key, desc, sizeof(desc));
		put(o, "jwt_key", desc);
		ar_key_free(&key);
	} else {
		put(o, "jwt_key", conf->jwks_url ? "from JWKS" : "none");
	}
	put(o, "verdict", "ok");
	return EXIT_OK;
}

static int
cmd_token(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf,
    const char *user)
{
	struct ar_identity *id = NULL;
	int r;

	ctx->user = user;
	ctx->prompt = prompt_stdin;
	ctx->prompt_arg = o;
	if ((o->stdin_token = read_stdin(AR_MAX_INPUT)) == NULL)
		return EXIT_USAGE;
	/* This command never sends what it reads anywhere but the parser. */
	conf->mode = AR_MODE_TOKEN;
	r = ar_auth_authenticate(ctx, conf, &id);
	put_result(o, ctx, r);
	if (r == AR_OK) {
		put(o, "local_user", user);
		put_identity(o, id);
	}
	ar_identity_free(id);
	if (r == AR_ERR_CONFIG)
		return EXIT_USAGE;
	return r == AR_OK ? EXIT_OK : EXIT_FAILED;
}

static int
cmd_api(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf)
{
	struct ar_api_probe p;
	int r, rc;

	if (conf->api_url == NULL) {
		put(o, "verdict", "no api_url configured");
		return EXIT_USAGE;
	}
	memset(&p, 0, sizeof(p));
	r = ar_api_probe(ctx, conf, &p);
	put(o, "api_url", conf->api_url);
	put_int(o, "status", p.status);
	put_int(o, "latency_ms", p.time_ms);
	put(o, "tls", p.tls);
	put(o, "error", p.error);
	put(o, "server_date", p.date);
	if (p.date != NULL) {
		struct tm tm;

		memset(&tm, 0, sizeof(tm));
		if (strptime(p.date, "%a, %d %b %Y %H:%M:%S GMT", &tm) != NULL)
			put_int(o, "clock_skew_s",
			    (long long)(time(NULL) - timegm(&tm)));
	}
	rc = r == AR_OK && p.status >= 200 && p.status < 300 ? EXIT_OK :
	    EXIT_FAILED;
	put(o, "verdict", rc == EXIT_OK ? "ok" : "failed");
	if (rc != EXIT_OK && ctx->reason != NULL)
		put(o, "reason", ctx->reason);
	ar_api_probe_clear(&p);
	return rc;
}

static int
cmd_user(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf,
    const char *user)
{
	int r;

	ctx->user = user;
	r = ar_auth_account(ctx, conf, NULL);
	put(o, "local_user", user);
	put_result(o, ctx, r);
	if (r == AR_NOTHING)
		put(o, "note", "no api_url: the account phase has nothing to "
		    "check and leaves the decision to the rest of the stack");
	if (r == AR_ERR_CONFIG)
		return EXIT_USAGE;
	return r == AR_OK || r == AR_NOTHING ? EXIT_OK : EXIT_FAILED;
}

static void
usage(void)
{
	fprintf(stderr, "usage: authrocket-check [--config PATH] [--json] "
	    "config | token LOCAL_USER | api | user LOCAL_USER\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = AR_DEFAULT_CONFIG, *cmd;
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct out o;
	int ch, r, rc = EXIT_USAGE;

	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "c:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		default:
			usage();
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage();
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	if (((strcmp(cmd, "token") == 0 || strcmp(cmd, "user") == 0) &&
	    optind + 2 != argc) ||
	    ((strcmp(cmd, "config") == 0 || strcmp(cmd, "api") == 0) &&
	    optind + 1 != argc)) {
		usage();
		return EXIT_USAGE;
	}
	if (o.json) {
		o.obj = json_object();
		o.log = json_array();
		if (o.obj == NULL || o.log == NULL)
			return EXIT_USAGE;
	}
	ar_ctx_init(&ctx, "check");
	ctx.service = "authrocket-check";
	ctx.log = log_sink;
	ctx.log_arg = &o;
	memset(&conf, 0, sizeof(conf));
	/* The path is the default here, so a relative --config works too. */
	r = ar_conf_load(&ctx, 0, NULL, path, &conf);
	if (r != AR_OK) {
		put(&o, "verdict", "configuration error");
		put(&o, "detail", ctx.detail);
		rc = EXIT_USAGE;
		goto done;
	}
	if (strcmp(cmd, "config") == 0)
		rc = cmd_config(&o, &ctx, &conf);
	else if (strcmp(cmd, "token") == 0)
		rc = cmd_token(&o, &ctx, &conf, argv[optind + 1]);
	else if (strcmp(cmd, "api") == 0)
		rc = cmd_api(&o, &ctx, &conf);
	else if (strcmp(cmd, "user") == 0)
		rc = cmd_user(&o, &ctx, &conf, argv[optind + 1]);
	else {
		usage();
		rc = EXIT_USAGE;
	}
 done:
	ar_conf_free(&conf);
	ar_secure_free_str(o.stdin_token);
	if (o.json) {
		char *s;

		json_object_set_new(o.obj, "exit", json_integer(rc));
		json_object_set(o.obj, "log", o.log);
		if ((s = json_dumps(o.obj, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER)) != NULL) {
			puts(s);
			free(s);
		}
		json_decref(o.log);
		json_decref(o.obj);
	}
	return rc;
}
