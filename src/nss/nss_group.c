/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * group entries (the directory's groups and served users' primary
 * groups) and initgroups: the supplementary groups the directory gives a
 * served user, local groups named by group_map included (glibc stops at
 * the local files for such a group's member list, but asks every source
 * for a user's groups).
 */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <stdlib.h>
#include <string.h>

#include "nss_state.h"

NSS_DECLARE_MODULE_FUNCTIONS(authrocket)

static enum nss_status
fill_group(const struct ar_dir_group_view *v, struct group *gr, char *buf,
    size_t len, int *errnop)
{
	char **mem;
	size_t i;

	memset(gr, 0, sizeof(*gr));
	mem = (char **)(void *)nss_carve(&buf, &len,
	    (v->n_members + 1) * sizeof(char *), sizeof(char *));
	if (mem == NULL ||
	    (gr->gr_name = nss_copy(&buf, &len, v->name)) == NULL ||
	    (gr->gr_passwd = nss_copy(&buf, &len, "*")) == NULL)
		goto erange;
	for (i = 0; i < v->n_members; i++)
		if ((mem[i] = nss_copy(&buf, &len, ar_dir_member(v, i))) ==
		    NULL)
			goto erange;
	mem[i] = NULL;
	gr->gr_mem = mem;
	gr->gr_gid = v->gid;
	return NSS_STATUS_SUCCESS;
 erange:
	*errnop = ERANGE;
	return NSS_STATUS_TRYAGAIN;
}

/*
 * Look a group up by name (or, name NULL, by gid) under the lock and copy
 * it out.  gid 0 is nobody's in the directory.
 */
static enum nss_status
lookup(const char *name, gid_t gid, struct group *gr, char *buf,
    size_t len, int *errnop)
{
	struct ar_dir_group_view v;
	struct nss_state *st;
	enum nss_status s;
	int r;

	st = nss_lock(&s, errnop);
	if (st->dir != NULL) {
		r = name != NULL ? ar_dir_group_by_name(st->dir, name, &v) :
		    gid == 0 ? AR_DIR_NOTFOUND :
		    ar_dir_group_by_gid(st->dir, gid, &v);
		s = r == AR_DIR_OK ? fill_group(&v, gr, buf, len, errnop) :
		    nss_status_of(r, errnop);
	}
	nss_unlock(st);
	return s;
}

enum nss_status
_nss_authrocket_getgrnam_r(const char *name, struct group *gr, char *buf,
    size_t len, int *errnop)
{
	return lookup(name, 0, gr, buf, len, errnop);
}

enum nss_status
_nss_authrocket_getgrgid_r(gid_t gid, struct group *gr, char *buf,
    size_t len, int *errnop)
{
	return lookup(NULL, gid, gr, buf, len, errnop);
}

enum nss_status
_nss_authrocket_setgrent(int stayopen)
{
	(void)stayopen;
	return nss_rewind(NSS_DB_GROUP);
}

enum nss_status
_nss_authrocket_endgrent(void)
{
	(void)nss_rewind(NSS_DB_GROUP);
	return NSS_STATUS_SUCCESS;
}

/* Enumeration slot i: a group, or nothing (an adopted entry's slot). */
static enum nss_status
group_at(const struct ar_dir *d, size_t i, void *ent, char *buf,
    size_t len, int *errnop)
{
	struct ar_dir_group_view v;
	int r;

	r = ar_dir_group_at(d, i, &v);
	if (r == AR_DIR_NOTFOUND && i < ar_dir_n_groups(d))
		return NSS_STATUS_RETURN;
	if (r != AR_DIR_OK)
		return nss_status_of(r, errnop);
	return fill_group(&v, ent, buf, len, errnop);
}

enum nss_status
_nss_authrocket_getgrent_r(struct group *gr, char *buf, size_t len,
    int *errnop)
{
	return nss_next(NSS_DB_GROUP, group_at, gr, buf, len, errnop);
}

/* Append gid unless present; grows the caller's array as glibc asks. */
static enum nss_status
add_gid(gid_t gid, long int *start, long int *size, gid_t **groupsp,
    long int limit, int *errnop)
{
	gid_t *g = *groupsp;
	long int i, n;

	for (i = 0; i < *start; i++)
		if (g[i] == gid)
			return NSS_STATUS_SUCCESS;
	if (*start == *size) {
		if (limit > 0 && *size >= limit)
			return NSS_STATUS_SUCCESS;	/* full: glibc's rule */
		n = *size > 0 ? 2 * *size : 16;
		if (limit > 0 && n > limit)
			n = limit;
		if ((g = realloc(g, n * sizeof(*g))) == NULL) {
			*errnop = ENOMEM;
			return NSS_STATUS_TRYAGAIN;
		}
		*groupsp = g;
		*size = n;
	}
	g[(*start)++] = gid;
	return NSS_STATUS_SUCCESS;
}

enum nss_status
_nss_authrocket_initgroups_dyn(const char *user, gid_t group,
    long int *start, long int *size, gid_t **groupsp, long int limit,
    int *errnop)
{
	struct ar_dir_user_view v;
	struct nss_state *st;
	enum nss_status s;
	size_t i;
	int r;

	st = nss_lock(&s, errnop);
	if (st->dir == NULL)
		goto out;
	r = ar_dir_user_by_name(st->dir, user, &v);
	if (r == AR_DIR_OK && v.adopted)
		r = AR_DIR_NOTFOUND;
	if ((s = nss_status_of(r, errnop)) != NSS_STATUS_SUCCESS)
		goto out;
	for (i = 0; i < v.n_gids && s == NSS_STATUS_SUCCESS; i++)
		if (ar_dir_gid(&v, i) != group)
			s = add_gid(ar_dir_gid(&v, i), start, size, groupsp,
			    limit, errnop);
 out:
	nss_unlock(st);
	return s;
}
