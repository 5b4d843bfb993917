/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the list-page parsers authrocket-sync pages with: one row
 * per rule (page, settings, expected result and what must come out).
 */
#include "harness.h"
#include "api_list.h"
#include "conf.h"

struct urow {
	const char	*what;
	int		 v2;
	const char	*uid_attr;
	const char	*page;
	int		 want;		/* enum ar_result */
	size_t		 n;
	int		 more;
	const char	*email0;	/* email of item 0 after parsing */
	int64_t		 uid0;
	int64_t		 created0;
};

static const struct urow urows[] = {
	{ "empty page", 1, NULL, "{\"collection\":[],\"more_results\":false}",
	    AR_OK, 0, 0, NULL, -1, 0 },
	{ "more_results absent", 1, NULL, "{\"collection\":[]}",
	    AR_OK, 0, 0, NULL, -1, 0 },
	{ "verified v2 email kept", 1, NULL, "{\"collection\":[{\"object\":"
	    "\"user\",\"id\":\"usr_a\",\"state\":\"active\",\"email\":"
	    "\"a@x\",\"email_verified\":true,\"created_at\":17}],"
	    "\"more_results\":true}", AR_OK, 1, 1, "a@x", -1, 17 },
	{ "unverified email dropped", 1, NULL, "{\"collection\":[{\"object\":"
	    "\"user\",\"id\":\"usr_a\",\"state\":\"active\",\"email\":"
	    "\"a@x\",\"email_verified\":false}]}", AR_OK, 1, 0, NULL, -1,
	    AR_LIST_NO_TIME },
	{ "v1 verified email kept", 0, NULL, "{\"collection\":[{\"object\":"
	    "\"user\",\"id\":\"usr_a\",\"state\":\"active\",\"email\":"
	    "\"a@x\",\"email_verification\":\"verified\"}]}", AR_OK, 1, 0,
	    "a@x", -1, AR_LIST_NO_TIME },
	{ "v1 email without verification dropped", 0, NULL, "{\"collection\":"
	    "[{\"object\":\"user\",\"id\":\"usr_a\",\"state\":\"active\","
	    "\"email\":\"a@x\"}]}", AR_OK, 1, 0, NULL, -1, AR_LIST_NO_TIME },
	{ "uid_attr number", 1, "u", "{\"collection\":[{\"object\":\"user\","
	    "\"id\":\"usr_a\",\"state\":\"active\",\"custom\":{\"u\":4000}}]}",
	    AR_OK, 1, 0, NULL, 4000, AR_LIST_NO_TIME },
	{ "uid_attr digits", 1, "u", "{\"collection\":[{\"object\":\"user\","
	    "\"id\":\"usr_a\",\"state\":\"active\",\"custom\":"
	    "{\"u\":\"42\"}}]}",
	    AR_OK, 1, 0, NULL, 42, AR_LIST_NO_TIME },
	{ "uid_attr not a number", 1, "u", "{\"collection\":[{\"object\":"
	    "\"user\",\"id\":\"usr_a\",\"state\":\"active\",\"custom\":"
	    "{\"u\":\"4x\"}}]}", AR_OK, 1, 0, NULL, -1, AR_LIST_NO_TIME },
	{ "uid_attr too large", 1, "u", "{\"collection\":[{\"object\":"
	    "\"user\",\"id\":\"usr_a\",\"state\":\"active\",\"custom\":"
	    "{\"u\":4294967295}}]}", AR_OK, 1, 0, NULL, -1, AR_LIST_NO_TIME },
	{ "item without id", 1, NULL, "{\"collection\":[{\"object\":\"user\","
	    "\"state\":\"active\"}]}", AR_ERR_UNAVAIL, 0, 0, NULL, 0, 0 },
	{ "item without state", 1, NULL, "{\"collection\":[{\"object\":"
	    "\"user\",\"id\":\"usr_a\"}]}", AR_ERR_UNAVAIL, 0, 0, NULL, 0, 0 },
	{ "item not a user", 1, NULL, "{\"collection\":[{\"object\":\"org\","
	    "\"id\":\"usr_a\",\"state\":\"active\"}]}", AR_ERR_UNAVAIL, 0, 0,
	    NULL, 0, 0 },
	{ "collection not an array", 1, NULL, "{\"collection\":{}}",
	    AR_ERR_UNAVAIL, 0, 0, NULL, 0, 0 },
	{ "more_results not boolean", 1, NULL, "{\"collection\":[],"
	    "\"more_results\":\"yes\"}", AR_ERR_UNAVAIL, 0, 0, NULL, 0, 0 },
	{ "duplicate member", 1, NULL, "{\"collection\":[],\"collection\":[]}",
	    AR_ERR_UNAVAIL, 0, 0, NULL, 0, 0 },
	{ "not JSON", 1, NULL, "{\"collection\":[", AR_ERR_UNAVAIL, 0, 0,
	    NULL, 0, 0 },
};

static void
test_user_pages(void)
{
	struct ar_user_page p;
	struct ar_conf conf;
	struct ar_ctx ctx;
	size_t i;
	int r;

	for (i = 0; i < sizeof(urows) / sizeof(urows[0]); i++) {
		const struct urow *u = &urows[i];

		t_current = u->what;
		memset(&conf, 0, sizeof(conf));
		memset(&p, 0, sizeof(p));
		conf.api_version = u->v2 ? 2 : 1;
		conf.uid_attr = (char *)u->uid_attr;
		ar_ctx_init(&ctx, "sync");
		r = ar_api_parse_user_page(&ctx, &conf, u->page,
		    strlen(u->page), &p);
		T_EQ_INT(r, u->want);
		T_EQ_INT(p.n, u->n);
		if (r != AR_OK) {
			T_CHECK(p.u == NULL && ctx.err == r);
			continue;
		}
		T_EQ_INT(p.more, u->more);
		if (p.n == 0)
			continue;
		if (u->email0 != NULL)
			T_EQ_STR(p.u[0].id.email, u->email0);
		else
			T_CHECK(p.u[0].id.email == NULL);
		T_EQ_INT(p.u[0].uid_attr, u->uid0);
		T_EQ_INT(p.u[0].created_at, u->created0);
		ar_user_page_clear(&p);
	}
}

static void
test_keys_attr(void)
{
	static const char page[] = "{\"collection\":[{\"object\":\"user\","
	    "\"id\":\"usr_a\",\"state\":\"active\",\"custom\":{\"k\":"
	    "[\"ssh-ed25519 AAAA a\",7,\"ssh-rsa BBBB b\"]}}]}";
	struct ar_user_page p;
	struct ar_conf conf;
	struct ar_ctx ctx;

	memset(&conf, 0, sizeof(conf));
	conf.api_version = 2;
	conf.ssh_keys_attr = (char *)"k";
	ar_ctx_init(&ctx, "sync");
	T_EQ_INT(ar_api_parse_user_page(&ctx, &conf, page, strlen(page), &p),
	    AR_OK);
	T_EQ_STR(p.u[0].keys, "ssh-ed25519 AAAA a\nssh-rsa BBBB b");
	ar_user_page_clear(&p);
}

static void
test_memb_pages(void)
{
	static const char ok[] = "{\"collection\":[{\"id\":\"mb_1\","
	    "\"user_id\":\"usr_a\",\"org_id\":\"org_x\",\"permissions\":"
	    "[\"sudo\"],\"expires_at\":null}],\"more_results\":true}";
	static const char *const bad[] = {
	    "{\"collection\":[{\"user_id\":\"usr_a\"}]}",	/* no id */
	    "{\"collection\":[{\"id\":\"mb_1\"}]}",		/* no user */
	    "{\"collection\":[{\"id\":\"mb_1\",\"user_id\":\"usr_a\","
	    "\"permissions\":\"sudo\"}]}",			/* not a list */
	    "{\"collection\":[7]}",
	};
	struct ar_memb_page p;
	struct ar_ctx ctx;
	size_t i;

	ar_ctx_init(&ctx, "sync");
	T_EQ_INT(ar_api_parse_memb_page(&ctx, ok, strlen(ok), &p), AR_OK);
	T_EQ_INT(p.n, 1);
	T_EQ_INT(p.more, 1);
	T_EQ_STR(p.m[0].id, "mb_1");
	T_EQ_STR(p.m[0].user_id, "usr_a");
	T_EQ_STR(p.m[0].m.org_id, "org_x");
	T_EQ_INT(p.m[0].m.n_perm, 1);
	ar_memb_page_clear(&p);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ar_ctx_init(&ctx, "sync");
		memset(&p, 0, sizeof(p));
		T_EQ_INT(ar_api_parse_memb_page(&ctx, bad[i], strlen(bad[i]),
		    &p), AR_ERR_UNAVAIL);
		T_CHECK(p.n == 0 && p.m == NULL);
	}
}

int
main(void)
{
	T_RUN(test_user_pages);
	T_RUN(test_keys_attr);
	T_RUN(test_memb_pages);
	return t_done("test_listpage");
}
