/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the list-page parsers authrocket-sync feeds every page of
 * users and memberships to.  The first byte picks the parser, the API
 * generation and the optional attributes read from custom.
 */
#include "fuzz.h"
#include "api_list.h"
#include "conf.h"

/* Invariants of a parsed users page. */
static void
check_users(const struct ar_user_page *p, const struct ar_conf *conf)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->u[i].id.user_id == NULL || !p->u[i].id.have_state)
			abort();
		if (p->u[i].uid_attr < -1 || p->u[i].uid_attr > 4294967294LL)
			abort();
		if (conf->uid_attr == NULL && p->u[i].uid_attr != -1)
			abort();
		if (conf->ssh_keys_attr == NULL && p->u[i].keys != NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_user_page up;
	struct ar_memb_page mp;
	const char *body;
	size_t len, i;
	int r, sel;

	if (size < 1)
		return 0;
	sel = data[0];
	body = (const char *)data + 1;
	len = size - 1;
	memset(&conf, 0, sizeof(conf));
	conf.api_version = (sel & 1) ? 2 : 1;
	conf.api_url = conf.api_version == 1 ? (char *)"https://a.example/v1" :
	    (char *)"https://a.example/v2";
	if (sel & 4)
		conf.uid_attr = (char *)"uid";
	if (sel & 8)
		conf.ssh_keys_attr = (char *)"ssh";
	fuzz_ctx(&ctx, "sync");
	memset(&up, 0, sizeof(up));
	memset(&mp, 0, sizeof(mp));
	if (sel & 2) {
		r = ar_api_parse_memb_page(&ctx, body, len, &mp);
		if (r == AR_OK) {
			for (i = 0; i < mp.n; i++)
				if (mp.m[i].id == NULL ||
				    mp.m[i].user_id == NULL)
					abort();
		} else if (mp.n != 0 || mp.m != NULL || ctx.err == AR_OK) {
			abort();
		}
		ar_memb_page_clear(&mp);
		return 0;
	}
	r = ar_api_parse_user_page(&ctx, &conf, body, len, &up);
	if (r == AR_OK)
		check_users(&up, &conf);
	else if (up.n != 0 || up.u != NULL || ctx.err == AR_OK)
		abort();
	ar_user_page_clear(&up);
	return 0;
}
