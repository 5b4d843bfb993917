/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A test driver for the API side of the library: runs one call of
 * src/api.c or src/jwks.c against the configured AuthRocket (the mock in
 * tests) and prints the outcome as key=value lines.
 *
 *   arapi [--config PATH] [--debug] [--rhost H] [--service S] [--now T]
 *         COMMAND ARG
 *
 *   authenticate NAME   password from the first stdin line; a second line
 *                       is the TOTP code sent when a code is asked for
 *   user NAME           GET users/NAME
 *   memberships ID      GET memberships?user_id=ID (ID not starting usr_:
 *                       looked up with GET users/ID first)
 *   session SID         GET sessions/SID
 *   jwks KID            the key for KID ("-": no kid) via the JWKS cache
 *   probe               what authrocket-check api sees
 *
 * Output: "result=<ar_result_str>", "reason=...", "detail=..." and the
 * fields of the outcome; log lines go to stderr as "log PRIO: LINE".
 * Exit 0 when the result is ok, 1 otherwise, 2 on usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "jwks.h"
#include "key.h"
#include "secure.h"

static void
log_stderr(void *arg, int prio, const char *line)
{
	(void)arg;
	fprintf(stderr, "log %d: %s\n", prio, line);
}

static void
print_id(const struct ar_identity *id)
{
	size_t i, j;

	printf("user_id=%s\n", id->user_id ? id->user_id : "");
	printf("username=%s\n", id->username ? id->username : "");
	printf("email=%s\n", id->email ? id->email : "");
	printf("reference=%s\n", id->reference ? id->reference : "");
	printf("session_id=%s\n", id->session_id ? id->session_id : "");
	if (id->have_state) {
		printf("state=%s\n", id->active ? "active" : "inactive");
		printf("human=%d\n", id->human);
	} else {
		printf("state=\n");
	}
	for (i = 0; i < id->n_custom; i++)
		printf("custom.%s=%s\n", id->custom[i].name,
		    id->custom[i].value);
	if (id->have_memberships) {
		printf("memberships=%zu\n", id->n_memb);
		for (i = 0; i < id->n_memb; i++) {
			printf("membership=%s:",
			    id->memb[i].org_id ? id->memb[i].org_id : "");
			for (j = 0; j < id->memb[i].n_perm; j++)
				printf("%s%s", j ? "," : "",
				    id->memb[i].perm[j]);
			printf("\n");
		}
	}
}

/* One line of stdin without its newline, or NULL at end of input. */
static char *
read_line(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if ((n = getline(&line, &cap, stdin)) < 0) {
		free(line);
		return NULL;
	}
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	return line;
}

static int
cmd_authenticate(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *name)
{
	struct ar_login login;
	char *pw, *code, *challenge;
	int r;

	memset(&login, 0, sizeof(login));
	if ((pw = read_line()) == NULL)
		pw = strdup("");
	code = read_line();
	r = ar_api_authenticate(ctx, conf, name, pw, &login);
	if (r == AR_OK && login.need_code) {
		printf("need_code=1\n");
		printf("challenge=%s\n", strncmp(login.challenge, "kli_", 4)
		    == 0 ? "kli" : strncmp(login.challenge, "tmf:", 4) == 0 ?
		    "tmf" : "other");
		if (code != NULL) {
			challenge = login.challenge;
			login.challenge = NULL;
			ar_login_clear(&login);
			r = ar_api_authenticate_code(ctx, conf, name, challenge,
			    code, &login);
			ar_secure_free_str(challenge);
			if (r == AR_OK)
				printf("code_need_code=%d\n", login.need_code);
		}
	} else if (r == AR_OK) {
		printf("need_code=0\n");
	}
	if (r == AR_OK && !login.need_code) {
		printf("token=%s\n", login.token == NULL ? "none" : "jwt");
		printf("have_id=%d\n", login.have_id);
		if (login.have_id)
			print_id(&login.id);
	}
	ar_login_clear(&login);
	ar_secure_free_str(pw);
	ar_secure_free_str(code);
	return r;
}

static int
cmd_memberships(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *arg)
{
	struct ar_identity id;
	int r;

	memset(&id, 0, sizeof(id));
	if (strncmp(arg, "usr_", 4) == 0) {
		if ((id.user_id = strdup(arg)) == NULL)
			return AR_ERR_NOMEM;
	} else if ((r = ar_api_get_user(ctx, conf, arg, &id)) != AR_OK) {
		return r;
	}
	r = ar_api_memberships(ctx, conf, &id);
	if (r == AR_OK)
		print_id(&id);
	ar_identity_clear(&id);
	return r;
}

static int
cmd_jwks(struct ar_ctx *ctx, const struct ar_conf *conf, const char *kid)
{
	struct ar_key key;
	char desc[160];
	int r;

	memset(&key, 0, sizeof(key));
	r = ar_jwks_key(ctx, conf, strcmp(kid, "-") == 0 ? NULL : kid, &key);
	if (r == AR_OK) {
		ar_key_describe(&key, desc, sizeof(desc));
		printf("alg=%s\n", ar_alg_str(key.alg));
		printf("bits=%d\n", key.bits);
		printf("kid=%s\n", key.kid ? key.kid : "");
		printf("key=%s\n", desc);
	}
	ar_key_free(&key);
	return r;
}

static int
cmd_probe(struct ar_ctx *ctx, const struct ar_conf *conf)
{
	struct ar_api_probe p;
	int r;

	memset(&p, 0, sizeof(p));
	if ((r = ar_api_probe(ctx, conf, &p)) == AR_OK) {
		printf("status=%ld\n", p.status);
		printf("time_ms=%ld\n", p.time_ms);
		printf("tls=%s\n", p.tls ? p.tls : "");
		printf("date=%s\n", p.date ? p.date : "");
		printf("error=%s\n", p.error ? p.error : "");
	}
	ar_api_probe_clear(&p);
	return r;
}

static void
usage(void)
{
	fprintf(stderr, "usage: arapi [--config PATH] [--debug] [--rhost H] "
	    "[--service S] [--now T]\n"
	    "             authenticate NAME | user NAME | memberships ID | "
	    "session SID | jwks KID | probe\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	const char *config = AR_DEFAULT_CONFIG, *cmd, *arg;
	const char *cargv[2];
	char cfg[4200];
	int i, r, debug = 0;

	ar_ctx_init(&ctx, "check");
	ctx.service = "arapi";
	ctx.log = log_stderr;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--debug") == 0)
			debug = 1;
		else if (i + 1 >= argc)
			usage();
		else if (strcmp(argv[i], "--config") == 0)
			config = argv[++i];
		else if (strcmp(argv[i], "--rhost") == 0)
			ctx.rhost = argv[++i];
		else if (strcmp(argv[i], "--service") == 0)
			ctx.service = argv[++i];
		else if (strcmp(argv[i], "--now") == 0) {
			ctx.clock = NULL;	/* a fixed time */
			ctx.now = (time_t)strtoll(argv[++i], NULL, 10);
		} else
			usage();
	}
	if (i >= argc)
		usage();
	cmd = argv[i++];
	arg = i < argc ? argv[i] : NULL;
	if (arg == NULL && strcmp(cmd, "probe") != 0)
		usage();
	snprintf(cfg, sizeof(cfg), "config=%s", config);
	cargv[0] = cfg;
	cargv[1] = debug ? "debug" : NULL;
	memset(&conf, 0, sizeof(conf));
	r = ar_conf_load(&ctx, debug ? 2 : 1, cargv, AR_DEFAULT_CONFIG, &conf);
	if (r != AR_OK) {
		printf("result=%s\nreason=%s\ndetail=%s\n", ar_result_str(r),
		    ctx.reason ? ctx.reason : "", ctx.detail);
		return 2;
	}
	if (debug)
		ctx.debug = 1;
	memset(&id, 0, sizeof(id));
	if (strcmp(cmd, "authenticate") == 0) {
		r = cmd_authenticate(&ctx, &conf, arg);
	} else if (strcmp(cmd, "user") == 0) {
		if ((r = ar_api_get_user(&ctx, &conf, arg, &id)) == AR_OK)
			print_id(&id);
		ar_identity_clear(&id);
	} else if (strcmp(cmd, "memberships") == 0) {
		r = cmd_memberships(&ctx, &conf, arg);
	} else if (strcmp(cmd, "session") == 0) {
		r = ar_api_session_live(&ctx, &conf, arg);
	} else if (strcmp(cmd, "jwks") == 0) {
		r = cmd_jwks(&ctx, &conf, arg);
	} else if (strcmp(cmd, "probe") == 0) {
		r = cmd_probe(&ctx, &conf);
	} else {
		ar_conf_free(&conf);
		usage();
	}
	printf("result=%s\n", ar_result_str(r));
	printf("reason=%s\n", r != AR_OK && ctx.reason ? ctx.reason : "");
	printf("detail=%s\n", r != AR_OK ? ctx.detail : "");
	ar_conf_free(&conf);
	return r == AR_OK ? 0 : 1;
}
