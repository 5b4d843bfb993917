/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsing AuthRocket list pages of users and realm-wide memberships for
 * authrocket-sync: strict types, every item judged by the same rules as a
 * single user or membership reply, nothing guessed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_list.h"
#include "claims.h"
#include "json.h"
#include "membership.h"
#include "secure.h"

#define UID_ATTR_MAX	4294967294LL	/* (uid_t)-1 is no uid */
#define KEYS_MAX	65536		/* bytes of SSH keys per user */

static int
nomem(struct ar_ctx *ctx)
{
	return ar_fail(ctx, AR_ERR_NOMEM, "no_memory", "api: out of memory");
}

static int
bad(struct ar_ctx *ctx, const char *what)
{
	return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_reply", "api: list page: %s",
	    what);
}

/* The collection and more_results of a list page. */
static int
page_open(struct ar_ctx *ctx, const char *body, size_t len, json_t **root,
    json_t **coll, int *more)
{
	json_t *m;
	int r;

	if ((r = ar_json_parse_object(ctx, body, len, AR_ERR_UNAVAIL, root)) !=
	    AR_OK)
		return r;
	*coll = json_object_get(*root, "collection");
	m = json_object_get(*root, "more_results");
	if (!json_is_array(*coll) || (m != NULL && !json_is_boolean(m))) {
		json_decref(*root);
		*root = NULL;
		return bad(ctx, "not a collection");
	}
	*more = json_is_true(m);
	return AR_OK;
}

/* Does the user item say its email address is verified? */
static int
email_verified(json_t *o)
{
	json_t *v2 = json_object_get(o, "email_verified");
	json_t *v1 = json_object_get(o, "email_verification");

	return json_is_true(v2) || (json_is_string(v1) &&
	    strcmp(json_string_value(v1), "verified") == 0);
}

/* A uid from a JSON integer or a decimal string; -1 when neither. */
static int64_t
uid_value(json_t *v)
{
	const char *s;
	int64_t n = 0;
	size_t i;

	if (json_is_integer(v)) {
		n = json_integer_value(v);
		return n >= 0 && n <= UID_ATTR_MAX ? n : -1;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	if (json_string_length(v) == 0 || json_string_length(v) > 10)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	return i == json_string_length(v) && n <= UID_ATTR_MAX ? n : -1;
}

/* Append string v (no NUL inside) and a '\n' separator to *keys. */
static int
keys_add(struct ar_ctx *ctx, char **keys, json_t *v)
{
	size_t old, add;
	char *n;

	if (!json_is_string(v) || strlen(json_string_value(v)) !=
	    json_string_length(v))
		return AR_OK;	/* not a key line: nothing to serve */
	old = *keys != NULL ? strlen(*keys) : 0;
	add = json_string_length(v);
	if (add == 0)
		return AR_OK;
	if (old + add + 2 > KEYS_MAX)
		return bad(ctx, "ssh keys attribute too large");
	if ((n = realloc(*keys, old + add + 2)) == NULL)
		return nomem(ctx);
	if (old > 0)
		n[old++] = '\n';
	memcpy(n + old, json_string_value(v), add + 1);
	*keys = n;
	return AR_OK;
}

/* The extra members of one user item besides the identity. */
static int
user_extra(struct ar_ctx *ctx, const struct ar_conf *conf, json_t *o,
    struct ar_list_user *u)
{
	json_t *v, *cs = json_object_get(o, "custom"), *e;
	size_t i;
	int r;

	v = json_object_get(o, "created_at");
	if (json_is_number(v) && isfinite(json_number_value(v)) &&
	    json_number_value(v) > -1e15 && json_number_value(v) < 1e15)
		u->created_at = (int64_t)json_number_value(v);
	v = json_object_get(o, "name");
	if (json_is_string(v) && strlen(json_string_value(v)) ==
	    json_string_length(v) && (u->name =
	    ar_strdup(json_string_value(v))) == NULL)
		return nomem(ctx);
	if (!json_is_object(cs))
		return AR_OK;
	if (conf->uid_attr != NULL &&
	    (v = json_object_get(cs, conf->uid_attr)) != NULL)
		u->uid_attr = uid_value(v);
	if (conf->ssh_keys_attr == NULL ||
	    (v = json_object_get(cs, conf->ssh_keys_attr)) == NULL)
		return AR_OK;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if ((r = keys_add(ctx, &u->keys, e)) != AR_OK)
				return r;
		return AR_OK;
	}
	return keys_add(ctx, &u->keys, v);
}

static void
list_user_clear(struct ar_list_user *u)
{
	ar_identity_clear(&u->id);
	free(u->name);
	free(u->keys);
	memset(u, 0, sizeof(*u));
}

void
ar_user_page_clear(struct ar_user_page *page)
{
	size_t i;

	if (page == NULL)
		return;
	for (i = 0; i < page->n; i++)
		list_user_clear(&page->u[i]);
	free(page->u);
	memset(page, 0, sizeof(*page));
}

int
ar_api_parse_user_page(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *body, size_t len, struct ar_user_page *page)
{
	struct ar_user_page p;
	struct ar_list_user *u;
	json_t *root = NULL, *coll, *item;
	size_t i, count;
	int r = AR_ERR_INTERNAL;

	memset(&p, 0, sizeof(p));
	if ((r = page_open(ctx, body, len, &root, &coll, &p.more)) != AR_OK)
		goto out;
	/* One count for the allocation and the loop: p.u has room for it. */
	if ((count = json_array_size(coll)) > 0 &&
	    (p.u = calloc(count, sizeof(*p.u))) == NULL) {
		r = nomem(ctx);
		goto out;
	}
	for (i = 0; i < count; i++) {
		item = json_array_get(coll, i);
		u = &p.u[p.n];
		u->created_at = AR_LIST_NO_TIME;
		u->uid_attr = -1;
		p.n++;
		if ((r = ar_api_user_from_json(ctx, conf, item, &u->id)) !=
		    AR_OK || (r = user_extra(ctx, conf, item, u)) != AR_OK)
			goto out;
		/* An address nobody proved to own maps no account. */
		if (!email_verified(item)) {
			free(u->id.email);
			u->id.email = NULL;
		}
	}
	*page = p;
	memset(&p, 0, sizeof(p));	/* transferred */
	r = AR_OK;
out:
	json_decref(root);
	ar_user_page_clear(&p);
	return r;
}

void
ar_membership_clear(struct ar_membership *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n_perm; i++)
		free(m->perm[i]);
	free(m->perm);
	free(m->org_id);
	memset(m, 0, sizeof(*m));
}

void
ar_memb_page_clear(struct ar_memb_page *page)
{
	size_t i;

	if (page == NULL)
		return;
	for (i = 0; i < page->n; i++) {
		free(page->m[i].id);
		free(page->m[i].user_id);
		ar_membership_clear(&page->m[i].m);
	}
	free(page->m);
	memset(page, 0, sizeof(*page));
}

/* The required string members "id" and "user_id" of item i. */
static int
memb_ids(struct ar_ctx *ctx, json_t *item, struct ar_list_memb *m)
{
	int r;

	if (!json_is_object(item))
		return bad(ctx, "membership is not an object");
	r = ar_json_get_str(ctx, item, "id", AR_ERR_UNAVAIL, 0, &m->id);
	if (r == AR_NOTHING || (r == AR_OK && m->id[0] == '\0'))
		return bad(ctx, "membership without an id");
	if (r != AR_OK)
		return r;
	r = ar_json_get_str(ctx, item, "user_id", AR_ERR_UNAVAIL, 0,
	    &m->user_id);
	if (r == AR_NOTHING || (r == AR_OK && m->user_id[0] == '\0'))
		return bad(ctx, "membership without a user_id");
	return r;
}

int
ar_api_parse_memb_page(struct ar_ctx *ctx, const char *body, size_t len,
    struct ar_memb_page *page)
{
	struct ar_memb_page p;
	struct ar_identity all;
	json_t *root = NULL, *coll, *item;
	size_t i;
	int r = AR_ERR_INTERNAL;

	memset(&p, 0, sizeof(p));
	memset(&all, 0, sizeof(all));
	if ((r = page_open(ctx, body, len, &root, &coll, &p.more)) != AR_OK)
		goto out;
	/* The membership rules of a single user's list, for every item. */
	if ((r = ar_memberships_parse(ctx, coll, AR_MEMB_API, AR_ERR_UNAVAIL,
	    &all)) != AR_OK)
		goto out;
	if (all.n_memb > 0 && (p.m = calloc(all.n_memb, sizeof(*p.m))) ==
	    NULL) {
		r = nomem(ctx);
		goto out;
	}
	/* One membership per item of coll, in order (or a failure above). */
	for (i = 0; i < all.n_memb; i++) {
		item = json_array_get(coll, i);
		p.n++;
		p.m[i].m = all.memb[i];
		memset(&all.memb[i], 0, sizeof(all.memb[i]));	/* moved */
		if ((r = memb_ids(ctx, item, &p.m[i])) != AR_OK)
			goto out;
	}
	*page = p;
	memset(&p, 0, sizeof(p));	/* transferred */
	r = AR_OK;
out:
	json_decref(root);
	ar_identity_clear(&all);
	ar_memb_page_clear(&p);
	return r;
}
