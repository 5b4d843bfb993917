/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * passwd entries of the directory's served users: getpwnam, getpwuid and
 * enumeration.  Adopted entries are local accounts: the local files serve
 * them, so this module does not.  No password here (NSS serves no shadow
 * entries); "*" lets pam_unix's account check pass.
 */
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <string.h>

#include "nss_state.h"

NSS_DECLARE_MODULE_FUNCTIONS(authrocket)

/* Copy a user into the caller's buffer; ERANGE asks for a larger one. */
static enum nss_status
fill_passwd(const struct ar_dir_user_view *v, struct passwd *pw, char *buf,
    size_t len, int *errnop)
{
	memset(pw, 0, sizeof(*pw));
	if ((pw->pw_name = nss_copy(&buf, &len, v->name)) == NULL ||
	    (pw->pw_passwd = nss_copy(&buf, &len, "*")) == NULL ||
	    (pw->pw_gecos = nss_copy(&buf, &len, v->gecos)) == NULL ||
	    (pw->pw_dir = nss_copy(&buf, &len, v->home)) == NULL ||
	    (pw->pw_shell = nss_copy(&buf, &len, v->shell)) == NULL) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	pw->pw_uid = v->uid;
	pw->pw_gid = v->uid;	/* the primary group: same name and id */
	return NSS_STATUS_SUCCESS;
}

/*
 * Look a served user up by name (or, name NULL, by uid) under the lock
 * and copy it out.  uid 0 is nobody's in the directory.
 */
static enum nss_status
lookup(const char *name, uid_t uid, struct passwd *pw, char *buf,
    size_t len, int *errnop)
{
	struct ar_dir_user_view v;
	struct nss_state *st;
	enum nss_status s;
	int r;

	st = nss_lock(&s, errnop);
	if (st->dir != NULL) {
		r = name != NULL ? ar_dir_user_by_name(st->dir, name, &v) :
		    uid == 0 ? AR_DIR_NOTFOUND :
		    ar_dir_user_by_uid(st->dir, uid, &v);
		if (r == AR_DIR_OK && v.adopted)
			r = AR_DIR_NOTFOUND;
		s = r == AR_DIR_OK ? fill_passwd(&v, pw, buf, len, errnop) :
		    nss_status_of(r, errnop);
	}
	nss_unlock(st);
	return s;
}

enum nss_status
_nss_authrocket_getpwnam_r(const char *name, struct passwd *pw, char *buf,
    size_t len, int *errnop)
{
	return lookup(name, 0, pw, buf, len, errnop);
}

enum nss_status
_nss_authrocket_getpwuid_r(uid_t uid, struct passwd *pw, char *buf,
    size_t len, int *errnop)
{
	return lookup(NULL, uid, pw, buf, len, errnop);
}

enum nss_status
_nss_authrocket_setpwent(int stayopen)
{
	(void)stayopen;
	return nss_rewind(NSS_DB_PASSWD);
}

enum nss_status
_nss_authrocket_endpwent(void)
{
	(void)nss_rewind(NSS_DB_PASSWD);
	return NSS_STATUS_SUCCESS;
}

/* Enumeration slot i: a served user, or nothing (an adopted entry). */
static enum nss_status
passwd_at(const struct ar_dir *d, size_t i, void *ent, char *buf,
    size_t len, int *errnop)
{
	struct ar_dir_user_view v;
	int r;

	if ((r = ar_dir_user_at(d, i, &v)) != AR_DIR_OK)
		return nss_status_of(r, errnop);
	if (v.adopted)
		return NSS_STATUS_RETURN;
	return fill_passwd(&v, ent, buf, len, errnop);
}

enum nss_status
_nss_authrocket_getpwent_r(struct passwd *pw, char *buf, size_t len,
    int *errnop)
{
	return nss_next(NSS_DB_PASSWD, passwd_at, pw, buf, len, errnop);
}
