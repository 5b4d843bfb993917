/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Starting authrocket-helper from a host process without disturbing it:
 * the binary is checked on the descriptor that is then executed; the
 * module's child is made by clone3 with no exit signal (no SIGCHLD
 * reaches the host, so neither its SIG_IGN nor its waitpid(-1) can reap
 * it) and is waited for and killed only through its pidfd.  Since exec
 * restores SIGCHLD as a process's exit signal, that child never execs:
 * it runs the helper as its own child and passes its end on.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/sched.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "errtext.h"
#include "secure.h"
#include "spawn.h"

#define AR_CLOSE_MAX	65536	/* fallback close loop bound */

int
ar_prog_open(struct ar_ctx *ctx, const char *path, int *fdp)
{
	struct stat st;
	char ebuf[AR_ERRNO_BUF];
	int fd = -1, hi, r = AR_ERR_INTERNAL;

	if (path == NULL || path[0] != '/') {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "helper: %s: not an absolute path", path ? path : "(none)");
		goto out;
	}
	/* O_PATH: executable without being readable; a symlink refused. */
	if ((fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		r = ar_fail(ctx, errno == ENOMEM ? AR_ERR_NOMEM : AR_ERR_CONFIG,
		    "config", "helper: %s: cannot open: %s", path,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "helper: %s: cannot stat: %s", path,
		    ar_errno_str(errno, ebuf, sizeof(ebuf)));
		goto out;
	}
	/* O_PATH with O_NOFOLLOW opens a symlink itself: not a file. */
	if ((r = ar_file_check(ctx, "helper", path, &st, AR_FILE_PUBLIC,
	    SIZE_MAX)) != AR_OK)
		goto out;
	r = AR_ERR_INTERNAL;
	/* Above the standard descriptors, which the child replaces. */
	if (fd < 3) {
		if ((hi = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1) {
			r = ar_fail(ctx, AR_ERR_CONFIG, "config",
			    "helper: %s: cannot keep open: %s", path,
			    ar_errno_str(errno, ebuf, sizeof(ebuf)));
			goto out;
		}
		close(fd);
		fd = hi;
	}
	*fdp = fd;
	fd = -1;	/* transferred */
	r = AR_OK;
 out:
	if (fd != -1)
		close(fd);
	return r;
}

/* What the child processes need, all prepared before clone3. */
struct child_plan {
	int		 prog, sock, devnull, close_max;
	char *const	*argv;
	char *const	*envp;
	struct sigaction dfl;
	sigset_t	 none;
	struct rlimit	 nocore;
};

/* The helper itself, between clone3 and execveat. */
static void
run_helper(const struct child_plan *p, pid_t parent)
{
	/* Gone with its parent, whom the module kills at the deadline. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
	(void)sigprocmask(SIG_SETMASK, &p->none, NULL);
	/* The very file that was checked, not whatever the path is now. */
	(void)execveat(p->prog, "", p->argv, p->envp, AT_EMPTY_PATH);
	_exit(127);
}

/* Standard descriptors from sock and devnull; nothing else but prog. */
static void
set_descriptors(const struct child_plan *p)
{
	int s, n, fd;

	/* Above 2 first, so that dup2 always makes fresh, inheritable fds
	 * even when the host had closed its standard descriptors. */
	if ((s = fcntl(p->sock, F_DUPFD, 3)) < 0 ||
	    (n = fcntl(p->devnull, F_DUPFD, 3)) < 0)
		_exit(127);
	if (dup2(s, 0) < 0 || dup2(s, 1) < 0 || dup2(n, 2) < 0)
		_exit(127);
	/* Nothing of the host's leaks in; prog closes itself on exec. */
	if ((p->prog > 3 && close_range(3, (unsigned)p->prog - 1, 0) != 0) ||
	    close_range((unsigned)p->prog + 1, ~0U, 0) != 0) {
		for (fd = 3; fd < p->close_max; fd++)
			if (fd != p->prog)
				(void)close(fd);
	}
}

/*
 * The module's own child, between clone3 and its _exit: only
 * async-signal-safe calls (other threads of the host may hold locks).
 * An exec would make SIGCHLD its exit signal again, so this process
 * never execs: it starts the helper as its own child, waits for it and
 * ends the same way, so that the module learns the helper's fate while
 * the host never hears of either process.
 */
static void
run_child(const struct child_plan *p)
{
	struct clone_args ca;
	pid_t self = getpid();
	long pid;
	int sig, st;

	/* A copy of the host's memory must never land in a core file. */
	if (prctl(PR_SET_DUMPABLE, 0) != 0 ||
	    setrlimit(RLIMIT_CORE, &p->nocore) != 0)
		_exit(127);
	set_descriptors(p);
	/* Ignored signals stay ignored across exec: undo the host's. */
	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &p->dfl, NULL);
	}
	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		run_helper(p, self);
	if (pid < 0)
		_exit(127);
	(void)close(0);
	(void)close(1);
	(void)close(2);
	(void)close(p->prog);
	while (waitpid((pid_t)pid, &st, 0) < 0)
		if (errno != EINTR)
			_exit(127);
	if (WIFEXITED(st))
		_exit(WEXITSTATUS(st));
	(void)sigprocmask(SIG_SETMASK, &p->none, NULL);
	(void)kill(self, WTERMSIG(st));
	_exit(127);
}

int
ar_child_start(int prog, int sock, int devnull, char *const argv[],
    struct ar_child *child, char *why, size_t whylen)
{
	struct child_plan plan;
	struct clone_args ca;
	struct rlimit rl;
	sigset_t all, old;
	char *envp[1] = { NULL };	/* curl reads SSLKEYLOGFILE, *_proxy */
	char ebuf[AR_ERRNO_BUF];
	int pidfd = -1, e;
	long pid;

	child->pidfd = -1;
	child->pid = -1;
	/* Everything the children need exists before clone3. */
	memset(&plan, 0, sizeof(plan));
	plan.prog = prog;
	plan.sock = sock;
	plan.devnull = devnull;
	plan.argv = argv;
	plan.envp = envp;
	plan.dfl.sa_handler = SIG_DFL;
	sigemptyset(&plan.dfl.sa_mask);
	sigemptyset(&plan.none);
	plan.close_max = AR_CLOSE_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)AR_CLOSE_MAX)
		plan.close_max = (int)rl.rlim_cur;
	sigfillset(&all);
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
	/* No exit signal: the host never hears of this child. */
	ca.exit_signal = 0;

	/* No host handler may run in the child before it resets them;
	 * this thread's mask only, never a disposition. */
	if ((e = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0) {
		snprintf(why, whylen, "sigmask: %s",
		    ar_errno_str(e, ebuf, sizeof(ebuf)));
		return AR_ERR_UNAVAIL;
	}
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		run_child(&plan);
	e = errno;
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		/* No fallback to fork: the host's SIGCHLD could take it. */
		if (e == ENOSYS)
			snprintf(why, whylen, "clone3 is not available "
			    "(Linux 5.3 or later is needed): helper not "
			    "started");
		else
			snprintf(why, whylen, "clone3: %s",
			    ar_errno_str(e, ebuf, sizeof(ebuf)));
		return e == ENOMEM ? AR_ERR_NOMEM : AR_ERR_UNAVAIL;
	}
	child->pid = (pid_t)pid;
	child->pidfd = pidfd;
	return AR_OK;
}

/* The end of the child as waitpid() encodes it, for the W* macros. */
static int
status_of(const siginfo_t *si)
{
	if (si->si_code == CLD_EXITED)
		return (si->si_status & 0xff) << 8;
	return (si->si_status & 0x7f) | (si->si_code == CLD_DUMPED ?
	    0x80 : 0);
}

/* Reap the child if it has ended: 1 reaped, 0 still running, -1 error. */
static int
reap(struct ar_child *child, int options, int *status)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		/* __WCLONE: a child without exit signal is a "clone" child. */
		if (waitid((idtype_t)P_PIDFD, (id_t)child->pidfd, &si,
		    WEXITED | __WCLONE | options) == 0)
			break;
		if (errno != EINTR)
			return -1;
	}
	if (si.si_pid == 0)
		return 0;
	if (status != NULL)
		*status = status_of(&si);
	close(child->pidfd);
	child->pidfd = -1;
	return 1;
}

int
ar_child_wait(struct ar_child *child, int64_t deadline_ms, int *status)
{
	struct pollfd pfd;
	int64_t left;
	int r;

	if (child->pidfd < 0) {
		errno = ECHILD;
		return -1;
	}
	for (;;) {
		if ((r = reap(child, WNOHANG, status)) != 0)
			return r;
		if ((left = deadline_ms - ar_monotonic_ms()) <= 0)
			return 0;
		/* A pidfd becomes readable when its process ends. */
		pfd.fd = child->pidfd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		(void)poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
	}
}

void
ar_child_kill(struct ar_child *child, int *status)
{
	if (child->pidfd < 0)
		return;
	(void)pidfd_send_signal(child->pidfd, SIGKILL, NULL, 0);
	if (reap(child, 0, status) != 1) {
		close(child->pidfd);
		child->pidfd = -1;
	}
}
