/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-check token, password and user: run the module's own
 * authentication and account flows for a local user and print the
 * verdict, the reason and, where a misconfiguration is the likely cause,
 * what to change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth.h"
#include "cache_cmd.h"
#include "check.h"
#include "secure.h"

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

/*
 * The password command's conversation: prompts on stderr, one line of
 * stdin per prompt, echo off on a terminal.  Messages go to stderr.
 */
static int
prompt_tty(void *arg, int style, const char *text, char **reply)
{
	struct termios old, quiet;
	char *line;
	size_t len;
	int tty, hide;

	(void)arg;
	fprintf(stderr, "%s%s", text, style == AR_PROMPT_ERROR ||
	    style == AR_PROMPT_INFO ? "\n" : "");
	if (style != AR_PROMPT_ECHO_OFF && style != AR_PROMPT_ECHO_ON)
		return AR_OK;
	if ((line = calloc(1, AR_MAX_INPUT + 2)) == NULL)
		return AR_ERR_NOMEM;
	tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	hide = tty && style == AR_PROMPT_ECHO_OFF;
	if (hide) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (fgets(line, AR_MAX_INPUT + 2, stdin) == NULL) {
		line[0] = '\0';
		if (hide)
			(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		ar_secure_free(line, AR_MAX_INPUT + 2);
		return AR_ERR_CONV;
	}
	if (hide) {
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	len = strlen(line);
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	*reply = line;
	return AR_OK;
}

/* Print a login's verdict and identity or hint; returns the exit status. */
static int
report_login(struct out *o, struct ar_ctx *ctx, const struct ar_conf *conf,
    int r, const struct ar_identity *id)
{
	put_result(o, ctx, r);
	if (r == AR_OK)
		put_identity(o, id);
	else
		hint_after_failure(o, ctx, conf);
	if (r == AR_ERR_CONFIG)
		return EXIT_USAGE;
	return r == AR_OK ? EXIT_OK : EXIT_FAILED;
}

int
cmd_token(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf,
    char **argv)
{
	struct ar_identity *id = NULL;
	int r, rc;

	ctx->user = argv[0];
	ctx->prompt = prompt_stdin;
	ctx->prompt_arg = o;
	if ((o->stdin_token = read_stdin(AR_MAX_INPUT)) == NULL)
		return EXIT_USAGE;
	/* This command never sends what it reads anywhere but the parser. */
	conf->mode = AR_MODE_TOKEN;
	r = ar_auth_authenticate(ctx, conf, &id);
	put(o, "local_user", argv[0]);
	rc = report_login(o, ctx, conf, r, id);
	ar_identity_free(id);
	return rc;
}

/* A whole login: the authentication flow, then the account phase. */
int
cmd_password(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf,
    char **argv)
{
	struct ar_identity *id = NULL;
	int r, rc;

	ctx->user = argv[0];
	ctx->prompt = prompt_tty;
	ctx->prompt_arg = o;
	r = ar_auth_authenticate(ctx, conf, &id);
	if (r == AR_OK) {
		ctx->phase = "account";
		ar_ctx_clear_error(ctx);
		r = ar_auth_account(ctx, conf, id);
	}
	put(o, "local_user", argv[0]);
	put(o, "phase", ctx->phase);
	rc = report_login(o, ctx, conf, r, id);
	ar_identity_free(id);
	return rc;
}

int
cmd_user(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf,
    char **argv)
{
	int r;

	ctx->user = argv[0];
	/* What is cached before this check, which may refresh it. */
	ar_check_cache_show(ctx, conf, argv[0], put_cb, o);
	r = ar_auth_account(ctx, conf, NULL);
	put(o, "local_user", argv[0]);
	put_result(o, ctx, r);
	if (r == AR_NOTHING && conf->api_url == NULL)
		put(o, "note", "no api_url: the account phase has nothing to "
		    "check and leaves the decision to the rest of the stack");
	else if (r == AR_NOTHING)
		put(o, "note", "not an AuthRocket account here (uid below "
		    "min_uid, or not in the directory): the account phase "
		    "leaves the decision to the rest of the stack");
	else if (r != AR_OK)
		hint_after_failure(o, ctx, conf);
	if (r == AR_ERR_CONFIG)
		return EXIT_USAGE;
	return r == AR_OK ? EXIT_OK : EXIT_FAILED;
}

/* "cache clear [LOCAL_USER]": argv holds one or two words. */
int
cmd_cache(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf,
    char **argv)
{
	return ar_check_cache_cmd(ctx, conf, argv[1] != NULL ? 2 : 1, argv,
	    put_cb, o);
}
