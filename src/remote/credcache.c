/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The credential cache: yescrypt verifiers made and checked with
 * libcrypt, the same scheme and default cost as Debian's /etc/shadow, so
 * an offline check costs what a pam_unix login costs.  Every offline
 * check pays that cost, with or without a usable verifier, so that the
 * time taken does not tell whether one is kept.  Reading, counting and
 * replacing a user's record happen under a per-user lock file, so that
 * parallel guesses are all counted.  The only file that includes
 * <crypt.h>.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "credcache.h"
#include "secure.h"

#define KIND		"cred"
#define YESCRYPT	"$y$"
#define DAY		86400
#define LOCK_KIND	"lock-cred"
/* A record dated further ahead than this is not trusted. */
#define CLOCK_SLACK	300
/* How long a check waits for another one on the same user, and how. */
#define LOCK_WAIT_MS	5000
#define LOCK_STEP_MS	5
#define LOCK_MAX	4096	/* a lock file is empty */

/*
 * crypt_r(password, setting) into a malloc'ed copy: AR_OK exactly when
 * *out is set (the codes are literal, not ar_fail()'s, so that this is
 * plain to see).  The work area holds password-derived state and is
 * wiped.
 */
static int
hash(struct ar_ctx *ctx, const char *password, const char *setting,
    char **out)
{
	struct crypt_data *cd;
	const char *h;
	int r = AR_ERR_INTERNAL;

	*out = NULL;
	if ((cd = calloc(1, sizeof(*cd))) == NULL) {
		(void)ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "credcache: out of memory");
		return AR_ERR_NOMEM;
	}
	h = crypt_r(password, setting, cd);
	/* Failures come back as NULL or a string starting with '*'. */
	if (h == NULL || strncmp(h, YESCRYPT, strlen(YESCRYPT)) != 0)
		(void)ar_fail(ctx, AR_ERR_INTERNAL, "internal",
		    "credcache: yescrypt failed");
	else if ((*out = ar_strdup(h)) == NULL) {
		(void)ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
		    "credcache: out of memory");
		r = AR_ERR_NOMEM;
	} else
		r = AR_OK;
	ar_secure_free(cd, sizeof(*cd));
	return r;
}

/*
 * Spend what a real check spends: hash password with a fixed setting of
 * the same cost as a kept verifier and throw the result away.  For the
 * paths that end without a usable verifier (none kept, locked, expired,
 * code user, unreadable), so that they take as long as the real one.
 */
static void
decoy(const struct ar_ctx *ctx, const char *password)
{
	static const char salt[16] = "pam_authrocket-x";
	char setting[CRYPT_GENSALT_OUTPUT_SIZE], *h = NULL;
	struct ar_ctx scratch;

	ar_ctx_try(ctx, &scratch);	/* its failures are nobody's business */
	if (password == NULL || crypt_gensalt_rn(YESCRYPT, 0, salt,
	    (int)sizeof(salt), setting, sizeof(setting)) == NULL)
		return;
	if (hash(&scratch, password, setting, &h) == AR_OK)
		ar_secure_free_str(h);
}

/*
 * Open (creating it 0600) the lock file of user in conf->cache_dir: the
 * directory private to its owner, neither it nor the file reached
 * through a symlink, the file a regular one owned by root (or
 * ctx->owner) and writable only by its owner.  AR_NOTHING when there is
 * no cache directory (then there is no record to protect either).
 */
static int
open_lock(struct ar_ctx *ctx, const struct ar_conf *conf, const char *user,
    int *fd)
{
	struct stat st;
	char name[96], path[512];
	int dfd = -1, lfd = -1, r = AR_ERR_INTERNAL;

	if ((r = ar_cache_user_entry(ctx, conf, LOCK_KIND, user, name,
	    sizeof(name))) != AR_OK)
		return r;
	if (conf->cache_dir == NULL || conf->cache_dir[0] != '/')
		return ar_fail(ctx, AR_ERR_CONFIG, "config",
		    "conf: cache_dir must be an absolute path");
	dfd = open(conf->cache_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (dfd == -1 && errno == ENOENT)
		return AR_NOTHING;
	if (dfd == -1 || fstat(dfd, &st) == -1) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config", "credcache: %s: "
		    "cannot open the cache directory", conf->cache_dir);
		goto out;
	}
	if ((r = ar_file_check(ctx, "cache", conf->cache_dir, &st,
	    AR_FILE_PRIVATE_DIR, 0)) != AR_OK)
		goto out;
	lfd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK, 0600);
	if (lfd == -1 || fstat(lfd, &st) == -1) {
		r = ar_fail(ctx, AR_ERR_CONFIG, "config", "credcache: %s/%s: "
		    "cannot open the lock file", conf->cache_dir, name);
		goto out;
	}
	/* Kept empty; the same owner and mode rules as the records. */
	snprintf(path, sizeof(path), "%s/%s", conf->cache_dir, name);
	if ((r = ar_file_check(ctx, "cache", path, &st, AR_FILE_PUBLIC,
	    LOCK_MAX)) != AR_OK)
		goto out;
	*fd = lfd;
	lfd = -1;	/* transferred */
	r = AR_OK;
 out:
	if (lfd != -1)
		close(lfd);
	if (dfd != -1)
		close(dfd);
	return r;
}

/*
 * Hold user's lock (*fd, release with unlock()), waiting at most
 * LOCK_WAIT_MS for a check of the same user in another process.  *fd is
 * -1 with AR_OK when there is no cache directory yet.
 */
static int
lock_user(struct ar_ctx *ctx, const struct ar_conf *conf, const char *user,
    int *fd)
{
	const struct timespec step = { 0, LOCK_STEP_MS * 1000000L };
	int64_t until = ar_monotonic_ms() + LOCK_WAIT_MS;
	int r = AR_ERR_INTERNAL;

	*fd = -1;
	if ((r = open_lock(ctx, conf, user, fd)) != AR_OK)
		return r == AR_NOTHING ? AR_OK : r;
	while (flock(*fd, LOCK_EX | LOCK_NB) == -1) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    ar_monotonic_ms() > until) {
			close(*fd);
			*fd = -1;
			return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_cache",
			    "credcache: %s: busy, cannot take the lock", user);
		}
		(void)nanosleep(&step, NULL);
	}
	return AR_OK;
}

static void
unlock(int fd)
{
	if (fd != -1)
		close(fd);	/* releases the flock */
}

int
ar_credcache_store(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, const char *password, int code_user,
    const struct ar_identity *id)
{
	struct ar_snapshot s;
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	int lfd = -1, r = AR_ERR_INTERNAL;

	memset(&s, 0, sizeof(s));
	s.saved_at = (int64_t)ctx->now;
	s.code_user = code_user;
	if (!code_user) {
		/* Count 0: libcrypt's default cost, as for /etc/shadow. */
		if (crypt_gensalt_rn(YESCRYPT, 0, NULL, 0, setting,
		    sizeof(setting)) == NULL) {
			r = ar_fail(ctx, AR_ERR_INTERNAL, "internal",
			    "credcache: no yescrypt salt");
			goto out;
		}
		if ((r = hash(ctx, password, setting, &s.verifier)) != AR_OK)
			goto out;
	}
	if ((r = ar_snapshot_copy_id(ctx, id, &s.id)) != AR_OK)
		goto out;
	/* Not overwritten by an offline check that read the old record. */
	if ((r = lock_user(ctx, conf, user, &lfd)) != AR_OK)
		goto out;
	r = ar_snapshot_save(ctx, conf, KIND, user, &s);
 out:
	unlock(lfd);
	ar_snapshot_clear(&s);
	return r;
}

int
ar_credcache_read(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, struct ar_snapshot *s)
{
	return ar_snapshot_load(ctx, conf, KIND, user, s);
}

/*
 * Is the record usable at all?  AR_OK (then s->verifier is a yescrypt
 * string), AR_NOTHING when it holds no verifier and no refusal, or
 * AR_ERR_UNAVAIL with a reason.
 */
static int
usable(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_snapshot *s, const char *user)
{
	int64_t now = (int64_t)ctx->now;

	if (s->code_user)
		return ar_fail(ctx, AR_ERR_UNAVAIL, "offline_code_user",
		    "credcache: the realm asks this user for a verification "
		    "code: no offline login");
	if (s->verifier == NULL)
		return AR_NOTHING;
	if (s->fails >= conf->offline_failed_login_attempts)
		return ar_fail(ctx, AR_ERR_UNAVAIL, "offline_locked",
		    "credcache: %lld wrong offline passwords since the last "
		    "online login", (long long)s->fails);
	if (s->saved_at > now + CLOCK_SLACK ||
	    (conf->offline_credentials_expiration > 0 && now - s->saved_at >
	    conf->offline_credentials_expiration * DAY))
		return ar_fail(ctx, AR_ERR_UNAVAIL, "offline_expired",
		    "credcache: last online login at %lld is too long ago",
		    (long long)s->saved_at);
	if (strncmp(s->verifier, YESCRYPT, strlen(YESCRYPT)) != 0)
		return ar_fail(ctx, AR_ERR_UNAVAIL, "bad_cache",
		    "credcache: %s: not a yescrypt verifier", user);
	return AR_OK;
}

/* A wrong offline password: count it (the caller holds the lock). */
static int
count_failure(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, struct ar_snapshot *s)
{
	s->fails++;
	if (ar_snapshot_save(ctx, conf, KIND, user, s) != AR_OK)
		ar_log(ctx, AR_LOG_WARNING, "credcache: %s: cannot count a "
		    "failure", user);
	ar_ctx_clear_error(ctx);
	return ar_fail(ctx, AR_ERR_AUTH, "auth_failed",
	    "credcache: wrong offline password (%lld of %lld)",
	    (long long)s->fails,
	    (long long)conf->offline_failed_login_attempts);
}

int
ar_credcache_verify(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user, const char *password, struct ar_identity *id)
{
	struct ar_snapshot s;
	char *h = NULL;
	int lfd = -1, r = AR_ERR_INTERNAL;

	memset(&s, 0, sizeof(s));
	/* Check and count under one lock: parallel guesses all count. */
	if ((r = lock_user(ctx, conf, user, &lfd)) != AR_OK ||
	    (r = ar_credcache_read(ctx, conf, user, &s)) != AR_OK ||
	    (r = usable(ctx, conf, &s, user)) != AR_OK) {
		decoy(ctx, password);
		goto out;
	}
	if ((r = hash(ctx, password, s.verifier, &h)) != AR_OK)
		goto out;
	/* Constant time: how much matched must not show in the timing. */
	if (!ar_ct_equal(h, strlen(h), s.verifier, strlen(s.verifier))) {
		r = count_failure(ctx, conf, user, &s);
		goto out;
	}
	*id = s.id;
	memset(&s.id, 0, sizeof(s.id));	/* transferred */
	r = AR_OK;
 out:
	unlock(lfd);
	ar_secure_free_str(h);
	ar_snapshot_clear(&s);
	return r;
}

int
ar_credcache_drop(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *user)
{
	int lfd = -1, r = AR_ERR_INTERNAL;

	/* Not brought back by an offline check that read it before. */
	if ((r = lock_user(ctx, conf, user, &lfd)) == AR_OK)
		r = ar_snapshot_drop(ctx, conf, KIND, user);
	unlock(lfd);
	return r;
}
