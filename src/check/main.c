/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-check: the administrator's view of what the module would do.
 * It runs the same library code as the module, so its verdict is the
 * module's verdict; output is text or, with --json, one JSON object.
 * This file reads the command line and dispatches; each command lives in
 * a file of its own kind (config_cmd.c, net_cmd.c, login_cmd.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conf.h"
#include "secure.h"

#define MAX_ARGS	64	/* words of --args */

struct command {
	const char	*name;
	int		 nargs;		/* arguments after the name */
	check_cmd_fn	*fn;
	const char	*usage;
};

static const struct command commands[] = {
	{ "config", 0, cmd_config, "config" },
	{ "token", 1, cmd_token, "token LOCAL_USER" },
	{ "password", 1, cmd_password, "password LOCAL_USER" },
	{ "api", 0, cmd_api, "api" },
	{ "jwks", 0, cmd_jwks, "jwks" },
	{ "user", 1, cmd_user, "user LOCAL_USER" },
	{ "cache", 1, cmd_cache, "cache clear" },
	{ "cache", 2, cmd_cache, "cache clear LOCAL_USER" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: authrocket-check [--config PATH] [--args "
	    "'KEY=VALUE ...'] [--json] COMMAND\n       authrocket-check "
	    "--version | --help\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
}

/*
 * Split --args into words, as PAM splits a stack line's arguments: at
 * blanks, no quoting.  The words point into buf.
 */
static int
split_args(char *buf, const char **words, int max)
{
	char *save = NULL, *w;
	int n = 0;

	for (w = strtok_r(buf, " \t\n", &save); w != NULL;
	    w = strtok_r(NULL, " \t\n", &save)) {
		if (n == max)
			return -1;
		words[n++] = w;
	}
	return n;
}

static void
print_json(struct out *o, int rc)
{
	char *s;

	json_object_set_new(o->obj, "exit", json_integer(rc));
	if (json_array_size(o->problems) > 0)
		json_object_set(o->obj, "problems", o->problems);
	json_object_set(o->obj, "log", o->log);
	if ((s = json_dumps(o->obj, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER)) != NULL) {
		puts(s);
		free(s);
	}
}

static const struct command *
find_command(int argc, char **argv, int ind)
{
	size_t i;

	if (ind >= argc)
		return NULL;
	/* A name may stand twice, with different numbers of arguments. */
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[ind], commands[i].name) == 0 &&
		    ind + 1 + commands[i].nargs == argc)
			return &commands[i];
	return NULL;
}

static int
run(struct out *o, const struct command *cmd, const char *path,
    char *args, char **argv)
{
	const char *words[MAX_ARGS];
	struct ar_ctx ctx;
	struct ar_conf conf;
	int n = 0, rc;

	if (args != NULL && (n = split_args(args, words, MAX_ARGS)) < 0) {
		put(o, "verdict", "usage error");
		put(o, "detail", "--args: too many words");
		return EXIT_USAGE;
	}
	ar_ctx_init(&ctx, "check");
	ctx.service = "authrocket-check";
	ctx.log = out_log_sink;
	ctx.log_arg = o;
	memset(&conf, 0, sizeof(conf));
	/* The path is the default here, so a relative --config works too;
	 * a config= word of --args wins, as on a stack line. */
	if (ar_conf_load(&ctx, n, words, path, &conf) != AR_OK) {
		put(o, "verdict", "configuration error");
		put(o, "detail", ctx.detail);
		ar_conf_free(&conf);
		return EXIT_USAGE;
	}
	/* The words may carry secrets (jwt_key=...): only their number. */
	if (args != NULL)
		put_int(o, "stack_args", n);
	rc = cmd->fn(o, &ctx, &conf, argv);
	ar_conf_free(&conf);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "args", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct command *cmd;
	const char *path = AR_DEFAULT_CONFIG;
	char *args = NULL;
	struct out o;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "+c:a:jhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'a':
			args = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("authrocket-check %s\n", AR_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if ((cmd = find_command(argc, argv, optind)) == NULL) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.json) {
		o.obj = json_object();
		o.log = json_array();
		o.problems = json_array();
		if (o.obj == NULL || o.log == NULL || o.problems == NULL)
			return EXIT_USAGE;
	}
	rc = run(&o, cmd, path, args, argv + optind + 1);
	ar_secure_free_str(o.stdin_token);
	if (o.json) {
		print_json(&o, rc);
		json_decref(o.problems);
		json_decref(o.log);
		json_decref(o.obj);
	}
	return rc;
}
