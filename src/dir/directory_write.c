/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writing the directory file (authrocket-sync): lay every entry and the
 * hash indexes out in one buffer (see dir_format.h), then replace the
 * file atomically so that readers see the old file or the new one.
 * libc only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "directory.h"
#include "dir_format.h"

/* The file being built. */
struct wfile {
	unsigned char	*p;
	size_t		 cap;		/* bytes allocated */
	uint32_t	 users, groups, ids, strings;	/* section offsets */
	uint32_t	 tab[4], nb[4];	/* index offsets and bucket counts */
	uint32_t	 n_ids;		/* ids used so far */
	uint32_t	 str_used;	/* string bytes used so far */
	char		*err;
	size_t		 errlen;
};

enum { IX_UNAME, IX_UID, IX_GNAME, IX_GID };

static int
fail(struct wfile *w, int r, const char *fmt, ...)
{
	va_list ap;

	if (w->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(w->err, w->errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

static const char *
str_or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* Smallest power of two holding twice n entries (at least 1). */
static uint32_t
buckets_for(size_t n)
{
	uint32_t b = 1;

	while (b < 2 * n)
		b <<= 1;
	return b;
}

/* Bytes of the strings of the entries, an upper bound (no sharing). */
static uint64_t
strings_bound(const struct ar_dir_user *u, size_t nu,
    const struct ar_dir_group *g, size_t ng)
{
	uint64_t n = 1;
	size_t i, j;

	for (i = 0; i < nu; i++) {
		n += strlen(u[i].name) + strlen(u[i].ar_id) + 7 +
		    strlen(str_or_empty(u[i].ar_username)) +
		    strlen(str_or_empty(u[i].gecos)) +
		    strlen(str_or_empty(u[i].home)) +
		    strlen(str_or_empty(u[i].shell)) +
		    strlen(str_or_empty(u[i].keys));
	}
	for (i = 0; i < ng; i++) {
		n += strlen(g[i].name) + 1;
		for (j = 0; j < g[i].n_members; j++)
			n += strlen(g[i].members[j]) + 1;
	}
	return n;
}

/* NULL names or ids make an entry unusable. */
static int
check_entries(struct wfile *w, const struct ar_dir_user *u, size_t nu,
    const struct ar_dir_group *g, size_t ng)
{
	size_t i, j;

	for (i = 0; i < nu; i++) {
		if (u[i].name == NULL || u[i].name[0] == '\0' ||
		    u[i].ar_id == NULL)
			return fail(w, AR_DIR_INVALID,
			    "user %zu: no name or AuthRocket id", i);
		if (u[i].n_gids > 0 && u[i].gids == NULL)
			return fail(w, AR_DIR_INVALID, "user %s: no gids",
			    u[i].name);
	}
	for (i = 0; i < ng; i++) {
		if (g[i].name == NULL || g[i].name[0] == '\0' ||
		    (g[i].n_members > 0 && g[i].members == NULL))
			return fail(w, AR_DIR_INVALID, "group %zu: no name", i);
		for (j = 0; j < g[i].n_members; j++)
			if (g[i].members[j] == NULL)
				return fail(w, AR_DIR_INVALID,
				    "group %s: a member without a name",
				    g[i].name);
	}
	return AR_DIR_OK;
}

/* Place the sections and allocate the buffer (strings at the end). */
static int
lay_out(struct wfile *w, const struct ar_dir_user *u, size_t nu,
    const struct ar_dir_group *g, size_t ng)
{
	uint64_t off, n_ids = 0;
	size_t i, counts[4];
	int k;

	for (i = 0; i < nu; i++)
		n_ids += u[i].n_gids;
	for (i = 0; i < ng; i++)
		n_ids += g[i].n_members;
	if (nu > AR_DIR_MAX_SIZE / DF_USER_SIZE ||
	    ng > AR_DIR_MAX_SIZE / DF_GROUP_SIZE || n_ids > AR_DIR_MAX_SIZE / 4)
		return fail(w, AR_DIR_INVALID, "too many entries");
	counts[IX_UNAME] = counts[IX_UID] = nu;
	counts[IX_GNAME] = counts[IX_GID] = ng;
	off = DF_HDR_SIZE;
	w->users = off;
	off += (uint64_t)nu * DF_USER_SIZE;
	w->groups = off;
	off += (uint64_t)ng * DF_GROUP_SIZE;
	w->ids = off;
	off += n_ids * 4;
	for (k = 0; k < 4; k++) {
		w->nb[k] = buckets_for(counts[k]);
		w->tab[k] = off;
		off += (uint64_t)w->nb[k] * 4;
	}
	w->strings = off;
	off += strings_bound(u, nu, g, ng);
	if (off > AR_DIR_MAX_SIZE)
		return fail(w, AR_DIR_INVALID,
		    "directory larger than %lu bytes", AR_DIR_MAX_SIZE);
	w->cap = off;
	if ((w->p = calloc(1, w->cap)) == NULL)
		return fail(w, AR_DIR_NOMEM, "out of memory");
	w->str_used = 1;	/* offset 0: "" */
	return AR_DIR_OK;
}

/* Append a string; "" and NULL share offset 0. */
static uint32_t
add_string(struct wfile *w, const char *s)
{
	size_t len;
	uint32_t off;

	if (s == NULL || *s == '\0')
		return 0;
	len = strlen(s) + 1;
	off = w->str_used;
	memcpy(w->p + w->strings + off, s, len);
	w->str_used += len;
	return off;
}

static const char *
string_at(const struct wfile *w, uint32_t off)
{
	return (const char *)w->p + w->strings + off;
}

/* The record index + 1 stored in slot i of index k, 0 if empty. */
static unsigned char *
slot(struct wfile *w, int k, uint32_t i)
{
	return w->p + w->tab[k] + (size_t)(i & (w->nb[k] - 1)) * 4;
}

/*
 * Insert record idx under its name into index k (IX_UNAME or IX_GNAME),
 * whose records have name_at(record) at offset 0; AR_DIR_INVALID when the
 * name is there already.
 */
static int
insert_name(struct wfile *w, int k, uint32_t base, uint32_t size,
    uint32_t idx, const char *name)
{
	uint32_t h = df_hash_name(name), v;
	unsigned char *s;

	for (;; h++) {
		s = slot(w, k, h);
		if ((v = df_get32(s)) == 0)
			break;
		if (strcmp(string_at(w, df_get32(w->p + base +
		    (size_t)(v - 1) * size)), name) == 0)
			return AR_DIR_INVALID;
	}
	df_put32(s, idx + 1);
	return AR_DIR_OK;
}

/* The same for an id at field off of the records. */
static int
insert_id(struct wfile *w, int k, uint32_t base, uint32_t size,
    uint32_t off, uint32_t idx, uint32_t id)
{
	uint32_t h = df_hash_id(id), v;
	unsigned char *s;

	for (;; h++) {
		s = slot(w, k, h);
		if ((v = df_get32(s)) == 0)
			break;
		if (df_get32(w->p + base + (size_t)(v - 1) * size + off) == id)
			return AR_DIR_INVALID;
	}
	df_put32(s, idx + 1);
	return AR_DIR_OK;
}

/* Find a user entry by name: its record index + 1, or 0. */
static uint32_t
find_user(struct wfile *w, const char *name)
{
	uint32_t h = df_hash_name(name), v, off;

	for (;; h++) {
		if ((v = df_get32(slot(w, IX_UNAME, h))) == 0)
			return 0;
		off = df_get32(w->p + w->users + (size_t)(v - 1) *
		    DF_USER_SIZE + DF_U_NAME);
		if (strcmp(string_at(w, off), name) == 0)
			return v;
	}
}

/* Whether a served user has this uid (and so a primary group of it). */
static int
served_uid(struct wfile *w, uint32_t uid)
{
	uint32_t h = df_hash_id(uid), v;

	for (;; h++) {
		if ((v = df_get32(slot(w, IX_UID, h))) == 0)
			return 0;
		if (df_get32(w->p + w->users + (size_t)(v - 1) * DF_USER_SIZE +
		    DF_U_UID) == uid)
			return 1;
	}
}

static const unsigned char *
user_rec(struct wfile *w, uint32_t v)
{
	return w->p + w->users + (size_t)(v - 1) * DF_USER_SIZE;
}

static int
put_users(struct wfile *w, const struct ar_dir_user *u, size_t nu)
{
	unsigned char *rec;
	size_t i, j;

	for (i = 0; i < nu; i++) {
		rec = w->p + w->users + i * DF_USER_SIZE;
		df_put32(rec + DF_U_NAME, add_string(w, u[i].name));
		df_put32(rec + DF_U_AR_ID, add_string(w, u[i].ar_id));
		df_put32(rec + DF_U_AR_USERNAME,
		    add_string(w, u[i].ar_username));
		df_put32(rec + DF_U_GECOS, add_string(w, u[i].gecos));
		df_put32(rec + DF_U_HOME, add_string(w, u[i].home));
		df_put32(rec + DF_U_SHELL, add_string(w, u[i].shell));
		df_put32(rec + DF_U_KEYS, add_string(w, u[i].keys));
		df_put32(rec + DF_U_UID, u[i].adopted ? 0 : u[i].uid);
		df_put32(rec + DF_U_FLAGS, u[i].adopted ? DF_UF_ADOPTED : 0);
		df_put32(rec + DF_U_GIDS, w->n_ids);
		df_put32(rec + DF_U_N_GIDS, u[i].n_gids);
		for (j = 0; j < u[i].n_gids; j++)
			df_put32(w->p + w->ids + (size_t)w->n_ids++ * 4,
			    u[i].gids[j]);
		if (insert_name(w, IX_UNAME, w->users, DF_USER_SIZE, i,
		    u[i].name) != AR_DIR_OK)
			return fail(w, AR_DIR_INVALID,
			    "user %s: duplicate name", u[i].name);
		if (!u[i].adopted && insert_id(w, IX_UID, w->users,
		    DF_USER_SIZE, DF_U_UID, i, u[i].uid) != AR_DIR_OK)
			return fail(w, AR_DIR_INVALID,
			    "user %s: duplicate uid %u", u[i].name, u[i].uid);
	}
	return AR_DIR_OK;
}

/* Groups must not hide each other nor a served user's primary group. */
static int
put_groups(struct wfile *w, const struct ar_dir_group *g, size_t ng)
{
	unsigned char *rec;
	uint32_t v, off;
	size_t i, j;

	for (i = 0; i < ng; i++) {
		rec = w->p + w->groups + i * DF_GROUP_SIZE;
		if ((v = find_user(w, g[i].name)) != 0 &&
		    !(df_get32(user_rec(w, v) + DF_U_FLAGS) & DF_UF_ADOPTED))
			return fail(w, AR_DIR_INVALID,
			    "group %s: the name of a user", g[i].name);
		if (served_uid(w, g[i].gid))
			return fail(w, AR_DIR_INVALID,
			    "group %s: gid %u is a user's", g[i].name,
			    g[i].gid);
		df_put32(rec + DF_G_NAME, add_string(w, g[i].name));
		df_put32(rec + DF_G_GID, g[i].gid);
		df_put32(rec + DF_G_MEMBERS, w->n_ids);
		df_put32(rec + DF_G_N_MEMBERS, g[i].n_members);
		for (j = 0; j < g[i].n_members; j++) {
			v = find_user(w, g[i].members[j]);
			off = v != 0 ? df_get32(user_rec(w, v) + DF_U_NAME) :
			    add_string(w, g[i].members[j]);
			df_put32(w->p + w->ids + (size_t)w->n_ids++ * 4, off);
		}
		if (insert_name(w, IX_GNAME, w->groups, DF_GROUP_SIZE, i,
		    g[i].name) != AR_DIR_OK)
			return fail(w, AR_DIR_INVALID,
			    "group %s: duplicate name", g[i].name);
		if (insert_id(w, IX_GID, w->groups, DF_GROUP_SIZE, DF_G_GID, i,
		    g[i].gid) != AR_DIR_OK)
			return fail(w, AR_DIR_INVALID,
			    "group %s: duplicate gid %u", g[i].name, g[i].gid);
	}
	return AR_DIR_OK;
}

static void
put_header(struct wfile *w, size_t nu, size_t ng)
{
	unsigned char *h = w->p;
	int k;

	memcpy(h, DF_MAGIC, 8);
	df_put32(h + DF_H_VERSION, DF_VERSION);
	df_put32(h + DF_H_HDR_SIZE, DF_HDR_SIZE);
	df_put32(h + DF_H_FILE_SIZE, w->strings + w->str_used);
	df_put32(h + DF_H_N_USERS, nu);
	df_put32(h + DF_H_N_GROUPS, ng);
	df_put32(h + DF_H_USERS, w->users);
	df_put32(h + DF_H_GROUPS, w->groups);
	df_put32(h + DF_H_IDS, w->ids);
	df_put32(h + DF_H_N_IDS, w->n_ids);
	for (k = 0; k < 4; k++) {
		df_put32(h + DF_H_UNAME + 8 * k, w->tab[k]);
		df_put32(h + DF_H_UNAME + 8 * k + 4, w->nb[k]);
	}
	df_put32(h + DF_H_STRINGS, w->strings);
	df_put32(h + DF_H_STR_SIZE, w->str_used);
}

static int
write_all(int fd, const unsigned char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Write the buffer to a new file in dir and rename it over AR_DIR_FILE:
 * 0644 whatever the umask (every process on the host reads it), synced
 * before the rename and the directory synced after it, so that a crash
 * leaves the old file or the new one.
 */
static int
replace_file(struct wfile *w, const char *dir, size_t len)
{
	char tmp[4096], path[4096], eb[128];
	int fd = -1, dfd, r = AR_DIR_SYSTEM;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir,
	    AR_DIR_FILE) >= sizeof(tmp) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, AR_DIR_FILE) >=
	    sizeof(path))
		return fail(w, AR_DIR_INVALID, "%s: path too long", dir);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return fail(w, AR_DIR_SYSTEM, "%s: %s", tmp,
		    strerror_r(errno, eb, sizeof(eb)));
	if (fchmod(fd, 0644) != 0 || write_all(fd, w->p, len) != 0 ||
	    fsync(fd) != 0) {
		fail(w, AR_DIR_SYSTEM, "%s: %s", tmp,
		    strerror_r(errno, eb, sizeof(eb)));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		fail(w, AR_DIR_SYSTEM, "%s: %s", tmp,
		    strerror_r(errno, eb, sizeof(eb)));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		fail(w, AR_DIR_SYSTEM, "%s: %s", path,
		    strerror_r(errno, eb, sizeof(eb)));
		goto out;
	}
	tmp[0] = '\0';		/* renamed: nothing to remove */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	r = AR_DIR_OK;
 out:
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0')
		(void)unlink(tmp);
	return r;
}

int
ar_dir_write(const char *dir, const struct ar_dir_user *users,
    size_t n_users, const struct ar_dir_group *groups, size_t n_groups,
    char *err, size_t errlen)
{
	struct wfile w;
	int r;

	memset(&w, 0, sizeof(w));
	w.err = err;
	w.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	if ((n_users > 0 && users == NULL) || (n_groups > 0 && groups == NULL))
		return fail(&w, AR_DIR_INVALID, "no entries");
	if ((r = check_entries(&w, users, n_users, groups, n_groups)) != 0 ||
	    (r = lay_out(&w, users, n_users, groups, n_groups)) != 0 ||
	    (r = put_users(&w, users, n_users)) != 0 ||
	    (r = put_groups(&w, groups, n_groups)) != 0)
		goto out;
	put_header(&w, n_users, n_groups);
	r = replace_file(&w, dir, (size_t)w.strings + w.str_used);
 out:
	free(w.p);
	return r;
}
