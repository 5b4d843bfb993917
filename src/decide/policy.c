/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The checks after mapping: the local account (name, passwd entry,
 * min_uid), whether the module serves an account at all, sshd's stand-in
 * password, and the AuthRocket user (state, orgs, permissions).
 */
#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "name.h"
#include "policy.h"

#define PW_BUF_DEFAULT	16384
#define PW_BUF_MAX	(1024 * 1024)
#define UID_MAX_VALID	4294967294L	/* (uid_t)-1 is "no uid" */

/*
 * The passwd entry of name into *pw, its strings in *buf (the caller
 * frees it, whatever the result).  The buffer grows on ERANGE up to
 * PW_BUF_MAX.
 */
static int
passwd_entry(struct ar_ctx *ctx, const char *name, struct passwd *pw,
    char **buf)
{
	struct passwd *res = NULL;
	const char *what;
	size_t size;
	long sz;
	int e;

	sz = sysconf(_SC_GETPW_R_SIZE_MAX);
	size = sz > 0 ? (size_t)sz : PW_BUF_DEFAULT;
	if (size > PW_BUF_MAX)
		size = PW_BUF_MAX;
	for (;;) {
		if ((*buf = malloc(size)) == NULL)
			return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
			    "policy: out of memory");
		e = getpwnam_r(name, pw, *buf, size, &res);
		if (e != ERANGE)
			break;
		free(*buf);
		*buf = NULL;
		if (size >= PW_BUF_MAX)
			return ar_fail(ctx, AR_ERR_INTERNAL, "lookup_failed",
			    "policy: passwd entry of %s larger than %d bytes",
			    name, PW_BUF_MAX);
		size = size * 2 > PW_BUF_MAX ? PW_BUF_MAX : size * 2;
	}
	/* glibc says "not found" with 0 and no result; POSIX allows ENOENT. */
	if ((e == 0 && res == NULL) || e == ENOENT)
		return ar_fail(ctx, AR_ERR_USER_UNKNOWN, "no_local_user",
		    "policy: no local account %s", name);
	if (e == ENOMEM)
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "policy: out of memory");
	if (e != 0 || res == NULL) {
		what = strerrordesc_np(e);
		return ar_fail(ctx, AR_ERR_INTERNAL, "lookup_failed",
		    "policy: looking up %s failed: %s", name,
		    what != NULL ? what : "unknown error");
	}
	return AR_OK;
}

int
ar_policy_local(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *pam_user, uid_t *uid)
{
	struct passwd pw;
	char *buf = NULL;
	int r = AR_ERR_INTERNAL;

	memset(&pw, 0, sizeof(pw));
	/* Names that fail the pattern never reach NSS. */
	if (pam_user == NULL || !ar_name_ok(pam_user)) {
		r = ar_fail(ctx, AR_ERR_USER_UNKNOWN, "bad_local_name",
		    "policy: %s is not a valid local account name",
		    pam_user != NULL ? pam_user : "(none)");
		goto out;
	}
	if (conf->min_uid < 0 || conf->min_uid > UID_MAX_VALID) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "policy: min_uid %ld out of range", conf->min_uid);
		goto out;
	}
	if ((r = passwd_entry(ctx, pam_user, &pw, &buf)) != AR_OK)
		goto out;
	/*
	 * Some NSS modules fold case or strip domains: the entry must be
	 * the account asked for, byte for byte, or a token for "alice"
	 * would open whatever account the directory returned.
	 */
	if (pw.pw_name == NULL || strcmp(pw.pw_name, pam_user) != 0) {
		r = ar_fail(ctx, AR_ERR_USER_UNKNOWN, "no_local_user",
		    "policy: lookup of %s returned account %s", pam_user,
		    pw.pw_name != NULL ? pw.pw_name : "(none)");
		goto out;
	}
	/* Compared as unsigned numbers: uids above 2^31 are real uids. */
	if ((uintmax_t)pw.pw_uid < (uintmax_t)conf->min_uid) {
		r = ar_fail(ctx, AR_ERR_AUTH, "uid_below_min",
		    "policy: uid %ju of %s is below min_uid %ld",
		    (uintmax_t)pw.pw_uid, pam_user, conf->min_uid);
		goto out;
	}
	if (uid != NULL)
		*uid = pw.pw_uid;
	r = AR_OK;
 out:
	free(buf);
	return r;
}

int
ar_policy_served(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *pam_user, uid_t *uid)
{
	return ar_policy_local(ctx, conf, pam_user, uid);
}

int
ar_policy_stand_in(const char *input, size_t len)
{
	static const char junk[] = "\b\n\r\177INCORRECT";
	size_t i;

	if (input == NULL || len == 0)
		return 0;
	/* sshd (auth-pam.c, fake_password) fills the typed length. */
	for (i = 0; i < len; i++)
		if (input[i] != junk[i % (sizeof(junk) - 1)])
			return 0;
	return 1;
}

/* Exact, byte-for-byte membership in a configured list. */
static int
list_contains(const struct ar_list *l, const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < l->n; i++)
		if (l->item[i] != NULL && strcmp(l->item[i], s) == 0)
			return 1;
	return 0;
}

static int
memb_has_permission(const struct ar_membership *m, const struct ar_list *l)
{
	size_t i;

	for (i = 0; i < m->n_perm; i++)
		if (list_contains(l, m->perm[i]))
			return 1;
	return 0;
}

int
ar_policy_identity(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_identity *id)
{
	const struct ar_membership *m;
	const char *who;
	int need_org, need_perm, org_seen = 0, found = 0, org_ok, perm_ok;
	int expired_ok = 0;
	size_t i;
	int r = AR_ERR_INTERNAL;

	who = id->user_id != NULL ? id->user_id : "(no id)";
	if (id->have_state && !id->active) {
		r = ar_fail(ctx, AR_ERR_DENIED, "inactive",
		    "policy: authrocket user %s is inactive", who);
		goto out;
	}
	/* v1 api users are machine credentials, never interactive logins. */
	if (id->have_state && !id->human) {
		r = ar_fail(ctx, AR_ERR_DENIED, "not_human",
		    "policy: authrocket user %s is not a human user", who);
		goto out;
	}
	need_org = conf->require_org.n > 0;
	need_perm = conf->require_permission.n > 0;
	/*
	 * A token without membership claims says nothing about them: that
	 * is not the same as "member of none", but it cannot grant either.
	 */
	if ((need_org || need_perm) && !id->have_memberships) {
		r = ar_fail(ctx, AR_ERR_DENIED, "memberships_unknown",
		    "policy: memberships of %s are not known (include them "
		    "in the token or configure api_url)", who);
		goto out;
	}
	/* One membership has to satisfy both requirements by itself. */
	for (i = 0; (need_org || need_perm) && !found && i < id->n_memb;
	    i++) {
		m = &id->memb[i];
		org_ok = !need_org || list_contains(&conf->require_org,
		    m->org_id);
		perm_ok = !need_perm ||
		    memb_has_permission(m, &conf->require_permission);
		/*
		 * Ended memberships grant nothing; "0" is the start of 1970,
		 * not "never" (only has_expiry says whether it ends).  One
		 * that would have qualified is named as the reason.
		 */
		if (m->has_expiry && m->expires_at <= (int64_t)ctx->now) {
			expired_ok |= org_ok && perm_ok;
			continue;
		}
		if (need_org && org_ok)
			org_seen = 1;
		found = org_ok && perm_ok;
	}
	if ((need_org || need_perm) && !found) {
		if (expired_ok)
			r = ar_fail(ctx, AR_ERR_DENIED, "membership_expired",
			    "policy: the membership of %s that qualifies has "
			    "expired", who);
		else if (need_org && !org_seen)
			r = ar_fail(ctx, AR_ERR_DENIED, "no_org",
			    "policy: %s is in no required org", who);
		else
			r = ar_fail(ctx, AR_ERR_DENIED, "no_permission",
			    "policy: %s holds no required permission%s", who,
			    need_org ? " in a required org" : "");
		goto out;
	}
	r = AR_OK;
 out:
	return r;
}
