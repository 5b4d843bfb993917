/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-check config: load the configuration as the module does,
 * then check every file it names (map file, trust anchors, helper) by the
 * rules a login applies, and the values that are valid but usually a
 * paste mistake.  Exit 2 for what the module treats as a configuration
 * error, 1 for likely mistakes, 0 when nothing was found.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "key.h"
#include "map.h"
#include "secure.h"

#define CA_MAX_FILE	(8 * 1024 * 1024)	/* a large CA bundle */

/* The fix for a file that breaks the file rules, in the same words. */
#define FILE_RULES	"it must be a regular file (no symlink) owned by " \
			"root, not writable by group or others"

static int
check_map_file(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf)
{
	size_t n = 0;

	if (conf->user_map_file == NULL)
		return EXIT_OK;
	ar_ctx_clear_error(ctx);
	if (ar_map_validate(ctx, conf, &n) != AR_OK) {
		problem(o, "user_map_file: %s; every login (SSH keys too) is "
		    "refused until it is fixed: each line is \"id:usr_... "
		    "LOCAL\", \"username:NAME LOCAL\" or \"email:ADDR LOCAL\", "
		    "and %s", ctx->detail, FILE_RULES);
		return EXIT_USAGE;
	}
	put_int(o, "map_entries", (long long)n);
	return EXIT_OK;
}

static int
check_ca_file(struct out *o, struct ar_ctx *ctx, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = EXIT_OK;

	ar_ctx_clear_error(ctx);
	if (ar_file_read(ctx, path, AR_FILE_PUBLIC, CA_MAX_FILE, &buf,
	    &len) != AR_OK) {
		problem(o, "ca_file: %s; the API cannot be reached until it is "
		    "fixed: name a PEM bundle of the CA certificates that "
		    "AuthRocket's server certificate chains to; %s",
		    ctx->detail, FILE_RULES);
		return EXIT_USAGE;
	}
	if (memmem(buf, len, "-----BEGIN CERTIFICATE-----", 27) == NULL) {
		problem(o, "ca_file %s holds no PEM certificate "
		    "(-----BEGIN CERTIFICATE-----)", path);
		rc = EXIT_USAGE;
	}
	ar_secure_free(buf, len);
	return rc;
}

/* A trust-anchor directory or the helper: open without following links. */
static int
check_path(struct out *o, const char *key, const char *path, int dir)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	    (dir ? O_DIRECTORY : 0));
	if (fd < 0 || fstat(fd, &st) != 0) {
		problem(o, "%s %s: %m; set %s to an existing %s", key, path,
		    key, dir ? "directory" : "file");
		if (fd >= 0)
			close(fd);
		return EXIT_USAGE;
	}
	close(fd);
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    (!dir && !S_ISREG(st.st_mode))) {
		problem(o, "%s %s is unsafe (owner %u, mode %04o): it must be "
		    "owned by root and not writable by group or others",
		    key, path, (unsigned)st.st_uid,
		    (unsigned)(st.st_mode & 07777));
		return EXIT_USAGE;
	}
	if (!dir && (st.st_mode & S_IXUSR) == 0) {
		problem(o, "%s %s is not executable", key, path);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Valid values that are usually a paste mistake. */
static int
check_values(struct out *o, struct ar_conf *conf)
{
	int rc = EXIT_OK;

	if (quoted(conf->api_key)) {
		problem(o, "api_key is in quotes: the configuration takes "
		    "values literally, quotes included; remove them");
		rc = EXIT_FAILED;
	}
	if (conf->jwt_key != NULL && quoted(conf->jwt_key)) {
		problem(o, "jwt_key is in quotes: the configuration takes "
		    "values literally, quotes included; remove them");
		rc = EXIT_FAILED;
	} else if (conf->jwt_key != NULL &&
	    !ar_key_text_is_public(conf->jwt_key, conf->jwt_key_len) &&
	    strncmp(conf->jwt_key, "jsk_", 4) != 0) {
		problem(o, "jwt_key is an HMAC secret that does not start with "
		    "jsk_: AuthRocket's realm secrets do, and the prefix is "
		    "part of the secret; paste the whole secret, jsk_ "
		    "included");
		rc = EXIT_FAILED;
	}
	return rc;
}

static int
describe_key(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf)
{
	char desc[128];
	struct ar_key key;

	if (conf->jwt_key == NULL) {
		put(o, "jwt_key", conf->jwks_url ?
		    "from JWKS (authrocket-check jwks fetches it)" : "none");
		return EXIT_OK;
	}
	memset(&key, 0, sizeof(key));
	if (ar_key_parse(ctx, conf->jwt_key, conf->jwt_key_len, &key) !=
	    AR_OK) {
		put(o, "jwt_key", "invalid");
		problem(o, "jwt_key: %s", ctx->detail);
		return EXIT_USAGE;
	}
	ar_key_describe(&key, desc, sizeof(desc));
	put(o, "jwt_key", desc);
	ar_key_free(&key);
	return EXIT_OK;
}

static int
worse(int a, int b)
{
	return a > b ? a : b;
}

int
cmd_config(struct out *o, struct ar_ctx *ctx, struct ar_conf *conf,
    char **argv)
{
	static const char *modes[] = { "auto", "token", "password" };
	int rc = EXIT_OK;

	(void)argv;
	put(o, "config", conf->config_path);
	put(o, "mode", modes[conf->mode]);
	put(o, "api_url", conf->api_url);
	put_int(o, "api_version", conf->api_version);
	put(o, "realm_id", conf->realm_id);
	put(o, "jwks_url", conf->jwks_url);
	put_int(o, "min_uid", conf->min_uid);
	put_int(o, "timeout", conf->timeout);
	rc = worse(rc, describe_key(o, ctx, conf));
	rc = worse(rc, check_map_file(o, ctx, conf));
	if (conf->ca_file != NULL)
		rc = worse(rc, check_ca_file(o, ctx, conf->ca_file));
	if (conf->ca_dir != NULL)
		rc = worse(rc, check_path(o, "ca_dir", conf->ca_dir, 1));
	/* The helper makes every HTTPS request: needed for the API and JWKS. */
	if (conf->api_url != NULL || (conf->jwt_key == NULL &&
	    conf->jwks_url != NULL))
		rc = worse(rc, check_path(o, "helper", conf->helper, 0));
	rc = worse(rc, check_values(o, conf));
	put(o, "verdict", rc == EXIT_OK ? "ok" : rc == EXIT_FAILED ?
	    "check failed" : "configuration error");
	return rc;
}
