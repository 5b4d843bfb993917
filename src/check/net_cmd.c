/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-check api and jwks: reach AuthRocket as the module would
 * (through the helper) and say what is wrong in words that name the fix:
 * a rejected or quoted key, a wrong realm, a clock off by more than
 * leeway, a JWKS location that does not answer with usable keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "fetch.h"
#include "check.h"
#include "json.h"
#include "jwks.h"
#include "key.h"

/* Seconds this host's clock is ahead of the server's Date header. */
static int
clock_skew(const char *date, long long *skew)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (date == NULL ||
	    strptime(date, "%a, %d %b %Y %H:%M:%S GMT", &tm) == NULL)
		return 0;
	*skew = (long long)(time(NULL) - timegm(&tm));
	return 1;
}

static int
judge_skew(struct out *o, const struct ar_conf *conf, long long skew)
{
	long long mag = skew < 0 ? -skew : skew;

	put_int(o, "clock_skew_s", skew);
	if (mag <= conf->leeway)
		return EXIT_OK;
	problem(o, "this host's clock is %lld s %s AuthRocket's, more than "
	    "leeway (%lld s): fresh tokens fail with %s; set the clock right "
	    "(NTP, e.g. systemd-timesyncd or chrony)", mag,
	    skew > 0 ? "ahead of" : "behind", (long long)conf->leeway,
	    skew > 0 ? "expired" : "issued_in_future or not_yet_valid");
	return EXIT_FAILED;
}

int
cmd_api(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf,
    char **argv)
{
	struct ar_api_probe p;
	long long skew;
	int r, rc;

	(void)argv;
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
	rc = r == AR_OK && p.status >= 200 && p.status < 300 ? EXIT_OK :
	    EXIT_FAILED;
	if (rc != EXIT_OK && ctx->reason != NULL) {
		put(o, "reason", ctx->reason);
		hint_after_failure(o, ctx, conf);
	}
	if (clock_skew(p.date, &skew) && judge_skew(o, conf, skew) != EXIT_OK)
		rc = EXIT_FAILED;
	put(o, "verdict", rc == EXIT_OK ? "ok" : "failed");
	ar_api_probe_clear(&p);
	return rc;
}

/* Describe each key of the document as the module would use it. */
static int
describe_keys(struct out *o, struct ar_ctx *ctx, const char *doc,
    size_t len)
{
	json_t *root = NULL, *keys, *jwk, *list;
	char desc[320];
	struct ar_key key;
	size_t i, usable = 0;

	if (ar_json_parse_object(ctx, doc, len, AR_ERR_UNAVAIL, &root) !=
	    AR_OK || !json_is_array(keys = json_object_get(root, "keys"))) {
		problem(o, "the JWKS document is not a JSON object with a "
		    "\"keys\" array: jwks_url (or loginrocket_url) names "
		    "something else than the realm's /connect/jwks");
		json_decref(root);
		return EXIT_FAILED;
	}
	list = json_array();
	json_array_foreach(keys, i, jwk) {
		const char *kid = json_string_value(json_object_get(jwk,
		    "kid"));

		memset(&key, 0, sizeof(key));
		ar_ctx_clear_error(ctx);
		if (kid != NULL && ar_jwks_find(ctx, doc, len, kid, &key) ==
		    AR_OK) {
			ar_key_describe(&key, desc, sizeof(desc));
			usable++;
		} else {
			snprintf(desc, sizeof(desc), "unusable: %s",
			    kid == NULL ? "no kid" : ctx->detail);
		}
		ar_key_free(&key);
		if (o->json)
			json_array_append_new(list, json_string(desc));
		else
			put(o, "key", desc);
	}
	if (o->json)
		json_object_set_new(o->obj, "keys", list);
	else
		json_decref(list);
	json_decref(root);
	put_int(o, "usable_keys", (long long)usable);
	if (usable == 0) {
		problem(o, "the JWKS document holds no usable key: token "
		    "logins will fail with unknown_kid");
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

int
cmd_jwks(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf,
    char **argv)
{
	char *doc = NULL;
	size_t len = 0;
	int rc;

	(void)argv;
	if (conf->jwks_url == NULL) {
		put(o, "verdict", "no jwks_url or loginrocket_url configured");
		return EXIT_USAGE;
	}
	put(o, "jwks_url", conf->jwks_url);
	if (conf->jwt_key != NULL)
		put(o, "note", "jwt_key is set: the module uses it and never "
		    "this document");
	if (ar_fetch_get(ctx, conf, conf->jwks_url, &doc, &len) != AR_OK) {
		put(o, "reason", ctx->reason);
		put(o, "detail", ctx->detail);
		problem(o, "the JWKS could not be fetched: check "
		    "loginrocket_url (the realm's LoginRocket address, e.g. "
		    "https://NAME.e2.loginrocket.com) or jwks_url, and that "
		    "this host reaches it");
		put(o, "verdict", "failed");
		return EXIT_FAILED;
	}
	rc = describe_keys(o, ctx, doc, len);
	free(doc);
	put(o, "verdict", rc == EXIT_OK ? "ok" : "failed");
	return rc;
}
