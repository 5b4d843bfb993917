/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bench tool for the NSS module: lookups through one glibc NSS service
 * (configured as getent -s does), timed in this process.
 *
 *   nssbench SERVICE pwnam|pwuid|initgroups ITER NAME...
 *       ITER lookups cycling through the names (uids for pwuid); prints
 *       "per_ns=N" (mean per lookup after one warm-up round)
 *   nssbench SERVICE first NAME
 *       the first lookup of this process: "first_us=N load_us=N", the
 *       second being the part spent loading the module (dlopen) when the
 *       service is not built into libc
 *   nssbench SERVICE memory ITER NAME...
 *       after the lookups: "map_kb=N rss_kb=N anon_kb=N module_kb=N"
 *       (the directory file's mapping: size, resident (shared page
 *       cache) and anonymous (copied) memory; the module's own mappings)
 */
#include <dlfcn.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern int __nss_configure_lookup(const char *, const char *);

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int
one(const char *kind, const char *key)
{
	static char buf[4096];
	struct passwd pw, *res = NULL;
	gid_t groups[64];
	int n = 64;

	if (strcmp(kind, "pwnam") == 0)
		return getpwnam_r(key, &pw, buf, sizeof(buf), &res) == 0 &&
		    res != NULL;
	if (strcmp(kind, "pwuid") == 0)
		return getpwuid_r(strtoul(key, NULL, 10), &pw, buf,
		    sizeof(buf), &res) == 0 && res != NULL;
	return getgrouplist(key, 424242, groups, &n) >= 1;
}

/* Sum the mappings whose path contains what: size, Rss, anonymous kB. */
static void
mapping(const char *what, long *size, long *rss, long *priv)
{
	char line[4096];
	FILE *f = fopen("/proc/self/smaps", "r");
	int in = 0;
	long v;

	*size = *rss = *priv = 0;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strchr(line, '-') != NULL && strchr(line, ':') != NULL &&
		    line[0] != ' ' && strncmp(line, "Size:", 5) != 0 &&
		    strncmp(line, "Rss:", 4) != 0 &&
		    sscanf(line, "%*x-%*x") == 0)
			in = strstr(line, what) != NULL;
		else if (in && sscanf(line, "Size: %ld kB", &v) == 1)
			*size += v;
		else if (in && sscanf(line, "Rss: %ld kB", &v) == 1)
			*rss += v;
		else if (in && sscanf(line, "Anonymous: %ld kB", &v) == 1)
			*priv += v;
	}
	if (f != NULL)
		fclose(f);
}

int
main(int argc, char **argv)
{
	long iter, i, fails = 0, ms, mr, mp, ls, lr, lp;
	double t0;
	int n;

	if (argc < 4)
		goto usage;
	if (__nss_configure_lookup("passwd", argv[1]) != 0 ||
	    __nss_configure_lookup("group", argv[1]) != 0 ||
	    __nss_configure_lookup("initgroups", argv[1]) != 0)
		return 1;
	if (strcmp(argv[2], "first") == 0) {
		char lib[256];
		double load = 0;

		t0 = now_ns();
		if (strcmp(argv[1], "files") != 0) {
			/* What glibc would load; it then finds it loaded. */
			snprintf(lib, sizeof(lib), "libnss_%s.so.2", argv[1]);
			if (dlopen(lib, RTLD_NOW) == NULL)
				return 1;
			load = now_ns() - t0;
		}
		fails = !one("pwnam", argv[3]);
		printf("first_us=%.1f load_us=%.1f fails=%ld\n",
		    (now_ns() - t0) / 1e3, load / 1e3, fails);
		return fails != 0;
	}
	if (argc < 5)
		goto usage;
	iter = atol(argv[3]);
	n = argc - 4;
	if (strcmp(argv[2], "memory") == 0) {
		for (i = 0; i < iter; i++)
			fails += !one("pwnam", argv[4 + i % n]);
		mapping("/directory", &ms, &mr, &mp);
		mapping("libnss_authrocket", &ls, &lr, &lp);
		printf("map_kb=%ld rss_kb=%ld anon_kb=%ld module_kb=%ld "
		    "module_rss_kb=%ld fails=%ld\n", ms, mr, mp, ls, lr, fails);
		return fails != 0;
	}
	for (i = 0; i < n; i++)	/* warm-up: module loaded, file mapped */
		fails += !one(argv[2], argv[4 + i]);
	t0 = now_ns();
	for (i = 0; i < iter; i++)
		fails += !one(argv[2], argv[4 + i % n]);
	printf("per_ns=%.0f fails=%ld\n", (now_ns() - t0) / iter, fails);
	return fails != 0;
 usage:
	fprintf(stderr, "usage: nssbench SERVICE pwnam|pwuid|initgroups|"
	    "memory ITER NAME... | nssbench SERVICE first NAME\n");
	return 2;
}
