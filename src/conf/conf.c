/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration: one key table drives both the file and the PAM module
 * arguments through one setter path; the rules between keys are checked
 * once everything is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "name.h"
#include "secure.h"

#define MAX_PROMPT	200	/* bytes of prompt text */
#define MAX_CUSTOM	64	/* length of NAME in map_by=custom:NAME */
#define MAX_ID		128	/* length of an AuthRocket id */
#define MIN_HMAC	32	/* shortest HMAC secret accepted */

struct load;
struct keydef;

/*
 * A setter checks one value and stores it; on a bad value it writes
 * "KEY: what is wrong" (never the value) into ld->err and returns
 * AR_ERR_CONFIG.  Setters may run twice for a key (default, then value).
 */
typedef int setter_fn(struct load *, const struct keydef *, const char *);

struct keydef {
	const char	*name;
	setter_fn	*set;
	size_t		 off;		/* field offset in struct load */
	long long	 lo, hi;	/* integer range */
	const char	*aux;		/* id prefix of value or items */
	int		 setdef;	/* the default text is a value to set */
};

/* Everything being built; copied to the caller only on success. */
struct load {
	struct ar_conf	 c;
	char		*api_key_file;
	char		*jwt_key_file;
	char		 err[192];
};

static setter_fn set_api_url, set_api_key, set_path, set_id, set_jwt_key,
    set_https_url, set_string, set_mode, set_map_by, set_list, set_int,
    set_bool, set_proxy, set_prompt, set_uid_range, set_attr, set_home,
    set_group_map;

#define C(f)	offsetof(struct load, c.f)
#define L(f)	offsetof(struct load, f)

/*
 * The key table: name, type, default text, setter, field, integer range,
 * id prefix, whether the default text goes through the setter.
 */
#define AR_CONF_KEYS(X)							\
	X(api_url, "url", "", set_api_url, C(api_url), 0, 0, NULL, 0)	\
	X(api_key, "secret", "", set_api_key, C(api_key), 0, 0, NULL, 0) \
	X(api_key_file, "path", "", set_path, L(api_key_file), 0, 0,	\
	    NULL, 0)							\
	X(account_id, "id", "", set_id, C(account_id), 0, 0, "org_", 0)	\
	X(realm_id, "id", "", set_id, C(realm_id), 0, 0, "rl_", 0)	\
	X(jwt_key, "secret", "", set_jwt_key, C(jwt_key), 0, 0, NULL, 0) \
	X(jwt_key_file, "path", "", set_path, L(jwt_key_file), 0, 0,	\
	    NULL, 0)							\
	X(jwks_url, "url", "<loginrocket_url>/connect/jwks",		\
	    set_https_url, C(jwks_url), 0, 0, NULL, 0)			\
	X(loginrocket_url, "url", "", set_https_url,			\
	    C(loginrocket_url), 0, 0, NULL, 0)				\
	X(issuer, "string", "", set_string, C(issuer), 0, 0, NULL, 0)	\
	X(mode, "enum", "auto", set_mode, C(mode), 0, 0, NULL, 1)	\
	X(map_by, "enum", "username", set_map_by, C(map_by), 0, 0,	\
	    NULL, 1)							\
	X(user_map_file, "path", "", set_path, C(user_map_file), 0, 0,	\
	    NULL, 0)							\
	X(require_permission, "list", "", set_list,			\
	    C(require_permission), 0, 0, NULL, 0)			\
	X(require_org, "list", "", set_list, C(require_org), 0, 0,	\
	    "org_", 0)							\
	X(min_uid, "integer", "1000", set_int, C(min_uid), 0,		\
	    4294967294LL, NULL, 1)					\
	X(leeway, "integer", "30", set_int, C(leeway), 0, 300, NULL, 1)	\
	X(max_token_age, "integer", "0", set_int, C(max_token_age), 0,	\
	    315360000LL, NULL, 1)					\
	X(verify_session, "bool", "no", set_bool, C(verify_session), 0,	\
	    0, NULL, 1)							\
	X(timeout, "integer", "10", set_int, C(timeout), 1, 60, NULL, 1) \
	X(ca_file, "path", "", set_path, C(ca_file), 0, 0, NULL, 0)	\
	X(ca_dir, "path", "system CA directory", set_path, C(ca_dir), 0, \
	    0, NULL, 0)							\
	X(proxy, "url", "", set_proxy, C(proxy), 0, 0, NULL, 0)		\
	X(prompt, "string", "depends on mode", set_prompt, C(prompt), 0, \
	    0, NULL, 0)							\
	X(debug, "bool", "no", set_bool, C(debug), 0, 0, NULL, 1)	\
	X(helper, "path", AR_DEFAULT_HELPER, set_path, C(helper), 0, 0,	\
	    NULL, 1)							\
	X(cache_dir, "path", AR_DEFAULT_CACHE_DIR, set_path,		\
	    C(cache_dir), 0, 0, NULL, 1)					\
	X(jwks_max_stale, "integer", "604800", set_int,			\
	    C(jwks_max_stale), 0, 315360000LL, NULL, 1)			\
	X(offline_timeout, "integer", "30", set_int, C(offline_timeout),	\
	    0, 3600, NULL, 1)						\
	X(cache_credentials, "bool", "no", set_bool,			\
	    C(cache_credentials), 0, 0, NULL, 1)			\
	X(offline_credentials_expiration, "integer", "3", set_int,		\
	    C(offline_credentials_expiration), 0, 3650, NULL, 1)	\
	X(offline_failed_login_attempts, "integer", "5", set_int,		\
	    C(offline_failed_login_attempts), 1, 1000, NULL, 1)		\
	X(account_cache_timeout, "integer", "300", set_int,		\
	    C(account_cache_timeout), 0, 86400, NULL, 1)		\
	X(directory, "bool", "no", set_bool, C(directory), 0, 0, NULL, 1) \
	X(uid_range, "range", AR_DEFAULT_UID_RANGE, set_uid_range,	\
	    C(uid_min), 1000, 4294967294LL, NULL, 1)			\
	X(uid_attr, "attribute", "", set_attr, C(uid_attr), 0, 0, NULL,	\
	    0)								\
	X(home_dir, "path", "/home/%u", set_home, C(home_dir), 0, 0,	\
	    NULL, 1)							\
	X(shell, "path", "/bin/bash", set_path, C(shell), 0, 0, NULL, 1)	\
	X(group_map, "list", "", set_group_map, C(group_map), 0, 0,	\
	    NULL, 0)							\
	X(ssh_keys_attr, "attribute", "", set_attr, C(ssh_keys_attr), 0,	\
	    0, NULL, 0)							\
	X(sync_max_drop, "integer", "20", set_int, C(sync_max_drop), 0,	\
	    100, NULL, 1)						\
	X(adopt_local, "bool", "no", set_bool, C(adopt_local), 0, 0,	\
	    NULL, 1)

#define X_ENUM(n, t, d, s, o, lo, hi, aux, sd)	K_##n,
enum { AR_CONF_KEYS(X_ENUM) NKEYS };

#define X_PUB(n, t, d, s, o, lo, hi, aux, sd)	{ #n, t, d },
static const struct ar_conf_key pub_keys[] = {
	AR_CONF_KEYS(X_PUB)
	{ NULL, NULL, NULL }
};

#define X_DEF(n, t, d, s, o, lo, hi, aux, sd)	{ #n, s, o, lo, hi, aux, sd },
static const struct keydef defs[] = {
	AR_CONF_KEYS(X_DEF)
};

#define FIELD(ld, k, type)	((type *)(void *)((char *)(ld) + (k)->off))

static const char *const https_only[] = { "https://", NULL };
static const char *const proxy_schemes[] = { "http://", "https://",
    "socks5://", "socks5h://", NULL };

static int bad(struct load *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad(struct load *ld, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ld->err, sizeof(ld->err), fmt, ap);
	va_end(ap);
	return AR_ERR_CONFIG;
}

static int
is_ctl(unsigned char ch)
{
	return ch < 0x20 || ch == 0x7f;
}

static int
has_ctl(const char *v)
{
	for (; *v != '\0'; v++)
		if (is_ctl((unsigned char)*v))
			return 1;
	return 0;
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Trim blanks on both sides in place; returns the new start. */
static char *
trim(char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int
has_prefix(const char *s, const char *p)
{
	return s != NULL && strncmp(s, p, strlen(p)) == 0;
}

/* PREFIX followed by 1..MAX_ID characters of [A-Za-z0-9_-]. */
static int
id_ok(const char *s, const char *prefix)
{
	size_t n;

	if (!has_prefix(s, prefix))
		return 0;
	s += strlen(prefix);
	n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-");
	return n > 0 && n <= MAX_ID && s[n] == '\0';
}

/* Replace a string field with a copy of v. */
static int
store(char **field, const char *v)
{
	char *d;

	if ((d = ar_strdup(v)) == NULL)
		return AR_ERR_NOMEM;
	free(*field);
	*field = d;
	return AR_OK;
}

static void
list_free(struct ar_list *l)
{
	size_t i;

	for (i = 0; l->item != NULL && i < l->n; i++)
		free(l->item[i]);
	free(l->item);
	l->item = NULL;
	l->n = 0;
}

/*
 * A URL with one of the schemes, a non-empty host part without user
 * name or password (they would be secrets in a readable file and in
 * logs), no blanks or backslashes; strict also refuses query and
 * fragment.  Returns the end of the host part, or NULL with ld->err set.
 */
static const char *
url_check(struct load *ld, const char *name, const char *v,
    const char *const *schemes, const char *what, int strict)
{
	const char *host = NULL, *end;
	size_t i;

	for (i = 0; schemes[i] != NULL; i++) {
		if (has_prefix(v, schemes[i])) {
			host = v + strlen(schemes[i]);
			break;
		}
	}
	if (host == NULL) {
		bad(ld, "%s: must start with %s", name, what);
		return NULL;
	}
	end = host + strcspn(host, "/?#");
	if (end == host) {
		bad(ld, "%s: has no host name", name);
		return NULL;
	}
	if (memchr(host, '@', (size_t)(end - host)) != NULL) {
		bad(ld, "%s: must not contain a user name or password", name);
		return NULL;
	}
	if (strpbrk(v, " \\") != NULL) {
		bad(ld, "%s: must not contain blanks or backslashes", name);
		return NULL;
	}
	if (strict && strpbrk(end, "?#") != NULL) {
		bad(ld, "%s: must not have a query or fragment", name);
		return NULL;
	}
	return end;
}

static int
set_api_url(struct load *ld, const struct keydef *k, const char *v)
{
	int r = AR_ERR_INTERNAL, version;
	char *copy = NULL;
	const char *end;
	size_t n, path_at;

	/* https only: the API key travels in a header of every request. */
	if ((end = url_check(ld, k->name, v, https_only, "https://", 1)) ==
	    NULL) {
		r = AR_ERR_CONFIG;
		goto out;
	}
	path_at = (size_t)(end - v);
	if ((copy = ar_strdup(v)) == NULL) {
		r = AR_ERR_NOMEM;
		goto out;
	}
	n = strlen(copy);
	if (n > 0 && copy[n - 1] == '/')
		copy[--n] = '\0';
	/* The version must be in the path, not the end of the host. */
	if (n >= path_at + 3 && strcmp(copy + n - 3, "/v1") == 0)
		version = 1;
	else if (n >= path_at + 3 && strcmp(copy + n - 3, "/v2") == 0)
		version = 2;
	else {
		r = bad(ld, "%s: must end with /v1 or /v2", k->name);
		goto out;
	}
	free(ld->c.api_url);
	ld->c.api_url = copy;
	copy = NULL;	/* transferred */
	ld->c.api_version = version;
	r = AR_OK;
 out:
	free(copy);
	return r;
}

static int
set_https_url(struct load *ld, const struct keydef *k, const char *v)
{
	if (url_check(ld, k->name, v, https_only, "https://", 0) == NULL)
		return AR_ERR_CONFIG;
	return store(FIELD(ld, k, char *), v);
}

static int
set_proxy(struct load *ld, const struct keydef *k, const char *v)
{
	if (url_check(ld, k->name, v, proxy_schemes,
	    "http://, https://, socks5:// or socks5h://", 0) == NULL)
		return AR_ERR_CONFIG;
	return store(FIELD(ld, k, char *), v);
}

/* API keys go into an HTTP header: printable ASCII, no blanks. */
static int
set_api_key(struct load *ld, const struct keydef *k, const char *v)
{
	const unsigned char *p;
	char *d;

	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return bad(ld, "%s: must be printable ASCII without "
			    "blanks", k->name);
	if ((d = ar_strdup(v)) == NULL)
		return AR_ERR_NOMEM;
	ar_secure_free(ld->c.api_key, ld->c.api_key_len);
	ld->c.api_key = d;
	ld->c.api_key_len = strlen(d);
	return AR_OK;
}

/*
 * The realm's JWT key: public key text (PEM lines allowed) or an HMAC
 * secret used as its literal bytes, at least MIN_HMAC of them (a short
 * secret can be brute-forced offline from one token).
 */
static int
set_jwt_key(struct load *ld, const struct keydef *k, const char *v)
{
	const unsigned char *p;
	size_t len = strlen(v);
	char *d;

	if (ar_key_text_is_public(v, len)) {
		for (p = (const unsigned char *)v; *p != '\0'; p++)
			if (is_ctl(*p) && *p != '\n' && *p != '\r' &&
			    *p != '\t')
				return bad(ld, "%s: public key contains "
				    "control characters", k->name);
	} else {
		if (has_ctl(v))
			return bad(ld, "%s: HMAC secret contains control "
			    "characters", k->name);
		if (len < MIN_HMAC)
			return bad(ld, "%s: HMAC secret shorter than %d bytes",
			    k->name, MIN_HMAC);
	}
	if ((d = ar_strdup(v)) == NULL)
		return AR_ERR_NOMEM;
	ar_secure_free(ld->c.jwt_key, ld->c.jwt_key_len);
	ld->c.jwt_key = d;
	ld->c.jwt_key_len = len;
	return AR_OK;
}

static int
set_path(struct load *ld, const struct keydef *k, const char *v)
{
	/* A relative path would depend on the host's working directory. */
	if (v[0] != '/')
		return bad(ld, "%s: must be an absolute path", k->name);
	return store(FIELD(ld, k, char *), v);
}

static int
set_id(struct load *ld, const struct keydef *k, const char *v)
{
	if (!id_ok(v, k->aux))
		return bad(ld, "%s: must be an id starting with %s", k->name,
		    k->aux);
	return store(FIELD(ld, k, char *), v);
}

static int
set_string(struct load *ld, const struct keydef *k, const char *v)
{
	return store(FIELD(ld, k, char *), v);
}

static int
set_prompt(struct load *ld, const struct keydef *k, const char *v)
{
	if (strlen(v) > MAX_PROMPT)
		return bad(ld, "%s: longer than %d bytes", k->name,
		    MAX_PROMPT);
	return store(FIELD(ld, k, char *), v);
}

static int
set_mode(struct load *ld, const struct keydef *k, const char *v)
{
	enum ar_mode *field = FIELD(ld, k, enum ar_mode);

	if (strcmp(v, "auto") == 0)
		*field = AR_MODE_AUTO;
	else if (strcmp(v, "token") == 0)
		*field = AR_MODE_TOKEN;
	else if (strcmp(v, "password") == 0)
		*field = AR_MODE_PASSWORD;
	else
		return bad(ld, "%s: must be auto, token or password", k->name);
	return AR_OK;
}

static int
set_map_by(struct load *ld, const struct keydef *k, const char *v)
{
	static const char custom[] = "custom:";
	enum ar_map_by *field = FIELD(ld, k, enum ar_map_by);
	const char *name;
	size_t n;

	if (has_prefix(v, custom)) {
		name = v + strlen(custom);
		n = strspn(name, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
		if (n == 0 || n > MAX_CUSTOM || name[n] != '\0')
			return bad(ld, "%s: custom:NAME needs a NAME of 1 "
			    "to %d characters A-Z a-z 0-9 _ . -", k->name,
			    MAX_CUSTOM);
		if (store(&ld->c.map_custom, name) != AR_OK)
			return AR_ERR_NOMEM;
		*field = AR_MAP_CUSTOM;
		return AR_OK;
	}
	if (strcmp(v, "username") == 0)
		*field = AR_MAP_USERNAME;
	else if (strcmp(v, "email") == 0)
		*field = AR_MAP_EMAIL;
	else if (strcmp(v, "email_localpart") == 0)
		*field = AR_MAP_EMAIL_LOCALPART;
	else if (strcmp(v, "reference") == 0)
		*field = AR_MAP_REFERENCE;
	else if (strcmp(v, "file") == 0)
		*field = AR_MAP_FILE;
	else
		return bad(ld, "%s: must be username, email, email_localpart, "
		    "reference, custom:NAME or file", k->name);
	free(ld->c.map_custom);
	ld->c.map_custom = NULL;
	return AR_OK;
}

/* A comma list; items are trimmed, none may be empty. */
static int
set_list(struct load *ld, const struct keydef *k, const char *v)
{
	int r = AR_ERR_INTERNAL;
	struct ar_list l = { NULL, 0 }, *field = FIELD(ld, k, struct ar_list);
	char *copy = NULL, *p, *item;
	const char *q;
	size_t n = 1;

	for (q = v; *q != '\0'; q++)
		if (*q == ',')
			n++;
	if ((copy = ar_strdup(v)) == NULL ||
	    (l.item = calloc(n, sizeof(*l.item))) == NULL) {
		r = AR_ERR_NOMEM;
		goto out;
	}
	for (p = copy; p != NULL; ) {
		item = strsep(&p, ",");
		item = trim(item);
		if (*item == '\0') {
			r = bad(ld, "%s: empty item in list", k->name);
			goto out;
		}
		if (k->aux != NULL && !id_ok(item, k->aux)) {
			r = bad(ld, "%s: items must be ids starting with %s",
			    k->name, k->aux);
			goto out;
		}
		if ((l.item[l.n] = ar_strdup(item)) == NULL) {
			r = AR_ERR_NOMEM;
			goto out;
		}
		l.n++;
	}
	list_free(field);
	*field = l;
	l.item = NULL;	/* transferred */
	l.n = 0;
	r = AR_OK;
 out:
	list_free(&l);
	free(copy);
	return r;
}

/* Strictly decimal digits, no sign, no blanks, within [lo, hi]. */
static int
set_int(struct load *ld, const struct keydef *k, const char *v)
{
	long long n = 0;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > k->hi)
			break;
	}
	if (p == v || *p != '\0' || n < k->lo || n > k->hi)
		return bad(ld, "%s: must be an integer from %lld to %lld",
		    k->name, k->lo, k->hi);
	*FIELD(ld, k, int64_t) = (int64_t)n;
	return AR_OK;
}

static int
set_bool(struct load *ld, const struct keydef *k, const char *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	size_t i;

	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*FIELD(ld, k, int) = 1;
			return AR_OK;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*FIELD(ld, k, int) = 0;
			return AR_OK;
		}
	}
	return bad(ld, "%s: must be yes, no, true, false, on, off, 1 or 0",
	    k->name);
}

/* Strictly decimal digits within [lo, hi]; *end is the first other byte. */
static int
parse_u32(const char *v, long long lo, long long hi, uint32_t *out,
    const char **end)
{
	long long n = 0;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > hi)
			return 0;
	}
	if (p == v || n < lo)
		return 0;
	*out = (uint32_t)n;
	*end = p;
	return 1;
}

/* "LOW-HIGH", both within the key's range, LOW below HIGH. */
static int
set_uid_range(struct load *ld, const struct keydef *k, const char *v)
{
	uint32_t lo, hi;
	const char *p;

	if (!parse_u32(v, k->lo, k->hi, &lo, &p) || *p != '-' ||
	    !parse_u32(p + 1, k->lo, k->hi, &hi, &p) || *p != '\0' ||
	    lo >= hi)
		return bad(ld, "%s: must be LOW-HIGH with %lld <= LOW < HIGH "
		    "<= %lld", k->name, k->lo, k->hi);
	ld->c.uid_min = lo;
	ld->c.uid_max = hi;
	return AR_OK;
}

/* custom:NAME: the name of a custom attribute of the AuthRocket user. */
static int
set_attr(struct load *ld, const struct keydef *k, const char *v)
{
	static const char custom[] = "custom:";
	const char *name = NULL;
	size_t n = 0;

	/* The prefix first: a shorter value has nothing past its end. */
	if (has_prefix(v, custom)) {
		name = v + strlen(custom);
		n = strspn(name, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
	}
	if (name == NULL || n == 0 || n > MAX_CUSTOM || name[n] != '\0')
		return bad(ld, "%s: must be custom:NAME with a NAME of 1 to %d "
		    "characters A-Z a-z 0-9 _ . -", k->name, MAX_CUSTOM);
	return store(FIELD(ld, k, char *), name);
}

/* An absolute path where "%u" (the local name) is the only % sequence. */
static int
set_home(struct load *ld, const struct keydef *k, const char *v)
{
	const char *p;

	if (v[0] != '/' || strchr(v, ':') != NULL)
		return bad(ld, "%s: must be an absolute path without \":\"",
		    k->name);
	for (p = strchr(v, '%'); p != NULL; p = strchr(p + 2, '%'))
		if (p[1] != 'u')
			return bad(ld, "%s: %%u is the only %% sequence "
			    "allowed", k->name);
	return store(FIELD(ld, k, char *), v);
}

static void
group_map_free(struct ar_group_map *m)
{
	size_t i;

	for (i = 0; m->rule != NULL && i < m->n; i++) {
		free(m->rule[i].permission);
		free(m->rule[i].org_id);
		free(m->rule[i].group);
	}
	free(m->rule);
	m->rule = NULL;
	m->n = 0;
}

/* One rule of group_map: "PERMISSION:GROUP" or "org:ORG_ID:GROUP". */
static int
parse_group_rule(struct load *ld, const struct keydef *k, char *item,
    struct ar_group_rule *rule)
{
	char *group = strrchr(item, ':');

	if (group == NULL || group == item)
		return bad(ld, "%s: items must be PERMISSION:GROUP or "
		    "org:ORG_ID:GROUP", k->name);
	*group++ = '\0';
	if (!ar_name_ok(group))
		return bad(ld, "%s: group names must match "
		    "[a-z_][a-z0-9_.-]{0,31}", k->name);
	if (has_prefix(item, "org:")) {
		if (!id_ok(item + 4, "org_"))
			return bad(ld, "%s: org:ORG_ID needs an id starting "
			    "with org_", k->name);
		rule->org_id = ar_strdup(item + 4);
	} else {
		if (strchr(item, ':') != NULL || has_ctl(item))
			return bad(ld, "%s: items must be PERMISSION:GROUP or "
			    "org:ORG_ID:GROUP", k->name);
		rule->permission = ar_strdup(item);
	}
	rule->group = ar_strdup(group);
	if ((rule->org_id == NULL && rule->permission == NULL) ||
	    rule->group == NULL)
		return AR_ERR_NOMEM;
	return AR_OK;
}

static int
set_group_map(struct load *ld, const struct keydef *k, const char *v)
{
	struct ar_group_map m = { NULL, 0 };
	char *copy = NULL, *p, *item;
	int r = AR_ERR_INTERNAL;
	size_t n = 1;

	for (p = (char *)v; *p != '\0'; p++)
		n += *p == ',';
	if ((copy = ar_strdup(v)) == NULL ||
	    (m.rule = calloc(n, sizeof(*m.rule))) == NULL) {
		r = AR_ERR_NOMEM;
		goto out;
	}
	for (p = copy; p != NULL; ) {
		item = trim(strsep(&p, ","));
		if (*item == '\0') {
			r = bad(ld, "%s: empty item in list", k->name);
			goto out;
		}
		r = parse_group_rule(ld, k, item, &m.rule[m.n++]);
		if (r != AR_OK)
			goto out;
	}
	group_map_free(&ld->c.group_map);
	ld->c.group_map = m;
	m.rule = NULL;	/* transferred */
	r = AR_OK;
 out:
	group_map_free(&m);
	free(copy);
	return r;
}

static int
key_index(const char *name, size_t n)
{
	int i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(defs[i].name) == n &&
		    strncmp(defs[i].name, name, n) == 0)
			return i;
	return -1;
}

/* Quote at most 64 bytes of an unknown name (ar_fail escapes it). */
#define NAME_MAX_SHOWN	64
#define SHOWN(n)	((int)((n) > NAME_MAX_SHOWN ? NAME_MAX_SHOWN : (n)))

/* Where the values come from: the file (with line numbers) or argv. */
struct sources {
	const char	*path;
	const char	*file_v[NKEYS];
	int		 file_line[NKEYS];
	const char	*arg_v[NKEYS];
	const char	*config_arg;
	enum ar_first_pass first_pass;
};

static int
parse_args(struct ar_ctx *ctx, int argc, const char **argv,
    struct sources *src)
{
	const char *a, *eq;
	size_t n;
	int i, k;

	for (i = 0; i < argc; i++) {
		if ((a = argv[i]) == NULL)
			continue;
		if (strcmp(a, "debug") == 0) {
			a = "debug=yes";
			ctx->debug = 1;
		}
		/* As pam_unix: use_first_pass, the stricter, wins. */
		if (strcmp(a, "use_first_pass") == 0 ||
		    strcmp(a, "try_first_pass") == 0) {
			if (a[0] == 'u' || src->first_pass != AR_PASS_USE)
				src->first_pass = a[0] == 'u' ? AR_PASS_USE :
				    AR_PASS_TRY;
			continue;
		}
		if ((eq = strchr(a, '=')) == NULL) {
			n = strlen(a);
			if (key_index(a, n) >= 0 || strcmp(a, "config") == 0)
				return ar_fail(ctx, AR_ERR_CONFIG, "config",
				    "conf: module argument %s: missing "
				    "\"=value\"", a);
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: unknown module argument \"%.*s\"",
			    SHOWN(n), a);
		}
		n = (size_t)(eq - a);
		if (n == 6 && strncmp(a, "config", 6) == 0) {
			if (src->config_arg != NULL)
				return ar_fail(ctx, AR_ERR_CONFIG, "config",
				    "conf: module argument config given "
				    "twice");
			if (eq[1] != '/')
				return ar_fail(ctx, AR_ERR_CONFIG, "config",
				    "conf: module argument config: must be "
				    "an absolute path");
			src->config_arg = eq + 1;
			continue;
		}
		if ((k = key_index(a, n)) < 0)
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: unknown module argument \"%.*s\"",
			    SHOWN(n), a);
		if (src->arg_v[k] != NULL)
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: module argument %s given twice",
			    defs[k].name);
		src->arg_v[k] = eq + 1;
	}
	return AR_OK;
}

/* Split the file (modified in place) into per-key values. */
static int
parse_file(struct ar_ctx *ctx, char *buf, struct sources *src)
{
	char *line, *next, *eq, *key, *val;
	int lineno = 0, k;

	for (line = buf; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line = trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if ((eq = strchr(line, '=')) == NULL)
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: %s: line %d: expected \"key = value\"",
			    src->path, lineno);
		*eq = '\0';
		key = trim(line);
		val = trim(eq + 1);
		if (*key == '\0')
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: %s: line %d: missing key before \"=\"",
			    src->path, lineno);
		if (strcmp(key, "config") == 0)
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: %s: line %d: config is only valid as a "
			    "module argument", src->path, lineno);
		if ((k = key_index(key, strlen(key))) < 0)
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: %s: line %d: unknown key \"%.*s\"",
			    src->path, lineno, SHOWN(strlen(key)), key);
		if (src->file_v[k] != NULL)
			return ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "conf: %s: line %d: duplicate key %s (first on "
			    "line %d)", src->path, lineno, defs[k].name,
			    src->file_line[k]);
		src->file_v[k] = val;
		src->file_line[k] = lineno;
	}
	return AR_OK;
}

static int
fail_nomem(struct ar_ctx *ctx)
{
	return ar_fail(ctx, AR_ERR_NOMEM, "no_memory", "conf: out of memory");
}

/*
 * Run one setter; a bad value is reported at its origin: a file line
 * (line > 0), a module argument (line == 0) or a key file (line < 0).
 */
static int
apply(struct ar_ctx *ctx, struct load *ld, int k, const char *v,
    const char *where, int line)
{
	int r;

	ld->err[0] = '\0';
	/* Key files keep their own line structure; set_jwt_key checks. */
	if (line >= 0 && *v == '\0')
		r = bad(ld, "%s: empty value", defs[k].name);
	else if (line >= 0 && has_ctl(v))
		r = bad(ld, "%s: contains control characters", defs[k].name);
	else
		r = defs[k].set(ld, &defs[k], v);
	if (r == AR_OK)
		return AR_OK;
	if (r == AR_ERR_NOMEM)
		return fail_nomem(ctx);
	if (line > 0)
		return ar_fail(ctx, r, "config", "conf: %s: line %d: %s",
		    where, line, ld->err);
	if (line == 0)
		return ar_fail(ctx, r, "config", "conf: module argument %s",
		    ld->err);
	return ar_fail(ctx, r, "config", "conf: %s: %s", where, ld->err);
}

static int
value_is_secret_key(const char *v)
{
	return v != NULL && !ar_key_text_is_public(v, strlen(v));
}

/* Read a *_file key and hand its content to the key's setter. */
static int
apply_key_file(struct ar_ctx *ctx, struct load *ld, int k, const char *path)
{
	enum ar_file_kind kind;
	int r = AR_ERR_INTERNAL;
	char *buf = NULL;
	size_t len = 0;
	mode_t mode = 0;

	/* A public key may be world-readable; secrets never. */
	kind = k == K_api_key ? AR_FILE_SECRET : AR_FILE_PUBLIC;
	if ((r = ar_file_read_secret_mode(ctx, path, kind, &buf, &len,
	    &mode)) != AR_OK)
		goto out;
	if (kind == AR_FILE_PUBLIC && !ar_key_text_is_public(buf, len) &&
	    (mode & 044) != 0) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: %s: must not be readable by group or others", path);
		goto out;
	}
	if ((r = apply(ctx, ld, k, buf, path, -1)) != AR_OK)
		goto out;
	r = AR_OK;
 out:
	ar_secure_free(buf, len);
	return r;
}

static int
conf_fail(struct ar_ctx *ctx, const char *path, const char *msg)
{
	return ar_fail(ctx, AR_ERR_CONFIG, "config", "conf: %s: %s", path,
	    msg);
}

/* The rules between keys, once every value is in place. */
static int
check_combination(struct ar_ctx *ctx, struct load *ld, const char *path)
{
	struct ar_conf *c = &ld->c;
	const char *lr;
	size_t n;

	if (c->api_url != NULL && c->api_key == NULL)
		return conf_fail(ctx, path,
		    "api_url needs api_key or api_key_file");
	if (c->api_key != NULL && c->api_url == NULL)
		return conf_fail(ctx, path, "api_key needs api_url");
	if (c->api_version == 1 && has_prefix(c->api_key, "ks_"))
		return conf_fail(ctx, path, "api_key: a ks_ key belongs to "
		    "API v2 but api_url ends in /v1");
	if (c->api_version == 2 && (has_prefix(c->api_key, "ko_") ||
	    has_prefix(c->api_key, "key_")))
		return conf_fail(ctx, path, "api_key: ko_ and key_ keys "
		    "belong to API v1 but api_url ends in /v2");
	if (c->account_id != NULL && (c->api_version != 1 ||
	    !has_prefix(c->api_key, "key_")))
		return conf_fail(ctx, path, "account_id is only used with "
		    "key_ API keys on /v1");
	if (c->verify_session && c->api_url == NULL)
		return conf_fail(ctx, path, "verify_session needs api_url");

	if (c->jwt_key == NULL && c->jwks_url == NULL &&
	    (lr = c->loginrocket_url) != NULL) {
		n = strlen(lr);
		if (n > 0 && lr[n - 1] == '/')
			n--;
		if (asprintf(&c->jwks_url, "%.*s/connect/jwks", (int)n,
		    lr) == -1) {
			c->jwks_url = NULL;
			return fail_nomem(ctx);
		}
	}

	switch (c->mode) {
	case AR_MODE_PASSWORD:
		if (c->api_url == NULL)
			return conf_fail(ctx, path,
			    "mode=password needs api_url");
		break;
	case AR_MODE_TOKEN:
		if (c->jwt_key == NULL && c->jwks_url == NULL)
			return conf_fail(ctx, path, "mode=token needs jwt_key, "
			    "jwt_key_file, jwks_url or loginrocket_url");
		break;
	case AR_MODE_AUTO:
		if (c->api_url == NULL && c->jwt_key == NULL &&
		    c->jwks_url == NULL)
			return conf_fail(ctx, path, "nothing to check "
			    "credentials with: set api_url, jwt_key, "
			    "jwt_key_file, jwks_url or loginrocket_url");
		break;
	}
	if (c->map_by == AR_MAP_FILE && c->user_map_file == NULL)
		return conf_fail(ctx, path, "map_by=file needs user_map_file");
	return AR_OK;
}

/* The secrets must come from where nobody else can read them. */
static int
check_secret_sources(struct ar_ctx *ctx, const struct sources *src,
    mode_t mode)
{
	const char *key;

	/* A readable secret is as good as published. */
	if ((src->file_v[K_api_key] != NULL ||
	    value_is_secret_key(src->file_v[K_jwt_key])) &&
	    (mode & 044) != 0)
		return conf_fail(ctx, src->path, "holds a secret and must "
		    "not be readable by group or others (chmod 600)");
	/* pam.d files are world-readable by convention. */
	if (src->arg_v[K_api_key] != NULL ||
	    value_is_secret_key(src->arg_v[K_jwt_key])) {
		key = src->arg_v[K_api_key] != NULL ? "api_key" : "jwt_key";
		return ar_fail(ctx, AR_ERR_CONFIG, "config", "conf: module "
		    "argument %s: secrets are not accepted as module "
		    "arguments (use the file or %s_file)", key, key);
	}
	return AR_OK;
}

/* Every key's default, then the file's value, then the argument's. */
static int
apply_sources(struct ar_ctx *ctx, struct load *ld, const struct sources *src)
{
	const char *v;
	int k, r;

	for (k = 0; k < NKEYS; k++) {
		if (!defs[k].setdef)
			continue;
		if ((r = apply(ctx, ld, k, pub_keys[k].def, "default",
		    -1)) != AR_OK)
			return r;
	}
	/*
	 * The file's value is checked even when an argument overrides it:
	 * a broken file should not depend on the stack line to be noticed.
	 */
	for (k = 0; k < NKEYS; k++) {
		if ((v = src->file_v[k]) != NULL && (r = apply(ctx, ld, k, v,
		    src->path, src->file_line[k])) != AR_OK)
			return r;
		if ((v = src->arg_v[k]) != NULL && (r = apply(ctx, ld, k, v,
		    NULL, 0)) != AR_OK)
			return r;
	}
	return AR_OK;
}

/* A key given in place and as a *_file is refused; else read the file. */
static int
apply_key_files(struct ar_ctx *ctx, struct load *ld, const char *path)
{
	int r;

	if (ld->c.api_key != NULL && ld->api_key_file != NULL)
		return conf_fail(ctx, path,
		    "api_key and api_key_file are mutually exclusive");
	if (ld->c.jwt_key != NULL && ld->jwt_key_file != NULL)
		return conf_fail(ctx, path,
		    "jwt_key and jwt_key_file are mutually exclusive");
	if (ld->api_key_file != NULL && (r = apply_key_file(ctx, ld,
	    K_api_key, ld->api_key_file)) != AR_OK)
		return r;
	if (ld->jwt_key_file != NULL && (r = apply_key_file(ctx, ld,
	    K_jwt_key, ld->jwt_key_file)) != AR_OK)
		return r;
	return AR_OK;
}

int
ar_conf_load(struct ar_ctx *ctx, int argc, const char **argv,
    const char *path_default, struct ar_conf *conf)
{
	int r = AR_ERR_INTERNAL;
	struct sources src;
	struct load ld;
	char *buf = NULL;
	size_t len = 0;
	mode_t mode = 0;

	memset(conf, 0, sizeof(*conf));
	memset(&src, 0, sizeof(src));
	memset(&ld, 0, sizeof(ld));

	if ((r = parse_args(ctx, argc, argv, &src)) != AR_OK)
		goto out;
	if ((src.path = src.config_arg) == NULL)
		src.path = path_default != NULL ? path_default :
		    AR_DEFAULT_CONFIG;
	if ((ld.c.config_path = ar_strdup(src.path)) == NULL) {
		r = fail_nomem(ctx);
		goto out;
	}
	/* Missing is an error too: without a key nothing can be checked. */
	if ((r = ar_file_read_mode(ctx, src.path, AR_FILE_PUBLIC, AR_MAX_FILE,
	    &buf, &len, &mode)) != AR_OK)
		goto out;
	/* The values in src point into buf, which lives until the end. */
	if ((r = parse_file(ctx, buf, &src)) != AR_OK ||
	    (r = check_secret_sources(ctx, &src, mode)) != AR_OK ||
	    (r = apply_sources(ctx, &ld, &src)) != AR_OK ||
	    (r = apply_key_files(ctx, &ld, src.path)) != AR_OK ||
	    (r = check_combination(ctx, &ld, src.path)) != AR_OK)
		goto out;

	if (ld.c.debug)
		ctx->debug = 1;
	ld.c.first_pass = src.first_pass;
	*conf = ld.c;
	memset(&ld.c, 0, sizeof(ld.c));	/* transferred */
	r = AR_OK;
 out:
	ar_conf_free(&ld.c);
	free(ld.api_key_file);
	free(ld.jwt_key_file);
	ar_secure_free(buf, len);
	return r;
}

void
ar_conf_free(struct ar_conf *conf)
{
	if (conf == NULL)
		return;
	ar_secure_free(conf->api_key, conf->api_key_len);
	ar_secure_free(conf->jwt_key, conf->jwt_key_len);
	free(conf->config_path);
	free(conf->api_url);
	free(conf->account_id);
	free(conf->realm_id);
	free(conf->jwks_url);
	free(conf->loginrocket_url);
	free(conf->issuer);
	free(conf->map_custom);
	free(conf->user_map_file);
	list_free(&conf->require_permission);
	list_free(&conf->require_org);
	free(conf->ca_file);
	free(conf->ca_dir);
	free(conf->proxy);
	free(conf->prompt);
	free(conf->helper);
	free(conf->cache_dir);
	free(conf->uid_attr);
	free(conf->home_dir);
	free(conf->shell);
	group_map_free(&conf->group_map);
	free(conf->ssh_keys_attr);
	explicit_bzero(conf, sizeof(*conf));
}

const struct ar_conf_key *
ar_conf_keys(void)
{
	return pub_keys;
}
