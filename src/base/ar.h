/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Common definitions of the pam_authrocket library: result codes, the
 * per-call context with its log and prompt callbacks, and global limits.
 * Nothing here knows about PAM; the shim translates.
 */
#ifndef AR_AR_H
#define AR_AR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define AR_VERSION		"1.1.0"
#define AR_USER_AGENT		"pam_authrocket/" AR_VERSION

#define AR_DEFAULT_CONFIG	"/etc/security/pam_authrocket.conf"
#define AR_DEFAULT_HELPER	"/usr/libexec/pam_authrocket/authrocket-helper"
#define AR_DEFAULT_CACHE_DIR	"/var/cache/pam_authrocket"
#define AR_DIRECTORY_DIR	"/var/lib/pam_authrocket"
#define AR_DEFAULT_UID_RANGE	"1879048192-2147352575"

#define AR_MAX_TOKEN		8192	/* largest token accepted (bytes) */
#define AR_MAX_INPUT		16384	/* largest prompt reply looked at */
#define AR_MAX_FILE		65536	/* largest config, key or map file */
#define AR_MAX_REPLY		(1024 * 1024)	/* largest API reply body */
#define AR_MAX_JSON_DEPTH	16	/* deepest JSON accepted anywhere */

/*
 * Every fallible function returns one of these.  The shim maps each one to
 * exactly one PAM code per phase; the detail goes into the context.
 */
enum ar_result {
	AR_OK = 0,
	AR_ERR_AUTH,		/* credential rejected, identity mismatch */
	AR_ERR_DENIED,		/* policy: inactive, permission/org missing */
	AR_ERR_USER_UNKNOWN,	/* no such local account / AuthRocket user */
	AR_ERR_UNAVAIL,		/* AuthRocket unreachable or odd reply */
	AR_ERR_CONFIG,		/* configuration missing, unsafe or invalid */
	AR_ERR_CONV,		/* conversation failed or returned nothing */
	AR_ERR_NOMEM,		/* out of memory */
	AR_ERR_INTERNAL,	/* anything else; never success */
	AR_NOTHING		/* account phase: nothing to check */
};

/* Log priorities, numerically equal to syslog's. */
enum ar_prio {
	AR_LOG_ERR = 3,
	AR_LOG_WARNING = 4,
	AR_LOG_NOTICE = 5,
	AR_LOG_INFO = 6,
	AR_LOG_DEBUG = 7
};

enum ar_prompt_style {
	AR_PROMPT_ECHO_OFF = 1,
	AR_PROMPT_ECHO_ON,
	AR_PROMPT_ERROR,	/* message only, no reply */
	AR_PROMPT_INFO		/* message only, no reply */
};

/* Log sink: one complete line, no trailing newline, already escaped. */
typedef void ar_log_fn(void *arg, int prio, const char *line);

/*
 * Prompt: show text, and for the ECHO styles store a malloc'ed NUL
 * terminated reply in *reply (the caller wipes and frees it).  Returns
 * AR_OK, AR_ERR_CONV or AR_ERR_NOMEM.
 */
typedef int ar_prompt_fn(void *arg, int style, const char *text,
    char **reply);

/* The wall clock, a seam: returns the current unix time. */
typedef time_t ar_clock_fn(void *arg);

/*
 * Keep a password typed at this module's prompt for the modules after it
 * in the stack (the shim stores it as PAM_AUTHTOK).  Returns AR_OK or
 * AR_ERR_NOMEM; the library still owns and wipes its copy.
 */
typedef int ar_store_fn(void *arg, const char *password);

/*
 * Per-call context: lives on the stack of the entry point.  The strings
 * are borrowed from the caller and must outlive the context.
 */
struct ar_ctx {
	const char	*service;	/* PAM_SERVICE, may be NULL */
	const char	*user;		/* PAM_USER, may be NULL */
	const char	*rhost;		/* PAM_RHOST, may be NULL */
	const char	*phase;		/* "auth", "account", "check" */
	time_t		 now;		/* clock at the last tick */
	ar_clock_fn	*clock;		/* NULL: now is left as set */
	void		*clock_arg;
	uid_t		 owner;		/* owner allowed besides root */
	int		 debug;		/* from the argument or the config */

	ar_log_fn	*log;		/* may be NULL: nothing logged */
	void		*log_arg;
	ar_prompt_fn	*prompt;	/* may be NULL: AR_ERR_CONV */
	void		*prompt_arg;

	/* First failure recorded wins; see ar_fail(). */
	int		 err;		/* enum ar_result, AR_OK if none */
	const char	*reason;	/* short keyword for the log line */
	char		 detail[256];	/* escaped human detail */

	/* Monotonic deadline (ms) for the network work, 0 if not started. */
	int64_t		 deadline_ms;

	/* The stack's credential (an earlier module's), or NULL. */
	const char	*authtok;
	ar_store_fn	*store_authtok;	/* may be NULL: nothing stored */
	void		*store_arg;

	/* Who the login is about, for the outcome line; borrowed, or NULL. */
	const char	*ar_name;	/* AuthRocket username */
	const char	*ar_session;	/* AuthRocket session id */
};

/*
 * Initialise a context: zeroes it, sets the clock to the system's wall
 * clock and reads it into now, owner = geteuid() and the given phase.
 * Never fails.
 */
void	ar_ctx_init(struct ar_ctx *ctx, const char *phase);

/*
 * Read the clock into ctx->now and return it.  Every time check (token
 * exp/nbf/iat, cache ages, membership expiry) uses ctx->now, so the flow
 * calls this whenever an answer arrives: after the prompt returned and
 * after each reply from AuthRocket.  A prompt may stay open for minutes;
 * the clock read before it would stretch a token's life.  With
 * ctx->clock NULL, now keeps whatever the caller stored (tests).
 */
time_t	ar_ctx_tick(struct ar_ctx *ctx);

/* The system's wall clock (time(NULL)), the default ctx->clock. */
time_t	ar_clock_wall(void *arg);

/*
 * Record a failure: the first call after ar_ctx_init() (or
 * ar_ctx_clear_error()) stores code, the reason keyword (a static string
 * such as "expired") and the formatted, escaped detail; later calls only
 * log the detail at debug priority.  Returns code, so that callers can
 * write "return ar_fail(ctx, AR_ERR_AUTH, "expired", "exp %lld", e);".
 */
int	ar_fail(struct ar_ctx *ctx, int code, const char *reason,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Forget a recorded failure (used when a fallback path is taken). */
void	ar_ctx_clear_error(struct ar_ctx *ctx);

/*
 * Trials: a step whose failure must not (or not yet) count for the login
 * runs on a scratch context.  ar_ctx_try() makes *scratch a copy of ctx
 * (same user, clock, log sink, deadline) with no failure recorded; ctx is
 * not changed.  Afterwards the caller reads scratch->reason and
 * scratch->detail, or takes the failure over with ar_ctx_adopt().
 */
void	ar_ctx_try(const struct ar_ctx *ctx, struct ar_ctx *scratch);

/*
 * Take over the failure of a trial that returned r: when r is a failure
 * and ctx has recorded none yet, ctx records r with the trial's reason
 * and detail (copied as they are: the detail is escaped already); a trial
 * that failed without recording anything is recorded under "internal".
 * Nothing is logged (the trial logged its detail).  Returns r.
 */
int	ar_ctx_adopt(struct ar_ctx *ctx, const struct ar_ctx *scratch, int r);

/*
 * As ar_fail() and ar_log(), naming a trial's failure: the text made from
 * fmt is escaped and the trial's detail, escaped when it was recorded, is
 * appended as it is, so nothing is escaped twice.  ar_fail_trial()
 * returns code.
 */
int	ar_fail_trial(struct ar_ctx *ctx, int code, const char *reason,
	    const struct ar_ctx *trial, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
void	ar_log_trial(struct ar_ctx *ctx, int prio, const struct ar_ctx *trial,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Log one formatted line through the sink; AR_LOG_DEBUG only if debug. */
void	ar_log(struct ar_ctx *ctx, int prio, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Log the outcome line of a login (one per login, see auth.c):
 *   "allow user=U rhost=H method=M ar_user=I ar_name=N session=S service=V"
 *   "deny user=U rhost=H method=M reason=R ar_user=I ..."      (refused)
 *   "unavailable user=U rhost=H method=M reason=R ..."  (AR_ERR_UNAVAIL:
 *   AuthRocket could not decide; the stack may fall through)
 * ar_name and session come from ctx->ar_name and ctx->ar_session.  Names
 * are escaped; a missing value is shown as "-".
 */
void	ar_log_decision(struct ar_ctx *ctx, int r, const char *method,
	    const char *ar_user_id);

/*
 * Escape untrusted text for logs and user messages into dst (size n):
 * printable ASCII except backslash is kept, everything else (control
 * characters, non-ASCII bytes) becomes \xHH.  Output is always NUL terminated and may be cut.
 * Returns dst.
 */
char	*ar_escape(char *dst, size_t n, const char *src, size_t len);

/* Name of a result for logs and the CLI ("ok", "auth_err", ...). */
const char *ar_result_str(int r);

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t	ar_monotonic_ms(void);

#endif /* AR_AR_H */
