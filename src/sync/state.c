/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What authrocket-sync keeps between runs, beside the directory file: the
 * entries it served last (so that the next run knows what it adds,
 * changes and drops, and --user can change one entry) and every uid and
 * gid it ever gave on this host (never changed, never given again).
 * JSON, members in a fixed order (jansson keeps insertion order) and
 * arrays and id records sorted: the same users give the same bytes.
 * Root-only (0600), replaced atomically like the directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "directory.h"
#include "errtext.h"
#include "json.h"
#include "name.h"
#include "secure.h"
#include "sync.h"

#define STATE_VERSION	1

static int
nomem(struct ar_ctx *ctx)
{
	return ar_fail(ctx, AR_ERR_NOMEM, "no_memory", "sync: out of memory");
}

static int
bad(struct ar_ctx *ctx, const char *dir, const char *what)
{
	return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_state",
	    "sync: %s/%s: %s", dir, AR_DIR_STATE, what);
}

void
sync_entry_clear(struct sync_entry *e)
{
	free(e->name);
	free(e->ar_id);
	free(e->ar_username);
	free(e->gecos);
	free(e->home);
	free(e->shell);
	free(e->keys);
	free(e->gids);
	memset(e, 0, sizeof(*e));
}

void
sync_group_clear(struct sync_group *g)
{
	size_t i;

	for (i = 0; i < g->n_members; i++)
		free(g->members[i]);
	free(g->members);
	free(g->name);
	memset(g, 0, sizeof(*g));
}

void
sync_dir_clear(struct sync_dir *d)
{
	size_t i;

	for (i = 0; i < d->n_u; i++)
		sync_entry_clear(&d->u[i]);
	for (i = 0; i < d->n_g; i++)
		sync_group_clear(&d->g[i]);
	for (i = 0; i < d->n_uids; i++)
		free(d->uids[i].key);
	for (i = 0; i < d->n_gids; i++)
		free(d->gids[i].key);
	free(d->u);
	free(d->g);
	free(d->uids);
	free(d->gids);
	memset(d, 0, sizeof(*d));
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct sync_entry *)a)->ar_id,
	    ((const struct sync_entry *)b)->ar_id);
}

static int
cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct sync_group *)a)->name,
	    ((const struct sync_group *)b)->name);
}

static int
cmp_rec(const void *a, const void *b)
{
	return strcmp(((const struct sync_idrec *)a)->key,
	    ((const struct sync_idrec *)b)->key);
}

/* qsort, also for an empty list that may have no array at all. */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *,
    const void *))
{
	if (n > 0)
		qsort(base, n, size, cmp);
}

void
sync_dir_sort(struct sync_dir *d)
{
	sort(d->u, d->n_u, sizeof(*d->u), cmp_entry);
	sort(d->g, d->n_g, sizeof(*d->g), cmp_group);
	sort(d->uids, d->n_uids, sizeof(*d->uids), cmp_rec);
	sort(d->gids, d->n_gids, sizeof(*d->gids), cmp_rec);
}

const struct sync_idrec *
sync_idrec_find(const struct sync_idrec *r, size_t n, const char *key)
{
	struct sync_idrec k = { (char *)key, 0 };

	if (n == 0)
		return NULL;
	return bsearch(&k, r, n, sizeof(*r), cmp_rec);
}

/* --- reading ---------------------------------------------------------- */

/* A string member (NULL allowed when opt); -1 on a wrong type or ENOMEM. */
static int
str_of(json_t *o, const char *key, int opt, char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if ((v == NULL || json_is_null(v)) && opt)
		return 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) !=
	    json_string_length(v))
		return -1;
	return (*out = strdup(json_string_value(v))) == NULL ? -1 : 0;
}

static int
id_of(json_t *v, uint32_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 0xfffffffeLL)
		return -1;
	*out = (uint32_t)json_integer_value(v);
	return 0;
}

static int
read_entry(json_t *o, struct sync_entry *e)
{
	json_t *g = json_object_get(o, "gids"), *v;
	size_t i;

	if (!json_is_object(o) || str_of(o, "name", 0, &e->name) != 0 ||
	    !ar_name_ok(e->name) || str_of(o, "ar_id", 0, &e->ar_id) != 0 ||
	    str_of(o, "ar_username", 1, &e->ar_username) != 0 ||
	    str_of(o, "gecos", 0, &e->gecos) != 0 ||
	    str_of(o, "home", 0, &e->home) != 0 ||
	    str_of(o, "shell", 0, &e->shell) != 0 ||
	    str_of(o, "keys", 1, &e->keys) != 0 ||
	    id_of(json_object_get(o, "uid"), &e->uid) != 0 ||
	    !json_is_boolean(json_object_get(o, "adopted")) ||
	    !json_is_array(g))
		return -1;
	e->adopted = json_is_true(json_object_get(o, "adopted"));
	if ((e->uid == 0) != (e->adopted != 0))
		return -1;
	if (json_array_size(g) > 0 && (e->gids = calloc(json_array_size(g),
	    sizeof(*e->gids))) == NULL)
		return -1;
	json_array_foreach(g, i, v) {
		if (id_of(v, &e->gids[i]) != 0)
			return -1;
		e->n_gids = i + 1;
	}
	return 0;
}

static int
read_group(json_t *o, struct sync_group *g)
{
	json_t *m = json_object_get(o, "members"), *v;
	size_t i;

	if (!json_is_object(o) || str_of(o, "name", 0, &g->name) != 0 ||
	    !ar_name_ok(g->name) || id_of(json_object_get(o, "gid"),
	    &g->gid) != 0 || !json_is_array(m))
		return -1;
	if (json_array_size(m) > 0 && (g->members = calloc(json_array_size(m),
	    sizeof(*g->members))) == NULL)
		return -1;
	json_array_foreach(m, i, v) {
		if (!json_is_string(v) || !ar_name_ok(json_string_value(v)) ||
		    (g->members[i] = strdup(json_string_value(v))) == NULL)
			return -1;
		g->n_members = i + 1;
	}
	return 0;
}

static int
read_recs(json_t *o, struct sync_idrec **out, size_t *n)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o))
		return -1;
	if (json_object_size(o) > 0 && (*out = calloc(json_object_size(o),
	    sizeof(**out))) == NULL)
		return -1;
	json_object_foreach(o, k, v) {
		if (id_of(v, &(*out)[*n].id) != 0 || (*out)[*n].id == 0 ||
		    ((*out)[*n].key = strdup(k)) == NULL)
			return -1;
		(*n)++;
	}
	return 0;
}

static int
read_tree(json_t *root, struct sync_dir *d)
{
	json_t *u = json_object_get(root, "users");
	json_t *g = json_object_get(root, "groups"), *v;
	size_t i;

	if (!json_is_integer(json_object_get(root, "version")) ||
	    json_integer_value(json_object_get(root, "version")) !=
	    STATE_VERSION || !json_is_array(u) || !json_is_array(g))
		return -1;
	if (read_recs(json_object_get(root, "uids"), &d->uids,
	    &d->n_uids) != 0 || read_recs(json_object_get(root, "gids"),
	    &d->gids, &d->n_gids) != 0)
		return -1;
	if ((json_array_size(u) > 0 && (d->u = calloc(json_array_size(u),
	    sizeof(*d->u))) == NULL) || (json_array_size(g) > 0 &&
	    (d->g = calloc(json_array_size(g), sizeof(*d->g))) == NULL))
		return -1;
	json_array_foreach(u, i, v) {
		d->n_u = i + 1;
		if (read_entry(v, &d->u[i]) != 0)
			return -1;
	}
	json_array_foreach(g, i, v) {
		d->n_g = i + 1;
		if (read_group(v, &d->g[i]) != 0)
			return -1;
	}
	return 0;
}

int
sync_state_read(struct ar_ctx *ctx, const char *dir, struct sync_dir *d,
    int *exists)
{
	char path[4096], *buf = NULL;
	size_t len = 0;
	json_t *root = NULL;
	int r = AR_ERR_INTERNAL;

	memset(d, 0, sizeof(*d));
	*exists = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, AR_DIR_STATE);
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return AR_OK;
	if ((r = ar_file_read(ctx, path, AR_FILE_SECRET, SYNC_STATE_MAX, &buf,
	    &len)) != AR_OK) {
		ar_ctx_clear_error(ctx);
		r = r == AR_ERR_NOMEM ? nomem(ctx) :
		    bad(ctx, dir, "unreadable or unsafe (root-only 0600 file)");
		goto out;
	}
	if ((r = ar_json_parse_object(ctx, buf, len, AR_ERR_UNAVAIL, &root)) !=
	    AR_OK) {
		ar_ctx_clear_error(ctx);
		r = bad(ctx, dir, "not valid JSON");
		goto out;
	}
	if (read_tree(root, d) != 0) {
		r = bad(ctx, dir, "malformed");
		goto out;
	}
	sync_dir_sort(d);
	*exists = 1;
	r = AR_OK;
 out:
	if (r != AR_OK)
		sync_dir_clear(d);
	json_decref(root);
	ar_secure_free(buf, len);
	return r;
}

/* --- writing ---------------------------------------------------------- */

static json_t *
opt_string(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
entry_json(const struct sync_entry *e)
{
	json_t *o = json_object(), *g = json_array();
	size_t i;

	if (o == NULL || g == NULL)
		goto fail;
	for (i = 0; i < e->n_gids; i++)
		if (json_array_append_new(g, json_integer(e->gids[i])) != 0)
			goto fail;
	if (json_object_set_new(o, "name", json_string(e->name)) != 0 ||
	    json_object_set_new(o, "ar_id", json_string(e->ar_id)) != 0 ||
	    json_object_set_new(o, "ar_username",
	    opt_string(e->ar_username)) != 0 ||
	    json_object_set_new(o, "uid", json_integer(e->uid)) != 0 ||
	    json_object_set_new(o, "adopted", json_boolean(e->adopted)) != 0 ||
	    json_object_set_new(o, "gecos", json_string(e->gecos)) != 0 ||
	    json_object_set_new(o, "home", json_string(e->home)) != 0 ||
	    json_object_set_new(o, "shell", json_string(e->shell)) != 0 ||
	    json_object_set_new(o, "keys", opt_string(e->keys)) != 0 ||
	    json_object_set(o, "gids", g) != 0)
		goto fail;
	json_decref(g);
	return o;
 fail:
	json_decref(g);
	json_decref(o);
	return NULL;
}

static json_t *
group_json(const struct sync_group *gr)
{
	json_t *o = json_object(), *m = json_array();
	size_t i;

	if (o == NULL || m == NULL)
		goto fail;
	for (i = 0; i < gr->n_members; i++)
		if (json_array_append_new(m, json_string(gr->members[i])) != 0)
			goto fail;
	if (json_object_set_new(o, "name", json_string(gr->name)) != 0 ||
	    json_object_set_new(o, "gid", json_integer(gr->gid)) != 0 ||
	    json_object_set(o, "members", m) != 0)
		goto fail;
	json_decref(m);
	return o;
 fail:
	json_decref(m);
	json_decref(o);
	return NULL;
}

static json_t *
recs_json(const struct sync_idrec *r, size_t n)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o != NULL && i < n; i++)
		if (json_object_set_new(o, r[i].key,
		    json_integer(r[i].id)) != 0) {
			json_decref(o);
			return NULL;
		}
	return o;
}

static json_t *
state_json(const struct sync_dir *d)
{
	json_t *root = json_object(), *u = json_array(), *g = json_array();
	json_t *v;
	size_t i;

	if (root == NULL || u == NULL || g == NULL)
		goto fail;
	for (i = 0; i < d->n_u; i++)
		if ((v = entry_json(&d->u[i])) == NULL ||
		    json_array_append_new(u, v) != 0)
			goto fail;
	for (i = 0; i < d->n_g; i++)
		if ((v = group_json(&d->g[i])) == NULL ||
		    json_array_append_new(g, v) != 0)
			goto fail;
	if (json_object_set_new(root, "version",
	    json_integer(STATE_VERSION)) != 0 ||
	    json_object_set(root, "users", u) != 0 ||
	    json_object_set(root, "groups", g) != 0 ||
	    (v = recs_json(d->uids, d->n_uids)) == NULL ||
	    json_object_set_new(root, "uids", v) != 0 ||
	    (v = recs_json(d->gids, d->n_gids)) == NULL ||
	    json_object_set_new(root, "gids", v) != 0)
		goto fail;
	json_decref(u);
	json_decref(g);
	return root;
 fail:
	json_decref(u);
	json_decref(g);
	json_decref(root);
	return NULL;
}

int
sync_state_prepare(struct ar_ctx *ctx, const char *dir,
    const struct sync_dir *d, char **tmp)
{
	json_t *root = NULL;
	char *text = NULL, *path = NULL, ebuf[AR_ERRNO_BUF];
	int fd = -1, r = AR_ERR_INTERNAL;

	if ((root = state_json(d)) == NULL ||
	    (text = json_dumps(root, JSON_INDENT(1))) == NULL ||
	    asprintf(&path, "%s/.%s.XXXXXX", dir, AR_DIR_STATE) < 0) {
		path = NULL;
		r = nomem(ctx);
		goto out;
	}
	/* mkstemp: O_EXCL, mode 0600 whatever the umask. */
	if ((fd = mkstemp(path)) < 0) {
		r = ar_fail(ctx, AR_ERR_INTERNAL, "write_failed",
		    "sync: %s: %s", path,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
		free(path);
		path = NULL;
		goto out;
	}
	if (fchmod(fd, 0600) != 0 ||
	    ar_write_all(fd, text, strlen(text)) != 0 ||
	    ar_write_all(fd, "\n", 1) != 0 || fsync(fd) != 0) {
		r = ar_fail(ctx, AR_ERR_INTERNAL, "write_failed",
		    "sync: %s: %s", path,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		r = ar_fail(ctx, AR_ERR_INTERNAL, "write_failed",
		    "sync: %s: %s", path,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	fd = -1;
	*tmp = path;
	path = NULL;	/* transferred */
	r = AR_OK;
 out:
	if (fd >= 0)
		close(fd);
	if (path != NULL) {
		unlink(path);
		free(path);
	}
	free(text);
	json_decref(root);
	return r;
}

int
sync_state_commit(struct ar_ctx *ctx, const char *dir, const char *tmp)
{
	char path[4096], ebuf[AR_ERRNO_BUF];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, AR_DIR_STATE);
	if (rename(tmp, path) != 0)
		return ar_fail(ctx, AR_ERR_INTERNAL, "write_failed",
		    "sync: rename to %s: %s", path,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	return AR_OK;
}

void
sync_state_discard(const char *tmp)
{
	if (tmp != NULL)
		(void)unlink(tmp);
}

int
sync_dir_write(struct ar_ctx *ctx, const char *dir, const struct sync_dir *d)
{
	struct ar_dir_user *u = NULL;
	struct ar_dir_group *g = NULL;
	char err[256];
	size_t i;
	int dr, r = AR_ERR_INTERNAL;

	if ((d->n_u > 0 && (u = calloc(d->n_u, sizeof(*u))) == NULL) ||
	    (d->n_g > 0 && (g = calloc(d->n_g, sizeof(*g))) == NULL)) {
		r = nomem(ctx);
		goto out;
	}
	for (i = 0; i < d->n_u; i++) {
		u[i].name = d->u[i].name;
		u[i].ar_id = d->u[i].ar_id;
		u[i].ar_username = d->u[i].ar_username;
		u[i].uid = d->u[i].uid;
		u[i].adopted = d->u[i].adopted;
		u[i].gecos = d->u[i].gecos;
		u[i].home = d->u[i].home;
		u[i].shell = d->u[i].shell;
		u[i].keys = d->u[i].keys;
		u[i].gids = d->u[i].gids;
		u[i].n_gids = d->u[i].n_gids;
	}
	for (i = 0; i < d->n_g; i++) {
		g[i].name = d->g[i].name;
		g[i].gid = d->g[i].gid;
		g[i].members = (const char *const *)d->g[i].members;
		g[i].n_members = d->g[i].n_members;
	}
	if ((dr = ar_dir_write(dir, u, d->n_u, g, d->n_g, err, sizeof(err))) !=
	    AR_DIR_OK) {
		r = dr == AR_DIR_NOMEM ? nomem(ctx) : ar_fail(ctx,
		    AR_ERR_INTERNAL, "write_failed", "sync: %s/%s: %s", dir,
		    AR_DIR_FILE, err);
		goto out;
	}
	r = AR_OK;
 out:
	free(u);
	free(g);
	return r;
}
