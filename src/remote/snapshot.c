/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Encoding and strict decoding of the snapshots the outage caches keep
 * (see snapshot.h).  Only what mapping and policy need is kept: never a
 * token, a session or a password.
 */
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "claims.h"
#include "json.h"
#include "membership.h"
#include "secure.h"
#include "snapshot.h"

#define SNAPSHOT_FORMAT	1

static int
nomem(struct ar_ctx *ctx)
{
	return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
	    "snapshot: out of memory");
}

/* Set key to a string, or leave it out when s is NULL; 0 on success. */
static int
put_str(json_t *o, const char *key, const char *s)
{
	if (s == NULL)
		return 0;
	return json_object_set_new(o, key, json_string(s));
}

static json_t *
memberships_json(const struct ar_identity *id)
{
	json_t *arr, *m, *perms;
	size_t i, j;

	if ((arr = json_array()) == NULL)
		return NULL;
	for (i = 0; i < id->n_memb; i++) {
		const struct ar_membership *mb = &id->memb[i];

		if ((m = json_object()) == NULL ||
		    json_array_append_new(arr, m) != 0 ||
		    put_str(m, "org_id", mb->org_id) != 0 ||
		    (perms = json_array()) == NULL ||
		    json_object_set_new(m, "permissions", perms) != 0 ||
		    json_object_set_new(m, "expires_at", mb->has_expiry ?
		    json_integer(mb->expires_at) : json_null()) != 0)
			goto fail;
		for (j = 0; j < mb->n_perm; j++)
			if (json_array_append_new(perms,
			    json_string(mb->perm[j])) != 0)
				goto fail;
	}
	return arr;
 fail:
	json_decref(arr);
	return NULL;
}

static json_t *
identity_json(const struct ar_identity *id)
{
	json_t *o, *cs = NULL, *memb = NULL;
	size_t i;

	if ((o = json_object()) == NULL || (cs = json_object()) == NULL)
		goto fail;
	for (i = 0; i < id->n_custom; i++)
		if (json_object_set_new(cs, id->custom[i].name,
		    json_string(id->custom[i].value)) != 0)
			goto fail;
	if (json_object_set_new(o, "version", json_integer(id->version)) ||
	    put_str(o, "user_id", id->user_id) ||
	    put_str(o, "username", id->username) ||
	    put_str(o, "email", id->email) ||
	    json_object_set_new(o, "email_verified",
	    json_boolean(id->email_verified)) ||
	    put_str(o, "reference", id->reference) ||
	    json_object_set(o, "custom", cs) ||
	    json_object_set_new(o, "have_state",
	    json_boolean(id->have_state)) ||
	    json_object_set_new(o, "active", json_boolean(id->active)) ||
	    json_object_set_new(o, "human", json_boolean(id->human)))
		goto fail;
	if (id->have_memberships && ((memb = memberships_json(id)) == NULL ||
	    json_object_set_new(o, "memberships", memb) != 0))
		goto fail;
	json_decref(cs);
	return o;
 fail:
	json_decref(cs);
	json_decref(o);
	return NULL;
}

int
ar_snapshot_encode(struct ar_ctx *ctx, const struct ar_snapshot *s,
    char **buf, size_t *len)
{
	json_t *root = NULL, *id = NULL;
	char *out = NULL;
	size_t n;
	int r = AR_ERR_INTERNAL;

	if ((root = json_object()) == NULL || (id = identity_json(&s->id)) ==
	    NULL || json_object_set_new(root, "format",
	    json_integer(SNAPSHOT_FORMAT)) || json_object_set_new(root,
	    "saved_at", json_integer(s->saved_at)) || put_str(root,
	    "verifier", s->verifier) || json_object_set_new(root, "fails",
	    json_integer(s->fails)) || json_object_set_new(root, "code_user",
	    json_boolean(s->code_user)) || json_object_set(root, "identity",
	    id)) {
		r = nomem(ctx);
		goto out;
	}
	if ((n = json_dumpb(root, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS)) ==
	    0 || n > AR_SNAPSHOT_MAX) {
		r = ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "snapshot: too large to keep");
		goto out;
	}
	if ((out = malloc(n + 1)) == NULL) {
		r = nomem(ctx);
		goto out;
	}
	if (json_dumpb(root, out, n, JSON_COMPACT | JSON_SORT_KEYS) != n) {
		r = nomem(ctx);
		goto out;
	}
	out[n] = '\n';
	*buf = out;
	*len = n + 1;
	out = NULL;	/* transferred */
	r = AR_OK;
 out:
	free(out);
	json_decref(id);
	json_decref(root);
	return r;
}

static int
bad(struct ar_ctx *ctx, const char *what)
{
	return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_cache", "snapshot: %s", what);
}

/* A boolean member: required. */
static int
get_bool(struct ar_ctx *ctx, json_t *o, const char *key, int *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_boolean(v))
		return bad(ctx, "a flag is missing or not a boolean");
	*out = json_is_true(v);
	return AR_OK;
}

static int
get_opt_str(struct ar_ctx *ctx, json_t *o, const char *key, char **out)
{
	int r = ar_json_get_str(ctx, o, key, AR_ERR_UNAVAIL, 0, out);

	return r == AR_NOTHING ? AR_OK : r;
}

static int
decode_custom(struct ar_ctx *ctx, json_t *cs, struct ar_identity *id)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	if (!json_is_object(cs))
		return bad(ctx, "custom is not an object");
	if (json_object_size(cs) == 0)
		return AR_OK;
	if ((id->custom = calloc(json_object_size(cs),
	    sizeof(*id->custom))) == NULL)
		return nomem(ctx);
	json_object_foreach(cs, k, v) {
		if (!json_is_string(v))
			return bad(ctx, "custom value is not a string");
		id->custom[n].name = ar_strdup(k);
		id->custom[n].value = ar_strdup(json_string_value(v));
		id->n_custom = ++n;
		if (id->custom[n - 1].name == NULL ||
		    id->custom[n - 1].value == NULL)
			return nomem(ctx);
	}
	return AR_OK;
}

static int
decode_identity(struct ar_ctx *ctx, json_t *o, struct ar_identity *id)
{
	json_t *memb;
	int64_t version = 0;
	int r;

	if (!json_is_object(o))
		return bad(ctx, "no identity");
	if ((r = ar_json_get_int(ctx, o, "version", AR_ERR_UNAVAIL,
	    &version)) != AR_OK || (version != 1 && version != 2))
		return r == AR_OK || r == AR_NOTHING ?
		    bad(ctx, "bad version") : r;
	id->version = (int)version;
	if ((r = ar_json_get_str(ctx, o, "user_id", AR_ERR_UNAVAIL, 0,
	    &id->user_id)) != AR_OK)
		return r == AR_NOTHING ? bad(ctx, "no user id") : r;
	if ((r = get_opt_str(ctx, o, "username", &id->username)) != AR_OK ||
	    (r = get_opt_str(ctx, o, "email", &id->email)) != AR_OK ||
	    (r = get_bool(ctx, o, "email_verified", &id->email_verified)) !=
	    AR_OK ||
	    (r = get_opt_str(ctx, o, "reference", &id->reference)) != AR_OK ||
	    (r = decode_custom(ctx, json_object_get(o, "custom"), id)) !=
	    AR_OK || (r = get_bool(ctx, o, "have_state", &id->have_state)) !=
	    AR_OK || (r = get_bool(ctx, o, "active", &id->active)) != AR_OK ||
	    (r = get_bool(ctx, o, "human", &id->human)) != AR_OK)
		return r;
	if ((memb = json_object_get(o, "memberships")) != NULL)
		return ar_memberships_parse(ctx, memb, AR_MEMB_API,
		    AR_ERR_UNAVAIL, id);
	return AR_OK;
}

int
ar_snapshot_decode(struct ar_ctx *ctx, const char *buf, size_t len,
    struct ar_snapshot *s)
{
	json_t *root = NULL;
	int64_t format = 0;
	int r = AR_ERR_INTERNAL;

	memset(s, 0, sizeof(*s));
	if ((r = ar_json_parse_object(ctx, buf, len, AR_ERR_UNAVAIL, &root)) !=
	    AR_OK)
		goto out;
	if (ar_json_get_int(ctx, root, "format", AR_ERR_UNAVAIL, &format) !=
	    AR_OK || format != SNAPSHOT_FORMAT) {
		r = bad(ctx, "unknown format");
		goto out;
	}
	if ((r = ar_json_get_int(ctx, root, "saved_at", AR_ERR_UNAVAIL,
	    &s->saved_at)) != AR_OK || (r = ar_json_get_int(ctx, root, "fails",
	    AR_ERR_UNAVAIL, &s->fails)) != AR_OK || s->saved_at <= 0 ||
	    s->fails < 0) {
		r = r == AR_OK || r == AR_NOTHING ? bad(ctx, "bad times") : r;
		goto out;
	}
	if ((r = get_opt_str(ctx, root, "verifier", &s->verifier)) != AR_OK ||
	    (r = get_bool(ctx, root, "code_user", &s->code_user)) != AR_OK ||
	    (r = decode_identity(ctx, json_object_get(root, "identity"),
	    &s->id)) != AR_OK)
		goto out;
	r = AR_OK;
 out:
	json_decref(root);
	if (r != AR_OK)
		ar_snapshot_clear(s);
	return r;
}

int
ar_snapshot_copy_id(struct ar_ctx *ctx, const struct ar_identity *src,
    struct ar_identity *dst)
{
	struct ar_snapshot s, back;
	char *buf = NULL;
	size_t len = 0;
	int r;

	/* Through the encoding: the copy holds exactly what a cache keeps. */
	memset(&s, 0, sizeof(s));
	memset(dst, 0, sizeof(*dst));
	s.saved_at = 1;
	s.id = *src;
	r = ar_snapshot_encode(ctx, &s, &buf, &len);
	memset(&s.id, 0, sizeof(s.id));	/* borrowed */
	if (r != AR_OK)
		return r;
	r = ar_snapshot_decode(ctx, buf, len, &back);
	free(buf);
	if (r != AR_OK)
		return r;
	*dst = back.id;
	memset(&back.id, 0, sizeof(back.id));	/* transferred */
	ar_snapshot_clear(&back);
	return AR_OK;
}

void
ar_snapshot_clear(struct ar_snapshot *s)
{
	if (s == NULL)
		return;
	ar_secure_free_str(s->verifier);
	ar_identity_clear(&s->id);
	memset(s, 0, sizeof(*s));
}

int
ar_snapshot_load(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *kind, const char *user, struct ar_snapshot *s)
{
	char name[96], *buf = NULL;
	size_t len = 0;
	time_t mtime;
	int r;

	if ((r = ar_cache_user_entry(ctx, conf, kind, user, name,
	    sizeof(name))) != AR_OK)
		return r;
	if ((r = ar_cache_read(ctx, conf, name, AR_SNAPSHOT_MAX, &buf, &len,
	    &mtime)) != AR_OK)
		return r;
	r = ar_snapshot_decode(ctx, buf, len, s);
	ar_secure_free(buf, len);
	return r;
}

int
ar_snapshot_save(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *kind, const char *user, const struct ar_snapshot *s)
{
	char name[96], *buf = NULL;
	size_t len = 0;
	int r;

	if ((r = ar_cache_user_entry(ctx, conf, kind, user, name,
	    sizeof(name))) != AR_OK)
		return r;
	if ((r = ar_snapshot_encode(ctx, s, &buf, &len)) != AR_OK)
		return r;
	r = ar_cache_write(ctx, conf, name, buf, len);
	ar_secure_free(buf, len);
	return r;
}

int
ar_snapshot_drop(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *kind, const char *user)
{
	char name[96];
	int r;

	if ((r = ar_cache_user_entry(ctx, conf, kind, user, name,
	    sizeof(name))) != AR_OK)
		return r;
	return ar_cache_remove(ctx, conf, name);
}
