/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A token's header and payload as JSON: exact member types, the mapping of
 * AuthRocket 1 and 2 claims onto the identity, and the time, realm and
 * issuer rules.  Also reads membership lists for the API code.
 */
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "json.h"
#include "membership.h"
#include "secure.h"

#define AR_DEFAULT_ISSUER	"https://authrocket.com"
#define AR_MAX_KID		256	/* longest header kid accepted */
#define AR_MAX_LEEWAY		300

/* Allowed JSON type of a claim. */
enum claim_type {
	CT_STR,		/* string */
	CT_STR_NULL,	/* string, or null meaning absent */
	CT_INT,		/* integer only */
	CT_BOOL,
	CT_OBJ_NULL,	/* object, or null meaning absent */
	CT_ARR,
	CT_AUD		/* string, or array of strings */
};

struct claim_spec {
	const char	*name;
	int		 type;
};

/* Every claim read from an AuthRocket 1 token, with its type. */
static const struct claim_spec v1_claims[] = {
	{ "uid", CT_STR }, { "un", CT_STR_NULL }, { "fn", CT_STR_NULL },
	{ "ln", CT_STR_NULL }, { "n", CT_STR_NULL }, { "aud", CT_AUD },
	{ "tk", CT_STR }, { "iss", CT_STR }, { "iat", CT_INT },
	{ "exp", CT_INT }, { "nbf", CT_INT }, { "cs", CT_OBJ_NULL },
	{ "m", CT_ARR }, { NULL, 0 }
};

/* Every claim read from an AuthRocket 2 token, with its type. */
static const struct claim_spec v2_claims[] = {
	{ "iss", CT_STR }, { "sub", CT_STR }, { "rid", CT_STR },
	{ "sid", CT_STR }, { "preferred_username", CT_STR_NULL },
	{ "email", CT_STR_NULL }, { "email_verified", CT_BOOL },
	{ "given_name", CT_STR_NULL }, { "family_name", CT_STR_NULL },
	{ "name", CT_STR_NULL }, { "ref", CT_STR_NULL },
	{ "cs", CT_OBJ_NULL }, { "orgs", CT_ARR }, { "iat", CT_INT },
	{ "exp", CT_INT }, { "nbf", CT_INT }, { NULL, 0 }
};

static const char *
reason_for(int err_code)
{
	return err_code == AR_ERR_AUTH ? "bad_claims" : "bad_json";
}

/*
 * Parse json strictly, recording a failure under reason (rather than
 * json.c's generic keyword) with json.c's detail.
 */
static int
parse_strict(struct ar_ctx *ctx, const char *json, size_t len,
    const char *reason, const char *what, json_t **out)
{
	struct ar_ctx scratch;
	int r;

	ar_ctx_try(ctx, &scratch);
	scratch.debug = 0;	/* the detail is logged once, below */
	r = ar_json_parse_object(&scratch, json, len, AR_ERR_AUTH, out);
	if (r == AR_OK)
		return AR_OK;
	if (r == AR_ERR_NOMEM)
		return ar_fail(ctx, r, "no_memory", "token: out of memory");
	return ar_fail_trial(ctx, AR_ERR_AUTH, reason, &scratch, "token: %s: ",
	    what);
}

/* A JSON string without an embedded NUL. */
static int
is_clean_string(json_t *v)
{
	return json_is_string(v) &&
	    strlen(json_string_value(v)) == json_string_length(v);
}

static int
has_type(json_t *v, int type)
{
	size_t i;
	json_t *e;

	switch (type) {
	case CT_STR:
		return is_clean_string(v);
	case CT_STR_NULL:
		return json_is_null(v) || is_clean_string(v);
	case CT_INT:
		return json_is_integer(v);
	case CT_BOOL:
		return json_is_boolean(v);
	case CT_OBJ_NULL:
		return json_is_null(v) || json_is_object(v);
	case CT_ARR:
		return json_is_array(v);
	case CT_AUD:
		if (is_clean_string(v))
			return 1;
		if (!json_is_array(v))
			return 0;
		json_array_foreach(v, i, e)
			if (!is_clean_string(e))
				return 0;
		return 1;
	default:
		return 0;
	}
}

/* Check every known claim that is present for its exact type. */
static int
check_types(struct ar_ctx *ctx, json_t *root, const struct claim_spec *spec)
{
	json_t *v;

	for (; spec->name != NULL; spec++) {
		v = json_object_get(root, spec->name);
		if (v != NULL && !has_type(v, spec->type))
			return ar_fail(ctx, AR_ERR_AUTH, "bad_claims",
			    "token: claim %s has the wrong type",
			    spec->name);
	}
	return AR_OK;
}

/* Copy a string claim (types already checked); AR_NOTHING if absent. */
static int
copy_str(struct ar_ctx *ctx, json_t *obj, const char *key, char **out)
{
	return ar_json_get_str(ctx, obj, key, AR_ERR_AUTH, 1, out);
}

int
ar_claims_header(struct ar_ctx *ctx, const char *json, size_t len,
    const char *want_alg, char **kid)
{
	static const char *const known[] = {
		"HS256", "RS256", "ES256", "ES384", NULL
	};
	json_t *root = NULL, *v;
	const char *alg;
	char *k = NULL;
	size_t i;
	int r = AR_ERR_INTERNAL;

	if ((r = parse_strict(ctx, json, len, "bad_header", "header",
	    &root)) != AR_OK)
		goto out;
	r = AR_ERR_INTERNAL;
	v = json_object_get(root, "alg");
	if (!is_clean_string(v)) {
		r = ar_fail(ctx, AR_ERR_AUTH, "bad_header",
		    "token: header has no alg string");
		goto out;
	}
	alg = json_string_value(v);
	/* The key pins the algorithm; the header only has to agree. */
	if (want_alg != NULL && strcmp(alg, want_alg) != 0) {
		r = ar_fail(ctx, AR_ERR_AUTH, "alg_mismatch",
		    "token: header alg %s, the key requires %s", alg,
		    want_alg);
		goto out;
	}
	if (want_alg == NULL) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(alg, known[i]) == 0)
				break;
		if (known[i] == NULL) {
			r = ar_fail(ctx, AR_ERR_AUTH, "alg_mismatch",
			    "token: header alg %s is not supported", alg);
			goto out;
		}
	}
	v = json_object_get(root, "typ");
	if (v != NULL && (!is_clean_string(v) ||
	    strcmp(json_string_value(v), "JWT") != 0)) {
		r = ar_fail(ctx, AR_ERR_AUTH, "bad_header",
		    "token: header typ is not JWT");
		goto out;
	}
	/* Extensions we would have to understand (RFC 7515 4.1.11). */
	if (json_object_get(root, "crit") != NULL) {
		r = ar_fail(ctx, AR_ERR_AUTH, "bad_header",
		    "token: header has critical extensions");
		goto out;
	}
	v = json_object_get(root, "kid");
	if (v != NULL && (!is_clean_string(v) ||
	    json_string_length(v) == 0 ||
	    json_string_length(v) > AR_MAX_KID)) {
		r = ar_fail(ctx, AR_ERR_AUTH, "bad_header",
		    "token: header kid is not a string of 1 to %d characters",
		    AR_MAX_KID);
		goto out;
	}
	if (kid != NULL && v != NULL &&
	    (k = ar_strdup(json_string_value(v))) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "token: out of memory");
		goto out;
	}
	if (kid != NULL) {
		*kid = k;
		k = NULL;	/* transferred */
	}
	r = AR_OK;
out:
	free(k);
	json_decref(root);
	return r;
}

static int
is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * RFC 3339 date-time ("2025-01-31T12:00:00Z", optional fraction, "Z" or a
 * numeric offset) to unix time, without touching the process's TZ.
 */
static int
parse_rfc3339(const char *s, int64_t *out)
{
	static const int mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	size_t n = strlen(s), i = 19;
	int y, mo, d, h, mi, se, off = 0, leap;

	if (n < 20 || !is_digits(s, 4) || s[4] != '-' ||
	    !is_digits(s + 5, 2) || s[7] != '-' || !is_digits(s + 8, 2) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !is_digits(s + 11, 2) || s[13] != ':' || !is_digits(s + 14, 2) ||
	    s[16] != ':' || !is_digits(s + 17, 2))
		return -1;
	y = num(s, 4);
	mo = num(s + 5, 2);
	d = num(s + 8, 2);
	h = num(s + 11, 2);
	mi = num(s + 14, 2);
	se = num(s + 17, 2);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 60)
		return -1;
	if (s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == 20)
			return -1;
	}
	if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z')) {
		off = 0;
	} else if (i + 6 == n && (s[i] == '+' || s[i] == '-') &&
	    is_digits(s + i + 1, 2) && s[i + 3] == ':' &&
	    is_digits(s + i + 4, 2)) {
		if (num(s + i + 1, 2) > 23 || num(s + i + 4, 2) > 59)
			return -1;
		off = num(s + i + 1, 2) * 3600 + num(s + i + 4, 2) * 60;
		if (s[i] == '-')
			off = -off;
	} else {
		return -1;
	}
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	    off;
	return 0;
}

/* An array of permission names: strings only. */
static int
read_perms(struct ar_ctx *ctx, json_t *arr, int err_code,
    struct ar_membership *m)
{
	json_t *e;
	size_t i, n;

	n = json_array_size(arr);
	if (n == 0)
		return AR_OK;
	if ((m->perm = calloc(n, sizeof(*m->perm))) == NULL)
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "memberships: out of memory");
	json_array_foreach(arr, i, e) {
		if (!is_clean_string(e))
			return ar_fail(ctx, err_code, reason_for(err_code),
			    "memberships: permission is not a string");
		if ((m->perm[i] = ar_strdup(json_string_value(e))) == NULL)
			return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
			    "memberships: out of memory");
		m->n_perm++;
	}
	return AR_OK;
}

/* Member types of one list item besides the org id and permissions. */
static const struct claim_spec memb1_extra[] = {
	{ "o", CT_STR_NULL }, { "cs", CT_OBJ_NULL }, { "ocs", CT_OBJ_NULL },
	{ NULL, 0 }
};
static const struct claim_spec memb2_extra[] = {
	{ "mid", CT_STR }, { "name", CT_STR_NULL }, { "selected", CT_BOOL },
	{ "ref", CT_STR_NULL }, { "cs", CT_OBJ_NULL }, { NULL, 0 }
};
static const struct claim_spec memb3_extra[] = {
	{ "user_id", CT_STR }, { NULL, 0 }
};

/* One membership item of the given form into *m. */
static int
read_membership(struct ar_ctx *ctx, json_t *item, int form, int err_code,
    struct ar_membership *m)
{
	const struct claim_spec *extra;
	const char *org_key, *perm_key;
	json_t *v;
	int r;

	if (form == 1) {
		org_key = "oid";
		perm_key = "p";
		extra = memb1_extra;
	} else if (form == 2) {
		org_key = "oid";
		perm_key = "perm";
		extra = memb2_extra;
	} else {
		org_key = "org_id";
		perm_key = "permissions";
		extra = memb3_extra;
	}
	if (!json_is_object(item))
		return ar_fail(ctx, err_code, reason_for(err_code),
		    "memberships: item is not an object");
	for (; extra->name != NULL; extra++) {
		v = json_object_get(item, extra->name);
		if (v != NULL && !has_type(v, extra->type))
			return ar_fail(ctx, err_code, reason_for(err_code),
			    "memberships: member %s has the wrong type",
			    extra->name);
	}
	r = ar_json_get_str(ctx, item, org_key, err_code, 0, &m->org_id);
	if (r != AR_OK && r != AR_NOTHING)
		return r;
	v = json_object_get(item, perm_key);
	if (v != NULL && !(form == 3 && json_is_null(v))) {
		if (!json_is_array(v))
			return ar_fail(ctx, err_code, reason_for(err_code),
			    "memberships: member %s is not an array",
			    perm_key);
		if ((r = read_perms(ctx, v, err_code, m)) != AR_OK)
			return r;
	}
	if (form != 3)
		return AR_OK;
	v = json_object_get(item, "expires_at");
	if (v == NULL || json_is_null(v))
		return AR_OK;
	if (json_is_integer(v)) {
		m->has_expiry = 1;
		m->expires_at = (int64_t)json_integer_value(v);
		return AR_OK;
	}
	if (is_clean_string(v) &&
	    parse_rfc3339(json_string_value(v), &m->expires_at) == 0) {
		m->has_expiry = 1;
		return AR_OK;
	}
	return ar_fail(ctx, err_code, reason_for(err_code),
	    "memberships: expires_at is not a time");
}

int
ar_memberships_parse(struct ar_ctx *ctx, const json_t *arr,
    enum ar_memb_form form, int err_code, struct ar_identity *id)
{
	json_t *item;
	struct ar_membership *m = NULL;
	size_t i, n = 0;
	int r = AR_ERR_INTERNAL;

	if (form < AR_MEMB_TOKEN_V1 || form > AR_MEMB_API) {
		r = ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "memberships: unknown form %d", form);
		goto out;
	}
	if (!json_is_array(arr)) {
		r = ar_fail(ctx, err_code, reason_for(err_code),
		    "memberships: not an array");
		goto out;
	}
	if (json_array_size(arr) > 0 &&
	    (m = calloc(json_array_size(arr), sizeof(*m))) == NULL) {
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "memberships: out of memory");
		goto out;
	}
	json_array_foreach(arr, i, item) {
		n++;
		if ((r = read_membership(ctx, item, form, err_code,
		    &m[i])) != AR_OK)
			goto out;
	}
	ar_memberships_free(id->memb, id->n_memb);
	id->memb = m;
	id->n_memb = n;
	id->have_memberships = 1;
	m = NULL;	/* transferred */
	r = AR_OK;
out:
	ar_memberships_free(m, n);
	return r;
}

int
ar_custom_parse(struct ar_ctx *ctx, json_t *cs, const char *what,
    struct ar_identity *id)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	if (!json_is_object(cs) || json_object_size(cs) == 0)
		return AR_OK;
	id->custom = calloc(json_object_size(cs), sizeof(*id->custom));
	if (id->custom == NULL)
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "%s: out of memory", what);
	json_object_foreach(cs, k, v) {
		if (!is_clean_string(v))
			continue;
		id->custom[n].name = ar_strdup(k);
		id->custom[n].value = ar_strdup(json_string_value(v));
		if (id->custom[n].name == NULL ||
		    id->custom[n].value == NULL) {
			id->n_custom = n + 1;
			return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
			    "%s: out of memory", what);
		}
		n++;
	}
	id->n_custom = n;
	return AR_OK;
}

/*
 * The realm claim: v1 "aud" (a string, or an array of strings that must
 * contain the realm) or v2 "rid".  When a realm is configured the token
 * must name it exactly; absence counts as another realm.
 */
static int
read_realm(struct ar_ctx *ctx, const struct ar_conf *conf, json_t *root,
    int version, struct ar_identity *id)
{
	json_t *v, *e;
	const char *found = NULL;
	size_t i;

	v = json_object_get(root, version == 1 ? "aud" : "rid");
	if (json_is_string(v)) {
		found = json_string_value(v);
		if (conf->realm_id != NULL &&
		    strcmp(found, conf->realm_id) != 0)
			found = NULL;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			if (conf->realm_id == NULL ||
			    strcmp(json_string_value(e), conf->realm_id) == 0) {
				found = json_string_value(e);
				break;
			}
		}
	}
	if (conf->realm_id != NULL && found == NULL)
		return ar_fail(ctx, AR_ERR_AUTH, "wrong_realm",
		    "token: not issued for realm %s", conf->realm_id);
	if (found != NULL && (id->realm_id = ar_strdup(found)) == NULL)
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "token: out of memory");
	return AR_OK;
}

/*
 * exp, nbf, iat and max_token_age at ctx->now with the configured leeway.
 * Every sum and difference is overflow-checked: a claim near the int64
 * limits must not wrap into the valid window.
 */
static int
check_times(struct ar_ctx *ctx, const struct ar_conf *conf, int have_exp,
    int64_t exp, int have_nbf, int64_t nbf, int have_iat, int64_t iat)
{
	int64_t now = (int64_t)ctx->now, lw, t, age;

	lw = conf->leeway < 0 ? 0 : conf->leeway > AR_MAX_LEEWAY ?
	    AR_MAX_LEEWAY : conf->leeway;
	if (have_exp) {
		/* Valid while now < exp + leeway. */
		if (!__builtin_add_overflow(exp, lw, &t) && now >= t)
			return ar_fail(ctx, AR_ERR_AUTH, "expired",
			    "token: expired at %lld (now %lld, leeway %lld)",
			    (long long)exp, (long long)now, (long long)lw);
	} else if (conf->max_token_age <= 0) {
		/* Open-ended tokens only when their age is bounded. */
		return ar_fail(ctx, AR_ERR_AUTH, "no_exp",
		    "token: no exp claim and max_token_age is off");
	}
	if (have_nbf &&
	    !__builtin_add_overflow(now, lw, &t) && t < nbf)
		return ar_fail(ctx, AR_ERR_AUTH, "not_yet_valid",
		    "token: not valid before %lld (now %lld)",
		    (long long)nbf, (long long)now);
	if (have_iat &&
	    !__builtin_add_overflow(now, lw, &t) && iat > t)
		return ar_fail(ctx, AR_ERR_AUTH, "issued_in_future",
		    "token: issued at %lld, in the future (now %lld)",
		    (long long)iat, (long long)now);
	if (conf->max_token_age > 0) {
		if (!have_iat)
			return ar_fail(ctx, AR_ERR_AUTH, "too_old",
			    "token: no iat claim and max_token_age is set");
		if (__builtin_sub_overflow(now, iat, &age) ||
		    (!__builtin_add_overflow((int64_t)conf->max_token_age, lw,
		    &t) && age > t))
			return ar_fail(ctx, AR_ERR_AUTH, "too_old",
			    "token: issued at %lld, older than %ld s",
			    (long long)iat, conf->max_token_age);
	}
	return AR_OK;
}

/* iss against conf->issuer, or AuthRocket's own for v2 tokens. */
static int
check_issuer(struct ar_ctx *ctx, const struct ar_conf *conf, int version,
    const struct ar_identity *id)
{
	const char *want = conf->issuer;

	if (want == NULL && version == 2)
		want = AR_DEFAULT_ISSUER;
	if (want == NULL)
		return AR_OK;
	if (id->issuer == NULL)
		return ar_fail(ctx, AR_ERR_AUTH, "wrong_issuer",
		    "token: no iss claim, expected %s", want);
	if (strcmp(id->issuer, want) != 0)
		return ar_fail(ctx, AR_ERR_AUTH, "wrong_issuer",
		    "token: issuer %s, expected %s", id->issuer, want);
	return AR_OK;
}

/* Copy the string claims named for this generation. */
static int
read_strings(struct ar_ctx *ctx, json_t *root, int version,
    struct ar_identity *id)
{
	struct {
		const char	*name;
		char		**dst;
	} v1[] = {
		{ "uid", &id->user_id }, { "un", &id->username },
		{ "tk", &id->session_id }, { "iss", &id->issuer },
		{ NULL, NULL }
	}, v2[] = {
		{ "sub", &id->user_id },
		{ "preferred_username", &id->username },
		{ "email", &id->email }, { "ref", &id->reference },
		{ "sid", &id->session_id }, { "iss", &id->issuer },
		{ NULL, NULL }
	}, *f;
	int r;

	for (f = version == 1 ? v1 : v2; f->name != NULL; f++) {
		r = copy_str(ctx, root, f->name, f->dst);
		if (r != AR_OK && r != AR_NOTHING)
			return r;
	}
	if (id->user_id == NULL || id->user_id[0] == '\0')
		return ar_fail(ctx, AR_ERR_AUTH, "bad_claims",
		    "token: empty user id");
	return AR_OK;
}

struct ar_claims {
	json_t	*root;
};

int
ar_claims_parse(struct ar_ctx *ctx, const char *json, size_t len,
    struct ar_claims **out)
{
	struct ar_claims *c;
	json_t *root = NULL;
	int r;

	if ((r = parse_strict(ctx, json, len, "bad_claims", "payload",
	    &root)) != AR_OK)
		return r;
	if ((c = malloc(sizeof(*c))) == NULL) {
		json_decref(root);
		return ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "token: out of memory");
	}
	c->root = root;
	*out = c;
	return AR_OK;
}

void
ar_claims_free(struct ar_claims *c)
{
	if (c == NULL)
		return;
	json_decref(c->root);
	free(c);
}

int
ar_claims_check(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_claims *c, struct ar_identity *id)
{
	struct ar_identity t;
	json_t *root = c->root, *v;
	int64_t exp = 0, nbf = 0, iat = 0;
	int have_exp, have_nbf, have_iat;
	int r = AR_ERR_INTERNAL;

	memset(&t, 0, sizeof(t));
	/* The generation follows from the claims: "sub" only exists in v2. */
	t.version = json_object_get(root, "sub") != NULL ? 2 : 1;
	t.source = "token";
	if (t.version == 1 && json_object_get(root, "uid") == NULL) {
		r = ar_fail(ctx, AR_ERR_AUTH, "bad_claims",
		    "token: neither sub nor uid claim");
		goto out;
	}
	if ((r = check_types(ctx, root,
	    t.version == 1 ? v1_claims : v2_claims)) != AR_OK)
		goto out;
	if ((r = read_strings(ctx, root, t.version, &t)) != AR_OK)
		goto out;
	/* JSON true only; absent or false leaves the address unverified. */
	t.email_verified = t.version == 2 &&
	    json_is_true(json_object_get(root, "email_verified"));
	have_exp = ar_json_get_int(ctx, root, "exp", AR_ERR_AUTH,
	    &exp) == AR_OK;
	have_nbf = ar_json_get_int(ctx, root, "nbf", AR_ERR_AUTH,
	    &nbf) == AR_OK;
	have_iat = ar_json_get_int(ctx, root, "iat", AR_ERR_AUTH,
	    &iat) == AR_OK;
	t.exp = exp;
	t.nbf = nbf;
	t.iat = iat;
	if ((r = check_times(ctx, conf, have_exp, exp, have_nbf, nbf,
	    have_iat, iat)) != AR_OK)
		goto out;
	if ((r = read_realm(ctx, conf, root, t.version, &t)) != AR_OK)
		goto out;
	if ((r = check_issuer(ctx, conf, t.version, &t)) != AR_OK)
		goto out;
	if ((r = ar_custom_parse(ctx, json_object_get(root, "cs"), "token",
	    &t)) != AR_OK)
		goto out;
	v = json_object_get(root, t.version == 1 ? "m" : "orgs");
	if (v != NULL && (r = ar_memberships_parse(ctx, v, t.version == 1 ?
	    AR_MEMB_TOKEN_V1 : AR_MEMB_TOKEN_V2, AR_ERR_AUTH, &t)) != AR_OK)
		goto out;
	*id = t;
	memset(&t, 0, sizeof(t));	/* transferred */
	r = AR_OK;
out:
	ar_identity_clear(&t);
	return r;
}
