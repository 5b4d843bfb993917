/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The outage marker: one small file per API URL in the cache directory
 * saying since when AuthRocket is unreachable and until when nobody asks
 * it again.  Reading it is cheap; it is written only when an outage
 * starts, is extended, or ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "outage.h"
#include "secure.h"

#define MARKER_MAX	256	/* bytes a marker may have */

int
ar_outage_reason(const char *reason)
{
	static const char *const unreachable[] = { "offline", "timeout",
	    "connect", "resolve", "tls", "server_error", "rate_limited",
	    NULL };
	size_t i;

	for (i = 0; reason != NULL && unreachable[i] != NULL; i++)
		if (strcmp(reason, unreachable[i]) == 0)
			return 1;
	return 0;
}

void
ar_outage_name(const struct ar_conf *conf, char *buf, size_t n)
{
	char tag[20];

	ar_cache_url_tag(conf->api_url, tag, sizeof(tag));
	snprintf(buf, n, "outage-%s", tag);
}

/* A decimal integer field at *p up to the next blank or newline. */
static int
take_num(const char **p, int64_t *v)
{
	char *end;
	long long x;

	if (**p < '0' || **p > '9')
		return -1;
	errno = 0;
	x = strtoll(*p, &end, 10);
	if (errno != 0 || (*end != ' ' && *end != '\n'))
		return -1;
	*v = (int64_t)x;
	*p = end + 1;
	return 0;
}

/* "SINCE UNTIL REASON\n" */
static int
parse_marker(const char *buf, size_t len, struct ar_outage *o)
{
	const char *p = buf;
	size_t rl;

	memset(o, 0, sizeof(*o));
	if (strlen(buf) != len || take_num(&p, &o->since) != 0 ||
	    take_num(&p, &o->until) != 0)
		return -1;
	rl = strcspn(p, "\n");
	if (rl == 0 || rl >= sizeof(o->reason) || p[rl] != '\n' ||
	    p[rl + 1] != '\0')
		return -1;
	memcpy(o->reason, p, rl);
	o->reason[rl] = '\0';
	return 0;
}

int
ar_outage_read(struct ar_ctx *ctx, const struct ar_conf *conf,
    struct ar_outage *o)
{
	char name[48], *buf = NULL;
	size_t len = 0;
	time_t mtime;
	int r;

	if (conf->api_url == NULL)
		return AR_NOTHING;
	ar_outage_name(conf, name, sizeof(name));
	if ((r = ar_cache_read(ctx, conf, name, MARKER_MAX, &buf, &len,
	    &mtime)) != AR_OK)
		return r;
	if (parse_marker(buf, len, o) != 0)
		r = ar_fail(ctx, AR_ERR_CONFIG, "cache",
		    "cache: %s: not an outage marker", name);
	free(buf);
	return r;
}

static void
write_marker(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_outage *o)
{
	struct ar_ctx scratch;
	char name[48], buf[MARKER_MAX];
	int n;

	ar_ctx_try(ctx, &scratch);
	ar_outage_name(conf, name, sizeof(name));
	n = snprintf(buf, sizeof(buf), "%lld %lld %s\n",
	    (long long)o->since, (long long)o->until, o->reason);
	if (ar_cache_write(&scratch, conf, name, buf, (size_t)n) != AR_OK)
		ar_log_trial(ctx, AR_LOG_WARNING, &scratch,
		    "outage: cannot record: ");
}

int
ar_outage_check(struct ar_ctx *ctx, const struct ar_conf *conf, int *probe)
{
	struct ar_ctx scratch;
	struct ar_outage o;
	int r;

	*probe = 0;
	if (conf->offline_timeout == 0 || conf->api_url == NULL)
		return AR_OK;
	ar_ctx_try(ctx, &scratch);
	r = ar_outage_read(&scratch, conf, &o);
	if (r == AR_NOTHING)
		return AR_OK;
	if (r != AR_OK) {
		/* Without a usable marker we simply ask AuthRocket. */
		ar_log_trial(ctx, AR_LOG_WARNING, &scratch,
		    "outage: marker ignored: ");
		return AR_OK;
	}
	if ((int64_t)ctx->now < o.until &&
	    o.until - (int64_t)ctx->now <= AR_OUTAGE_MAX_RETRY_AFTER + 60 +
	    conf->offline_timeout)
		return ar_fail(ctx, AR_ERR_UNAVAIL, "offline",
		    "AuthRocket unreachable since %lld (%s): not asked again "
		    "for %lld s", (long long)o.since, o.reason,
		    (long long)(o.until - (int64_t)ctx->now));
	/*
	 * The window is over (or the marker lies about the future): this
	 * request tries again and holds the others off while it does.
	 */
	o.until = (int64_t)ctx->now + conf->timeout + 1;
	snprintf(o.reason, sizeof(o.reason), "%s", "probe");
	write_marker(ctx, conf, &o);
	*probe = 1;
	return AR_OK;
}

void
ar_outage_note(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *error, long status, long retry_after, int probe)
{
	struct ar_ctx scratch;
	struct ar_outage o;
	int64_t window;
	char name[48];

	if (conf->offline_timeout == 0 || conf->api_url == NULL)
		return;
	/*
	 * A helper that failed or a reply too large to take is not
	 * AuthRocket being away; no reply in time, no connection or no TLS
	 * is, and so are 5xx and 429.
	 */
	if (error != NULL && (strcmp(error, "offline") == 0 ||
	    !ar_outage_reason(error)))
		return;
	if (error == NULL && status != 429 && status < 500) {
		/* AuthRocket answered: the outage, if any, is over. */
		if (!probe)
			return;
		ar_ctx_try(ctx, &scratch);
		ar_outage_name(conf, name, sizeof(name));
		if (ar_cache_remove(&scratch, conf, name) != AR_OK)
			ar_log_trial(ctx, AR_LOG_WARNING, &scratch,
			    "outage: cannot clear: ");
		else
			ar_log(ctx, AR_LOG_NOTICE, "outage: AuthRocket at %s "
			    "answers again", conf->api_url);
		return;
	}
	memset(&o, 0, sizeof(o));
	ar_ctx_try(ctx, &scratch);
	if (ar_outage_read(&scratch, conf, &o) != AR_OK ||
	    strcmp(o.reason, "probe") == 0 || o.since > (int64_t)ctx->now)
		o.since = (int64_t)ctx->now;
	window = conf->offline_timeout;
	/* AuthRocket said when to come back: believe it, within reason. */
	if (status == 429 && retry_after > window)
		window = retry_after < AR_OUTAGE_MAX_RETRY_AFTER ?
		    retry_after : AR_OUTAGE_MAX_RETRY_AFTER;
	o.until = (int64_t)ctx->now + window;
	snprintf(o.reason, sizeof(o.reason), "%s", error != NULL ? error :
	    status == 429 ? "rate_limited" : "server_error");
	write_marker(ctx, conf, &o);
	ar_log(ctx, AR_LOG_NOTICE, "outage: AuthRocket at %s unreachable "
	    "(%s): answering at once for %lld s", conf->api_url, o.reason,
	    (long long)window);
}
