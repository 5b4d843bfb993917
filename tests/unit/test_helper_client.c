/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/helper_client.c with fake helpers: shell scripts
 * written at test time that answer, hang, fail, print garbage, or report
 * the environment, descriptors and request they were given.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "helper_client.h"
#include "proto.h"

/* Stands in for a CA file; the module checks and sends, never parses. */
#define CA_PEM "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

#define REPLY_OK "printf 'status 3\\n200\\nbody 5\\nhello\\n" \
	"date 29\\nWed, 01 Jan 2025 00:00:00 GMT\\ntls 7\\nTLSv1.3\\n" \
	"time_ms 2\\n12\\nend 0\\n\\n'\n"

static char dir[64];
static char logbuf[8192];

static void
log_cb(void *arg, int prio, const char *line)
{
	size_t n = strlen(logbuf);

	(void)arg;
	snprintf(logbuf + n, sizeof(logbuf) - n, "%d %s\n", prio, line);
}

/* Copy this test program to path with the given mode. */
static void
copy_self(const char *path, mode_t mode)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (in >= 0)
		close(in);
	if (out >= 0) {
		fchmod(out, mode);
		close(out);
	}
}

/*
 * Write a fake helper; returns its path in a static buffer.  The module
 * executes the very descriptor it checked, which the kernel cannot do
 * for a script (its interpreter would need the descriptor), so the
 * helper is a copy of this program that runs the script PATH.script
 * written beside it (see main()).
 */
static const char *
script(const char *name, const char *body, mode_t mode)
{
	static char path[128];
	char spath[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(spath, sizeof(spath), "%s.script", path);
	f = fopen(spath, "w");
	if (f == NULL)
		return path;
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	chmod(spath, 0755);
	copy_self(path, mode);
	return path;
}

static char *
slurp(const char *name, size_t *len)
{
	char path[128], *buf;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	buf = calloc(1, 2 * 1024 * 1024);
	n = buf ? fread(buf, 1, 2 * 1024 * 1024 - 1, f) : 0;
	fclose(f);
	if (len != NULL)
		*len = n;
	return buf;
}

static int
exists(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void
setup(struct ar_ctx *ctx, struct ar_conf *conf, struct ar_http_req *req,
    const char *helper, long timeout)
{
	ar_ctx_init(ctx, "auth");
	ctx->log = log_cb;
	logbuf[0] = '\0';
	memset(conf, 0, sizeof(*conf));
	conf->helper = (char *)helper;
	conf->timeout = timeout;
	memset(req, 0, sizeof(*req));
	req->method = "GET";
	req->url = "https://api.example/v1/users/alice?secret=qq";
	req->headers[0] = "X-Authrocket-Api-Key: ko_sekrit";
	req->headers[1] = "User-Agent: " AR_USER_AGENT;
}

/*
 * Nothing is left, neither running nor a zombie: every child was waited
 * for by its pid.  SIGCHLD is at its default while looking, since an
 * ignored SIGCHLD would hide zombies.
 */
static void
check_no_child(void)
{
	struct sigaction dfl, old;
	pid_t w;
	int e;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &dfl, &old);
	errno = 0;
	w = waitpid(-1, NULL, WNOHANG);
	e = errno;
	sigaction(SIGCHLD, &old, NULL);
	T_EQ_INT(w, -1);
	T_EQ_INT(e, ECHILD);
}

static void
test_ok_reply(void)
{
	struct ar_http_resp resp;
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;
	struct ar_msg m;
	char body[] = "{\"password\":\"pw\"}", *raw, *argv, capath[160];
	const char *h;
	size_t len = 0;
	long long tmo;
	FILE *f;

	h = script("ok", "cat > \"$(dirname \"$0\")/req\"\n"
	    "echo \"$0 $#\" > \"$(dirname \"$0\")/argv\"\n" REPLY_OK, 0755);
	setup(&ctx, &conf, &req, h, 5);
	/* The CA file's content travels with the request, not its name. */
	snprintf(capath, sizeof(capath), "%s/ca.pem", dir);
	if ((f = fopen(capath, "w")) != NULL) {
		fputs(CA_PEM, f);
		fclose(f);
	}
	chmod(capath, 0644);
	conf.ca_file = capath;
	conf.proxy = "http://proxy.example:3128";
	req.method = "POST";
	req.body = body;
	req.body_len = strlen(body);
	req.max_body = 4096;
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_OK);
	T_EQ_INT(resp.status, 200);
	T_EQ_INT(resp.body_len, 5);
	T_EQ_STR(resp.body, "hello");
	T_EQ_STR(resp.date, "Wed, 01 Jan 2025 00:00:00 GMT");
	T_EQ_STR(resp.tls, "TLSv1.3");
	T_EQ_INT(resp.time_ms, 12);
	T_CHECK(resp.error == NULL);
	T_CHECK(resp.detail == NULL);
	T_EQ_INT(ctx.err, AR_OK);
	T_CHECK(ctx.deadline_ms > 0);
	/* Nothing above debug for a plain answer. */
	T_EQ_STR(logbuf, "");
	ar_http_resp_clear(&resp);
	T_CHECK(resp.body == NULL && resp.status == 0);
	check_no_child();

	/* The helper got exactly the request, and no arguments (the
	 * script runs as PATH.script; main() refuses arguments). */
	argv = slurp("argv", NULL);
	T_CHECK(argv != NULL && strncmp(argv, h, strlen(h)) == 0 &&
	    strcmp(argv + strlen(h), ".script 0\n") == 0);
	free(argv);
	raw = slurp("req", &len);
	memset(&m, 0, sizeof(m));
	T_EQ_INT(ar_msg_decode(&ctx, raw ? raw : "", len, &m), AR_OK);
	T_EQ_STR(ar_msg_get(&m, "method", NULL), "POST");
	T_EQ_STR(ar_msg_get(&m, "url", NULL), req.url);
	T_EQ_STR(m.f[2].name, "header");
	T_EQ_STR(m.f[2].val, "X-Authrocket-Api-Key: ko_sekrit");
	T_EQ_STR(m.f[3].name, "header");
	T_EQ_STR(m.f[3].val, "User-Agent: " AR_USER_AGENT);
	T_EQ_STR(ar_msg_get(&m, "body", NULL), body);
	tmo = ar_msg_get_int(&m, "timeout_ms", -1);
	T_CHECK(tmo > 4000 && tmo <= 5000 - 250);
	T_EQ_STR(ar_msg_get(&m, "ca_blob", NULL), CA_PEM);
	T_CHECK(ar_msg_get(&m, "ca_file", NULL) == NULL);
	T_CHECK(ar_msg_get(&m, "ca_dir", NULL) == NULL);
	T_EQ_STR(ar_msg_get(&m, "proxy", NULL), "http://proxy.example:3128");
	T_EQ_INT(ar_msg_get_int(&m, "max_body", -1), 4096);
	ar_msg_clear(&m);
	free(raw);
}

static void
test_default_max_body(void)
{
	struct ar_http_resp resp;
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;
	struct ar_msg m;
	char *raw;
	size_t len = 0;

	setup(&ctx, &conf, &req, script("ok2",
	    "cat > \"$(dirname \"$0\")/req2\"\n" REPLY_OK, 0755), 5);
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_OK);
	ar_http_resp_clear(&resp);
	raw = slurp("req2", &len);
	memset(&m, 0, sizeof(m));
	T_EQ_INT(ar_msg_decode(&ctx, raw ? raw : "", len, &m), AR_OK);
	T_EQ_INT(ar_msg_get_int(&m, "max_body", -1), AR_MAX_REPLY);
	T_CHECK(ar_msg_get(&m, "body", NULL) == NULL);
	T_CHECK(ar_msg_get(&m, "proxy", NULL) == NULL);
	T_CHECK(ar_msg_get(&m, "ca_file", NULL) == NULL);
	ar_msg_clear(&m);
	free(raw);
}

/* Run a helper that must fail with the given code and reason. */
static void
expect_fail(const char *name, const char *body, mode_t mode, long timeout,
    int code, const char *reason)
{
	struct ar_http_resp resp;
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;

	setup(&ctx, &conf, &req, script(name, body, mode), timeout);
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), code);
	T_EQ_STR(ctx.reason, reason);
	T_CHECK(resp.body == NULL && resp.status == 0 && resp.error == NULL);
	if (code == AR_ERR_UNAVAIL) {
		/* One log line, with the URL but not its query string. */
		T_CHECK(strstr(logbuf, "api: GET https://api.example/v1/"
		    "users/alice failed: ") != NULL);
		T_CHECK(strstr(logbuf, "secret") == NULL);
		T_CHECK(strstr(logbuf, "ko_sekrit") == NULL);
	}
	ar_http_resp_clear(&resp);
	check_no_child();
}

static void
test_failures(void)
{
	expect_fail("exit1", "cat >/dev/null\nexit 1\n", 0755, 5,
	    AR_ERR_UNAVAIL, "helper_failed");
	expect_fail("garbage", "cat >/dev/null\necho garbage\n", 0755, 5,
	    AR_ERR_UNAVAIL, "helper_failed");
	expect_fail("empty", "cat >/dev/null\n", 0755, 5,
	    AR_ERR_UNAVAIL, "helper_failed");
	expect_fail("signal", "cat >/dev/null\nkill -9 $$\n", 0755, 5,
	    AR_ERR_UNAVAIL, "helper_failed");
	T_CHECK(strstr(logbuf, "killed by signal 9") != NULL);
	expect_fail("huge", "cat >/dev/null\nhead -c 2000000 /dev/zero\n",
	    0755, 5, AR_ERR_UNAVAIL, "helper_failed");
	expect_fail("nostatus", "cat >/dev/null\n"
	    "printf 'body 1\\nx\\nend 0\\n\\n'\n", 0755, 5,
	    AR_ERR_UNAVAIL, "helper_failed");
	expect_fail("both", "cat >/dev/null\n"
	    "printf 'status 3\\n200\\nerror 7\\ntimeout\\nend 0\\n\\n'\n",
	    0755, 5, AR_ERR_UNAVAIL, "helper_failed");
	expect_fail("neither", "cat >/dev/null\n"
	    "printf 'status 1\\n0\\nend 0\\n\\n'\n", 0755, 5,
	    AR_ERR_UNAVAIL, "helper_failed");
	/* Not executable: execve fails in the child, exit status 127. */
	expect_fail("noexec", "exit 0\n", 0644, 5, AR_ERR_UNAVAIL,
	    "helper_failed");
	T_CHECK(strstr(logbuf, "exit status 127") != NULL);
}

static void
test_unsafe_helper(void)
{
	struct ar_http_resp resp;
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;
	const char *h;
	char path[128];

	expect_fail("gw", "exit 0\n", 0775, 5, AR_ERR_CONFIG, "config");
	expect_fail("ow", "exit 0\n", 0757, 5, AR_ERR_CONFIG, "config");
	setup(&ctx, &conf, &req, dir, 5);	/* a directory */
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_ERR_CONFIG);
	ar_http_resp_clear(&resp);
	snprintf(path, sizeof(path), "%s/missing", dir);
	setup(&ctx, &conf, &req, path, 5);
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "config");
	ar_http_resp_clear(&resp);
	setup(&ctx, &conf, &req, "relative/helper", 5);
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_ERR_CONFIG);
	ar_http_resp_clear(&resp);

	/* Owned by someone else than root and ctx->owner. */
	h = script("other", REPLY_OK, 0755);
	if (geteuid() != 0) {
		T_SKIP("chown needs root");
	} else {
		T_EQ_INT(chown(h, 4242, 4242), 0);
		setup(&ctx, &conf, &req, h, 5);
		T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp),
		    AR_ERR_CONFIG);
		ar_http_resp_clear(&resp);
		/* ... unless that someone is the expected owner. */
		setup(&ctx, &conf, &req, h, 5);
		ctx.owner = 4242;
		T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_OK);
		T_EQ_INT(resp.status, 200);
		ar_http_resp_clear(&resp);
	}
}

static void
test_timeout(void)
{
	struct ar_http_resp resp;
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;
	int64_t t0, ms;

	/* Hangs without answering: killed and reaped at the deadline. */
	setup(&ctx, &conf, &req, script("hang", "exec /bin/sleep 1000\n",
	    0755), 1);
	t0 = ar_monotonic_ms();
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_ERR_UNAVAIL);
	ms = ar_monotonic_ms() - t0;
	T_EQ_STR(ctx.reason, "timeout");
	T_CHECK(ms >= 900 && ms < 2000);
	T_CHECK(strstr(ctx.detail, "no answer within") != NULL);
	T_CHECK(strstr(logbuf, "failed: timeout") != NULL);
	ar_http_resp_clear(&resp);
	check_no_child();

	/* Closes its end but keeps running: still bounded. */
	setup(&ctx, &conf, &req, script("linger",
	    "exec 0<&- 1>&-\nexec /bin/sleep 1000\n", 0755), 1);
	t0 = ar_monotonic_ms();
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_ERR_UNAVAIL);
	ms = ar_monotonic_ms() - t0;
	T_EQ_STR(ctx.reason, "timeout");
	T_CHECK(ms >= 900 && ms < 2000);
	ar_http_resp_clear(&resp);
	check_no_child();

	/* The deadline already passed: nothing is started at all. */
	setup(&ctx, &conf, &req, script("marker",
	    "touch \"$(dirname \"$0\")/ran\"\n" REPLY_OK, 0755), 5);
	ctx.deadline_ms = ar_monotonic_ms() - 1;
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "timeout");
	ar_http_resp_clear(&resp);
	T_CHECK(!exists("ran"));

	/* A deadline started earlier is kept, not restarted. */
	setup(&ctx, &conf, &req, "/nonexistent", 5);
	ctx.deadline_ms = ar_monotonic_ms() + 1234;
	ar_deadline_start(&ctx, &conf);
	T_CHECK(ctx.deadline_ms <= ar_monotonic_ms() + 1234);
	ctx.deadline_ms = 0;
	ar_deadline_start(&ctx, &conf);
	T_CHECK(ctx.deadline_ms >= ar_monotonic_ms() + 4900);
}

static void
test_transport_error(void)
{
	struct ar_http_resp resp;
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;

	setup(&ctx, &conf, &req, script("terr", "cat >/dev/null\n"
	    "printf 'status 1\\n0\\nerror 7\\ntimeout\\n"
	    "detail 17\\nconnect timed out\\n"
	    "time_ms 4\\n9750\\nend 0\\n\\n'\n", 0755), 5);
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_OK);
	T_EQ_INT(resp.status, 0);
	T_EQ_STR(resp.error, "timeout");
	T_CHECK(resp.body == NULL);
	T_EQ_INT(resp.time_ms, 9750);
	T_EQ_INT(ctx.err, AR_OK);
	T_CHECK(strstr(logbuf, "3 api: GET https://api.example/v1/users/"
	    "alice failed: timeout (connect timed out") != NULL);
	T_CHECK(strstr(logbuf, "secret") == NULL);
	ar_http_resp_clear(&resp);
}

static void
test_environment(void)
{
	struct ar_http_resp resp;
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;
	char *env;
	size_t len = 99;

	setenv("https_proxy", "http://127.0.0.1:9", 1);
	setenv("SSLKEYLOGFILE", "/tmp/keys", 1);
	setup(&ctx, &conf, &req, script("env",
	    "cat /proc/$$/environ > \"$(dirname \"$0\")/env\"\n"
	    "cat >/dev/null\n" REPLY_OK, 0755), 5);
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_OK);
	ar_http_resp_clear(&resp);
	env = slurp("env", &len);
	T_CHECK(env != NULL);
	T_EQ_INT(len, 0);
	free(env);
	unsetenv("https_proxy");
	unsetenv("SSLKEYLOGFILE");
}

static void
test_descriptors(void)
{
	struct ar_http_resp resp;
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;
	char *fds, *links;
	int leak;

	/* An inheritable descriptor of the host must not reach the helper. */
	leak = open("/dev/null", O_RDONLY);
	T_CHECK(leak > 2);
	setup(&ctx, &conf, &req, script("fds",
	    "d=\"$(dirname \"$0\")\"\n"
	    "/bin/ls /proc/self/fd > \"$d/fds\"\n"
	    "l=$(/bin/readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2)\n"
	    "echo \"$l\" > \"$d/links\"\n"
	    "cat >/dev/null\n" REPLY_OK, 0755), 5);
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_OK);
	ar_http_resp_clear(&resp);
	close(leak);
	/* 0 1 2, and the directory ls opened to list them. */
	fds = slurp("fds", NULL);
	T_EQ_STR(fds, "0\n1\n2\n3\n");
	free(fds);
	links = slurp("links", NULL);
	T_CHECK(links != NULL && strncmp(links, "socket:[", 8) == 0);
	T_CHECK(links != NULL && strstr(links, "\nsocket:[") != NULL);
	T_CHECK(links != NULL && strstr(links, "]\n/dev/null\n") != NULL);
	free(links);
}

static void
test_signals(void)
{
	struct ar_http_resp resp;
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;
	struct sigaction ign, old_hup, old_term;
	sigset_t usr1, old_mask, now;
	char *sig, *blk, pyscript[160];
	const char *py;
	FILE *f;

	/* A host that ignores some signals and blocks another: the helper
	 * starts with every disposition at default and nothing blocked. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &ign, &old_hup);
	sigaction(SIGTERM, &ign, &old_term);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old_mask);
	setup(&ctx, &conf, &req, script("sig",
	    "grep -E '^SigIgn' /proc/$$/status > "
	    "\"$(dirname \"$0\")/sig\"\n"
	    "cat >/dev/null\n" REPLY_OK, 0755), 5);
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_OK);
	ar_http_resp_clear(&resp);
	sig = slurp("sig", NULL);
	/*
	 * Signals 32 and 33 are glibc's own (thread cancellation, setxid):
	 * its sigaction() refuses them, so whatever the caller's caller
	 * left there is out of anyone's reach.  Every other bit must be 0.
	 */
	T_CHECK(sig != NULL && strncmp(sig, "SigIgn:\t", 8) == 0 &&
	    (strtoull(sig + 8, NULL, 16) & ~0x180000000ULL) == 0);
	free(sig);

	/* dash clears its mask itself, so the mask is read by a python
	 * helper (which leaves it alone); it answers nothing. */
	py = script("blk", "", 0755);
	snprintf(pyscript, sizeof(pyscript), "%s.script", py);
	if ((f = fopen(pyscript, "w")) != NULL) {
		fprintf(f, "#!/usr/bin/python3 -I\n"
		    "import os\n"
		    "s = [l for l in open('/proc/self/status') "
		    "if l.startswith('SigBlk')]\n"
		    "open(os.path.dirname(__file__) + '/blk', 'w')"
		    ".write(''.join(s))\n");
		fclose(f);
	}
	if (access("/usr/bin/python3", X_OK) != 0) {
		T_SKIP("no /usr/bin/python3");
	} else {
		setup(&ctx, &conf, &req, py, 5);
		T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp),
		    AR_ERR_UNAVAIL);
		ar_http_resp_clear(&resp);
		blk = slurp("blk", NULL);
		T_EQ_STR(blk, "SigBlk:\t0000000000000000\n");
		free(blk);
	}

	/* The host's own mask and dispositions are untouched. */
	sigprocmask(SIG_SETMASK, NULL, &now);
	T_EQ_INT(sigismember(&now, SIGUSR1), 1);
	sigaction(SIGHUP, &old_hup, &ign);
	T_CHECK(ign.sa_handler == SIG_IGN);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
}

static void
test_no_sigpipe(void)
{
	struct ar_http_resp resp;
	struct ar_http_req req;
	struct ar_conf conf;
	struct ar_ctx ctx;
	char *big;

	/* Exits without reading while a large request is being sent; with
	 * SIGPIPE at its default a signal would end this test program. */
	big = malloc(AR_MAX_REPLY);
	T_CHECK(big != NULL);
	if (big == NULL)
		return;
	memset(big, 'p', AR_MAX_REPLY);
	setup(&ctx, &conf, &req, script("deaf", "exec 0<&-\nexit 0\n", 0755),
	    5);
	req.method = "POST";
	req.body = big;
	req.body_len = AR_MAX_REPLY;
	T_EQ_INT(ar_http_perform(&ctx, &conf, &req, &resp), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "helper_failed");
	ar_http_resp_clear(&resp);
	check_no_child();
	free(big);
}

int
main(int argc, char **argv)
{
	struct sigaction sa, chld, pipe_;
	char spath[256];

	/* Started as a fake helper: run the script written beside us. */
	if (argc > 0 && strncmp(argv[0], "/tmp/test_helper_client.", 24) == 0 &&
	    snprintf(spath, sizeof(spath), "%s.script", argv[0]) > 0 &&
	    access(spath, F_OK) == 0) {
		if (argc != 1)
			_exit(125);	/* the module passes no argument */
		execv(spath, argv);
		_exit(126);
	}

	snprintf(dir, sizeof(dir), "/tmp/test_helper_client.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	/* A host that ignores SIGCHLD (auto-reaping) and keeps SIGPIPE. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);

	T_RUN(test_ok_reply);
	T_RUN(test_default_max_body);
	T_RUN(test_failures);
	T_RUN(test_unsafe_helper);
	T_RUN(test_timeout);
	T_RUN(test_transport_error);
	T_RUN(test_environment);
	T_RUN(test_descriptors);
	T_RUN(test_signals);
	T_RUN(test_no_sigpipe);

	t_current = "dispositions";
	sigaction(SIGCHLD, NULL, &chld);
	sigaction(SIGPIPE, NULL, &pipe_);
	T_CHECK(chld.sa_handler == SIG_IGN);
	T_CHECK(pipe_.sa_handler == SIG_DFL);

	{
		char cmd[sizeof(dir) + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		/* SIGCHLD back to default so system() can wait. */
		sa.sa_handler = SIG_DFL;
		sigaction(SIGCHLD, &sa, NULL);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return t_done("test_helper_client");
}
