/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the "does this module serve the account" decision of
 * src/decide/policy.c and of its recognition of sshd's stand-in password,
 * as rule tables.
 */
#include <pwd.h>
#include <string.h>

#include "harness.h"
#include "policy.h"

#define JUNK	"\b\n\r\177INCORRECT"

static void
test_stand_in(void)
{
	static const struct {
		const char	*input;
		int		 want;
	} rows[] = {
		{ "\b", 1 },
		{ "\b\n\r\177", 1 },
		{ JUNK, 1 },
		{ JUNK "\b", 1 },
		{ JUNK JUNK JUNK "\b\n\r\177INC", 1 },
		{ "", 0 },
		{ "INCORRECT", 0 },
		{ "\n\r\177INCORRECT", 0 },	/* not from the start */
		{ JUNK "x", 0 },
		{ JUNK JUNK "\bX", 0 },
		{ "\bpassword", 0 },
		{ "pw-alice", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (ar_policy_stand_in(rows[i].input, strlen(rows[i].input)) !=
		    rows[i].want) {
			fprintf(stderr, "row %zu\n", i);
			T_CHECK(0);
		} else
			T_CHECK(1);
	}
	T_EQ_INT(ar_policy_stand_in(NULL, 0), 0);
}

static void
test_served(void)
{
	static const struct {
		const char	*user;
		long		 min_uid;
		int		 want;
		const char	*reason;
	} rows[] = {
		{ "root", 1000, AR_ERR_AUTH, "uid_below_min" },
		{ "root", 0, AR_OK, NULL },
		{ "nosuchuser-artest", 1000, AR_ERR_USER_UNKNOWN,
		    "no_local_user" },
		{ "Root", 0, AR_ERR_USER_UNKNOWN, "bad_local_name" },
		{ "../root", 0, AR_ERR_USER_UNKNOWN, "bad_local_name" },
		{ "", 0, AR_ERR_USER_UNKNOWN, "bad_local_name" },
	};
	struct ar_conf conf;
	struct ar_ctx ctx;
	uid_t uid;
	size_t i;

	if (getpwnam("root") == NULL) {
		T_SKIP("no root in the passwd database");
		return;
	}
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&conf, 0, sizeof(conf));
		conf.min_uid = rows[i].min_uid;
		ar_ctx_init(&ctx, "auth");
		uid = 4242;
		T_EQ_INT(ar_policy_served(&ctx, &conf, rows[i].user, &uid),
		    rows[i].want);
		if (rows[i].reason != NULL)
			T_EQ_STR(ctx.reason, rows[i].reason);
		else
			T_EQ_INT(uid, 0);
	}
}

int
main(void)
{
	T_RUN(test_stand_in);
	T_RUN(test_served);
	return t_done("test_served");
}
