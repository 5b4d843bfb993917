/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-check: what the commands share.  Each command is a function
 * of the command table in main.c; it prints through the out helpers
 * (text lines, or one JSON object with --json) and returns the exit
 * status: 0 ok, 1 the check failed, 2 usage or configuration error.
 */
#ifndef AR_CHECK_H
#define AR_CHECK_H

#include <jansson.h>

#include "ar.h"
#include "conf.h"
#include "identity.h"

#define EXIT_OK		0
#define EXIT_FAILED	1
#define EXIT_USAGE	2

struct out {
	int	 json;
	json_t	*obj;		/* the --json result */
	json_t	*log;		/* log lines */
	json_t	*problems;	/* what is wrong, each naming the fix */
	char	*stdin_token;	/* the token command's input */
	int	 prompts;
};

/* A command: argv holds exactly the arguments its table entry names. */
typedef int check_cmd_fn(struct out *o, struct ar_ctx *ctx,
    struct ar_conf *conf, char **argv);

/* out.c */
void	out_log_sink(void *arg, int prio, const char *line);
void	put(struct out *o, const char *key, const char *val);
void	put_cb(void *o, const char *key, const char *val); /* put() for callbacks */
void	put_int(struct out *o, const char *key, long long v);
void	put_result(struct out *o, struct ar_ctx *ctx, int r);
void	put_identity(struct out *o, const struct ar_identity *id);
void	problem(struct out *o, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	hint_after_failure(struct out *o, const struct ar_ctx *ctx,
	    const struct ar_conf *conf);
int	quoted(const char *s);

/* config_cmd.c */
check_cmd_fn cmd_config;

/* net_cmd.c */
check_cmd_fn cmd_api;
check_cmd_fn cmd_jwks;

/* login_cmd.c */
check_cmd_fn cmd_token;
check_cmd_fn cmd_password;
check_cmd_fn cmd_user;
check_cmd_fn cmd_cache;

#endif /* AR_CHECK_H */
