/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The local account files as authrocket-sync must respect them: names and
 * ids in /etc/passwd and /etc/group are never shadowed by the directory.
 * The files are read directly, not through NSS, which would also answer
 * with the directory itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secure.h"
#include "sync.h"

#define LOCAL_FILE_MAX	(64UL * 1024 * 1024)

struct named_id {
	char		*name;
	uint32_t	 id;
};

static int
cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named_id *)a)->name,
	    ((const struct named_id *)b)->name);
}

/* Field idx (0-based) of a ':' line as a uid/gid; -1 when not one. */
static int64_t
field_id(const char *line, size_t len, int idx)
{
	size_t i = 0;
	int64_t v = 0;
	int f = 0, digits = 0;

	for (; i < len && f < idx; i++)
		if (line[i] == ':')
			f++;
	if (f != idx)
		return -1;
	for (; i < len && line[i] != ':'; i++) {
		if (line[i] < '0' || line[i] > '9' || ++digits > 10)
			return -1;
		v = v * 10 + (line[i] - '0');
	}
	return digits > 0 && v <= 0xffffffffLL ? v : -1;
}

/* Parse name and the id in field idx of every line of path. */
static int
read_ids(struct ar_ctx *ctx, const char *path, int idx,
    struct named_id **out, size_t *n_out)
{
	struct named_id *v = NULL, *grown;
	char *buf = NULL, *line, *end, *colon;
	size_t len = 0, n = 0, cap = 0;
	int64_t id;
	int r;

	if ((r = ar_file_read(ctx, path, AR_FILE_PUBLIC, LOCAL_FILE_MAX, &buf,
	    &len)) != AR_OK)
		return r;
	for (line = buf; line < buf + len; line = end + 1) {
		if ((end = memchr(line, '\n', (size_t)(buf + len - line))) ==
		    NULL)
			end = buf + len;
		*end = '\0';
		/* NIS compat lines (+, -) and garbage name nothing here. */
		if ((colon = strchr(line, ':')) == NULL || colon == line ||
		    *line == '+' || *line == '-' || *line == '#')
			continue;
		if ((id = field_id(line, (size_t)(end - line), idx)) < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((grown = reallocarray(v, cap, sizeof(*v))) == NULL)
				goto nomem;
			v = grown;
		}
		if ((v[n].name = strndup(line, (size_t)(colon - line))) ==
		    NULL)
			goto nomem;
		v[n++].id = (uint32_t)id;
	}
	ar_secure_free(buf, len);
	if (n > 0)	/* no line, no array: qsort wants one */
		qsort(v, n, sizeof(*v), cmp_named);
	*out = v;
	*n_out = n;
	return AR_OK;
 nomem:
	ar_secure_free(buf, len);
	while (n > 0)
		free(v[--n].name);
	free(v);
	return ar_fail(ctx, AR_ERR_NOMEM, "no_memory", "sync: out of memory");
}

/* Split the pairs into the two sorted arrays of l, ids into l->uids. */
static int
take(struct sync_local *l, struct named_id *v, size_t n, char ***names,
    uint32_t **ids, size_t *count)
{
	size_t i;

	if ((*names = calloc(n + 1, sizeof(**names))) == NULL ||
	    (*ids = calloc(n + 1, sizeof(**ids))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		(*names)[i] = v[i].name;
		(*ids)[i] = v[i].id;
		v[i].name = NULL;
		*count = i + 1;
		if (idset_add(&l->uids, v[i].id) != 0)
			return -1;
	}
	return 0;
}

int
sync_local_read(struct ar_ctx *ctx, const char *etc, struct sync_local *l)
{
	struct named_id *pw = NULL, *gr = NULL;
	size_t n_pw = 0, n_gr = 0, i;
	char path[512];
	int r = AR_ERR_INTERNAL;

	memset(l, 0, sizeof(*l));
	snprintf(path, sizeof(path), "%s/passwd", etc);
	if ((r = read_ids(ctx, path, 2, &pw, &n_pw)) != AR_OK)
		goto out;
	snprintf(path, sizeof(path), "%s/group", etc);
	if ((r = read_ids(ctx, path, 2, &gr, &n_gr)) != AR_OK)
		goto out;
	if (take(l, pw, n_pw, &l->user, &l->user_uid, &l->n_user) != 0 ||
	    take(l, gr, n_gr, &l->group, &l->group_gid, &l->n_group) != 0) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "sync: out of memory");
		goto out;
	}
	r = AR_OK;
 out:
	for (i = 0; pw != NULL && i < n_pw; i++)
		free(pw[i].name);
	for (i = 0; gr != NULL && i < n_gr; i++)
		free(gr[i].name);
	free(pw);
	free(gr);
	if (r != AR_OK)
		sync_local_clear(l);
	return r;
}

void
sync_local_clear(struct sync_local *l)
{
	size_t i;

	for (i = 0; i < l->n_user; i++)
		free(l->user[i]);
	for (i = 0; i < l->n_group; i++)
		free(l->group[i]);
	free(l->user);
	free(l->user_uid);
	free(l->group);
	free(l->group_gid);
	idset_free(&l->uids);
	memset(l, 0, sizeof(*l));
}

static int
cmp_name_key(const void *key, const void *elt)
{
	return strcmp(key, *(char *const *)elt);
}

static int
lookup(char **names, const uint32_t *ids, size_t n, const char *name,
    uint32_t *id)
{
	char **p;

	if (n == 0 || (p = bsearch(name, names, n, sizeof(*names),
	    cmp_name_key)) == NULL)
		return 0;
	if (id != NULL)
		*id = ids[p - names];
	return 1;
}

int
sync_local_user(const struct sync_local *l, const char *name, uint32_t *uid)
{
	return lookup(l->user, l->user_uid, l->n_user, name, uid);
}

int
sync_local_group(const struct sync_local *l, const char *name, uint32_t *gid)
{
	return lookup(l->group, l->group_gid, l->n_group, name, gid);
}

int
sync_shell_ok(struct ar_ctx *ctx, const char *etc, const char *shell)
{
	char path[512], *buf = NULL, *line, *end;
	size_t len = 0;
	int r, found = 0;

	snprintf(path, sizeof(path), "%s/shells", etc);
	if ((r = ar_file_read(ctx, path, AR_FILE_PUBLIC, AR_MAX_FILE, &buf,
	    &len)) != AR_OK)
		return r;
	for (line = buf; line < buf + len && !found; line = end + 1) {
		if ((end = memchr(line, '\n', (size_t)(buf + len - line))) ==
		    NULL)
			end = buf + len;
		*end = '\0';
		found = strcmp(line, shell) == 0;
	}
	ar_secure_free(buf, len);
	if (!found)
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: shell %s is not listed in %s", shell, path);
	return AR_OK;
}
