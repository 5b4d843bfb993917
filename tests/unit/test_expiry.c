/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of membership expiry: an API memberships reply with
 * "expires_at" 0, a past or future time, null or nothing, parsed and then
 * judged by the policy.  Any time, 0 included, is a time that passes;
 * only a membership without one never ends.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "harness.h"
#include "policy.h"

#define NOW	1700000000LL

static void
test_expiry_rows(void)
{
	static const struct {
		const char	*member;	/* "" when absent */
		int		 has_expiry;
		long long	 expires_at;
		int		 r;		/* policy with require sudo */
	} rows[] = {
		{ ",\"expires_at\":0", 1, 0, AR_ERR_DENIED },
		{ ",\"expires_at\":\"1970-01-01T00:00:00Z\"", 1, 0,
		    AR_ERR_DENIED },
		{ ",\"expires_at\":-1", 1, -1, AR_ERR_DENIED },
		{ ",\"expires_at\":1699999999", 1, NOW - 1, AR_ERR_DENIED },
		{ ",\"expires_at\":1700000000", 1, NOW, AR_ERR_DENIED },
		{ ",\"expires_at\":\"2020-01-01T00:00:00Z\"", 1, 1577836800,
		    AR_ERR_DENIED },
		{ ",\"expires_at\":1700000001", 1, NOW + 1, AR_OK },
		{ ",\"expires_at\":null", 0, 0, AR_OK },
		{ "", 0, 0, AR_OK },
	};
	char *perm[] = { "sudo" };
	struct ar_identity id;
	struct ar_conf conf;
	struct ar_ctx ctx;
	char json[512];
	size_t i;

	memset(&conf, 0, sizeof(conf));
	conf.require_permission.item = perm;
	conf.require_permission.n = 1;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ar_ctx_init(&ctx, "account");
		ctx.clock = NULL;
		ctx.now = (time_t)NOW;
		memset(&id, 0, sizeof(id));
		id.user_id = "usr_alice";
		snprintf(json, sizeof(json), "{\"collection\":[{\"object\":"
		    "\"membership\",\"org_id\":\"org_ops\",\"user_id\":"
		    "\"usr_alice\",\"permissions\":[\"sudo\"]%s}],"
		    "\"more_results\":false}", rows[i].member);
		T_EQ_INT(ar_api_parse_memberships(&ctx, json, strlen(json),
		    &id), AR_OK);
		T_EQ_INT(id.n_memb, 1);
		if (id.n_memb != 1)
			continue;
		T_EQ_INT(id.memb[0].has_expiry, rows[i].has_expiry);
		T_EQ_INT(id.memb[0].expires_at, rows[i].expires_at);
		T_EQ_INT(ar_policy_identity(&ctx, &conf, &id), rows[i].r);
		if (rows[i].r != AR_OK)
			T_EQ_STR(ctx.reason, "membership_expired");
		id.user_id = NULL;	/* not ours to free */
		ar_identity_clear(&id);
	}
}

/* Without a requirement, expiry is never looked at. */
static void
test_no_requirement(void)
{
	struct ar_membership m;
	struct ar_identity id;
	struct ar_conf conf;
	struct ar_ctx ctx;

	memset(&conf, 0, sizeof(conf));
	memset(&m, 0, sizeof(m));
	memset(&id, 0, sizeof(id));
	m.has_expiry = 1;
	id.memb = &m;
	id.n_memb = 1;
	id.have_memberships = 1;
	ar_ctx_init(&ctx, "auth");
	T_EQ_INT(ar_policy_identity(&ctx, &conf, &id), AR_OK);
}

int
main(void)
{
	T_RUN(test_expiry_rows);
	T_RUN(test_no_requirement);
	return t_done("test_expiry");
}
