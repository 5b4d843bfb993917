/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * From an AuthRocket identity to a local account name: the user map file
 * first, then map_by; and back, from a local account to the AuthRocket
 * name a password login sends to the API.
 */
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "name.h"
#include "secure.h"

/* Kinds of map file entries, in the order they are matched. */
enum map_kind {
	MAP_ID = 0,
	MAP_USERNAME,
	MAP_EMAIL,
	MAP_NKINDS
};

static const char *const map_kind_name[MAP_NKINDS] = {
	"id", "username", "email"
};

struct map_entry {
	int		 kind;		/* enum map_kind */
	const char	*value;		/* points into map_file.buf */
	const char	*local;		/* points into map_file.buf */
	size_t		 line;
};

struct map_file {
	char		*buf;		/* the file, cut into strings */
	size_t		 len;
	struct map_entry *ent;		/* in file order */
	size_t		 n;
	size_t		 cap;
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
map_free(struct map_file *mf)
{
	ar_secure_free(mf->buf, mf->len);
	free(mf->ent);
	memset(mf, 0, sizeof(*mf));
}

/*
 * Parse one line s[0..n) (without its '\n') in place.  On AR_OK *e is
 * filled and *have set when the line holds an entry; comments and blank
 * lines leave *have 0.
 */
static int
parse_line(struct ar_ctx *ctx, const char *path, size_t lineno, char *s,
    size_t n, struct map_entry *e, int *have)
{
	size_t i, colon, vend, lstart, lend;
	int kind;

	*have = 0;
	/* CRLF files: one trailing '\r' belongs to the line ending. */
	if (n > 0 && s[n - 1] == '\r')
		n--;
	/*
	 * Control bytes (NUL included) are refused: a NUL would end a
	 * string early and make "alice\0x" compare equal to "alice".
	 */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return ar_fail(ctx, AR_ERR_CONFIG, "bad_map_file",
			    "map: %s: line %zu: control character", path,
			    lineno);
	}
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	for (i = 0; i < n && is_blank(s[i]); i++)
		;
	if (i == n || s[i] == '#')
		return AR_OK;

	for (colon = i; colon < n && s[colon] != ':' && !is_blank(s[colon]);
	    colon++)
		;
	if (colon == n || s[colon] != ':')
		return ar_fail(ctx, AR_ERR_CONFIG, "bad_map_file",
		    "map: %s: line %zu: expected KIND:VALUE LOCAL", path,
		    lineno);
	for (kind = 0; kind < MAP_NKINDS; kind++)
		if (strlen(map_kind_name[kind]) == colon - i &&
		    memcmp(map_kind_name[kind], s + i, colon - i) == 0)
			break;
	if (kind == MAP_NKINDS)
		return ar_fail(ctx, AR_ERR_CONFIG, "bad_map_file",
		    "map: %s: line %zu: unknown kind %.*s (id, username or "
		    "email)", path, lineno, (int)(colon - i), s + i);

	for (vend = colon + 1; vend < n && !is_blank(s[vend]); vend++)
		;
	if (vend == colon + 1)
		return ar_fail(ctx, AR_ERR_CONFIG, "bad_map_file",
		    "map: %s: line %zu: empty %s value", path, lineno,
		    map_kind_name[kind]);
	for (lstart = vend; lstart < n && is_blank(s[lstart]); lstart++)
		;
	if (lstart == n)
		return ar_fail(ctx, AR_ERR_CONFIG, "bad_map_file",
		    "map: %s: line %zu: missing local name", path, lineno);
	for (lend = lstart; lend < n && !is_blank(s[lend]); lend++)
		;
	if (lend != n)
		return ar_fail(ctx, AR_ERR_CONFIG, "bad_map_file",
		    "map: %s: line %zu: text after the local name", path,
		    lineno);

	/* Both ends are a blank, '\r', '\n' or the buffer's final NUL. */
	s[vend] = '\0';
	s[lend] = '\0';
	if (!ar_name_ok(s + lstart))
		return ar_fail(ctx, AR_ERR_CONFIG, "bad_map_file",
		    "map: %s: line %zu: %s is not a valid local account name",
		    path, lineno, s + lstart);
	e->kind = kind;
	e->value = s + colon + 1;
	e->local = s + lstart;
	e->line = lineno;
	*have = 1;
	return AR_OK;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct map_entry *x = *(const struct map_entry *const *)a;
	const struct map_entry *y = *(const struct map_entry *const *)b;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((c = strcmp(x->value, y->value)) != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/*
 * A key listed twice is refused rather than resolved by order: an admin
 * who adds a line at the end must not silently lose to an older one.
 * Sorting keeps this O(n log n) for a file of many thousand lines.
 */
static int
check_duplicates(struct ar_ctx *ctx, const char *path,
    const struct map_file *mf)
{
	const struct map_entry **v = NULL, *dup = NULL, *first = NULL;
	size_t i;
	int r = AR_ERR_INTERNAL;

	if (mf->n < 2)
		return AR_OK;
	if ((v = calloc(mf->n, sizeof(*v))) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "map: out of memory");
		goto out;
	}
	for (i = 0; i < mf->n; i++)
		v[i] = &mf->ent[i];
	qsort(v, mf->n, sizeof(*v), cmp_entry);
	for (i = 1; i < mf->n; i++) {
		if (v[i]->kind != v[i - 1]->kind ||
		    strcmp(v[i]->value, v[i - 1]->value) != 0)
			continue;
		/* Report the earliest repeated line, for a stable message. */
		if (dup == NULL || v[i]->line < dup->line) {
			dup = v[i];
			first = v[i - 1];
		}
	}
	if (dup != NULL) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "bad_map_file",
		    "map: %s: line %zu: duplicate entry %s:%s (first on line "
		    "%zu)", path, dup->line, map_kind_name[dup->kind],
		    dup->value, first->line);
		goto out;
	}
	r = AR_OK;
 out:
	free(v);
	return r;
}

/* Read and parse the map file; on AR_OK *out holds it (map_free()). */
static int
map_load(struct ar_ctx *ctx, const char *path, struct map_file *out)
{
	struct map_file mf;
	struct map_entry e, *grown;
	size_t pos, end, lineno, cap;
	int have, r = AR_ERR_INTERNAL;

	memset(&mf, 0, sizeof(mf));
	if ((r = ar_file_read(ctx, path, AR_FILE_PUBLIC, AR_MAX_FILE, &mf.buf,
	    &mf.len)) != AR_OK)
		goto out;
	for (pos = 0, lineno = 1; pos < mf.len; pos = end + 1, lineno++) {
		for (end = pos; end < mf.len && mf.buf[end] != '\n'; end++)
			;
		memset(&e, 0, sizeof(e));
		if ((r = parse_line(ctx, path, lineno, mf.buf + pos, end - pos,
		    &e, &have)) != AR_OK)
			goto out;
		if (!have)
			continue;
		if (mf.n == mf.cap) {
			cap = mf.cap == 0 ? 16 : mf.cap * 2;
			grown = reallocarray(mf.ent, cap, sizeof(*mf.ent));
			if (grown == NULL) {
				r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
				    "map: out of memory");
				goto out;
			}
			mf.ent = grown;
			mf.cap = cap;
		}
		mf.ent[mf.n++] = e;
	}
	if ((r = check_duplicates(ctx, path, &mf)) != AR_OK)
		goto out;
	*out = mf;
	memset(&mf, 0, sizeof(mf));	/* transferred */
	r = AR_OK;
 out:
	map_free(&mf);
	return r;
}

/*
 * The local name an entry gives id, or NULL: id entries first, then
 * username, then email (email is id's address when it is verified, else
 * NULL).  Comparison is exact, bytes for bytes.  AuthRocket treats
 * usernames case-insensitively, but folding case here could carry a
 * login into another account (think "Root" or a Unicode lookalike); an
 * administrator who needs both spellings lists both.
 */
static const char *
map_find(const struct map_file *mf, const struct ar_identity *id,
    const char *email)
{
	const char *key[MAP_NKINDS];
	size_t i;
	int kind;

	key[MAP_ID] = id->user_id;
	key[MAP_USERNAME] = id->username;
	key[MAP_EMAIL] = email;
	for (kind = 0; kind < MAP_NKINDS; kind++) {
		if (key[kind] == NULL || key[kind][0] == '\0')
			continue;
		for (i = 0; i < mf->n; i++)
			if (mf->ent[i].kind == kind &&
			    strcmp(mf->ent[i].value, key[kind]) == 0)
				return mf->ent[i].local;
	}
	return NULL;
}

/*
 * The name map_by takes from id (NULL when the source is missing), and
 * what it is called in messages.  email is id's address when verified,
 * else NULL.  A local part is malloc'ed into *part (the caller frees it).
 */
static int
map_by_rule(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_identity *id, const char *email, const char **name,
    const char **from, char **part)
{
	const char *at, *who = id->user_id != NULL ? id->user_id : "(no id)";

	*name = NULL;
	switch (conf->map_by) {
	case AR_MAP_USERNAME:
		*from = "username";
		*name = id->username;
		return AR_OK;
	case AR_MAP_EMAIL:
		*from = "email";
		*name = email;
		return AR_OK;
	case AR_MAP_EMAIL_LOCALPART:
		*from = "email local part";
		if (email == NULL || email[0] == '\0')
			return AR_OK;
		/* Exactly one '@': "a@b@c" has no clear local part. */
		at = strrchr(email, '@');
		if (at == NULL || strchr(email, '@') != at)
			return ar_fail(ctx, AR_ERR_AUTH, "no_mapping",
			    "map: email of %s is not one local@domain", who);
		if ((*part = strndup(email, (size_t)(at - email))) == NULL)
			return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
			    "map: out of memory");
		*name = *part;
		return AR_OK;
	case AR_MAP_REFERENCE:
		*from = "reference";
		*name = id->reference;
		return AR_OK;
	case AR_MAP_CUSTOM:
		if (conf->map_custom == NULL)
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "map: map_by custom without a name");
		*from = "custom attribute";
		*name = ar_identity_custom(id, conf->map_custom);
		return AR_OK;
	case AR_MAP_FILE:
		*from = "map file";
		return AR_OK;
	default:
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "map: unknown map_by %d", conf->map_by);
	}
}

/*
 * Nothing mapped id: say so, and say why when an unverified address is
 * what would have mapped it (map_by email or email_localpart, or an
 * email: entry of the map file).
 */
static int
fail_unmapped(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct map_file *mf, const struct ar_identity *id,
    const char *from)
{
	const char *who = id->user_id != NULL ? id->user_id : "(no id)";
	int by_email = conf->map_by == AR_MAP_EMAIL ||
	    conf->map_by == AR_MAP_EMAIL_LOCALPART;

	if (!id->email_verified && id->email != NULL && id->email[0] != '\0' &&
	    (by_email || map_find(mf, id, id->email) != NULL))
		return ar_fail(ctx, AR_ERR_AUTH, "email_unverified",
		    "map: the email address of %s is not verified, so it "
		    "maps no account", who);
	return ar_fail(ctx, AR_ERR_AUTH, "no_mapping", "map: no %s for %s",
	    from, who);
}

int
ar_map_validate(struct ar_ctx *ctx, const struct ar_conf *conf,
    size_t *entries)
{
	struct map_file mf;
	int r;

	*entries = 0;
	if (conf->user_map_file == NULL)
		return AR_OK;
	memset(&mf, 0, sizeof(mf));
	if ((r = map_load(ctx, conf->user_map_file, &mf)) != AR_OK)
		return r;
	*entries = mf.n;
	map_free(&mf);
	return AR_OK;
}

int
ar_map_local_name(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_identity *id, char **local)
{
	struct map_file mf;
	const char *name = NULL, *from = NULL, *who, *email;
	char *part = NULL, *out = NULL;
	int r = AR_ERR_INTERNAL;

	memset(&mf, 0, sizeof(mf));
	who = id->user_id != NULL ? id->user_id : "(no id)";
	/*
	 * An address maps an account only when AuthRocket has verified it:
	 * anyone can type someone else's address into a sign-up form.
	 */
	email = id->email_verified ? id->email : NULL;
	if (conf->user_map_file != NULL) {
		if ((r = map_load(ctx, conf->user_map_file, &mf)) != AR_OK)
			goto out;
		if ((name = map_find(&mf, id, email)) != NULL)
			from = "map file entry";
	}
	if (name == NULL && (r = map_by_rule(ctx, conf, id, email, &name,
	    &from, &part)) != AR_OK)
		goto out;
	if (name == NULL || name[0] == '\0') {
		r = fail_unmapped(ctx, conf, &mf, id, from);
		goto out;
	}
	/* Checked on every path, map file entries included. */
	if (!ar_name_ok(name)) {
		r = ar_fail(ctx, AR_ERR_AUTH, "bad_local_name",
		    "map: %s %s of %s is not a valid local account name",
		    from, name, who);
		goto out;
	}
	if ((out = strdup(name)) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "map: out of memory");
		goto out;
	}
	*local = out;
	out = NULL;	/* transferred */
	r = AR_OK;
 out:
	free(out);
	free(part);
	map_free(&mf);
	return r;
}

int
ar_map_remote_name(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *local, char **name)
{
	struct map_file mf;
	const char *found = local;
	char *out = NULL;
	size_t i;
	int r = AR_ERR_INTERNAL;

	memset(&mf, 0, sizeof(mf));
	if (conf->user_map_file != NULL) {
		if ((r = map_load(ctx, conf->user_map_file, &mf)) != AR_OK)
			goto out;
		/* File order decides when several entries name local. */
		for (i = 0; i < mf.n; i++) {
			if (strcmp(mf.ent[i].local, local) == 0) {
				found = mf.ent[i].value;
				break;
			}
		}
	}
	if ((out = strdup(found)) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "map: out of memory");
		goto out;
	}
	*name = out;
	out = NULL;	/* transferred */
	r = AR_OK;
 out:
	free(out);
	map_free(&mf);
	return r;
}
