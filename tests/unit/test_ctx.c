/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the context's failure record and of trials: a step run on
 * a scratch context (ar_ctx_try) records nothing in the login's context
 * until its failure is taken over (ar_ctx_adopt), and then the first
 * failure recorded still wins.
 */
#include <string.h>

#include "ar.h"
#include "harness.h"

struct sink {
	int	lines;
};

static void
count_line(void *arg, int prio, const char *line)
{
	struct sink *s = arg;

	(void)prio;
	(void)line;
	s->lines++;
}

/* A trial starts clean and leaves the context alone. */
static void
test_try_starts_clean(void)
{
	struct ar_ctx ctx, scratch;
	struct sink s = { 0 };

	ar_ctx_init(&ctx, "auth");
	ctx.user = "alice";
	ctx.log = count_line;
	ctx.log_arg = &s;
	ctx.deadline_ms = 1234;
	(void)ar_fail(&ctx, AR_ERR_UNAVAIL, "timeout", "first");
	ar_ctx_try(&ctx, &scratch);
	T_EQ_INT(scratch.err, AR_OK);
	T_CHECK(scratch.reason == NULL);
	T_EQ_STR(scratch.detail, "");
	/* Everything else is the context's. */
	T_EQ_STR(scratch.user, "alice");
	T_EQ_STR(scratch.phase, "auth");
	T_CHECK(scratch.log == count_line && scratch.log_arg == &s);
	T_EQ_INT(scratch.deadline_ms, 1234);
	T_EQ_INT(scratch.now, ctx.now);
	/* A failure in the trial is the trial's only. */
	T_EQ_INT(ar_fail(&scratch, AR_ERR_AUTH, "bad_claims", "second"),
	    AR_ERR_AUTH);
	T_EQ_INT(ctx.err, AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "timeout");
	T_EQ_STR(ctx.detail, "first");
	T_EQ_STR(scratch.reason, "bad_claims");
}

/* Adopting takes the trial's failure over, as recorded. */
static void
test_adopt_failure(void)
{
	struct ar_ctx ctx, scratch;
	struct sink s = { 0 };
	int lines;

	ar_ctx_init(&ctx, "auth");
	ctx.log = count_line;
	ctx.log_arg = &s;
	ctx.debug = 1;
	ar_ctx_try(&ctx, &scratch);
	(void)ar_fail(&scratch, AR_ERR_DENIED, "offline_locked",
	    "bad \\ byte \x01");
	lines = s.lines;
	T_EQ_INT(ar_ctx_adopt(&ctx, &scratch, AR_ERR_DENIED), AR_ERR_DENIED);
	T_EQ_INT(ctx.err, AR_ERR_DENIED);
	T_EQ_STR(ctx.reason, "offline_locked");
	/* Escaped once, by the trial; not again. */
	T_EQ_STR(ctx.detail, scratch.detail);
	T_EQ_STR(ctx.detail, "bad \\x5c byte \\x01");
	T_EQ_INT(s.lines, lines);	/* the trial logged it already */
}

/* The first failure recorded in the context still wins. */
static void
test_adopt_first_wins(void)
{
	struct ar_ctx ctx, scratch;

	ar_ctx_init(&ctx, "auth");
	(void)ar_fail(&ctx, AR_ERR_UNAVAIL, "timeout", "earlier");
	ar_ctx_try(&ctx, &scratch);
	(void)ar_fail(&scratch, AR_ERR_AUTH, "bad_claims", "later");
	T_EQ_INT(ar_ctx_adopt(&ctx, &scratch, AR_ERR_AUTH), AR_ERR_AUTH);
	T_EQ_INT(ctx.err, AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "timeout");
	T_EQ_STR(ctx.detail, "earlier");
}

/* Success records nothing, whatever the trial holds. */
static void
test_adopt_success(void)
{
	struct ar_ctx ctx, scratch;

	ar_ctx_init(&ctx, "auth");
	ar_ctx_try(&ctx, &scratch);
	(void)ar_fail(&scratch, AR_ERR_AUTH, "bad_claims", "ignored");
	T_EQ_INT(ar_ctx_adopt(&ctx, &scratch, AR_OK), AR_OK);
	T_EQ_INT(ctx.err, AR_OK);
	T_CHECK(ctx.reason == NULL);
	T_EQ_STR(ctx.detail, "");
}

/* A trial that failed without saying why still fails closed. */
static void
test_adopt_unrecorded(void)
{
	struct ar_ctx ctx, scratch;

	ar_ctx_init(&ctx, "auth");
	ar_ctx_try(&ctx, &scratch);
	T_EQ_INT(ar_ctx_adopt(&ctx, &scratch, AR_ERR_UNAVAIL),
	    AR_ERR_UNAVAIL);
	T_EQ_INT(ctx.err, AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "internal");
	T_EQ_STR(ctx.detail, "");
}

static char last_line[600];

static void
keep_line(void *arg, int prio, const char *line)
{
	(void)arg;
	(void)prio;
	snprintf(last_line, sizeof(last_line), "%s", line);
}

/* A trial's detail is escaped when recorded, and never again. */
static void
test_trial_detail_escaped_once(void)
{
	struct ar_ctx ctx, scratch;

	ar_ctx_init(&ctx, "auth");
	ctx.log = keep_line;
	ar_ctx_try(&ctx, &scratch);
	(void)ar_fail(&scratch, AR_ERR_UNAVAIL, "bad_json",
	    "json: \x1b[31m \\ here");
	T_EQ_STR(scratch.detail, "json: \\x1b[31m \\x5c here");
	T_EQ_INT(ar_fail_trial(&ctx, AR_ERR_AUTH, "bad_claims", &scratch,
	    "token: %s: ", "pay\nload"), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_claims");
	T_EQ_STR(ctx.detail,
	    "token: pay\\x0aload: json: \\x1b[31m \\x5c here");
	ar_log_trial(&ctx, AR_LOG_WARNING, &scratch, "jwks: ");
	T_EQ_STR(last_line, "jwks: json: \\x1b[31m \\x5c here");
}

int
main(void)
{
	T_RUN(test_try_starts_clean);
	T_RUN(test_adopt_failure);
	T_RUN(test_adopt_first_wins);
	T_RUN(test_adopt_success);
	T_RUN(test_adopt_unrecorded);
	T_RUN(test_trial_detail_escaped_once);
	return t_done("test_ctx");
}
