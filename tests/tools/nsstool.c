/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test tool: drives libnss_authrocket through real glibc (the passwd,
 * group and initgroups databases configured to "authrocket" alone, as
 * getent -s does; run with LD_LIBRARY_PATH pointing at the test copy).
 *
 *   nsstool erange USER GROUP   every buffer too small gives ERANGE, the
 *                               exact size works; getpwent/getgrent
 *                               retried after ERANGE give the same entry
 *   nsstool threads DIR N SECS  8 threads look users u000000..N-1 up
 *                               while the directory file in DIR is
 *                               replaced again and again; every answer
 *                               must be whole (one version or the other)
 *                               (and children forked meanwhile can look
 *                               users up: no lock is inherited held)
 *   nsstool fds USER            a lookup leaves no descriptor open and at
 *                               most one mapping of the directory file
 *   nsstool status KIND KEY     calls the module's entry point directly
 *                               (pwnam pwuid grnam grgid initgroups) and
 *                               prints "status=NAME errno=N"
 * Prints "ok ..." lines or "FAIL ..." lines; exit 0 when all passed.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "directory.h"

extern int __nss_configure_lookup(const char *, const char *);

static int failures;

#define FAIL(...) do { printf("FAIL " __VA_ARGS__); printf("\n"); \
	failures++; } while (0)

static void
configure(void)
{
	if (__nss_configure_lookup("passwd", "authrocket") != 0 ||
	    __nss_configure_lookup("group", "authrocket") != 0 ||
	    __nss_configure_lookup("initgroups", "authrocket") != 0) {
		printf("FAIL cannot configure the lookup\n");
		exit(1);
	}
}

static void
erange_passwd(const char *user)
{
	struct passwd pw, *res, first;
	char big[4096], name[256], *buf;
	size_t len, need = 0;
	int r;

	for (len = 0; len < sizeof(big) && need == 0; len++) {
		buf = malloc(len + 1);
		r = getpwnam_r(user, &pw, buf, len, &res);
		if (r == 0 && res != NULL)
			need = len;
		else if (r != ERANGE)
			FAIL("getpwnam_r(%s) len %zu: %d", user, len, r);
		free(buf);
	}
	if (need == 0)
		FAIL("getpwnam_r(%s) never succeeded", user);
	else
		printf("ok getpwnam_r ERANGE below %zu bytes\n", need);
	/* Enumeration: ERANGE, then the same first entry with room. */
	setpwent();
	errno = 0;
	if (getpwent_r(&first, big, 4, &res) != ERANGE)
		FAIL("getpwent_r with 4 bytes did not give ERANGE");
	if (getpwent_r(&first, big, sizeof(big), &res) != 0 || res == NULL)
		FAIL("getpwent_r after ERANGE failed");
	else {
		snprintf(name, sizeof(name), "%s", first.pw_name);
		endpwent();
		setpwent();
		if (getpwent_r(&pw, big, sizeof(big), &res) != 0 ||
		    strcmp(pw.pw_name, name) != 0)
			FAIL("getpwent_r after ERANGE skipped %s", name);
		else
			printf("ok getpwent_r retried after ERANGE: %s\n",
			    name);
	}
	endpwent();
}

static void
erange_group(const char *group)
{
	struct group gr, *res;
	char *buf;
	size_t len, need = 0;
	int r;

	for (len = 0; len < 4096 && need == 0; len++) {
		buf = malloc(len + 1);
		r = getgrnam_r(group, &gr, buf, len, &res);
		if (r == 0 && res != NULL)
			need = len;
		else if (r != ERANGE)
			FAIL("getgrnam_r(%s) len %zu: %d", group, len, r);
		free(buf);
	}
	if (need == 0)
		FAIL("getgrnam_r(%s) never succeeded", group);
	else
		printf("ok getgrnam_r ERANGE below %zu bytes\n", need);
}

struct shared {
	size_t		 n;
	atomic_int	 stop;
	atomic_long	 lookups;
	atomic_long	 bad;
};

static void *
looker(void *arg)
{
	struct shared *sh = arg;
	struct passwd pw, *res;
	struct group gr, *gres;
	char buf[1024], name[32], ha[64], hb[64];
	unsigned seed = (unsigned)(uintptr_t)&pw;
	gid_t groups[16];
	int ng;
	size_t i;

	while (!atomic_load(&sh->stop)) {
		i = rand_r(&seed) % sh->n;
		snprintf(name, sizeof(name), "u%06zu", i);
		snprintf(ha, sizeof(ha), "/home/a/u%06zu", i);
		snprintf(hb, sizeof(hb), "/home/b/u%06zu", i);
		if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 ||
		    res == NULL || pw.pw_uid != 1879048192 + i ||
		    (strcmp(pw.pw_dir, ha) != 0 && strcmp(pw.pw_dir, hb) != 0))
			atomic_fetch_add(&sh->bad, 1);
		if (getpwuid_r(1879048192 + i, &pw, buf, sizeof(buf), &res) !=
		    0 || res == NULL || strcmp(pw.pw_name, name) != 0)
			atomic_fetch_add(&sh->bad, 1);
		if (getgrgid_r(1879048192 + i, &gr, buf, sizeof(buf), &gres) !=
		    0 || gres == NULL || strcmp(gr.gr_name, name) != 0)
			atomic_fetch_add(&sh->bad, 1);
		ng = 16;
		if (getgrouplist(name, 1879048192 + i, groups, &ng) != 3)
			atomic_fetch_add(&sh->bad, 1);
		atomic_fetch_add(&sh->lookups, 4);
	}
	return NULL;
}

/* Write version a or b of the n users (homes under /home/a or /home/b). */
static int
write_version(const char *dir, size_t n, int b)
{
	static const uint32_t gids[] = { 27, 1879048191 };
	struct ar_dir_user *u = calloc(n, sizeof(*u));
	char *s = calloc(n, 64), err[256];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		snprintf(s + i * 64, 16, "u%06u", (unsigned)(i % 1000000));
		snprintf(s + i * 64 + 16, 48, "/home/%c/u%06zu", b ? 'b' : 'a',
		    i);
		u[i].name = s + i * 64;
		u[i].ar_id = s + i * 64;
		u[i].uid = 1879048192 + i;
		u[i].home = s + i * 64 + 16;
		u[i].shell = "/bin/sh";
		u[i].gids = gids;
		u[i].n_gids = 2;
	}
	r = ar_dir_write(dir, u, n, NULL, 0, err, sizeof(err));
	if (r != AR_DIR_OK)
		FAIL("write: %s", err);
	free(u);
	free(s);
	return r;
}

static int
count_fds(void)
{
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	return n;
}

/* Mappings of a file named "directory" (ours, old or new). */
static int
count_maps(void)
{
	char line[4096];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, "/" AR_DIR_FILE) != NULL;
	if (f != NULL)
		fclose(f);
	return n;
}

/*
 * Fork while the threads look users up; the child looks one up too and
 * must finish within a second (a lock held by a thread at the fork would
 * hang it for ever).  Returns the number of children that hung.
 */
static int
fork_lookups(int n)
{
	struct passwd *pw;
	int i, hung = 0, st, w;
	pid_t pid;

	for (i = 0; i < n; i++) {
		if ((pid = fork()) == 0) {
			pw = getpwnam("u000001");
			_exit(pw != NULL ? 0 : 3);
		}
		if (pid < 0)
			return n;
		for (w = 0; w < 100; w++) {
			if (waitpid(pid, &st, WNOHANG) == pid)
				break;
			usleep(10000);
		}
		if (w == 100) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			hung++;
		} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			hung++;
		}
	}
	return hung;
}

static void
threads(const char *dir, size_t n, int secs)
{
	pthread_t th[8];
	struct shared sh = { .n = n };
	time_t end = time(NULL) + secs;
	int i, fds, writes = 0, hung = 0, forks = 0;

	if (write_version(dir, n, 0) != AR_DIR_OK)
		return;
	fds = count_fds();
	for (i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, looker, &sh);
	while (time(NULL) < end) {
		write_version(dir, n, ++writes & 1);
		if (writes % 4 == 0) {
			hung += fork_lookups(2);
			forks += 2;
		}
	}
	atomic_store(&sh.stop, 1);
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	if (atomic_load(&sh.bad) != 0)
		FAIL("%ld of %ld lookups wrong", atomic_load(&sh.bad),
		    atomic_load(&sh.lookups));
	else
		printf("ok %ld lookups by 8 threads across %d replacements\n",
		    atomic_load(&sh.lookups), writes);
	if (hung != 0)
		FAIL("%d of %d children forked meanwhile hung or failed", hung,
		    forks);
	else if (forks == 0)
		FAIL("no child forked");
	else
		printf("ok %d children forked meanwhile looked users up\n",
		    forks);
	if (count_fds() != fds)
		FAIL("descriptors: %d before, %d after", fds, count_fds());
	if (count_maps() > 1)
		FAIL("%d mappings of the directory file", count_maps());
}

static void
fds(const char *user)
{
	struct passwd *pw;
	int before = count_fds();

	if ((pw = getpwnam(user)) == NULL)
		FAIL("getpwnam(%s) failed", user);
	(void)getpwuid(pw != NULL ? pw->pw_uid : 1);
	(void)getgrnam(user);
	if (count_fds() != before)
		FAIL("descriptors: %d before, %d after", before, count_fds());
	else
		printf("ok no descriptor left open\n");
	if (count_maps() != 1)
		FAIL("%d mappings of the directory file", count_maps());
	else
		printf("ok one mapping\n");
}

static const char *
status_name(enum nss_status s)
{
	switch (s) {
	case NSS_STATUS_TRYAGAIN:
		return "TRYAGAIN";
	case NSS_STATUS_UNAVAIL:
		return "UNAVAIL";
	case NSS_STATUS_NOTFOUND:
		return "NOTFOUND";
	case NSS_STATUS_SUCCESS:
		return "SUCCESS";
	default:
		return "OTHER";
	}
}

static int
status(const char *kind, const char *key)
{
	static char buf[65536];
	void *h = dlopen("libnss_authrocket.so.2", RTLD_NOW);
	enum nss_status s = NSS_STATUS_RETURN;
	struct passwd pw;
	struct group gr;
	long int start = 1, size = 4;
	gid_t *g = calloc(4, sizeof(*g));
	void *fn;
	int e = 0;

	if (h == NULL) {
		printf("FAIL dlopen: %s\n", dlerror());
		return 1;
	}
	if (strcmp(kind, "pwnam") == 0 &&
	    (fn = dlsym(h, "_nss_authrocket_getpwnam_r")) != NULL)
		s = ((enum nss_status (*)(const char *, struct passwd *,
		    char *, size_t, int *))fn)(key, &pw, buf, sizeof(buf), &e);
	else if (strcmp(kind, "pwuid") == 0 &&
	    (fn = dlsym(h, "_nss_authrocket_getpwuid_r")) != NULL)
		s = ((enum nss_status (*)(uid_t, struct passwd *,
		    char *, size_t, int *))fn)(strtoul(key, NULL, 10), &pw, buf,
		    sizeof(buf), &e);
	else if (strcmp(kind, "grnam") == 0 &&
	    (fn = dlsym(h, "_nss_authrocket_getgrnam_r")) != NULL)
		s = ((enum nss_status (*)(const char *, struct group *,
		    char *, size_t, int *))fn)(key, &gr, buf, sizeof(buf), &e);
	else if (strcmp(kind, "grgid") == 0 &&
	    (fn = dlsym(h, "_nss_authrocket_getgrgid_r")) != NULL)
		s = ((enum nss_status (*)(gid_t, struct group *,
		    char *, size_t, int *))fn)(strtoul(key, NULL, 10), &gr, buf,
		    sizeof(buf), &e);
	else if (strcmp(kind, "initgroups") == 0 &&
	    (fn = dlsym(h, "_nss_authrocket_initgroups_dyn")) != NULL)
		s = ((enum nss_status (*)(const char *, gid_t, long int *,
		    long int *, gid_t **, long int, int *))fn)(key, 1, &start,
		    &size, &g, 0, &e);
	printf("status=%s errno=%d\n", status_name(s), e);
	free(g);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "status") == 0)
		return status(argv[2], argv[3]);
	configure();
	if (argc == 4 && strcmp(argv[1], "erange") == 0) {
		erange_passwd(argv[2]);
		erange_group(argv[3]);
	} else if (argc == 5 && strcmp(argv[1], "threads") == 0) {
		threads(argv[2], strtoul(argv[3], NULL, 10), atoi(argv[4]));
	} else if (argc == 3 && strcmp(argv[1], "fds") == 0) {
		fds(argv[2]);
	} else {
		fprintf(stderr, "usage: nsstool erange USER GROUP | "
		    "threads DIR N SECS | fds USER | status KIND KEY\n");
		return 2;
	}
	return failures == 0 ? 0 : 1;
}
