/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Long-running and multi-threaded PAM driver for the hardening tests: a
 * host process that runs many transactions through real libpam and
 * checks it is left exactly as it was (signal dispositions and mask,
 * descriptors, children, threads, alarm, memory).
 *
 * usage: soak --confdir DIR --plan FILE [--count N] [--threads T]
 *             [--mode manners|manners-chld|soak|threads] [--warmup N]
 *             [--chld default|handler|ignore] [--log FILE]
 * The plan has one case per line, tab separated:
 *   SERVICE USER EXPECTED-AUTH EXPECTED-ACCOUNT [ANSWER...]
 * (EXPECTED-ACCOUNT "-" skips the account phase).  manners: each case
 * once with SIGCHLD ignored, SIGPIPE default and an alarm handler set
 * (manners-chld: SIGCHLD at its default, so that a child left unreaped
 * would show as a zombie);
 * soak: COUNT transactions cycling through the cases; threads: THREADS
 * threads, thread i runs case i % ncases COUNT times, with SIGCHLD as
 * --chld says (handler: one that reaps every ended child with
 * waitpid(-1, WNOHANG), as daemons do; ignore: SIG_IGN, auto-reaping) and
 * checked unchanged afterwards, no child of the module ever reaped by the
 * host's handler.  Prints key=value
 * figures and "soak: N passed, N failed, 0 skipped".
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "pamlib.h"

#define MAX_CASES	64
#define MAX_ANSWERS	4

struct pcase {
	char	*service, *user, *want_auth, *want_acct;
	char	*answers[MAX_ANSWERS];
	int	 n_answers;
};

static struct pcase cases[MAX_CASES];
static int ncases;
static const char *confdir;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static long passed, failed;

static FILE *logfp;

/*
 * The tests' passwd stand-in, nss_wrapper, is not thread-safe: under
 * concurrent lookups it now and then reports an existing user as missing
 * (or crashes).  Serialise the module's lookups here, in the host, so that
 * the threaded runs test the module and not the stand-in.  The executable's
 * definition comes first in symbol lookup; RTLD_NEXT is nss_wrapper's (or
 * libc's when it is not preloaded).
 */
static pthread_mutex_t nss_lock = PTHREAD_MUTEX_INITIALIZER;

int getpwnam_r(const char *name, struct passwd *pwd, char *buf, size_t len,
    struct passwd **result);

int
getpwnam_r(const char *name, struct passwd *pwd, char *buf, size_t len,
    struct passwd **result)
{
	static int (*next)(const char *, struct passwd *, char *, size_t,
	    struct passwd **);
	int rc;

	pthread_mutex_lock(&nss_lock);
	if (next == NULL)
		*(void **)&next = dlsym(RTLD_NEXT, "getpwnam_r");
	rc = next != NULL ? next(name, pwd, buf, len, result) : ENOSYS;
	pthread_mutex_unlock(&nss_lock);
	return rc;
}

static void
result(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
result(int ok, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	if (ok) {
		passed++;
	} else {
		failed++;
		if (failed <= 50) {
			printf("FAIL ");
			va_start(ap, fmt);
			vprintf(fmt, ap);
			va_end(ap);
			putchar('\n');
			fflush(stdout);
		}
	}
	pthread_mutex_unlock(&out_lock);
}

static void
no_delay(int retval, unsigned usec, void *arg)
{
	(void)retval;
	(void)usec;
	(void)arg;
}

/* One transaction; returns 1 when both phases gave what the plan says. */
static int
transaction(const struct pcase *c, char *why, size_t n)
{
	struct pamlib_answers st = { c->answers, (size_t)c->n_answers, 0, 0,
	    0, NULL, { 0 } };
	struct pam_conv pc = { pamlib_conv, &st };
	pam_handle_t *pamh = NULL;
	int rc, ra = -1, ok = 1;

	rc = pam_start_confdir(c->service, c->user, &pc, confdir, &pamh);
	if (rc != PAM_SUCCESS) {
		snprintf(why, n, "pam_start: %s", pamlib_code_name(rc));
		return 0;
	}
	pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)no_delay);
	rc = pam_authenticate(pamh, 0);
	if (strcmp(pamlib_code_name(rc), c->want_auth) != 0)
		ok = 0;
	if (strcmp(c->want_acct, "-") != 0) {
		ra = pam_acct_mgmt(pamh, 0);
		if (strcmp(pamlib_code_name(ra), c->want_acct) != 0)
			ok = 0;
	}
	if (st.prompts > 2)
		ok = 0;
	pam_end(pamh, rc);
	if (!ok)
		snprintf(why, n, "%s/%s: auth %s account %s prompts %d",
		    c->service, c->user, pamlib_code_name(rc),
		    ra == -1 ? "-" : pamlib_code_name(ra), st.prompts);
	return ok;
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;		/* the directory's own descriptor */
}

/* The open descriptors as a string "0 1 2 ..." (targets included). */
static void
fd_list(char *buf, size_t n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	char path[300], target[256];
	size_t used = 0;
	ssize_t l;

	buf[0] = '\0';
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		if ((l = readlink(path, target, sizeof(target) - 1)) < 0)
			l = 0;
		target[l] = '\0';
		used += (size_t)snprintf(buf + used, used < n ? n - used : 0,
		    "%s=%s ", de->d_name, target);
	}
	closedir(d);
}

static long
status_field(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t kl = strlen(key);

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			v = atol(line + kl + 1);
			break;
		}
	fclose(f);
	return v;
}

static int
no_children(void)
{
	errno = 0;
	return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

static void
on_alarm(int sig)
{
	(void)sig;
}

static int
same_action(const struct sigaction *a, const struct sigaction *b)
{
	int s;

	if (a->sa_handler != b->sa_handler || a->sa_flags != b->sa_flags)
		return 0;
	for (s = 1; s < 65; s++)
		if (sigismember(&a->sa_mask, s) != sigismember(&b->sa_mask, s))
			return 0;
	return 1;
}

static int
same_mask(const sigset_t *a, const sigset_t *b)
{
	int s;

	for (s = 1; s < 65; s++)
		if (sigismember(a, s) != sigismember(b, s))
			return 0;
	return 1;
}

static int
mode_manners(int ignore_chld)
{
	static const int sigs[] = { SIGCHLD, SIGPIPE, SIGALRM, SIGTERM,
	    SIGINT, SIGHUP, SIGUSR1 };
	struct sigaction sa, before[8], after;
	sigset_t mask_before, mask_after;
	char fds_before[4096], fds_after[4096], why[512];
	unsigned int left;
	size_t i;
	int k;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ignore_chld ? SIG_IGN : SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], NULL, &before[i]);
	sigprocmask(SIG_SETMASK, NULL, &mask_before);
	/* A host has looked users up before; nss_wrapper keeps its file. */
	(void)getpwnam("root");
	fd_list(fds_before, sizeof(fds_before));

	for (k = 0; k < ncases; k++) {
		int ok = transaction(&cases[k], why, sizeof(why));

		result(ok, "%s", why);
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
			sigaction(sigs[i], NULL, &after);
			result(same_action(&before[i], &after),
			    "%s/%s: disposition of signal %d changed",
			    cases[k].service, cases[k].user, sigs[i]);
		}
		sigprocmask(SIG_SETMASK, NULL, &mask_after);
		result(same_mask(&mask_before, &mask_after),
		    "%s/%s: signal mask changed", cases[k].service,
		    cases[k].user);
		fd_list(fds_after, sizeof(fds_after));
		result(strcmp(fds_before, fds_after) == 0,
		    "%s/%s: descriptors [%s] became [%s]", cases[k].service,
		    cases[k].user, fds_before, fds_after);
		result(no_children(), "%s/%s: a child process is left",
		    cases[k].service, cases[k].user);
		left = alarm(0);
		result(left == 0, "%s/%s: an alarm was left set",
		    cases[k].service, cases[k].user);
		result(status_field("Threads") == 1,
		    "%s/%s: %ld threads after pam_end", cases[k].service,
		    cases[k].user, status_field("Threads"));
	}
	return 0;
}

static int
mode_soak(long count, long warmup)
{
	char why[512];
	long i, rss0 = -1, rss1, fd0, thr0;
	long bad_fd = 0, bad_thr = 0, bad_child = 0;
	struct timespec t0, t1;

	(void)getpwnam("root");
	fd0 = count_fds();
	thr0 = status_field("Threads");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		const struct pcase *c = &cases[i % ncases];

		if (i == warmup)
			rss0 = status_field("VmRSS");
		result(transaction(c, why, sizeof(why)), "#%ld %s", i, why);
		if (count_fds() != fd0 && bad_fd++ < 5)
			result(0, "#%ld %s/%s: %d descriptors, %ld before", i,
			    c->service, c->user, count_fds(), fd0);
		if (status_field("Threads") != thr0 && bad_thr++ < 5)
			result(0, "#%ld: %ld threads", i,
			    status_field("Threads"));
		if (!no_children() && bad_child++ < 5)
			result(0, "#%ld %s/%s: a child is left", i,
			    c->service, c->user);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rss1 = status_field("VmRSS");
	if (rss0 < 0)
		rss0 = rss1;
	printf("transactions=%ld seconds=%.1f rss_after_warmup_kb=%ld "
	    "rss_end_kb=%ld rss_growth_kb=%ld fd_mismatches=%ld "
	    "thread_mismatches=%ld child_left=%ld\n", count,
	    (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	    rss0, rss1, rss1 - rss0, bad_fd, bad_thr, bad_child);
	return 0;
}

struct worker {
	pthread_t	 tid;
	int		 idx;
	long		 count;
	long		 ok;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	const struct pcase *c = &cases[w->idx % ncases];
	char why[512];
	long i;

	for (i = 0; i < w->count; i++) {
		int ok = transaction(c, why, sizeof(why));

		result(ok, "thread %d #%ld %s", w->idx, i, why);
		w->ok += ok;
	}
	return NULL;
}

static volatile sig_atomic_t host_reaped;

/* A host that reaps whatever child ended. */
static void
on_chld(int sig)
{
	int e = errno;

	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		host_reaped++;
	errno = e;
}

/* SIGCHLD as the host wants it: "default", "handler" or "ignore". */
static void
set_chld(const char *how, struct sigaction *set)
{
	memset(set, 0, sizeof(*set));
	set->sa_handler = strcmp(how, "handler") == 0 ? on_chld :
	    strcmp(how, "ignore") == 0 ? SIG_IGN : SIG_DFL;
	set->sa_flags = set->sa_handler == on_chld ? SA_RESTART : 0;
	sigemptyset(&set->sa_mask);
	sigaction(SIGCHLD, set, NULL);
	sigaction(SIGCHLD, NULL, set);
}

static int
mode_threads(int nthreads, long count, const char *chld)
{
	struct worker w[64];
	struct timespec t0, t1;
	struct sigaction before, after;
	int i;

	if (nthreads > 64)
		nthreads = 64;
	set_chld(chld, &before);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nthreads; i++) {
		w[i].idx = i;
		w[i].count = count;
		w[i].ok = 0;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0) {
			result(0, "pthread_create %d", i);
			return 1;
		}
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(w[i].tid, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < nthreads; i++)
		printf("thread=%d case=%s/%s ok=%ld of %ld\n", i,
		    cases[i % ncases].service, cases[i % ncases].user,
		    w[i].ok, w[i].count);
	printf("threads=%d transactions=%ld seconds=%.1f chld=%s "
	    "host_reaped=%d\n", nthreads, count * nthreads,
	    (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, chld,
	    (int)host_reaped);
	sigaction(SIGCHLD, NULL, &after);
	result(same_action(&before, &after), "SIGCHLD disposition changed "
	    "(%s)", chld);
	result(host_reaped == 0, "the host's handler reaped %d children",
	    (int)host_reaped);
	result(no_children(), "a child is left after the threads");
	return 0;
}

static int
load_plan(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *save, *tok;
	size_t cap = 0;
	ssize_t len;

	if (f == NULL)
		return -1;
	while ((len = getline(&line, &cap, f)) > 0 && ncases < MAX_CASES) {
		struct pcase *c = &cases[ncases];

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		save = NULL;
		c->service = strdup(strtok_r(line, "\t", &save));
		if ((tok = strtok_r(NULL, "\t", &save)) == NULL)
			return -1;
		c->user = strdup(tok);
		if ((tok = strtok_r(NULL, "\t", &save)) == NULL)
			return -1;
		c->want_auth = strdup(tok);
		if ((tok = strtok_r(NULL, "\t", &save)) == NULL)
			return -1;
		c->want_acct = strdup(tok);
		while ((tok = strtok_r(NULL, "\t", &save)) != NULL &&
		    c->n_answers < MAX_ANSWERS)
			c->answers[c->n_answers++] = strdup(tok);
		ncases++;
	}
	free(line);
	fclose(f);
	return ncases > 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const char *plan = NULL, *mode = "manners", *chld = "default";
	long count = 100, warmup = 0;
	int i, nthreads = 8;

	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--confdir") == 0)
			confdir = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--plan") == 0)
			plan = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--mode") == 0)
			mode = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--count") == 0)
			count = atol(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0)
			nthreads = atoi(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--chld") == 0)
			chld = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--warmup") == 0)
			warmup = atol(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--log") == 0) {
			if ((logfp = fopen(argv[++i], "a")) == NULL)
				return 2;
			pamlib_log_to(logfp);
		}
		else {
			fprintf(stderr, "soak: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	if (confdir == NULL || plan == NULL || load_plan(plan) != 0) {
		fprintf(stderr, "usage: soak --confdir DIR --plan FILE "
		    "[--mode manners|manners-chld|soak|threads] [--count N] "
		    "[--threads T] [--warmup N]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "manners") == 0)
		mode_manners(1);
	else if (strcmp(mode, "manners-chld") == 0)
		mode_manners(0);
	else if (strcmp(mode, "soak") == 0)
		mode_soak(count, warmup);
	else if (strcmp(mode, "threads") == 0)
		mode_threads(nthreads, count, chld);
	else
		return 2;
	printf("soak: %ld passed, %ld failed, 0 skipped\n", passed, failed);
	for (i = 0; i < ncases; i++) {
		int k;

		free(cases[i].service);
		free(cases[i].user);
		free(cases[i].want_auth);
		free(cases[i].want_acct);
		for (k = 0; k < cases[i].n_answers; k++)
			free(cases[i].answers[k]);
	}
	pamlib_log_to(NULL);
	if (logfp != NULL)
		fclose(logfp);
	return failed ? 1 : 0;
}
