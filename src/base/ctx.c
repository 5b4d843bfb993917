/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The context's failure record and logging: escaping of untrusted text,
 * the one decision line per login, and result names.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ar.h"

void
ar_ctx_init(struct ar_ctx *ctx, const char *phase)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->phase = phase;
	ctx->clock = ar_clock_wall;
	(void)ar_ctx_tick(ctx);
	ctx->owner = geteuid();
	ctx->err = AR_OK;
}

time_t
ar_clock_wall(void *arg)
{
	(void)arg;
	return time(NULL);
}

time_t
ar_ctx_tick(struct ar_ctx *ctx)
{
	if (ctx->clock != NULL)
		ctx->now = ctx->clock(ctx->clock_arg);
	return ctx->now;
}

void
ar_ctx_clear_error(struct ar_ctx *ctx)
{
	ctx->err = AR_OK;
	ctx->reason = NULL;
	ctx->detail[0] = '\0';
}

void
ar_ctx_try(const struct ar_ctx *ctx, struct ar_ctx *scratch)
{
	*scratch = *ctx;
	ar_ctx_clear_error(scratch);
}

int
ar_ctx_adopt(struct ar_ctx *ctx, const struct ar_ctx *scratch, int r)
{
	if (r == AR_OK || ctx->err != AR_OK)
		return r;
	ctx->err = r;
	if (scratch->err == AR_OK || scratch->reason == NULL) {
		ctx->reason = "internal";
		ctx->detail[0] = '\0';
		return r;
	}
	ctx->reason = scratch->reason;
	memcpy(ctx->detail, scratch->detail, sizeof(ctx->detail));
	return r;
}

/*
 * Escape into dst: printable ASCII stays, except backslash and the bytes
 * in extra; everything else becomes \xHH.
 */
static char *
escape_set(char *dst, size_t n, const char *src, size_t len,
    const char *extra)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (n == 0)
		return dst;
	for (i = 0; src != NULL && i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' &&
		    strchr(extra, c) == NULL) {
			if (o + 1 >= n)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= n)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		}
	}
	dst[o] = '\0';
	return dst;
}

char *
ar_escape(char *dst, size_t n, const char *src, size_t len)
{
	return escape_set(dst, n, src, len, "");
}

/* Format, then escape: the detail may quote names from tokens. */
static void
format_escaped(char *dst, size_t n, const char *fmt, va_list ap)
{
	char raw[512];
	int len;

	len = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (len < 0)
		len = 0;
	if ((size_t)len >= sizeof(raw))
		len = sizeof(raw) - 1;
	ar_escape(dst, n, raw, (size_t)len);
}

static void
emit(struct ar_ctx *ctx, int prio, const char *line)
{
	if (ctx->log != NULL)
		ctx->log(ctx->log_arg, prio, line);
}

int
ar_fail(struct ar_ctx *ctx, int code, const char *reason, const char *fmt,
    ...)
{
	char buf[sizeof(ctx->detail)];
	va_list ap;

	va_start(ap, fmt);
	format_escaped(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (ctx->err == AR_OK) {
		ctx->err = code;
		ctx->reason = reason;
		memcpy(ctx->detail, buf, sizeof(buf));
	}
	if (ctx->debug)
		emit(ctx, AR_LOG_DEBUG, buf);
	return code;
}

void
ar_log(struct ar_ctx *ctx, int prio, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (prio == AR_LOG_DEBUG && !ctx->debug)
		return;
	va_start(ap, fmt);
	format_escaped(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	emit(ctx, prio, buf);
}

static const char *
esc_or_dash(char *buf, size_t n, const char *s)
{
	if (s == NULL || *s == '\0')
		return "-";
	/* A field of the decision line: blanks and '=' could forge fields. */
	return escape_set(buf, n, s, strlen(s), " =\"");
}

/* The verb of the outcome line, and its priority. */
static const char *
outcome(int r, int *prio)
{
	switch (r) {
	case AR_OK:
		*prio = AR_LOG_INFO;
		return "allow";
	case AR_ERR_UNAVAIL:
		*prio = AR_LOG_WARNING;
		return "unavailable";
	case AR_ERR_AUTH:
	case AR_ERR_DENIED:
	case AR_ERR_USER_UNKNOWN:
		*prio = AR_LOG_NOTICE;
		return "deny";
	default:
		*prio = AR_LOG_ERR;
		return "deny";
	}
}

void
ar_log_decision(struct ar_ctx *ctx, int r, const char *method,
    const char *ar_user_id)
{
	char ubuf[4 * 64], hbuf[256], ibuf[128], nbuf[4 * 64], sbuf[128],
	    vbuf[128], why[96], line[1280];
	const char *verb;
	int prio;

	verb = outcome(r, &prio);
	why[0] = '\0';
	if (r != AR_OK)
		snprintf(why, sizeof(why), " reason=%s",
		    ctx->reason ? ctx->reason : ar_result_str(r));
	snprintf(line, sizeof(line), "%s user=%s rhost=%s method=%s%s "
	    "ar_user=%s ar_name=%s session=%s service=%s", verb,
	    esc_or_dash(ubuf, sizeof(ubuf), ctx->user),
	    esc_or_dash(hbuf, sizeof(hbuf), ctx->rhost),
	    method != NULL ? method : "-", why,
	    esc_or_dash(ibuf, sizeof(ibuf), ar_user_id),
	    esc_or_dash(nbuf, sizeof(nbuf), ctx->ar_name),
	    esc_or_dash(sbuf, sizeof(sbuf), ctx->ar_session),
	    esc_or_dash(vbuf, sizeof(vbuf), ctx->service));
	emit(ctx, prio, line);
	/*
	 * The detail is escaped already (ar_fail).  A configuration error is
	 * the administrator's to fix and a failed conversation names the
	 * host's limit, so their detail is always logged.
	 */
	if (ctx->detail[0] != '\0' && (r == AR_ERR_CONFIG || r == AR_ERR_CONV ||
	    ctx->debug)) {
		snprintf(line, sizeof(line), "detail: %s", ctx->detail);
		emit(ctx, r == AR_ERR_CONFIG ? AR_LOG_ERR : r == AR_ERR_CONV ?
		    AR_LOG_NOTICE : AR_LOG_DEBUG, line);
	}
}

const char *
ar_result_str(int r)
{
	switch (r) {
	case AR_OK:
		return "ok";
	case AR_ERR_AUTH:
		return "auth_err";
	case AR_ERR_DENIED:
		return "denied";
	case AR_ERR_USER_UNKNOWN:
		return "user_unknown";
	case AR_ERR_UNAVAIL:
		return "unavailable";
	case AR_ERR_CONFIG:
		return "config_error";
	case AR_ERR_CONV:
		return "conv_error";
	case AR_ERR_NOMEM:
		return "no_memory";
	case AR_NOTHING:
		return "nothing";
	default:
		return "internal_error";
	}
}

int64_t
ar_monotonic_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The escaped prefix, then the trial's detail as it is (escaped already). */
static void
format_trial(char *dst, size_t n, const struct ar_ctx *trial,
    const char *fmt, va_list ap)
{
	size_t used;

	format_escaped(dst, n, fmt, ap);
	used = strlen(dst);
	snprintf(dst + used, n - used, "%s", trial->detail);
}

int
ar_fail_trial(struct ar_ctx *ctx, int code, const char *reason,
    const struct ar_ctx *trial, const char *fmt, ...)
{
	char buf[sizeof(ctx->detail)];
	va_list ap;

	va_start(ap, fmt);
	format_trial(buf, sizeof(buf), trial, fmt, ap);
	va_end(ap);
	if (ctx->err == AR_OK) {
		ctx->err = code;
		ctx->reason = reason;
		memcpy(ctx->detail, buf, sizeof(buf));
	}
	if (ctx->debug)
		emit(ctx, AR_LOG_DEBUG, buf);
	return code;
}

void
ar_log_trial(struct ar_ctx *ctx, int prio, const struct ar_ctx *trial,
    const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (prio == AR_LOG_DEBUG && !ctx->debug)
		return;
	va_start(ap, fmt);
	format_trial(buf, sizeof(buf), trial, fmt, ap);
	va_end(ap);
	emit(ctx, prio, buf);
}
