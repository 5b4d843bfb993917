/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-sync: writes the directory files from the realm's users so
 * that AuthRocket people are accounts of this host (NSS serves them, the
 * PAM module and authrocket-keys rely on them).  All or nothing: any
 * failure leaves the previous directory and state exactly as they were.
 * Exit 0 done, 1 failed, 2 usage or configuration error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "ar.h"
#include "conf.h"
#include "directory.h"
#include "errtext.h"
#include "sync.h"

#define EXIT_FAILED	1
#define EXIT_USAGE	2

struct opts {
	const char	*config;
	const char	*output;
	const char	*only;		/* --user NAME */
	int		 dry_run;
	int		 force;
	int		 quiet;
};

/* Every log line goes to syslog and, for whoever runs it, to stderr. */
static void
log_sink(void *arg, int prio, const char *line)
{
	(void)arg;
	syslog(prio, "%s", line);
	fprintf(stderr, "authrocket-sync: %s\n", line);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: authrocket-sync [--config PATH] [--output DIR] "
	    "[--dry-run] [--force]\n"
	    "                       [--user NAME] [--quiet]\n"
	    "       authrocket-sync --help | --version\n");
}

/* Parse argv; returns -1 to go on, else the exit status. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "user", required_argument, NULL, 'u' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->config = AR_DEFAULT_CONFIG;
	o->output = AR_DIRECTORY_DIR;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'u':
			o->only = optarg;
			break;
		case 'n':
			o->dry_run = 1;
			break;
		case 'f':
			o->force = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("authrocket-sync %s\n", AR_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || o->output[0] != '/' || (o->only != NULL &&
	    o->only[0] == '\0')) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

/* Open (creating it when needed) and lock the output directory. */
static int
lock_dir(struct ar_ctx *ctx, const char *dir, int create, int *fd)
{
	char ebuf[AR_ERRNO_BUF];

	if (create && mkdir(dir, 0755) != 0 && errno != EEXIST)
		return ar_fail(ctx, AR_ERR_INTERNAL, "write_failed",
		    "sync: mkdir %s: %s", dir,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
	if ((*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW)) < 0) {
		if (!create && errno == ENOENT)
			return AR_OK;	/* dry run of a first sync */
		return ar_fail(ctx, AR_ERR_INTERNAL, "write_failed",
		    "sync: %s: %s", dir,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
	}
	/* One sync at a time (the timer and an administrator's --user). */
	if (flock(*fd, LOCK_EX) != 0)
		return ar_fail(ctx, AR_ERR_INTERNAL, "write_failed",
		    "sync: lock %s: %s", dir,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
	return AR_OK;
}

/*
 * Refuse to drop more than sync_max_drop percent of the served entries
 * (and more than one) in one go: an emptied realm, a wrong realm_id or
 * a broken filter should not delete every account of the fleet.
 */
static int
guard(struct ar_ctx *ctx, const struct ar_conf *conf, const struct opts *o,
    const struct sync_diff *d)
{
	if (o->only != NULL || d->dropped <= 1 ||
	    d->dropped * 100 <= (size_t)conf->sync_max_drop * d->prev_served)
		return AR_OK;
	if (o->force) {
		ar_log(ctx, AR_LOG_WARNING, "sync: dropping %zu of %zu entries "
		    "(--force)", d->dropped, d->prev_served);
		return AR_OK;
	}
	return ar_fail(ctx, AR_ERR_DENIED, "mass_drop", "sync: refused: it "
	    "would remove %zu of %zu entries, more than sync_max_drop (%lld%%)"
	    "; check the realm and filters, then run with --force",
	    d->dropped, d->prev_served, (long long)conf->sync_max_drop);
}

/* State first (not yet in place), then the directory, then the state. */
static int
commit(struct ar_ctx *ctx, const char *dir, const struct sync_dir *next)
{
	char *tmp = NULL;
	int r;

	if ((r = sync_state_prepare(ctx, dir, next, &tmp)) != AR_OK)
		return r;
	if ((r = sync_dir_write(ctx, dir, next)) != AR_OK) {
		sync_state_discard(tmp);
		free(tmp);
		return r;
	}
	r = sync_state_commit(ctx, dir, tmp);
	if (r != AR_OK)
		sync_state_discard(tmp);
	free(tmp);
	return r;
}

/* Is there a directory file in dir already? */
static int
have_directory(const char *dir)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, AR_DIR_FILE);
	return lstat(path, &st) == 0;
}

struct run {
	struct ar_ctx		*ctx;
	const struct opts	*o;
	struct ar_conf		 conf;
	struct sync_local	 local;
	struct sync_dir		 prev;
	struct sync_dir		 next;
	struct sync_users	 users;
	struct sync_diff	 diff;
	int			 have_state;
};

/* Fetch, decide, guard, and (unless --dry-run) write. */
static int
sync_run(struct run *run)
{
	struct ar_ctx *ctx = run->ctx;
	const struct opts *o = run->o;
	struct sync_plan_in in;
	struct sync_net *net = NULL;
	int r;

	if ((r = sync_state_read(ctx, o->output, &run->prev,
	    &run->have_state)) != AR_OK ||
	    (r = sync_local_read(ctx, "/etc", &run->local)) != AR_OK)
		goto out;
	if (!run->have_state && have_directory(o->output))
		ar_log(ctx, AR_LOG_WARNING, "sync: %s/%s is missing: uids are "
		    "computed again and the mass-drop guard has nothing to "
		    "compare with", o->output, AR_DIR_STATE);
	if ((r = sync_net_open(ctx, &run->conf, !o->quiet && isatty(2),
	    &net)) != AR_OK)
		goto out;
	r = o->only != NULL ? sync_fetch_one(net, o->only, &run->users) :
	    sync_fetch_all(net, &run->users);
	if (r != AR_OK)
		goto out;
	memset(&in, 0, sizeof(in));
	in.conf = &run->conf;
	in.local = &run->local;
	in.prev = &run->prev;
	in.users = &run->users;
	in.only = o->only;
	if ((r = sync_plan(ctx, &in, &run->next)) != AR_OK)
		goto out;
	sync_diff(&run->prev, &run->next, o->dry_run ? stdout : NULL,
	    &run->diff);
	if ((r = guard(ctx, &run->conf, o, &run->diff)) != AR_OK || o->dry_run)
		goto out;
	if (run->diff.added + run->diff.removed + run->diff.changed > 0 ||
	    !run->have_state || !have_directory(o->output) ||
	    run->next.n_uids != run->prev.n_uids ||
	    run->next.n_gids != run->prev.n_gids)
		r = commit(ctx, o->output, &run->next);
 out:
	sync_net_close(net);
	return r;
}

int
main(int argc, char **argv)
{
	struct ar_ctx ctx;
	struct opts o;
	struct run run;
	int64_t t0 = ar_monotonic_ms();
	int r, st, fd = -1;

	if ((st = parse_opts(argc, argv, &o)) >= 0)
		return st;
	umask(022);
	openlog("authrocket-sync", LOG_PID, LOG_AUTHPRIV);
	ar_ctx_init(&ctx, "sync");
	ctx.log = log_sink;
	memset(&run, 0, sizeof(run));
	run.ctx = &ctx;
	run.o = &o;
	st = EXIT_USAGE;
	if ((r = ar_conf_load(&ctx, 0, NULL, o.config, &run.conf)) != AR_OK)
		goto out;
	if (run.conf.api_url == NULL || run.conf.api_key == NULL) {
		r = ar_fail(&ctx, AR_ERR_CONFIG, "config", "conf: %s: "
		    "authrocket-sync needs api_url and api_key", o.config);
		goto out;
	}
	if ((r = sync_shell_ok(&ctx, "/etc", run.conf.shell)) != AR_OK)
		goto out;
	st = EXIT_FAILED;
	if ((r = lock_dir(&ctx, o.output, !o.dry_run, &fd)) != AR_OK)
		goto out;
	r = sync_run(&run);
	if (r == AR_ERR_CONFIG)
		st = EXIT_USAGE;
	if (r != AR_OK)
		goto out;
	ar_log(&ctx, AR_LOG_INFO, "sync: %s%zu users, +%zu -%zu ~%zu",
	    o.dry_run ? "dry run: " : "", run.diff.served, run.diff.added,
	    run.diff.removed, run.diff.changed);
	if (!o.quiet)
		printf("%zu users, +%zu -%zu ~%zu, %.1f s\n", run.diff.served,
		    run.diff.added, run.diff.removed, run.diff.changed,
		    (double)(ar_monotonic_ms() - t0) / 1000.0);
	st = 0;
 out:
	if (r != AR_OK)
		ar_log(&ctx, AR_LOG_ERR, "sync failed (%s): %s",
		    ctx.reason != NULL ? ctx.reason : ar_result_str(r),
		    ctx.detail[0] != '\0' ? ctx.detail : "-");
	if (fd >= 0)
		close(fd);
	sync_users_clear(&run.users);
	sync_dir_clear(&run.prev);
	sync_dir_clear(&run.next);
	sync_local_clear(&run.local);
	ar_conf_free(&run.conf);
	closelog();
	return st;
}
