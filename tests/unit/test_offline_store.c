/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the outage stores: snapshots (round trip, strict
 * decoding, membership expiry and address flags), the credential cache
 * (verifier, failures, lock, parallel guesses, expiry, code users), the
 * account cache (age, staleness) and the outage marker
 * (window, Retry-After, the one request that tries again).  Time is the
 * context's clock.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <ftw.h>
#include <unistd.h>

#include "harness.h"

#include "acctcache.h"
#include "cache.h"
#include "credcache.h"
#include "outage.h"
#include "secure.h"
#include "snapshot.h"

#define NOW	1700000000
#define DAY	86400

static char base[64];
static char dir[128];

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
setup(struct ar_ctx *ctx, struct ar_conf *conf)
{
	ar_ctx_init(ctx, "auth");
	ctx->now = NOW;
	memset(conf, 0, sizeof(*conf));
	conf->cache_dir = dir;
	conf->api_url = "https://api-e1.authrocket.com/v1";
	conf->timeout = 10;
	conf->offline_timeout = 30;
	conf->cache_credentials = 1;
	conf->offline_credentials_expiration = 3;
	conf->offline_failed_login_attempts = 3;
	conf->account_cache_timeout = 300;
}

static void
identity(struct ar_identity *id, int active)
{
	static char *perm[] = { "sudo", "ssh" };
	static struct ar_membership m = { "org_ops", perm, 2, 0, 0 };

	memset(id, 0, sizeof(*id));
	id->version = 1;
	id->user_id = "usr_alice";
	id->username = "alice";
	id->have_state = 1;
	id->active = active;
	id->human = 1;
	id->have_memberships = 1;
	id->memb = &m;
	id->n_memb = 1;
}

static void
test_snapshot_round_trip(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_snapshot s, back;
	char *buf = NULL;
	size_t len = 0;

	setup(&ctx, &conf);
	memset(&s, 0, sizeof(s));
	identity(&s.id, 1);
	s.saved_at = NOW;
	s.fails = 2;
	s.verifier = "$y$j9T$salt$hash";
	T_EQ_INT(ar_snapshot_encode(&ctx, &s, &buf, &len), AR_OK);
	T_EQ_INT(ar_snapshot_decode(&ctx, buf, len, &back), AR_OK);
	T_EQ_INT(back.saved_at, NOW);
	T_EQ_INT(back.fails, 2);
	T_EQ_STR(back.verifier, "$y$j9T$salt$hash");
	T_EQ_STR(back.id.user_id, "usr_alice");
	T_EQ_INT(back.id.active, 1);
	T_EQ_INT(back.id.n_memb, 1);
	T_EQ_STR(back.id.memb[0].perm[1], "ssh");
	ar_snapshot_clear(&back);
	free(buf);
}

/* Encode then decode s into *back. */
static void
round_trip(struct ar_snapshot *s, struct ar_snapshot *back)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	char *buf = NULL;
	size_t len = 0;

	setup(&ctx, &conf);
	memset(back, 0, sizeof(*back));
	T_EQ_INT(ar_snapshot_encode(&ctx, s, &buf, &len), AR_OK);
	T_EQ_INT(ar_snapshot_decode(&ctx, buf, len, back), AR_OK);
	free(buf);
}

/*
 * A membership that ended at time 0 stays an ended one (not "no
 * expiry"), a future end stays that end, none stays none; an address's
 * verified flag keeps its value either way.
 */
static void
test_snapshot_expiry_and_email(void)
{
	static char *perm[] = { "sudo" };
	struct ar_membership m[3] = {
	    { "org_zero", perm, 1, 1, 0 },
	    { "org_later", perm, 1, 1, NOW + DAY },
	    { "org_never", perm, 1, 0, 0 } };
	struct ar_snapshot s, back;
	int verified;

	for (verified = 0; verified <= 1; verified++) {
		memset(&s, 0, sizeof(s));
		identity(&s.id, 1);
		s.id.memb = m;
		s.id.n_memb = 3;
		s.id.email = "alice@example.com";
		s.id.email_verified = verified;
		s.saved_at = NOW;
		round_trip(&s, &back);
		T_EQ_INT(back.id.email_verified, verified);
		T_EQ_STR(back.id.email, "alice@example.com");
		T_EQ_INT(back.id.n_memb, 3);
		if (back.id.n_memb != 3)
			goto next;
		T_EQ_STR(back.id.memb[0].org_id, "org_zero");
		T_EQ_INT(back.id.memb[0].has_expiry, 1);
		T_EQ_INT(back.id.memb[0].expires_at, 0);
		T_EQ_INT(back.id.memb[1].has_expiry, 1);
		T_EQ_INT(back.id.memb[1].expires_at, NOW + DAY);
		T_EQ_INT(back.id.memb[2].has_expiry, 0);
 next:
		ar_snapshot_clear(&back);
	}
}

/* Documents a decoder must refuse, one per rule. */
static void
test_snapshot_strict(void)
{
	static const char *const bad[] = {
	    "",
	    "[]",
	    "{\"format\":2,\"saved_at\":1,\"fails\":0,\"code_user\":false,"
	    "\"identity\":{}}",
	    "{\"format\":1,\"saved_at\":\"1\",\"fails\":0,\"code_user\":false,"
	    "\"identity\":{}}",
	    "{\"format\":1,\"saved_at\":1,\"fails\":-1,\"code_user\":false,"
	    "\"identity\":{}}",
	    "{\"format\":1,\"saved_at\":1,\"fails\":0,\"code_user\":0,"
	    "\"identity\":{}}",
	    "{\"format\":1,\"saved_at\":1,\"fails\":0,\"code_user\":false,"
	    "\"identity\":{\"version\":1,\"custom\":{},\"have_state\":true,"
	    "\"active\":true,\"human\":true}}",
	    "{\"format\":1,\"saved_at\":1,\"fails\":0,\"code_user\":false,"
	    "\"identity\":{\"version\":1,\"user_id\":\"u\",\"custom\":{},"
	    "\"have_state\":true,\"active\":\"yes\",\"human\":true}}",
	    "{\"format\":1,\"format\":1}",
	    NULL };
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_snapshot s;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		setup(&ctx, &conf);
		T_EQ_INT(ar_snapshot_decode(&ctx, bad[i], strlen(bad[i]), &s),
		    AR_ERR_UNAVAIL);
		T_CHECK(s.id.user_id == NULL);
	}
}

static void
test_credcache(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id, got;
	char name[96], path[256];
	struct stat st;
	int i;

	setup(&ctx, &conf);
	identity(&id, 1);
	memset(&got, 0, sizeof(got));
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "alice", "pw", &got),
	    AR_NOTHING);
	T_EQ_INT(ar_credcache_store(&ctx, &conf, "alice", "pw", 0, &id),
	    AR_OK);
	T_EQ_INT(ar_cache_user_entry(&ctx, &conf, "cred", "alice", name,
	    sizeof(name)), AR_OK);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	T_CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "alice", "pw", &got),
	    AR_OK);
	T_EQ_STR(got.user_id, "usr_alice");
	ar_identity_clear(&got);
	/* Another user's name finds nothing. */
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "bob", "pw", &got),
	    AR_NOTHING);
	/* Wrong passwords count, then lock even the right one. */
	for (i = 0; i < 3; i++) {
		setup(&ctx, &conf);
		T_EQ_INT(ar_credcache_verify(&ctx, &conf, "alice", "pX", &got),
		    AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "auth_failed");
	}
	setup(&ctx, &conf);
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "alice", "pw", &got),
	    AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "offline_locked");
	/* The next online login unlocks. */
	T_EQ_INT(ar_credcache_store(&ctx, &conf, "alice", "pw", 0, &id),
	    AR_OK);
	setup(&ctx, &conf);
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "alice", "pw", &got),
	    AR_OK);
	ar_identity_clear(&got);
	/* Expiry: 3 days after the online login, never with 0. */
	setup(&ctx, &conf);
	ctx.now = NOW + 3 * DAY;
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "alice", "pw", &got),
	    AR_OK);
	ar_identity_clear(&got);
	setup(&ctx, &conf);
	ctx.now = NOW + 3 * DAY + 1;
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "alice", "pw", &got),
	    AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "offline_expired");
	setup(&ctx, &conf);
	conf.offline_credentials_expiration = 0;
	ctx.now = NOW + 3650 * DAY;
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "alice", "pw", &got),
	    AR_OK);
	ar_identity_clear(&got);
	/* A record from the future is not trusted. */
	setup(&ctx, &conf);
	ctx.now = NOW - 3600;
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "alice", "pw", &got),
	    AR_ERR_UNAVAIL);
	/* A code user: no verifier, a refusal. */
	setup(&ctx, &conf);
	T_EQ_INT(ar_credcache_store(&ctx, &conf, "carol", NULL, 1, &id),
	    AR_OK);
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "carol", "pw", &got),
	    AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "offline_code_user");
	/* Dropped: nothing. */
	setup(&ctx, &conf);
	T_EQ_INT(ar_credcache_drop(&ctx, &conf, "alice"), AR_OK);
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "alice", "pw", &got),
	    AR_NOTHING);
	/* Names that are not local account names are refused. */
	T_EQ_INT(ar_credcache_store(&ctx, &conf, "../x", "pw", 0, &id),
	    AR_ERR_INTERNAL);
}

/* One child's wrong guess, started when the parent closes go. */
static int
guess(int go)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity got;
	char c;
	int r;

	setup(&ctx, &conf);
	memset(&got, 0, sizeof(got));
	if (read(go, &c, 1) == -1)
		return 3;
	r = ar_credcache_verify(&ctx, &conf, "erin", "wrong", &got);
	if (r == AR_ERR_AUTH)
		return 1;
	if (r == AR_ERR_UNAVAIL && strcmp(ctx.reason, "offline_locked") == 0)
		return 2;
	return 3;
}

/*
 * Eight wrong guesses at once against a limit of three: exactly three are
 * checked (and counted), the others find the record locked.
 */
static void
test_credcache_parallel_guesses(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	struct ar_snapshot s;
	int go[2], i, st, n[4] = { 0, 0, 0, 0 };
	pid_t pid;

	setup(&ctx, &conf);
	identity(&id, 1);
	T_EQ_INT(ar_credcache_store(&ctx, &conf, "erin", "pw", 0, &id),
	    AR_OK);
	T_CHECK(pipe(go) == 0);
	for (i = 0; i < 8; i++) {
		if ((pid = fork()) == 0) {
			close(go[1]);
			_exit(guess(go[0]));
		}
		T_CHECK(pid > 0);
	}
	close(go[0]);
	close(go[1]);	/* all start together */
	while ((pid = wait(&st)) > 0)
		if (WIFEXITED(st) && WEXITSTATUS(st) >= 1 &&
		    WEXITSTATUS(st) <= 3)
			n[WEXITSTATUS(st)]++;
		else
			n[0]++;
	T_EQ_INT(n[1], 3);
	T_EQ_INT(n[2], 5);
	T_EQ_INT(n[3] + n[0], 0);
	setup(&ctx, &conf);
	T_EQ_INT(ar_credcache_read(&ctx, &conf, "erin", &s), AR_OK);
	T_EQ_INT(s.fails, 3);
	ar_snapshot_clear(&s);
}

/*
 * The lock file: empty, 0600, made by the first store; one planted as a
 * symlink is neither followed nor used.
 */
static void
test_credcache_lock_file(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id, got;
	char name[96], path[256], target[256];
	struct stat st;

	setup(&ctx, &conf);
	identity(&id, 1);
	memset(&got, 0, sizeof(got));
	T_EQ_INT(ar_credcache_store(&ctx, &conf, "frank", "pw", 0, &id),
	    AR_OK);
	T_EQ_INT(ar_cache_user_entry(&ctx, &conf, "lock-cred", "frank", name,
	    sizeof(name)), AR_OK);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	T_CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0777) == 0600 && st.st_size == 0);
	T_CHECK(unlink(path) == 0);
	snprintf(target, sizeof(target), "%s/target", base);
	T_CHECK(symlink(target, path) == 0);
	setup(&ctx, &conf);
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "frank", "pw", &got),
	    AR_ERR_CONFIG);
	T_CHECK(access(target, F_OK) == -1);
	T_CHECK(unlink(path) == 0);
	setup(&ctx, &conf);
	T_EQ_INT(ar_credcache_verify(&ctx, &conf, "frank", "pw", &got),
	    AR_OK);
	ar_identity_clear(&got);
}

static void
test_acctcache(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id, got;
	int64_t age = -1;

	setup(&ctx, &conf);
	identity(&id, 0);
	memset(&got, 0, sizeof(got));
	T_EQ_INT(ar_acctcache_get(&ctx, &conf, "dave", &got, &age), AR_NOTHING);
	ar_acctcache_put(&ctx, &conf, "dave", &id);
	ctx.now = NOW + 299;
	T_EQ_INT(ar_acctcache_get(&ctx, &conf, "dave", &got, &age), AR_OK);
	T_EQ_INT(age, 299);
	T_EQ_INT(got.have_state, 1);
	T_EQ_INT(got.active, 0);	/* inactive stays inactive */
	ar_identity_clear(&got);
	ctx.now = NOW + 300;
	T_EQ_INT(ar_acctcache_get(&ctx, &conf, "dave", &got, &age), AR_NOTHING);
	ctx.now = NOW - 1;
	T_EQ_INT(ar_acctcache_get(&ctx, &conf, "dave", &got, &age), AR_NOTHING);
	ctx.now = NOW;
	conf.account_cache_timeout = 0;
	T_EQ_INT(ar_acctcache_get(&ctx, &conf, "dave", &got, &age), AR_NOTHING);
	/* Another API URL has its own entries. */
	conf.account_cache_timeout = 300;
	conf.api_url = "https://api-e2.authrocket.com/v2";
	T_EQ_INT(ar_acctcache_get(&ctx, &conf, "dave", &got, &age), AR_NOTHING);
	T_CHECK(ctx.err == AR_OK);
}

static void
test_outage(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_outage o;
	int probe = -1;

	setup(&ctx, &conf);
	T_EQ_INT(ar_outage_check(&ctx, &conf, &probe), AR_OK);
	T_EQ_INT(probe, 0);
	T_CHECK(ar_outage_reason("connect") && ar_outage_reason("offline"));
	T_CHECK(!ar_outage_reason("auth_failed") &&
	    !ar_outage_reason("helper_failed") && !ar_outage_reason(NULL));
	/* A definite answer opens nothing; a 503 does. */
	ar_outage_note(&ctx, &conf, NULL, 401, 0, 0);
	T_EQ_INT(ar_outage_read(&ctx, &conf, &o), AR_NOTHING);
	ar_outage_note(&ctx, &conf, "too_large", 0, 0, 0);
	T_EQ_INT(ar_outage_read(&ctx, &conf, &o), AR_NOTHING);
	ar_outage_note(&ctx, &conf, NULL, 503, 0, 0);
	T_EQ_INT(ar_outage_read(&ctx, &conf, &o), AR_OK);
	T_EQ_INT(o.until, NOW + 30);
	ctx.now = NOW + 29;
	T_EQ_INT(ar_outage_check(&ctx, &conf, &probe), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "offline");
	/* The first one after the window tries, the others still wait. */
	setup(&ctx, &conf);
	ctx.now = NOW + 30;
	T_EQ_INT(ar_outage_check(&ctx, &conf, &probe), AR_OK);
	T_EQ_INT(probe, 1);
	T_EQ_INT(ar_outage_check(&ctx, &conf, &probe), AR_ERR_UNAVAIL);
	/* The try succeeds: the marker goes. */
	setup(&ctx, &conf);
	ar_outage_note(&ctx, &conf, NULL, 200, 0, 1);
	T_EQ_INT(ar_outage_read(&ctx, &conf, &o), AR_NOTHING);
	/* Retry-After extends, within a bound. */
	ar_outage_note(&ctx, &conf, NULL, 429, 120, 0);
	T_EQ_INT(ar_outage_read(&ctx, &conf, &o), AR_OK);
	T_EQ_INT(o.until, NOW + 120);
	T_EQ_STR(o.reason, "rate_limited");
	ar_outage_note(&ctx, &conf, NULL, 429, 999999, 0);
	T_EQ_INT(ar_outage_read(&ctx, &conf, &o), AR_OK);
	T_EQ_INT(o.until, NOW + AR_OUTAGE_MAX_RETRY_AFTER);
	/* Off: never a marker consulted. */
	conf.offline_timeout = 0;
	T_EQ_INT(ar_outage_check(&ctx, &conf, &probe), AR_OK);
}

int
main(void)
{
	snprintf(base, sizeof(base), "/tmp/ar_offline.XXXXXX");
	if (mkdtemp(base) == NULL)
		return 2;
	snprintf(dir, sizeof(dir), "%s/cache", base);
	T_RUN(test_snapshot_round_trip);
	T_RUN(test_snapshot_expiry_and_email);
	T_RUN(test_snapshot_strict);
	T_RUN(test_credcache);
	T_RUN(test_credcache_parallel_guesses);
	T_RUN(test_credcache_lock_file);
	T_RUN(test_acctcache);
	T_RUN(test_outage);
	(void)nftw(base, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return t_done("test_offline_store");
}
