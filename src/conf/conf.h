/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration: one key table shared by the file and the PAM
 * arguments, and the parsed result.
 */
#ifndef AR_CONF_H
#define AR_CONF_H

#include "ar.h"

enum ar_mode {
	AR_MODE_AUTO = 0,
	AR_MODE_TOKEN,
	AR_MODE_PASSWORD
};

/* Where the credential comes from (module arguments, not keys). */
enum ar_first_pass {
	AR_PASS_PROMPT = 0,	/* ask at our prompt */
	AR_PASS_TRY,		/* try_first_pass: the stack's, else ask */
	AR_PASS_USE		/* use_first_pass: the stack's, never ask */
};

enum ar_map_by {
	AR_MAP_USERNAME = 0,
	AR_MAP_EMAIL,
	AR_MAP_EMAIL_LOCALPART,
	AR_MAP_REFERENCE,
	AR_MAP_CUSTOM,		/* custom:NAME, name in map_custom */
	AR_MAP_FILE		/* only the user_map_file */
};

/*
 * One group_map rule: members holding permission (or, for org rules,
 * members of org_id) get the supplementary group named group.
 */
struct ar_group_rule {
	char	*permission;	/* PERMISSION:GROUP, or NULL for org rules */
	char	*org_id;	/* org:ORG_ID:GROUP, or NULL */
	char	*group;		/* a valid account/group name */
};

struct ar_group_map {
	struct ar_group_rule	*rule;
	size_t			 n;
};

/* A parsed comma list: n items, each a malloc'ed string. */
struct ar_list {
	char	**item;
	size_t	  n;
};

struct ar_conf {
	char		*config_path;	/* the file that was read */
	enum ar_first_pass first_pass;

	char		*api_url;	/* without trailing '/', or NULL */
	int		 api_version;	/* 1, 2, or 0 without api_url */
	char		*api_key;	/* secret, or NULL */
	size_t		 api_key_len;
	char		*account_id;	/* v1 legacy org_..., or NULL */
	char		*realm_id;	/* rl_..., or NULL */

	char		*jwt_key;	/* secret or PEM text, or NULL */
	size_t		 jwt_key_len;
	char		*jwks_url;	/* explicit or derived, or NULL */
	char		*loginrocket_url; /* or NULL */
	char		*issuer;	/* required iss, or NULL */

	enum ar_mode	 mode;
	enum ar_map_by	 map_by;
	char		*map_custom;	/* NAME of custom:NAME */
	char		*user_map_file;	/* or NULL */
	struct ar_list	 require_permission;
	struct ar_list	 require_org;

	int64_t		 min_uid;	/* default 1000 */
	int64_t		 leeway;	/* seconds, 0..300, default 30 */
	int64_t		 max_token_age;	/* seconds, 0 = off */
	int		 verify_session; /* bool */
	int64_t		 timeout;	/* seconds, 1..60, default 10 */

	char		*ca_file;	/* or NULL */
	char		*ca_dir;	/* or NULL: system directory */
	char		*proxy;		/* or NULL: no proxy at all */
	char		*prompt;	/* or NULL: built from the mode */
	int		 debug;		/* bool */
	char		*helper;	/* default AR_DEFAULT_HELPER */
	char		*cache_dir;	/* default AR_DEFAULT_CACHE_DIR */
	int64_t		 jwks_max_stale; /* seconds a stale JWKS may serve */

	/* Outages (fast failure, cached credentials, account cache). */
	int64_t		 offline_timeout;	/* seconds, 0 = off */
	int		 cache_credentials;	/* bool */
	int64_t		 offline_credentials_expiration; /* days, 0 = none */
	int64_t		 offline_failed_login_attempts;	/* 1.. */
	int64_t		 account_cache_timeout;	/* seconds, 0 = off */

	/* The directory (authrocket-sync, NSS, authrocket-keys). */
	int		 directory;	/* bool: the module consults it */
	uint32_t	 uid_min;	/* uid_range, inclusive */
	uint32_t	 uid_max;
	char		*uid_attr;	/* NAME of custom:NAME, or NULL */
	char		*home_dir;	/* "%u" is the local name */
	char		*shell;		/* absolute path */
	struct ar_group_map group_map;
	char		*ssh_keys_attr;	/* NAME of custom:NAME, or NULL */
	int64_t		 sync_max_drop;	/* percent, 0..100 */
	int		 adopt_local;	/* bool */
};

/* One row of the key table, for the CLI and the man-page test. */
struct ar_conf_key {
	const char	*name;
	const char	*type;		/* "string", "bool", "integer", ... */
	const char	*def;		/* default as text, "" when none */
};

/*
 * Load the configuration for one stack line: argv holds the PAM module
 * arguments ("config=PATH", "debug", "use_first_pass", "try_first_pass"
 * (use_first_pass wins when both are given), "key=value"); the file named by
 * config= (default path_default, normally AR_DEFAULT_CONFIG) is read with
 * ar_file_read() and its keys applied, then the arguments override it.
 * *_file keys are read last.  Unknown or repeated keys, bad values,
 * api_url not https or not /v1 or /v2, an HMAC secret shorter than 32
 * bytes, a secret in a group/other-readable file are AR_ERR_CONFIG with
 * ctx detail "conf: PATH: line N: ...".
 * On AR_OK *conf is filled (release with ar_conf_free()); on error it is
 * left cleared.  Sets ctx->debug when debug is on.
 */
int	ar_conf_load(struct ar_ctx *ctx, int argc, const char **argv,
	    const char *path_default, struct ar_conf *conf);

/* Release everything a conf holds, wiping secrets; NULL-safe. */
void	ar_conf_free(struct ar_conf *conf);

/*
 * The SDK rule on a JWT key's text alone (no parsing): after trimming
 * blanks, longer than 256 characters or containing "PUBLIC KEY" means a
 * public key, anything else an HMAC secret.  0 for NULL.
 */
#define AR_PUBLIC_TEXT_LEN	256	/* SDK rule: longer means public */
int	ar_key_text_is_public(const char *text, size_t len);

/*
 * The key table, terminated by a row with name NULL.  The module itself
 * does not need it; the documentation test checks the manual page and
 * the example configuration against it, so that no key goes undocumented.
 */
const struct ar_conf_key *ar_conf_keys(void);

#endif /* AR_CONF_H */
