/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/decide/directory_policy.c: which accounts the module
 * serves with directory = yes, the results for a missing, damaged or
 * unsafe directory file, and the user id comparison.  The directory
 * location is the function's parameter: a test directory here.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "directory.h"
#include "directory_policy.h"

static char t_dir[64];
static char t_log[1024];

static void
log_sink(void *arg, int prio, const char *line)
{
	(void)arg;
	snprintf(t_log + strlen(t_log), sizeof(t_log) - strlen(t_log),
	    "%d %s\n", prio, line);
}

static void
init(struct ar_ctx *ctx, struct ar_conf *conf, int directory)
{
	ar_ctx_init(ctx, "auth");
	ctx->log = log_sink;
	t_log[0] = '\0';
	memset(conf, 0, sizeof(*conf));
	conf->directory = directory;
}

static void
write_dir(void)
{
	static const struct ar_dir_user u[] = {
		{ "alice", "usr_alice", "alice", 1879048200, 0, NULL,
		    "/home/alice", "/bin/sh", NULL, NULL, 0 },
		{ "bob", "usr_bob", "bob", 0, 1, NULL, "/home/bob",
		    "/bin/sh", NULL, NULL, 0 },
	};
	char err[256];

	if (ar_dir_write(t_dir, u, 2, NULL, 0, err, sizeof(err)) != AR_DIR_OK)
		abort();
}

static char *
path(void)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/%s", t_dir, AR_DIR_FILE);
	return p;
}

static void
test_lookup(void)
{
	struct {
		int		 directory;
		const char	*user;
		int		 want;
		const char	*reason, *id;
	} rows[] = {
		{ 0, "erin", AR_OK, NULL, NULL },
		{ 1, "alice", AR_OK, NULL, "usr_alice" },
		{ 1, "bob", AR_OK, NULL, "usr_bob" },
		{ 1, "erin", AR_ERR_USER_UNKNOWN, "not_in_directory", NULL },
		{ 1, "", AR_ERR_USER_UNKNOWN, "not_in_directory", NULL },
		{ 1, NULL, AR_ERR_USER_UNKNOWN, "not_in_directory", NULL },
	};
	struct ar_ctx ctx;
	struct ar_conf conf;
	char *id;
	size_t i;
	int r;

	write_dir();
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		init(&ctx, &conf, rows[i].directory);
		id = (char *)"unset";
		r = ar_dirpolicy_lookup(&ctx, &conf, t_dir, rows[i].user, &id);
		T_EQ_INT(r, rows[i].want);
		if (rows[i].id != NULL)
			T_EQ_STR(id, rows[i].id);
		else
			T_CHECK(id == NULL);
		if (rows[i].reason != NULL)
			T_EQ_STR(ctx.reason, rows[i].reason);
		else
			T_EQ_INT(ctx.err, AR_OK);
		free(id);
	}
}

static void
test_missing_damaged_unsafe(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	char *id = NULL;
	FILE *f;

	(void)unlink(path());
	init(&ctx, &conf, 1);
	T_EQ_INT(ar_dirpolicy_lookup(&ctx, &conf, t_dir, "alice", &id),
	    AR_ERR_USER_UNKNOWN);
	T_EQ_STR(ctx.reason, "no_directory");
	T_CHECK(strstr(t_log, "4 directory: ") != NULL &&
	    strstr(t_log, "run authrocket-sync") != NULL);
	T_CHECK(id == NULL);

	f = fopen(path(), "w");
	fputs("ARDIRECT but not really a directory file at all ........"
	    "..........................................................", f);
	fclose(f);
	chmod(path(), 0644);
	init(&ctx, &conf, 1);
	T_EQ_INT(ar_dirpolicy_lookup(&ctx, &conf, t_dir, "alice", &id),
	    AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "directory_damaged");

	write_dir();
	chmod(path(), 0666);
	init(&ctx, &conf, 1);
	T_EQ_INT(ar_dirpolicy_lookup(&ctx, &conf, t_dir, "alice", &id),
	    AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "directory_damaged");
	T_CHECK(id == NULL);
	/* Owned by someone who is neither root nor the allowed owner. */
	write_dir();
	init(&ctx, &conf, 1);
	ctx.owner = 4242;
	if (geteuid() != 0) {
		T_EQ_INT(ar_dirpolicy_lookup(&ctx, &conf, t_dir, "alice", &id),
		    AR_ERR_UNAVAIL);
	} else {
		T_EQ_INT(chown(path(), 4343, 4343), 0);
		T_EQ_INT(ar_dirpolicy_lookup(&ctx, &conf, t_dir, "alice", &id),
		    AR_ERR_UNAVAIL);
	}
	(void)unlink(path());
}

static void
test_match(void)
{
	struct ar_identity id;
	struct ar_ctx ctx;
	struct ar_conf conf;

	memset(&id, 0, sizeof(id));
	id.user_id = (char *)"usr_alice";
	init(&ctx, &conf, 1);
	T_EQ_INT(ar_dirpolicy_match(&ctx, NULL, &id, AR_ERR_AUTH), AR_OK);
	T_EQ_INT(ar_dirpolicy_match(&ctx, "usr_alice", &id, AR_ERR_AUTH),
	    AR_OK);
	T_EQ_INT(ctx.err, AR_OK);
	T_EQ_INT(ar_dirpolicy_match(&ctx, "usr_alice2", &id, AR_ERR_AUTH),
	    AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "directory_mismatch");
	init(&ctx, &conf, 1);
	T_EQ_INT(ar_dirpolicy_match(&ctx, "usr_ALICE", &id, AR_ERR_DENIED),
	    AR_ERR_DENIED);
	init(&ctx, &conf, 1);
	id.user_id = NULL;
	T_EQ_INT(ar_dirpolicy_match(&ctx, "usr_alice", &id, AR_ERR_DENIED),
	    AR_ERR_DENIED);
	T_EQ_STR(ctx.reason, "directory_mismatch");
}

int
main(void)
{
	snprintf(t_dir, sizeof(t_dir), "/tmp/test_dirpolicy.XXXXXX");
	if (mkdtemp(t_dir) == NULL)
		abort();
	T_RUN(test_lookup);
	T_RUN(test_missing_damaged_unsafe);
	T_RUN(test_match);
	(void)rmdir(t_dir);
	return t_done("test_dirpolicy");
}
