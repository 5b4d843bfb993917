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

enum nss_status
_nss_authrocket_getpwnam_r(const char *name, struct passwd *pw, char *buf,
    size_t len, int *errnop)
{
	struct ar_dir_user_view v;
	struct nss_state *st;
	enum nss_status s;
	int r;

	st = nss_lock(&s, errnop);
	if (st->dir != NULL) {
		r = ar_dir_user_by_name(st->dir, name, &v);
		if (r == AR_DIR_OK && v.adopted)
			r = AR_DIR_NOTFOUND;
		s = r == AR_DIR_OK ? fill_passwd(&v, pw, buf, len, errnop) :
		    nss_status_of(r, errnop);
	}
	nss_unlock(st);
	return s;
}

enum nss_status
_nss_authrocket_getpwuid_r(uid_t uid, struct passwd *pw, char *buf,
    size_t len, int *errnop)
{
	struct ar_dir_user_view v;
	struct nss_state *st;
	enum nss_status s;
	int r;

	st = nss_lock(&s, errnop);
	if (st->dir != NULL) {
		/* uid 0 is nobody's in the directory (adopted entries). */
		r = uid == 0 ? AR_DIR_NOTFOUND :
		    ar_dir_user_by_uid(st->dir, uid, &v);
		s = r == AR_DIR_OK ? fill_passwd(&v, pw, buf, len, errnop) :
		    nss_status_of(r, errnop);
	}
	nss_unlock(st);
	return s;
}

enum nss_status
_nss_authrocket_setpwent(int stayopen)
{
	struct nss_state *st;
	enum nss_status s;
	int e;

	(void)stayopen;
	st = nss_lock(&s, &e);
	st->pw_next = 0;
	nss_unlock(st);
	return s;
}

enum nss_status
_nss_authrocket_endpwent(void)
{
	struct nss_state *st;
	enum nss_status s;
	int e;

	st = nss_lock(&s, &e);
	st->pw_next = 0;
	nss_unlock(st);
	return NSS_STATUS_SUCCESS;
}

/*
 * The next served user.  The position moves only past an entry handed
 * out, so that glibc's retry with a larger buffer after ERANGE gets it.
 */
enum nss_status
_nss_authrocket_getpwent_r(struct passwd *pw, char *buf, size_t len,
    int *errnop)
{
	struct ar_dir_user_view v;
	struct nss_state *st;
	enum nss_status s;
	int r;

	st = nss_lock(&s, errnop);
	if (st->dir == NULL)
		goto out;
	for (;;) {
		r = ar_dir_user_at(st->dir, st->pw_next, &v);
		if (r == AR_DIR_OK && v.adopted) {
			st->pw_next++;
			continue;
		}
		if (r != AR_DIR_OK) {
			s = nss_status_of(r, errnop);
			break;
		}
		if ((s = fill_passwd(&v, pw, buf, len, errnop)) ==
		    NSS_STATUS_SUCCESS)
			st->pw_next++;
		break;
	}
 out:
	nss_unlock(st);
	return s;
}
