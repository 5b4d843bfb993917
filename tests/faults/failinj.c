/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Failure injection for PAM transactions (LD_PRELOAD).  While armed (see
 * failinj_arm(), called by the pam_faultwrap.so wrapper module around
 * each pam_sm_* call of the module under test) every call of a wrapped
 * function is counted; the FAILINJ_N'th one fails with a plausible errno.
 * Environment:
 *   FAILINJ_N       the call to fail (1-based); 0 or unset: only count
 *   FAILINJ_FUNCS   comma list of functions counted (default: all below)
 *   FAILINJ_REPORT  file to append "calls=N fired=FUNC caller=OBJ:SYM+OFF"
 *                   to at every disarm (one line per pam_sm_* call)
 *   FAILINJ_ONLY    comma list of object name parts: count only calls
 *                   made directly from code in those objects (for
 *                   example "pam_authrocket.so": every call site of the
 *                   module itself, none inside its libraries)
 *   FAILINJ_SKIP    comma list of object name parts whose own calls are
 *                   neither counted nor failed (default "libnss_wrapper":
 *                   the test's passwd stand-in is not under test)
 * Counting is per process; calls made by a forked child are not reported.
 * strdup and strndup are counted as calls of their own (the malloc inside
 * them is not counted again); fopen, asprintf and the like allocate
 * through malloc and are covered by it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

void	*__libc_malloc(size_t);
void	*__libc_calloc(size_t, size_t);
void	*__libc_realloc(void *, size_t);
void	*reallocarray(void *, size_t, size_t);

int	__open_2(const char *, int);
int	__open64_2(const char *, int);
ssize_t	__read_chk(int, void *, size_t, size_t);
void	failinj_arm(const char *what);
void	failinj_disarm(void);

static int armed;
static pid_t armed_pid;
static long calls, target = -1;
static int fired;
static char fired_func[32], fired_caller[256], what_armed[64];
static const char *funcs;
static __thread int busy;

#define MAX_RANGES	16
static struct {
	uintptr_t lo, hi;
} skip[MAX_RANGES];
static int n_skip;
static struct {
	uintptr_t lo, hi;
} only[MAX_RANGES];
static int n_only, use_only;

struct ranges {
	const char	*names;
	int		 want_only;
};

static int
phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	const struct ranges *rg = arg;
	const char *names = rg->names, *p, *e;
	char part[64];
	int i;

	(void)size;
	if (info->dlpi_name == NULL || info->dlpi_name[0] == '\0')
		return 0;
	for (p = names; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		snprintf(part, sizeof(part), "%.*s", (int)(e - p), p);
		if (part[0] == '\0' || strstr(info->dlpi_name, part) == NULL)
			continue;
		for (i = 0; i < info->dlpi_phnum; i++) {
			const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
			uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

			if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
				continue;
			if (rg->want_only && n_only < MAX_RANGES) {
				only[n_only].lo = lo;
				only[n_only++].hi = lo + ph->p_memsz;
			} else if (!rg->want_only && n_skip < MAX_RANGES) {
				skip[n_skip].lo = lo;
				skip[n_skip++].hi = lo + ph->p_memsz;
			}
		}
		break;
	}
	return 0;
}

static int
skipped(void *ret)
{
	uintptr_t a = (uintptr_t)ret;
	int i;

	for (i = 0; i < n_skip; i++)
		if (a >= skip[i].lo && a < skip[i].hi)
			return 1;
	if (!use_only)
		return 0;
	for (i = 0; i < n_only; i++)
		if (a >= only[i].lo && a < only[i].hi)
			return 0;
	return 1;
}

static void
init_once(void)
{
	static int done;
	const char *s;

	if (done)
		return;
	done = 1;
	s = getenv("FAILINJ_N");
	target = s != NULL ? atol(s) : 0;
	funcs = getenv("FAILINJ_FUNCS");
}

static int
counted(const char *fn)
{
	const char *p;
	size_t n = strlen(fn);

	if (funcs == NULL || *funcs == '\0' || strcmp(funcs, "all") == 0)
		return 1;
	for (p = funcs; (p = strstr(p, fn)) != NULL; p += n)
		if ((p == funcs || p[-1] == ',') &&
		    (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Should this call fail?  ret is the caller's return address. */
static int
should_fail(const char *fn, void *ret)
{
	Dl_info di;

	if (!armed || busy || getpid() != armed_pid || !counted(fn) ||
	    skipped(ret))
		return 0;
	calls++;
	if (calls != target || target <= 0)
		return 0;
	fired = 1;
	busy = 1;
	snprintf(fired_func, sizeof(fired_func), "%s", fn);
	memset(&di, 0, sizeof(di));
	if (dladdr(ret, &di) != 0 && di.dli_fname != NULL) {
		const char *base = strrchr(di.dli_fname, '/');

		snprintf(fired_caller, sizeof(fired_caller), "%s:%s+0x%lx",
		    base != NULL ? base + 1 : di.dli_fname,
		    di.dli_sname != NULL ? di.dli_sname : "?",
		    (unsigned long)((uintptr_t)ret - (uintptr_t)di.dli_fbase));
	} else {
		snprintf(fired_caller, sizeof(fired_caller), "?");
	}
	busy = 0;
	return 1;
}

#define FAIL(fn)	should_fail(fn, __builtin_return_address(0))

void
failinj_arm(const char *what)
{
	const char *sk;

	init_once();
	armed_pid = getpid();
	busy = 1;
	if (n_skip == 0) {
		struct ranges rg;

		if ((sk = getenv("FAILINJ_SKIP")) == NULL)
			sk = "libnss_wrapper";
		rg.names = sk;
		rg.want_only = 0;
		dl_iterate_phdr(phdr_cb, &rg);
	}
	/* The module is loaded by now; look its ranges up at every arm. */
	if ((sk = getenv("FAILINJ_ONLY")) != NULL && *sk != '\0') {
		struct ranges rg;

		rg.names = sk;
		rg.want_only = 1;
		n_only = 0;
		use_only = 1;
		dl_iterate_phdr(phdr_cb, &rg);
	}
	busy = 0;
	snprintf(what_armed, sizeof(what_armed), "%s", what ? what : "-");
	armed = 1;
}

void
failinj_disarm(void)
{
	const char *path;
	FILE *f;

	if (!armed)
		return;
	armed = 0;
	busy = 1;
	if ((path = getenv("FAILINJ_REPORT")) != NULL &&
	    (f = fopen(path, "a")) != NULL) {
		fprintf(f, "%s calls=%ld target=%ld fired=%s caller=%s\n",
		    what_armed, calls, target, fired ? fired_func : "-",
		    fired ? fired_caller : "-");
		fclose(f);
	}
	busy = 0;
}

static void *
next(const char *name)
{
	void *p;

	busy++;
	p = dlsym(RTLD_NEXT, name);
	busy--;
	if (p == NULL)
		abort();
	return p;
}

#define REAL(type, name, args) \
	static type (*real_##name) args; \
	if (real_##name == NULL) \
		real_##name = (type (*) args)next(#name)

/*
 * The allocators forward to the next definition (glibc, or a leak
 * checker such as liblsan preloaded after this object).  dlsym() itself
 * may allocate before the pointers are known: that is served from a
 * small static arena and never freed.
 */
static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void (*next_free)(void *);
static char arena[65536];
static size_t arena_used;
static int resolving;

static void *
arena_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (arena_used + n > sizeof(arena))
		return NULL;
	p = arena + arena_used;
	arena_used += n;
	return p;
}

static int
from_arena(void *p)
{
	return (char *)p >= arena && (char *)p < arena + sizeof(arena);
}

static void
resolve(void)
{
	if (next_malloc != NULL || resolving)
		return;
	resolving = 1;
	next_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	next_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	next_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	next_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	if (next_malloc == NULL)
		next_malloc = __libc_malloc;
	if (next_calloc == NULL)
		next_calloc = __libc_calloc;
	if (next_realloc == NULL)
		next_realloc = __libc_realloc;
	resolving = 0;
}

void *
malloc(size_t n)
{
	if (FAIL("malloc")) {
		errno = ENOMEM;
		return NULL;
	}
	resolve();
	if (next_malloc == NULL)
		return arena_alloc(n);
	return next_malloc(n);
}

void *
calloc(size_t a, size_t b)
{
	if (FAIL("calloc")) {
		errno = ENOMEM;
		return NULL;
	}
	resolve();
	if (next_calloc == NULL)
		return b != 0 && a > sizeof(arena) / b ? NULL :
		    arena_alloc(a * b);	/* static storage is zeroed */
	return next_calloc(a, b);
}

void *
realloc(void *p, size_t n)
{
	if (FAIL("realloc")) {
		errno = ENOMEM;
		return NULL;
	}
	resolve();
	if (p != NULL && from_arena(p)) {
		void *q = malloc(n);

		if (q != NULL)
			memcpy(q, p, n < (size_t)(arena + sizeof(arena) -
			    (char *)p) ? n : (size_t)(arena + sizeof(arena) -
			    (char *)p));
		return q;
	}
	return next_realloc(p, n);
}

void
free(void *p)
{
	if (p == NULL || from_arena(p))
		return;
	resolve();
	if (next_free != NULL)
		next_free(p);
}

void *
reallocarray(void *p, size_t a, size_t b)
{
	if (FAIL("realloc")) {
		errno = ENOMEM;
		return NULL;
	}
	if (b != 0 && a > (size_t)-1 / b) {
		errno = ENOMEM;
		return NULL;
	}
	resolve();
	return next_realloc(p, a * b);
}

char *
strdup(const char *s)
{
	REAL(char *, strdup, (const char *));
	char *p;

	if (FAIL("strdup")) {
		errno = ENOMEM;
		return NULL;
	}
	busy++;
	p = real_strdup(s);
	busy--;
	return p;
}

char *
strndup(const char *s, size_t n)
{
	REAL(char *, strndup, (const char *, size_t));
	char *p;

	if (FAIL("strdup")) {
		errno = ENOMEM;
		return NULL;
	}
	busy++;
	p = real_strndup(s, n);
	busy--;
	return p;
}

static int
open_common(const char *fn, int dirfd, const char *path, int flags,
    mode_t mode, void *ret)
{
	if (should_fail(fn, ret)) {
		errno = EMFILE;
		return -1;
	}
	{
		REAL(int, openat, (int, const char *, int, ...));
		return real_openat(dirfd, path, flags, mode);
	}
}

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_common("open", AT_FDCWD, path, flags, mode,
	    __builtin_return_address(0));
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int
__open_2(const char *path, int flags)
{
	return open_common("open", AT_FDCWD, path, flags, 0,
	    __builtin_return_address(0));
}

int __open64_2(const char *path, int flags) __attribute__((alias("__open_2")));

int
openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_common("openat", dirfd, path, flags, mode,
	    __builtin_return_address(0));
}

int openat64(int dirfd, const char *path, int flags, ...)
    __attribute__((alias("openat")));

ssize_t
read(int fd, void *buf, size_t n)
{
	REAL(ssize_t, read, (int, void *, size_t));
	if (FAIL("read")) {
		errno = EIO;
		return -1;
	}
	return real_read(fd, buf, n);
}

ssize_t
__read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	REAL(ssize_t, read, (int, void *, size_t));
	if (n > buflen)
		abort();
	if (FAIL("read")) {
		errno = EIO;
		return -1;
	}
	return real_read(fd, buf, n);
}

int
fstat(int fd, struct stat *sb)
{
	REAL(int, fstat, (int, struct stat *));
	if (FAIL("fstat")) {
		errno = EIO;
		return -1;
	}
	return real_fstat(fd, sb);
}


int
socketpair(int d, int type, int proto, int sv[2])
{
	REAL(int, socketpair, (int, int, int, int *));
	if (FAIL("socketpair")) {
		errno = EMFILE;
		return -1;
	}
	return real_socketpair(d, type, proto, sv);
}

pid_t
fork(void)
{
	REAL(pid_t, fork, (void));
	if (FAIL("fork")) {
		errno = EAGAIN;
		return -1;
	}
	return real_fork();
}

/* The module starts its helper with the raw clone3 system call. */
long
syscall(long number, ...)
{
	long a[6];
	va_list ap;
	int i;

	REAL(long, syscall, (long, ...));
	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (number == SYS_clone3 && FAIL("clone3")) {
		errno = EAGAIN;
		return -1;
	}
	return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int
pipe(int fds[2])
{
	REAL(int, pipe, (int *));
	if (FAIL("pipe")) {
		errno = EMFILE;
		return -1;
	}
	return real_pipe(fds);
}

int
pipe2(int fds[2], int flags)
{
	REAL(int, pipe2, (int *, int));
	if (FAIL("pipe")) {
		errno = EMFILE;
		return -1;
	}
	return real_pipe2(fds, flags);
}

int
getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t n,
    struct passwd **res)
{
	REAL(int, getpwnam_r, (const char *, struct passwd *, char *, size_t,
	    struct passwd **));
	if (FAIL("getpwnam_r")) {
		*res = NULL;
		return EIO;
	}
	return real_getpwnam_r(name, pw, buf, n, res);
}

int
poll(struct pollfd *fds, nfds_t n, int timeout)
{
	REAL(int, poll, (struct pollfd *, nfds_t, int));
	if (FAIL("poll")) {
		errno = ENOMEM;
		return -1;
	}
	return real_poll(fds, n, timeout);
}

ssize_t
send(int fd, const void *buf, size_t n, int flags)
{
	REAL(ssize_t, send, (int, const void *, size_t, int));
	if (FAIL("send")) {
		errno = EPIPE;
		return -1;
	}
	return real_send(fd, buf, n, flags);
}

ssize_t
recv(int fd, void *buf, size_t n, int flags)
{
	REAL(ssize_t, recv, (int, void *, size_t, int));
	if (FAIL("recv")) {
		errno = ECONNRESET;
		return -1;
	}
	return real_recv(fd, buf, n, flags);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	REAL(ssize_t, write, (int, const void *, size_t));
	if (FAIL("write")) {
		errno = EIO;
		return -1;
	}
	return real_write(fd, buf, n);
}
