/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading the directory file (NSS module, authrocket-keys, PAM module):
 * map it read-only, check the header and every section's bounds once,
 * then answer lookups through its hash indexes, checking each offset
 * taken from the file before following it.  libc only; no state besides
 * the struct ar_dir the caller holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "directory.h"
#include "dir_format.h"

struct ar_dir {
	const unsigned char *base;
	size_t		 size;
	uint32_t	 n_users, n_groups, n_ids;
	uint32_t	 users, groups, ids, strings, str_size;
	uint32_t	 tab[4], nb[4];
	dev_t		 dev;
	ino_t		 ino;
	struct timespec	 mtime;
};

enum { IX_UNAME, IX_UID, IX_GNAME, IX_GID };

/* Whether [off, off + n * size) lies inside the file (no overflow). */
static int
section_ok(const struct ar_dir *d, uint32_t off, uint64_t n, uint64_t size)
{
	return off >= DF_HDR_SIZE && off <= d->size &&
	    n * size <= d->size - off;
}

/* Decode and check the header; AR_DIR_OK or AR_DIR_DAMAGED. */
static int
check_header(struct ar_dir *d)
{
	const unsigned char *h = d->base;
	int k;

	if (d->size < DF_HDR_SIZE || memcmp(h, DF_MAGIC, 8) != 0 ||
	    df_get32(h + DF_H_VERSION) != DF_VERSION ||
	    df_get32(h + DF_H_HDR_SIZE) != DF_HDR_SIZE ||
	    df_get32(h + DF_H_FILE_SIZE) != d->size)
		return AR_DIR_DAMAGED;
	d->n_users = df_get32(h + DF_H_N_USERS);
	d->n_groups = df_get32(h + DF_H_N_GROUPS);
	d->users = df_get32(h + DF_H_USERS);
	d->groups = df_get32(h + DF_H_GROUPS);
	d->ids = df_get32(h + DF_H_IDS);
	d->n_ids = df_get32(h + DF_H_N_IDS);
	d->strings = df_get32(h + DF_H_STRINGS);
	d->str_size = df_get32(h + DF_H_STR_SIZE);
	if (!section_ok(d, d->users, d->n_users, DF_USER_SIZE) ||
	    !section_ok(d, d->groups, d->n_groups, DF_GROUP_SIZE) ||
	    !section_ok(d, d->ids, d->n_ids, 4) ||
	    !section_ok(d, d->strings, d->str_size, 1) || d->str_size == 0 ||
	    d->base[d->strings + d->str_size - 1] != '\0')
		return AR_DIR_DAMAGED;
	for (k = 0; k < 4; k++) {
		d->tab[k] = df_get32(h + DF_H_UNAME + 8 * k);
		d->nb[k] = df_get32(h + DF_H_UNAME + 8 * k + 4);
		/* A power of two, with room for every entry. */
		if (d->nb[k] == 0 || (d->nb[k] & (d->nb[k] - 1)) != 0 ||
		    d->nb[k] < (k < IX_GNAME ? d->n_users : d->n_groups) ||
		    !section_ok(d, d->tab[k], d->nb[k], 4))
			return AR_DIR_DAMAGED;
	}
	return AR_DIR_OK;
}

/* Map an open descriptor; the caller closes it. */
static int
map_fd(int fd, uint32_t owner, struct ar_dir *d)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) != 0)
		return AR_DIR_SYSTEM;
	/* Anyone who can write the file decides who exists on the host. */
	if (!S_ISREG(st.st_mode) || (st.st_uid != 0 && st.st_uid != owner) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    st.st_size < DF_HDR_SIZE || (uint64_t)st.st_size > AR_DIR_MAX_SIZE)
		return AR_DIR_DAMAGED;
	p = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return errno == ENOMEM ? AR_DIR_NOMEM : AR_DIR_SYSTEM;
	d->base = p;
	d->size = st.st_size;
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->mtime = st.st_mtim;
	return check_header(d);
}

int
ar_dir_open(const char *dir, uint32_t owner, struct ar_dir **out)
{
	struct ar_dir *d = NULL;
	char path[4096];
	int fd = -1, r = AR_DIR_SYSTEM;

	*out = NULL;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, AR_DIR_FILE) >=
	    sizeof(path))
		return AR_DIR_SYSTEM;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return AR_DIR_NOMEM;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		/* A symbolic link in its place is not ours. */
		r = errno == ENOENT ? AR_DIR_MISSING : errno == ELOOP ?
		    AR_DIR_DAMAGED : errno == ENOMEM ? AR_DIR_NOMEM :
		    AR_DIR_SYSTEM;
		goto out;
	}
	if ((r = map_fd(fd, owner, d)) != AR_DIR_OK)
		goto out;
	*out = d;
	d = NULL;	/* transferred */
 out:
	if (fd >= 0)
		close(fd);
	ar_dir_close(d);
	return r;
}

void
ar_dir_close(struct ar_dir *d)
{
	if (d == NULL)
		return;
	if (d->base != NULL)
		munmap((void *)d->base, d->size);
	free(d);
}

int
ar_dir_current(const struct ar_dir *d, const char *dir)
{
	char path[4096];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, AR_DIR_FILE) >=
	    sizeof(path) || lstat(path, &st) != 0)
		return 0;
	return st.st_dev == d->dev && st.st_ino == d->ino &&
	    (size_t)st.st_size == d->size &&
	    st.st_mtim.tv_sec == d->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == d->mtime.tv_nsec;
}

/* The string at offset off, or NULL when off lies outside the strings. */
static const char *
string_at(const struct ar_dir *d, uint32_t off)
{
	/* The section ends with a NUL, so every string in it ends inside. */
	if (off >= d->str_size)
		return NULL;
	return (const char *)d->base + d->strings + off;
}

/* Whether the run [first, first + n) lies inside the ids section. */
static int
run_ok(const struct ar_dir *d, uint32_t first, uint32_t n)
{
	return first <= d->n_ids && n <= d->n_ids - first;
}

static const unsigned char *
user_rec(const struct ar_dir *d, uint32_t i)
{
	return d->base + d->users + (size_t)i * DF_USER_SIZE;
}

static const unsigned char *
group_rec(const struct ar_dir *d, uint32_t i)
{
	return d->base + d->groups + (size_t)i * DF_GROUP_SIZE;
}

static int
fill_user(const struct ar_dir *d, uint32_t i, struct ar_dir_user_view *v)
{
	const unsigned char *rec = user_rec(d, i);
	uint32_t first = df_get32(rec + DF_U_GIDS);
	uint32_t n = df_get32(rec + DF_U_N_GIDS);

	memset(v, 0, sizeof(*v));
	v->name = string_at(d, df_get32(rec + DF_U_NAME));
	v->ar_id = string_at(d, df_get32(rec + DF_U_AR_ID));
	v->ar_username = string_at(d, df_get32(rec + DF_U_AR_USERNAME));
	v->gecos = string_at(d, df_get32(rec + DF_U_GECOS));
	v->home = string_at(d, df_get32(rec + DF_U_HOME));
	v->shell = string_at(d, df_get32(rec + DF_U_SHELL));
	v->keys = string_at(d, df_get32(rec + DF_U_KEYS));
	v->uid = df_get32(rec + DF_U_UID);
	v->adopted = (df_get32(rec + DF_U_FLAGS) & DF_UF_ADOPTED) != 0;
	if (v->name == NULL || v->ar_id == NULL || v->ar_username == NULL ||
	    v->gecos == NULL || v->home == NULL || v->shell == NULL ||
	    v->keys == NULL || v->name[0] == '\0' || !run_ok(d, first, n)) {
		memset(v, 0, sizeof(*v));
		return AR_DIR_DAMAGED;
	}
	v->n_gids = n;
	v->priv = d->base + d->ids + (size_t)first * 4;
	return AR_DIR_OK;
}

uint32_t
ar_dir_gid(const struct ar_dir_user_view *v, size_t i)
{
	return df_get32((const unsigned char *)v->priv + i * 4);
}

static int
fill_group(const struct ar_dir *d, uint32_t i, struct ar_dir_group_view *v)
{
	const unsigned char *rec = group_rec(d, i), *m;
	uint32_t first = df_get32(rec + DF_G_MEMBERS);
	uint32_t n = df_get32(rec + DF_G_N_MEMBERS), j;

	memset(v, 0, sizeof(*v));
	v->name = string_at(d, df_get32(rec + DF_G_NAME));
	if (v->name == NULL || v->name[0] == '\0' || !run_ok(d, first, n))
		goto damaged;
	m = d->base + d->ids + (size_t)first * 4;
	/* Checked once here, so that ar_dir_member() cannot fail. */
	for (j = 0; j < n; j++)
		if (string_at(d, df_get32(m + (size_t)j * 4)) == NULL)
			goto damaged;
	v->gid = df_get32(rec + DF_G_GID);
	v->n_members = n;
	v->priv = m;
	v->strings = (const char *)d->base + d->strings;
	return AR_DIR_OK;
 damaged:
	memset(v, 0, sizeof(*v));
	return AR_DIR_DAMAGED;
}

const char *
ar_dir_member(const struct ar_dir_group_view *v, size_t i)
{
	return v->strings + df_get32((const unsigned char *)v->priv + i * 4);
}

/* The primary group of user entry i (none for an adopted one). */
static int
fill_primary(const struct ar_dir *d, uint32_t i, struct ar_dir_group_view *v)
{
	struct ar_dir_user_view u;
	int r;

	memset(v, 0, sizeof(*v));
	if ((r = fill_user(d, i, &u)) != AR_DIR_OK)
		return r;
	if (u.adopted)
		return AR_DIR_NOTFOUND;
	v->name = u.name;
	v->gid = u.uid;
	return AR_DIR_OK;
}

/*
 * Walk index k from hash h: calls match(d, record index, key) on each
 * candidate until it answers AR_DIR_OK or AR_DIR_DAMAGED, or an empty
 * slot ends the chain.  The walk is bounded by the table size, so a
 * table without empty slots cannot loop forever.
 */
static int
probe(const struct ar_dir *d, int k, uint32_t h, uint32_t count,
    int (*match)(const struct ar_dir *, uint32_t, const void *),
    const void *key, uint32_t *idx)
{
	const unsigned char *tab = d->base + d->tab[k];
	uint32_t mask = d->nb[k] - 1, n, w;
	int r;

	for (n = 0; n < d->nb[k]; n++, h++) {
		if ((w = df_get32(tab + (size_t)(h & mask) * 4)) == 0)
			return AR_DIR_NOTFOUND;
		if (w > count)
			return AR_DIR_DAMAGED;
		if ((r = match(d, w - 1, key)) != AR_DIR_NOTFOUND) {
			*idx = w - 1;
			return r;
		}
	}
	return AR_DIR_NOTFOUND;
}

static int
match_uname(const struct ar_dir *d, uint32_t i, const void *key)
{
	const char *s = string_at(d, df_get32(user_rec(d, i) + DF_U_NAME));

	if (s == NULL)
		return AR_DIR_DAMAGED;
	return strcmp(s, key) == 0 ? AR_DIR_OK : AR_DIR_NOTFOUND;
}

static int
match_uid(const struct ar_dir *d, uint32_t i, const void *key)
{
	const unsigned char *rec = user_rec(d, i);

	return df_get32(rec + DF_U_UID) == *(const uint32_t *)key &&
	    !(df_get32(rec + DF_U_FLAGS) & DF_UF_ADOPTED) ?
	    AR_DIR_OK : AR_DIR_NOTFOUND;
}

static int
match_gname(const struct ar_dir *d, uint32_t i, const void *key)
{
	const char *s = string_at(d, df_get32(group_rec(d, i) + DF_G_NAME));

	if (s == NULL)
		return AR_DIR_DAMAGED;
	return strcmp(s, key) == 0 ? AR_DIR_OK : AR_DIR_NOTFOUND;
}

static int
match_gid(const struct ar_dir *d, uint32_t i, const void *key)
{
	return df_get32(group_rec(d, i) + DF_G_GID) ==
	    *(const uint32_t *)key ? AR_DIR_OK : AR_DIR_NOTFOUND;
}

int
ar_dir_user_by_name(const struct ar_dir *d, const char *name,
    struct ar_dir_user_view *v)
{
	uint32_t i;
	int r;

	memset(v, 0, sizeof(*v));
	r = probe(d, IX_UNAME, df_hash_name(name), d->n_users, match_uname,
	    name, &i);
	return r != AR_DIR_OK ? r : fill_user(d, i, v);
}

int
ar_dir_user_by_uid(const struct ar_dir *d, uint32_t uid,
    struct ar_dir_user_view *v)
{
	uint32_t i;
	int r;

	memset(v, 0, sizeof(*v));
	r = probe(d, IX_UID, df_hash_id(uid), d->n_users, match_uid, &uid,
	    &i);
	return r != AR_DIR_OK ? r : fill_user(d, i, v);
}

int
ar_dir_group_by_name(const struct ar_dir *d, const char *name,
    struct ar_dir_group_view *v)
{
	uint32_t i;
	int r;

	memset(v, 0, sizeof(*v));
	r = probe(d, IX_GNAME, df_hash_name(name), d->n_groups, match_gname,
	    name, &i);
	if (r == AR_DIR_OK)
		return fill_group(d, i, v);
	if (r != AR_DIR_NOTFOUND)
		return r;
	r = probe(d, IX_UNAME, df_hash_name(name), d->n_users, match_uname,
	    name, &i);
	return r != AR_DIR_OK ? r : fill_primary(d, i, v);
}

int
ar_dir_group_by_gid(const struct ar_dir *d, uint32_t gid,
    struct ar_dir_group_view *v)
{
	uint32_t i;
	int r;

	memset(v, 0, sizeof(*v));
	r = probe(d, IX_GID, df_hash_id(gid), d->n_groups, match_gid, &gid,
	    &i);
	if (r == AR_DIR_OK)
		return fill_group(d, i, v);
	if (r != AR_DIR_NOTFOUND)
		return r;
	r = probe(d, IX_UID, df_hash_id(gid), d->n_users, match_uid, &gid,
	    &i);
	return r != AR_DIR_OK ? r : fill_primary(d, i, v);
}

size_t
ar_dir_n_users(const struct ar_dir *d)
{
	return d->n_users;
}

size_t
ar_dir_n_groups(const struct ar_dir *d)
{
	return (size_t)d->n_groups + d->n_users;
}

int
ar_dir_user_at(const struct ar_dir *d, size_t i, struct ar_dir_user_view *v)
{
	memset(v, 0, sizeof(*v));
	if (i >= d->n_users)
		return AR_DIR_NOTFOUND;
	return fill_user(d, i, v);
}

int
ar_dir_group_at(const struct ar_dir *d, size_t i,
    struct ar_dir_group_view *v)
{
	memset(v, 0, sizeof(*v));
	if (i < d->n_groups)
		return fill_group(d, i, v);
	if (i - d->n_groups < d->n_users)
		return fill_primary(d, i - d->n_groups, v);
	return AR_DIR_NOTFOUND;
}

const char *
ar_dir_result_str(int r)
{
	switch (r) {
	case AR_DIR_OK:
		return "ok";
	case AR_DIR_MISSING:
		return "missing";
	case AR_DIR_DAMAGED:
		return "damaged";
	case AR_DIR_NOTFOUND:
		return "not found";
	case AR_DIR_NOMEM:
		return "out of memory";
	case AR_DIR_SYSTEM:
		return "system error";
	case AR_DIR_INVALID:
		return "invalid entries";
	}
	return "unknown";
}
