/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-check output: "name value" lines on stdout (log lines on
 * stderr), or members of one JSON object; problems and hints that name
 * the fix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "key.h"

void
out_log_sink(void *arg, int prio, const char *line)
{
	struct out *o = arg;

	(void)prio;
	if (o->json)
		json_array_append_new(o->log, json_string(line));
	else
		fprintf(stderr, "log: %s\n", line);
}

void
put(struct out *o, const char *key, const char *val)
{
	if (o->json)
		json_object_set_new(o->obj, key, val ? json_string(val) :
		    json_null());
	else
		printf("%-16s %s\n", key, val ? val : "-");
}

void
put_cb(void *o, const char *key, const char *val)
{
	put(o, key, val);
}

void
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

/* One finding; several may be printed, so JSON collects them in a list. */
void
problem(struct out *o, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (o->json)
		json_array_append_new(o->problems, json_string(buf));
	else
		printf("%-16s %s\n", "problem", buf);
}

void
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

void
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

/* A value wrapped in matching quotes: the file takes them literally. */
int
quoted(const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) < 2)
		return 0;
	return (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0];
}

/* After a failed login or lookup: the likely misconfiguration, if any. */
void
hint_after_failure(struct out *o, const struct ar_ctx *ctx,
    const struct ar_conf *conf)
{
	const char *why = ctx->reason != NULL ? ctx->reason : "";

	if (strcmp(why, "bad_signature") == 0 && conf->jwt_key != NULL &&
	    !ar_key_text_is_public(conf->jwt_key, conf->jwt_key_len) &&
	    strncmp(conf->jwt_key, "jsk_", 4) != 0)
		problem(o, "jwt_key does not start with jsk_: AuthRocket's "
		    "HS256 realm secrets do, and the prefix is part of the "
		    "secret; paste the whole secret, jsk_ included");
	if (strcmp(why, "api_key_rejected") == 0 && quoted(conf->api_key))
		problem(o, "api_key is in quotes: the configuration takes "
		    "values literally, quotes included; remove them");
	else if (strcmp(why, "api_key_rejected") == 0)
		problem(o, "AuthRocket refused the API key (403): check "
		    "api_key (and account_id for key_ keys) and realm_id");
	if (strcmp(why, "realm_not_found") == 0)
		problem(o, "AuthRocket knows no realm %s for this key: set "
		    "realm_id to the realm's id (rl_...)",
		    conf->realm_id != NULL ? conf->realm_id : "-");
	if (strcmp(why, "unknown_kid") == 0)
		problem(o, "the token's key id is not in the JWKS document: "
		    "check jwks_url/loginrocket_url names this realm "
		    "(authrocket-check jwks lists the keys)");
}
