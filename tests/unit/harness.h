/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A tiny unit-test harness: each test binary prints one line per failed
 * check and a closing "NAME: N passed, N failed, N skipped" line, and exits
 * non-zero on any failure.  tests/run-all sums the closing lines.
 */
#ifndef AR_TEST_HARNESS_H
#define AR_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_passed, t_failed, t_skipped;
static const char *t_current = "?";

#define T_CHECK(cond) do {						\
	if (cond) {							\
		t_passed++;						\
	} else {							\
		t_failed++;						\
		fprintf(stderr, "FAIL %s: %s:%d: %s\n", t_current,	\
		    __FILE__, __LINE__, #cond);				\
	}								\
} while (0)

#define T_EQ_INT(a, b) do {						\
	long long t_a_ = (long long)(a), t_b_ = (long long)(b);		\
	if (t_a_ == t_b_) {						\
		t_passed++;						\
	} else {							\
		t_failed++;						\
		fprintf(stderr, "FAIL %s: %s:%d: %s == %lld, want %lld\n",\
		    t_current, __FILE__, __LINE__, #a, t_a_, t_b_);	\
	}								\
} while (0)

#define T_EQ_STR(a, b) do {						\
	const char *t_a_ = (a), *t_b_ = (b);				\
	if (t_a_ != NULL && t_b_ != NULL && strcmp(t_a_, t_b_) == 0) {	\
		t_passed++;						\
	} else {							\
		t_failed++;						\
		fprintf(stderr, "FAIL %s: %s:%d: %s == \"%s\", want \"%s\"\n",\
		    t_current, __FILE__, __LINE__, #a,			\
		    t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");	\
	}								\
} while (0)

#define T_SKIP(why) do {						\
	t_skipped++;							\
	fprintf(stderr, "SKIP %s: %s\n", t_current, (why));		\
} while (0)

#define T_RUN(fn) do { t_current = #fn; fn(); } while (0)

static int
t_done(const char *name)
{
	printf("%s: %d passed, %d failed, %d skipped\n", name, t_passed,
	    t_failed, t_skipped);
	return t_failed == 0 ? 0 : 1;
}

#endif /* AR_TEST_HARNESS_H */
