/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/policy.c: the local account checks against the real
 * passwd database (root and nobody exist on every Debian system) and the
 * identity checks (state, orgs, permissions, expiry).
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "policy.h"

#define NOW	1700000000

static void
init(struct ar_ctx *ctx, struct ar_conf *conf)
{
	ar_ctx_init(ctx, "auth");
	ctx->now = NOW;
	memset(conf, 0, sizeof(*conf));
	conf->min_uid = 1000;
}

static void
check_local(struct ar_conf *conf, const char *user, int want_r,
    const char *want_reason, uid_t want_uid, int line)
{
	struct ar_ctx ctx;
	uid_t uid = 4242;
	int r;

	ar_ctx_init(&ctx, "auth");
	r = ar_policy_local(&ctx, conf, user, &uid);
	if (r != want_r)
		fprintf(stderr, "  (check_local at line %d: %s)\n", line,
		    ctx.detail);
	T_EQ_INT(r, want_r);
	T_EQ_INT(ctx.err, want_r);
	if (want_r == AR_OK) {
		T_EQ_INT(uid, want_uid);
		T_CHECK(ctx.reason == NULL);
	} else {
		T_EQ_STR(ctx.reason, want_reason);
		T_EQ_INT(uid, 4242);	/* untouched on failure */
	}
}
#define CHECK_LOCAL(c, u, r, w, id) check_local((c), (u), (r), (w), (id), \
	__LINE__)

static void
test_local_root(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;

	init(&ctx, &conf);
	CHECK_LOCAL(&conf, "root", AR_ERR_AUTH, "uid_below_min", 0);
	conf.min_uid = 1;
	CHECK_LOCAL(&conf, "root", AR_ERR_AUTH, "uid_below_min", 0);
	conf.min_uid = 0;
	CHECK_LOCAL(&conf, "root", AR_OK, NULL, 0);
	/* uid may be NULL. */
	T_EQ_INT(ar_policy_local(&ctx, &conf, "root", NULL), AR_OK);
	T_EQ_INT(ctx.err, AR_OK);
}

static void
test_local_nobody(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct passwd *pw;

	init(&ctx, &conf);
	pw = getpwnam("nobody");
	if (pw == NULL || pw->pw_uid != 65534) {
		T_SKIP("no nobody account with uid 65534");
		return;
	}
	CHECK_LOCAL(&conf, "nobody", AR_OK, NULL, 65534);
	conf.min_uid = 65534;
	CHECK_LOCAL(&conf, "nobody", AR_OK, NULL, 65534);
	conf.min_uid = 65535;
	CHECK_LOCAL(&conf, "nobody", AR_ERR_AUTH, "uid_below_min", 0);
	/* Compared as unsigned: the largest min_uid is above every uid. */
	conf.min_uid = 4294967294L;
	CHECK_LOCAL(&conf, "nobody", AR_ERR_AUTH, "uid_below_min", 0);
	conf.min_uid = 2147483648L;
	CHECK_LOCAL(&conf, "nobody", AR_ERR_AUTH, "uid_below_min", 0);
}

static void
test_local_unknown(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;

	init(&ctx, &conf);
	CHECK_LOCAL(&conf, "ar_no_such_user_q7", AR_ERR_USER_UNKNOWN,
	    "no_local_user", 0);
	conf.min_uid = 0;
	CHECK_LOCAL(&conf, "ar_no_such_user_q7", AR_ERR_USER_UNKNOWN,
	    "no_local_user", 0);
	/* Names that fail the pattern never reach the lookup. */
	CHECK_LOCAL(&conf, "Root", AR_ERR_USER_UNKNOWN, "bad_local_name", 0);
	CHECK_LOCAL(&conf, "ROOT", AR_ERR_USER_UNKNOWN, "bad_local_name", 0);
	CHECK_LOCAL(&conf, "root ", AR_ERR_USER_UNKNOWN, "bad_local_name", 0);
	CHECK_LOCAL(&conf, "../root", AR_ERR_USER_UNKNOWN, "bad_local_name",
	    0);
	CHECK_LOCAL(&conf, "0", AR_ERR_USER_UNKNOWN, "bad_local_name", 0);
	CHECK_LOCAL(&conf, "+root", AR_ERR_USER_UNKNOWN, "bad_local_name", 0);
	CHECK_LOCAL(&conf, "", AR_ERR_USER_UNKNOWN, "bad_local_name", 0);
	CHECK_LOCAL(&conf, "ro\not", AR_ERR_USER_UNKNOWN, "bad_local_name",
	    0);
	CHECK_LOCAL(&conf, NULL, AR_ERR_USER_UNKNOWN, "bad_local_name", 0);
	/* A min_uid outside the uid range is a configuration error. */
	conf.min_uid = -1;
	CHECK_LOCAL(&conf, "root", AR_ERR_CONFIG, "config", 0);
	conf.min_uid = 4294967295L;
	CHECK_LOCAL(&conf, "root", AR_ERR_CONFIG, "config", 0);
}

/* Identity fixtures: string members point at literals, never freed. */
#define S(x)	((char *)(x))

static void
set_id(struct ar_identity *id)
{
	memset(id, 0, sizeof(*id));
	id->version = 1;
	id->source = "api";
	id->user_id = S("usr_1");
	id->username = S("alice");
}

static void
check_ident(const struct ar_conf *conf, const struct ar_identity *id,
    int want_r, const char *want_reason, int line)
{
	struct ar_ctx ctx;
	int r;

	ar_ctx_init(&ctx, "auth");
	ctx.now = NOW;
	r = ar_policy_identity(&ctx, conf, id);
	if (r != want_r || (want_reason != NULL && (ctx.reason == NULL ||
	    strcmp(ctx.reason, want_reason) != 0)))
		fprintf(stderr, "  (check_ident at line %d: %s)\n", line,
		    ctx.detail);
	T_EQ_INT(r, want_r);
	T_EQ_INT(ctx.err, want_r);
	if (want_r == AR_OK)
		T_CHECK(ctx.reason == NULL);
	else
		T_EQ_STR(ctx.reason, want_reason);
}
#define CHECK_ID(c, i, r, w) check_ident((c), (i), (r), (w), __LINE__)

static void
test_identity_state(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;

	init(&ctx, &conf);
	set_id(&id);
	/* A token: state unknown, nothing required. */
	CHECK_ID(&conf, &id, AR_OK, NULL);
	/* Without have_state the flags are not looked at. */
	id.active = 0;
	id.human = 0;
	CHECK_ID(&conf, &id, AR_OK, NULL);

	id.have_state = 1;
	id.active = 1;
	id.human = 1;
	CHECK_ID(&conf, &id, AR_OK, NULL);
	id.active = 0;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "inactive");
	id.human = 0;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "inactive");
	id.active = 1;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "not_human");
}

static void
test_identity_orgs(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *orgs[] = { S("org_a"), S("org_c") };
	struct ar_membership m[2];

	init(&ctx, &conf);
	conf.require_org.item = orgs;
	conf.require_org.n = 2;
	set_id(&id);

	/* Required but not known. */
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "memberships_unknown");
	/* Known: member of nothing. */
	id.have_memberships = 1;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_org");

	memset(m, 0, sizeof(m));
	id.memb = m;
	id.n_memb = 2;
	m[0].org_id = S("org_b");
	m[1].org_id = NULL;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_org");
	/* Exact bytes: no case folding, no prefix match. */
	m[1].org_id = S("ORG_A");
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_org");
	m[1].org_id = S("org_");
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_org");
	m[1].org_id = S("org_ab");
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_org");
	m[1].org_id = S("org_c");
	CHECK_ID(&conf, &id, AR_OK, NULL);

	/* Expiry: expires_at <= now does not count (and says so), 0
	 * included. */
	m[1].has_expiry = 1;
	m[1].expires_at = NOW;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "membership_expired");
	m[1].expires_at = NOW - 1;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "membership_expired");
	m[1].expires_at = NOW + 1;
	CHECK_ID(&conf, &id, AR_OK, NULL);
	m[1].expires_at = 0;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "membership_expired");
	/* Without an expiry it never ends. */
	m[1].has_expiry = 0;
	CHECK_ID(&conf, &id, AR_OK, NULL);

	/* An inactive user is refused before memberships are looked at. */
	id.have_state = 1;
	id.active = 0;
	id.human = 1;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "inactive");
	id.active = 1;
	CHECK_ID(&conf, &id, AR_OK, NULL);

	/* Nothing required: memberships are irrelevant, even if unknown. */
	conf.require_org.n = 0;
	id.have_memberships = 0;
	id.n_memb = 0;
	CHECK_ID(&conf, &id, AR_OK, NULL);
}

static void
test_identity_permissions(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *want[] = { S("sudo"), S("admin") };
	char *p_read[] = { S("read") };
	char *p_mixed[] = { S("read"), S("admin") };
	char *p_upper[] = { S("Sudo"), S("sudo ") };
	struct ar_membership m[2];

	init(&ctx, &conf);
	conf.require_permission.item = want;
	conf.require_permission.n = 2;
	set_id(&id);

	CHECK_ID(&conf, &id, AR_ERR_DENIED, "memberships_unknown");
	id.have_memberships = 1;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_permission");

	memset(m, 0, sizeof(m));
	id.memb = m;
	id.n_memb = 2;
	m[0].org_id = S("org_a");
	m[0].perm = p_read;
	m[0].n_perm = 1;
	m[1].org_id = NULL;	/* the org id is optional */
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_permission");
	m[1].perm = p_upper;
	m[1].n_perm = 2;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_permission");
	m[1].perm = p_mixed;
	CHECK_ID(&conf, &id, AR_OK, NULL);
	m[1].has_expiry = 1;
	m[1].expires_at = NOW;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "membership_expired");
	m[1].expires_at = NOW + 3600;
	CHECK_ID(&conf, &id, AR_OK, NULL);
	/* Only n_perm entries are looked at. */
	m[1].n_perm = 1;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_permission");
}

static void
test_identity_both(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *orgs[] = { S("org_a") };
	char *perms[] = { S("sudo") };
	char *p_read[] = { S("read") };
	char *p_sudo[] = { S("sudo") };
	struct ar_membership m[2];

	init(&ctx, &conf);
	conf.require_org.item = orgs;
	conf.require_org.n = 1;
	conf.require_permission.item = perms;
	conf.require_permission.n = 1;
	set_id(&id);
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "memberships_unknown");
	id.have_memberships = 1;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_org");

	memset(m, 0, sizeof(m));
	id.memb = m;
	id.n_memb = 2;
	/* In org_a without sudo, sudo only elsewhere: not enough. */
	m[0].org_id = S("org_a");
	m[0].perm = p_read;
	m[0].n_perm = 1;
	m[1].org_id = S("org_b");
	m[1].perm = p_sudo;
	m[1].n_perm = 1;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_permission");
	/* sudo only outside the required org: no_org. */
	m[0].org_id = S("org_x");
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "no_org");
	/* Both in one membership. */
	m[1].org_id = S("org_a");
	CHECK_ID(&conf, &id, AR_OK, NULL);
	/* ... unless that membership has expired. */
	m[1].has_expiry = 1;
	m[1].expires_at = NOW;
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "membership_expired");
	m[0].org_id = S("org_a");
	CHECK_ID(&conf, &id, AR_ERR_DENIED, "membership_expired");
	m[0].perm = p_sudo;
	CHECK_ID(&conf, &id, AR_OK, NULL);
}

int
main(void)
{
	T_RUN(test_local_root);
	T_RUN(test_local_nobody);
	T_RUN(test_local_unknown);
	T_RUN(test_identity_state);
	T_RUN(test_identity_orgs);
	T_RUN(test_identity_permissions);
	T_RUN(test_identity_both);
	return t_done("test_policy");
}
