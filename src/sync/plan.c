/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Deciding the new directory: which AuthRocket users become accounts of
 * this host, under which names, uids and groups.  Every user who is left
 * out is logged with the reason; nothing here touches a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "name.h"
#include "policy.h"
#include "secure.h"
#include "sync.h"

/* One AuthRocket user on its way into the directory. */
struct cand {
	struct ar_list_user	*lu;
	char			*name;		/* mapped local name */
	int			 adopt;
	int			 skip;
	int			 have_uid;
	uint32_t		 uid;
};

struct plan {
	struct ar_ctx		*ctx;
	const struct sync_plan_in *in;
	const struct ar_conf	*conf;
	struct cand		*c;
	size_t			 n;
	struct idset		 taken;		/* uids and gids not free */
	struct strset		 reserved;	/* names kept by --user */
	struct sync_dir		*next;
	uint32_t	*rule_gid;	/* per group_map rule; 0: none */
};

static int
nomem(struct ar_ctx *ctx)
{
	return ar_fail(ctx, AR_ERR_NOMEM, "no_memory", "sync: out of memory");
}

/* Log why a user is left out, and forget the recorded failure. */
static void
skip(struct plan *p, struct cand *c, const char *why)
{
	ar_log(p->ctx, AR_LOG_NOTICE, "sync: skip %s (%s): %s",
	    c->lu->id.user_id, c->name != NULL ? c->name : "-", why);
	c->skip = 1;
}

/* Policy and mapping of one user; AR_OK also when it is left out. */
static int
admit(struct plan *p, struct cand *c)
{
	struct ar_ctx *ctx = p->ctx;
	int r;

	if ((r = ar_policy_identity(ctx, p->conf, &c->lu->id)) != AR_OK) {
		ar_log(ctx, AR_LOG_DEBUG, "sync: not served %s: %s",
		    c->lu->id.user_id, ctx->reason ? ctx->reason : "-");
		ar_ctx_clear_error(ctx);
		c->skip = 1;
		return AR_OK;
	}
	r = ar_map_local_name(ctx, p->conf, &c->lu->id, &c->name);
	if (r == AR_ERR_AUTH) {
		skip(p, c, ctx->detail);
		ar_ctx_clear_error(ctx);
		return AR_OK;
	}
	return r;
}

static int
cmp_cand_name(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->name == NULL || y->name == NULL)
		return (x->name == NULL) - (y->name == NULL);
	return strcmp(x->name, y->name);
}

/* Earlier-created first, then the smaller id: who keeps a slot. */
static int
cmp_cand_age(const void *a, const void *b)
{
	const struct cand *x = *(const struct cand *const *)a;
	const struct cand *y = *(const struct cand *const *)b;

	if (x->lu->created_at != y->lu->created_at)
		return x->lu->created_at < y->lu->created_at ? -1 : 1;
	return strcmp(x->lu->id.user_id, y->lu->id.user_id);
}

/* Does a user_map_file entry (not map_by) give this user its name? */
static int
named_by_map_file(struct plan *p, const struct cand *c)
{
	struct ar_conf only_file = *p->conf;
	char *name = NULL;
	int r;

	if (p->conf->user_map_file == NULL)
		return 0;
	only_file.map_by = AR_MAP_FILE;
	r = ar_map_local_name(p->ctx, &only_file, &c->lu->id, &name);
	ar_ctx_clear_error(p->ctx);
	r = r == AR_OK && strcmp(name, c->name) == 0;
	free(name);
	return r;
}

/*
 * Names: two users on one name lose it both (neither is more entitled);
 * a local user's name is adopted when the administrator said so, else
 * skipped; a local group's name would be shadowed by the primary group.
 */
static void
check_names(struct plan *p)
{
	const struct sync_local *l = p->in->local;
	struct cand *c;
	uint32_t luid;
	size_t i, j;

	if (p->n > 0)	/* no user, no array: qsort wants one */
		qsort(p->c, p->n, sizeof(*p->c), cmp_cand_name);
	for (i = 0; i < p->n; i = j) {
		for (j = i + 1; j < p->n && p->c[i].name != NULL &&
		    p->c[j].name != NULL &&
		    strcmp(p->c[i].name, p->c[j].name) == 0; j++)
			;
		if (j - i > 1)
			for (; i < j; i++)
				if (!p->c[i].skip)
					skip(p, &p->c[i], "another AuthRocket "
					    "user maps to the same name");
	}
	for (i = 0; i < p->n; i++) {
		c = &p->c[i];
		if (c->skip)
			continue;
		if (strset_has(&p->reserved, c->name)) {
			skip(p, c, "the name belongs to another entry");
		} else if (sync_local_user(l, c->name, &luid)) {
			if (luid >= (uint64_t)p->conf->min_uid &&
			    (p->conf->adopt_local || named_by_map_file(p, c)))
				c->adopt = 1;
			else
				skip(p, c, "a local account has this name");
		} else if (sync_local_group(l, c->name, NULL)) {
			skip(p, c, "a local group has this name");
		}
	}
}

/* A uid from the range, from key's hash on, skipping taken ones. */
static int
probe(struct plan *p, const char *key, uint32_t *out)
{
	uint64_t size = (uint64_t)p->conf->uid_max - p->conf->uid_min + 1;
	uint64_t i, slot = sync_hash(key) % size;
	uint32_t id;

	for (i = 0; i < size; i++) {
		id = (uint32_t)(p->conf->uid_min + (slot + i) % size);
		if (!idset_has(&p->taken, id)) {
			*out = id;
			return 1;
		}
	}
	return 0;
}

/* Append to records allocated large enough by sync_plan(). */
static int
record(struct sync_idrec *recs, size_t *n, const char *key, uint32_t id)
{
	if ((recs[*n].key = strdup(key)) == NULL)
		return -1;
	recs[(*n)++].id = id;
	return 0;
}

/*
 * Uids, in three passes: the uid this host already gave (never changed);
 * then uid_attr where it is usable; then the computed slot, earlier
 * users first, the next free one on a collision.  Every host with the
 * same users and no earlier history computes the same uids.
 */
static int
assign_uids(struct plan *p, struct cand **order, size_t n)
{
	const struct ar_conf *conf = p->conf;
	const struct sync_idrec *rec;
	struct cand *c;
	size_t i;
	int pass;

	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < n; i++) {
			c = order[i];
			if (c->skip || c->adopt || c->have_uid)
				continue;
			rec = sync_idrec_find(p->in->prev->uids,
			    p->in->prev->n_uids, c->lu->id.user_id);
			if (pass == 0 && rec != NULL) {
				if (idset_has(&p->in->local->uids, rec->id))
					skip(p, c, "its uid is now a local "
					    "account's or group's");
				else if (rec->id < (uint64_t)conf->min_uid)
					skip(p, c, "uid below min_uid");
				else {
					c->uid = rec->id;
					c->have_uid = 1;
				}
				continue;
			}
			if (pass == 0 || rec != NULL)
				continue;
			if (pass == 1) {
				if (c->lu->uid_attr < conf->min_uid ||
				    idset_has(&p->taken,
				    (uint32_t)c->lu->uid_attr))
					continue;
				c->uid = (uint32_t)c->lu->uid_attr;
			} else if (!probe(p, c->lu->id.user_id, &c->uid)) {
				skip(p, c, "uid_range is full");
				continue;
			} else if (c->uid < (uint64_t)conf->min_uid) {
				skip(p, c, "uid below min_uid");
				continue;
			}
			c->have_uid = 1;
			if (idset_add(&p->taken, c->uid) != 0 ||
			    record(p->next->uids, &p->next->n_uids,
			    c->lu->id.user_id, c->uid) != 0)
				return nomem(p->ctx);
		}
	}
	return AR_OK;
}

/* The GECOS field: the name without control characters, ':' or ','. */
static char *
gecos_of(const char *name)
{
	char *g;
	size_t i, o = 0;

	if (name == NULL)
		name = "";
	if ((g = malloc(strlen(name) + 1)) == NULL)
		return NULL;
	for (i = 0; name[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch < 0x20 || ch == 0x7f || ch == ':' || ch == ',')
			continue;
		g[o++] = (char)ch;
	}
	g[o] = '\0';
	return g;
}

/* home_dir with every "%u" replaced by the local name. */
static char *
home_of(const char *pattern, const char *name)
{
	size_t i, o = 0, n = 0;
	char *h;

	for (i = 0; pattern[i] != '\0'; i++)
		if (pattern[i] == '%' && pattern[i + 1] == 'u')
			n++;
	if ((h = malloc(strlen(pattern) + n * strlen(name) + 1)) == NULL)
		return NULL;
	for (i = 0; pattern[i] != '\0'; i++) {
		if (pattern[i] == '%' && pattern[i + 1] == 'u') {
			memcpy(h + o, name, strlen(name));
			o += strlen(name);
			i++;
		} else
			h[o++] = pattern[i];
	}
	h[o] = '\0';
	return h;
}

/* Does a current membership of id satisfy the group rule? */
static int
rule_matches(const struct ar_ctx *ctx, const struct ar_group_rule *rule,
    const struct ar_identity *id)
{
	const struct ar_membership *m;
	size_t i, j;

	for (i = 0; i < id->n_memb; i++) {
		m = &id->memb[i];
		if (m->expires_at != 0 && m->expires_at <= ctx->now)
			continue;
		if (rule->org_id != NULL) {
			if (m->org_id != NULL &&
			    strcmp(m->org_id, rule->org_id) == 0)
				return 1;
			continue;
		}
		for (j = 0; j < m->n_perm; j++)
			if (strcmp(m->perm[j], rule->permission) == 0)
				return 1;
	}
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The directory group name, or NULL; adds it (no members yet). */
static struct sync_group *
find_group(struct sync_dir *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_g; i++)
		if (strcmp(d->g[i].name, name) == 0)
			return &d->g[i];
	return NULL;
}

/* Is name a served or reserved account name of the new directory? */
static int
account_name(struct plan *p, const char *name)
{
	size_t i;

	if (strset_has(&p->reserved, name) ||
	    sync_local_user(p->in->local, name, NULL))
		return 1;
	for (i = 0; i < p->n; i++)
		if (!p->c[i].skip && strcmp(p->c[i].name, name) == 0)
			return 1;
	return 0;
}

/*
 * The gid of each group_map rule: an existing local group by name, else
 * a directory group whose gid lies in uid_range and is nobody's uid
 * (kept once given, like uids).
 */
static int
resolve_groups(struct plan *p)
{
	const struct ar_group_map *gm = &p->conf->group_map;
	const struct sync_idrec *rec;
	struct sync_dir *next = p->next;
	struct sync_group *g;
	char key[AR_NAME_MAX + 16];
	uint32_t gid;
	size_t i;

	if (gm->n > 0 && (p->rule_gid = calloc(gm->n, sizeof(*p->rule_gid))) ==
	    NULL)
		return nomem(p->ctx);
	/* The directory's groups are made here, from none. */
	next->n_g = 0;
	if (gm->n > 0 && (next->g = calloc(gm->n, sizeof(*next->g))) == NULL)
		return nomem(p->ctx);
	for (i = 0; i < gm->n; i++) {
		const char *name = gm->rule[i].group;

		if (sync_local_group(p->in->local, name, &gid)) {
			p->rule_gid[i] = gid;
			continue;
		}
		if ((g = find_group(next, name)) != NULL) {
			p->rule_gid[i] = g->gid;
			continue;
		}
		if (account_name(p, name)) {
			ar_log(p->ctx, AR_LOG_WARNING, "sync: group_map group "
			    "%s has an account's name: not served", name);
			continue;
		}
		rec = sync_idrec_find(p->in->prev->gids, p->in->prev->n_gids,
		    name);
		if (rec != NULL && !idset_has(&p->in->local->uids, rec->id)) {
			gid = rec->id;
		} else {
			snprintf(key, sizeof(key), "group:%s", name);
			if (!probe(p, key, &gid)) {
				ar_log(p->ctx, AR_LOG_WARNING, "sync: no free "
				    "gid for group %s in uid_range", name);
				continue;
			}
			if (idset_add(&p->taken, gid) != 0 ||
			    record(next->gids, &next->n_gids, name, gid) != 0)
				return nomem(p->ctx);
		}
		/* Only a group with its name counts in n_g. */
		g = &next->g[next->n_g];
		if ((g->name = strdup(name)) == NULL)
			return nomem(p->ctx);
		next->n_g++;
		g->gid = gid;
		p->rule_gid[i] = gid;
	}
	return AR_OK;
}

/* The entry of an admitted user. */
static int
make_entry(struct plan *p, const struct cand *c, struct sync_entry *e)
{
	const struct ar_conf *conf = p->conf;
	const struct ar_list_user *lu = c->lu;
	size_t i, n = 0;

	if ((e->name = strdup(c->name)) == NULL ||
	    (e->ar_id = strdup(lu->id.user_id)) == NULL ||
	    (lu->id.username != NULL &&
	    (e->ar_username = strdup(lu->id.username)) == NULL) ||
	    (e->gecos = gecos_of(lu->name)) == NULL ||
	    (e->home = home_of(conf->home_dir, c->name)) == NULL ||
	    (e->shell = strdup(conf->shell)) == NULL ||
	    (lu->keys != NULL && (e->keys = strdup(lu->keys)) == NULL))
		return nomem(p->ctx);
	e->adopted = c->adopt;
	e->uid = c->adopt ? 0 : c->uid;
	if (c->adopt || conf->group_map.n == 0)
		return AR_OK;
	if ((e->gids = calloc(conf->group_map.n, sizeof(*e->gids))) == NULL)
		return nomem(p->ctx);
	for (i = 0; i < conf->group_map.n; i++)
		if (p->rule_gid[i] != 0 && rule_matches(p->ctx,
		    &conf->group_map.rule[i], &lu->id))
			e->gids[n++] = p->rule_gid[i];
	qsort(e->gids, n, sizeof(*e->gids), cmp_u32);
	for (i = 0, e->n_gids = 0; i < n; i++)
		if (e->n_gids == 0 || e->gids[e->n_gids - 1] != e->gids[i])
			e->gids[e->n_gids++] = e->gids[i];
	return AR_OK;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Members of the directory groups: the served entries holding the gid. */
static int
fill_members(struct ar_ctx *ctx, struct sync_dir *d)
{
	struct sync_group *g;
	size_t i, j, k;

	for (k = 0; k < d->n_g; k++) {
		g = &d->g[k];
		for (i = 0; i < d->n_u; i++) {
			for (j = 0; j < d->u[i].n_gids; j++)
				if (d->u[i].gids[j] == g->gid)
					break;
			if (d->u[i].adopted || j == d->u[i].n_gids)
				continue;
			if ((g->members = reallocarray(g->members,
			    g->n_members + 1, sizeof(*g->members))) == NULL ||
			    (g->members[g->n_members] =
			    strdup(d->u[i].name)) == NULL)
				return nomem(ctx);
			g->n_members++;
		}
		if (g->n_members > 1)	/* an empty group has no array */
			qsort(g->members, g->n_members, sizeof(*g->members),
			    cmp_str);
	}
	return AR_OK;
}

/* Copy the id records of prev into next, with room for n more. */
static int
copy_recs(const struct sync_idrec *from, size_t n_from, size_t more,
    struct sync_idrec **to, size_t *n_to)
{
	size_t i;

	if ((*to = calloc(n_from + more + 1, sizeof(**to))) == NULL)
		return -1;
	for (i = 0; i < n_from; i++) {
		if (((*to)[i].key = strdup(from[i].key)) == NULL)
			return -1;
		(*to)[i].id = from[i].id;
		*n_to = i + 1;
	}
	return 0;
}

/* Duplicate an entry of the old directory (--user keeps the others). */
static int
copy_entry(const struct sync_entry *a, struct sync_entry *b)
{
	memset(b, 0, sizeof(*b));
	*b = *a;
	b->name = b->ar_id = b->ar_username = b->gecos = b->home = NULL;
	b->shell = b->keys = NULL;
	b->gids = NULL;
	if ((b->name = strdup(a->name)) == NULL ||
	    (b->ar_id = strdup(a->ar_id)) == NULL ||
	    (a->ar_username != NULL &&
	    (b->ar_username = strdup(a->ar_username)) == NULL) ||
	    (b->gecos = strdup(a->gecos)) == NULL ||
	    (b->home = strdup(a->home)) == NULL ||
	    (b->shell = strdup(a->shell)) == NULL ||
	    (a->keys != NULL && (b->keys = strdup(a->keys)) == NULL) ||
	    (a->n_gids > 0 && (b->gids = calloc(a->n_gids,
	    sizeof(*b->gids))) == NULL))
		return -1;
	if (a->n_gids > 0)
		memcpy(b->gids, a->gids, a->n_gids * sizeof(*b->gids));
	return 0;
}

/* Set up next and the taken ids; with --user, keep the other entries. */
static int
plan_start(struct plan *p)
{
	const struct sync_dir *prev = p->in->prev;
	const struct sync_users *users = p->in->users;
	const char *only = p->in->only, *id;
	struct sync_dir *next = p->next;
	size_t i;

	if (copy_recs(prev->uids, prev->n_uids, users->n, &next->uids,
	    &next->n_uids) != 0 || copy_recs(prev->gids, prev->n_gids,
	    p->conf->group_map.n, &next->gids, &next->n_gids) != 0 ||
	    (next->u = calloc(users->n + (only ? prev->n_u : 0) + 1,
	    sizeof(*next->u))) == NULL)
		return nomem(p->ctx);
	for (i = 0; i < prev->n_uids; i++)
		if (idset_add(&p->taken, prev->uids[i].id) != 0)
			return nomem(p->ctx);
	for (i = 0; i < prev->n_gids; i++)
		if (idset_add(&p->taken, prev->gids[i].id) != 0)
			return nomem(p->ctx);
	for (i = 0; i < p->in->local->uids.cap; i++)
		if (p->in->local->uids.slot[i] != 0 &&
		    idset_add(&p->taken, p->in->local->uids.slot[i]) != 0)
			return nomem(p->ctx);
	if (idset_add(&p->taken, 0) != 0)
		return nomem(p->ctx);
	if (only == NULL)
		return AR_OK;
	id = users->n > 0 ? users->u[0].id.user_id : NULL;
	for (i = 0; i < prev->n_u; i++) {
		/* The entry --user names: by username, id, or the id found. */
		if ((prev->u[i].ar_username != NULL &&
		    strcmp(prev->u[i].ar_username, only) == 0) ||
		    strcmp(prev->u[i].ar_id, only) == 0 ||
		    (id != NULL && strcmp(prev->u[i].ar_id, id) == 0))
			continue;
		if (copy_entry(&prev->u[i], &next->u[next->n_u]) != 0)
			return nomem(p->ctx);
		if (strset_add(&p->reserved, next->u[next->n_u++].name) < 0)
			return nomem(p->ctx);
	}
	return AR_OK;
}

int
sync_plan(struct ar_ctx *ctx, const struct sync_plan_in *in,
    struct sync_dir *next)
{
	struct plan p;
	struct cand **order = NULL;
	size_t i, n = in->users->n;
	int r = AR_ERR_INTERNAL;

	memset(&p, 0, sizeof(p));
	memset(next, 0, sizeof(*next));
	p.ctx = ctx;
	p.in = in;
	p.conf = in->conf;
	p.next = next;
	if ((r = plan_start(&p)) != AR_OK)
		goto out;
	/* n users, n candidates: p.c and order hold n (none when n is 0). */
	if (n > 0 && ((p.c = calloc(n, sizeof(*p.c))) == NULL ||
	    (order = calloc(n, sizeof(*order))) == NULL)) {
		r = nomem(ctx);
		goto out;
	}
	for (p.n = 0; p.n < n; p.n++) {
		p.c[p.n].lu = &in->users->u[p.n];
		if ((r = admit(&p, &p.c[p.n])) != AR_OK)
			goto out;
	}
	check_names(&p);
	for (i = 0; i < n; i++)
		order[i] = &p.c[i];
	if (n > 0)
		qsort(order, n, sizeof(*order), cmp_cand_age);
	if ((r = assign_uids(&p, order, n)) != AR_OK ||
	    (r = resolve_groups(&p)) != AR_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if (p.c[i].skip)
			continue;
		if ((r = make_entry(&p, &p.c[i], &next->u[next->n_u++])) !=
		    AR_OK)
			goto out;
	}
	if ((r = fill_members(ctx, next)) != AR_OK)
		goto out;
	sync_dir_sort(next);
	r = AR_OK;
 out:
	for (i = 0; p.c != NULL && i < p.n; i++)
		free(p.c[i].name);
	free(p.c);
	free(order);
	free(p.rule_gid);
	idset_free(&p.taken);
	strset_free(&p.reserved);
	if (r != AR_OK)
		sync_dir_clear(next);
	return r;
}
