/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/remote/spawn.c and the trust anchors of
 * src/remote/helper_client.c: the helper is checked on its descriptor
 * (symlinks, owner, modes), a host that reaps every child itself or
 * ignores SIGCHLD neither loses its setting nor takes the helper, a
 * kernel without clone3 means no helper at all, and unsafe ca_file or
 * ca_dir stop the request before anything runs.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "helper_client.h"
#include "spawn.h"

static char dir[64];
static char logbuf[4096];
static int fail_clone3;		/* the kernel "has no" clone3 */
static volatile sig_atomic_t host_reaped;

/* Stand in for libc's syscall(): clone3 can be made to say ENOSYS. */
long	syscall(long number, ...);

long
syscall(long number, ...)
{
	static long (*next)(long, ...);
	long a[6];
	va_list ap;
	int i;

	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (number == SYS_clone3 && fail_clone3) {
		errno = ENOSYS;
		return -1;
	}
	if (next == NULL)
		*(void **)&next = dlsym(RTLD_NEXT, "syscall");
	return next(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void
log_cb(void *arg, int prio, const char *line)
{
	size_t n = strlen(logbuf);

	(void)arg;
	snprintf(logbuf + n, sizeof(logbuf) - n, "%d %s\n", prio, line);
}

static const char *
path_of(const char *name)
{
	static char p[64][160];
	static int k;
	char *r = p[k++ % 64];

	snprintf(r, sizeof(p[0]), "%s/%s", dir, name);
	return r;
}

/* Copy a file (a program) to dir/name with mode. */
static const char *
copy(const char *from, const char *name, mode_t mode)
{
	const char *to = path_of(name);
	char buf[65536];
	ssize_t n;
	int in, out;

	in = open(from, O_RDONLY | O_CLOEXEC);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (in >= 0)
		close(in);
	if (out >= 0) {
		fchmod(out, mode);
		close(out);
	}
	return to;
}

static const char *
put(const char *name, const char *text, mode_t mode)
{
	const char *p = path_of(name);
	FILE *f;

	unlink(p);
	if ((f = fopen(p, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
	chmod(p, mode);
	return p;
}

static void
setup(struct ar_ctx *ctx, struct ar_conf *conf, struct ar_http_req *req,
    const char *helper)
{
	ar_ctx_init(ctx, "auth");
	ctx->log = log_cb;
	logbuf[0] = '\0';
	memset(conf, 0, sizeof(*conf));
	conf->helper = (char *)helper;
	conf->timeout = 5;
	memset(req, 0, sizeof(*req));
	req->method = "GET";
	req->url = "https://api.example/v1/users/alice";
}

/* Run one request and return its result; the response is released. */
static int
perform(struct ar_ctx *ctx, struct ar_conf *conf, struct ar_http_req *req)
{
	struct ar_http_resp resp;
	int r;

	r = ar_http_perform(ctx, conf, req, &resp);
	ar_http_resp_clear(&resp);
	return r;
}

static void
test_helper_checked_on_descriptor(void)
{
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;
	const char *good, *link;
	int fd = -1;

	good = copy("/bin/true", "true", 0755);
	setup(&ctx, &conf, &req, good);
	T_EQ_INT(ar_prog_open(&ctx, good, &fd), AR_OK);
	T_CHECK(fd > 2 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	if (fd >= 0)
		close(fd);

	/* A symlink to a perfectly good helper is refused. */
	link = path_of("link");
	unlink(link);
	T_EQ_INT(symlink(good, link), 0);
	setup(&ctx, &conf, &req, link);
	T_EQ_INT(perform(&ctx, &conf, &req), AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "config");
	T_CHECK(strstr(ctx.detail, "helper: ") != NULL);

	/* Writable by group or others, or not a regular file. */
	setup(&ctx, &conf, &req, copy("/bin/true", "gw", 0775));
	T_EQ_INT(perform(&ctx, &conf, &req), AR_ERR_CONFIG);
	T_CHECK(strstr(ctx.detail, "must not be writable by group or others")
	    != NULL);
	setup(&ctx, &conf, &req, dir);
	T_EQ_INT(perform(&ctx, &conf, &req), AR_ERR_CONFIG);
	T_CHECK(strstr(ctx.detail, "is not a regular file") != NULL);
	/* The owner seam: a helper owned by someone else. */
	setup(&ctx, &conf, &req, good);
	ctx.owner = geteuid() + 1;
	if (geteuid() == 0) {
		T_EQ_INT(chown(good, 4242, 4242), 0);
		ctx.owner = 0;
	}
	T_EQ_INT(perform(&ctx, &conf, &req), AR_ERR_CONFIG);
	T_CHECK(strstr(ctx.detail, "must be owned by root") != NULL);
}

static void
reap_all(int sig)
{
	int e = errno;

	(void)sig;
	/* A host that reaps whatever child ended, as many daemons do. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		host_reaped++;
	errno = e;
}

/* The helper's exact end reaches the module, whatever the host does. */
static void
run_as_host(const char *what, void (*handler)(int))
{
	struct sigaction sa, before, after;
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGCHLD, &sa, &before);
	sigaction(SIGCHLD, NULL, &before);
	for (i = 0; i < 5; i++) {
		/* /bin/false: exit status 1, which only a reaper can tell. */
		setup(&ctx, &conf, &req, copy("/bin/false", "false", 0755));
		T_EQ_INT(perform(&ctx, &conf, &req), AR_ERR_UNAVAIL);
		T_EQ_STR(ctx.reason, "helper_failed");
		if (strstr(logbuf, "helper: exit status 1") == NULL) {
			fprintf(stderr, "%s: %s", what, logbuf);
			T_CHECK(0);
		}
	}
	sigaction(SIGCHLD, NULL, &after);
	T_CHECK(after.sa_handler == before.sa_handler);
	T_CHECK(after.sa_flags == before.sa_flags);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
}

static void
test_host_sigchld(void)
{
	host_reaped = 0;
	run_as_host("handler", reap_all);
	/* The host's handler never had a child of ours to reap. */
	T_EQ_INT(host_reaped, 0);
	run_as_host("ignored", SIG_IGN);
}

static void
test_no_clone3(void)
{
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;

	setup(&ctx, &conf, &req, copy("/bin/true", "true2", 0755));
	fail_clone3 = 1;
	T_EQ_INT(perform(&ctx, &conf, &req), AR_ERR_UNAVAIL);
	fail_clone3 = 0;
	T_EQ_STR(ctx.reason, "helper_failed");
	T_CHECK(strstr(logbuf, "3 api: GET https://api.example/v1/users/"
	    "alice failed: helper_failed (helper: clone3 is not available")
	    != NULL);
}

/* An unsafe trust anchor stops the request before a helper runs. */
static void
expect_anchor_refused(const char *ca_file, const char *ca_dir,
    const char *rule)
{
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;
	const char *marker = path_of("ran");
	char body[200];

	unlink(marker);
	snprintf(body, sizeof(body), "#!/bin/sh\ntouch %s\n", marker);
	setup(&ctx, &conf, &req, put("mark", body, 0755));
	conf.ca_file = (char *)ca_file;
	conf.ca_dir = (char *)ca_dir;
	T_EQ_INT(perform(&ctx, &conf, &req), AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "config");
	if (strstr(ctx.detail, rule) == NULL) {
		fprintf(stderr, "detail: %s\n", ctx.detail);
		T_CHECK(0);
	}
	T_CHECK(access(marker, F_OK) != 0);
}

static void
test_trust_anchors(void)
{
	const char *pem = "-----BEGIN CERTIFICATE-----\n-----END "
	    "CERTIFICATE-----\n";
	const char *cadir = path_of("ca.d"), *link, *ok;

	expect_anchor_refused(put("ca-gw.pem", pem, 0664), NULL,
	    "must not be writable by group or others");
	expect_anchor_refused(put("ca-ow.pem", pem, 0646), NULL,
	    "must not be writable by group or others");
	ok = put("ca.pem", pem, 0644);
	link = path_of("ca-link.pem");
	unlink(link);
	T_EQ_INT(symlink(ok, link), 0);
	expect_anchor_refused(link, NULL, "is a symbolic link");
	expect_anchor_refused(path_of("nope.pem"), NULL, "no such file");
	if (geteuid() == 0) {
		T_EQ_INT(chown(put("ca-other.pem", pem, 0644), 4242, 4242), 0);
		expect_anchor_refused(path_of("ca-other.pem"), NULL,
		    "must be owned by root");
	}

	/* The directory itself, then each entry, symlinks followed. */
	T_EQ_INT(mkdir(cadir, 0700), 0);
	T_EQ_INT(chmod(cadir, 0775), 0);
	expect_anchor_refused(NULL, cadir,
	    "must not be writable by group or others");
	T_EQ_INT(chmod(cadir, 0755), 0);
	put("ca.d/a.pem", pem, 0644);
	put("ca.d/b.pem", pem, 0666);
	expect_anchor_refused(NULL, cadir, "ca.d/b.pem: must not be writable");
	T_EQ_INT(chmod(path_of("ca.d/b.pem"), 0644), 0);
	put("ca-gw2.pem", pem, 0666);
	T_EQ_INT(symlink(path_of("ca-gw2.pem"), path_of("ca.d/c.0")), 0);
	expect_anchor_refused(NULL, cadir, "ca.d/c.0: must not be writable");
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_spawn.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	T_RUN(test_helper_checked_on_descriptor);
	T_RUN(test_host_sigchld);
	T_RUN(test_no_clone3);
	T_RUN(test_trust_anchors);
	{
		char cmd[sizeof(dir) + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return t_done("test_spawn");
}
