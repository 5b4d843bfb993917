/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/jwks.c: JWKS parsing and key selection, and the cache
 * rules of ar_jwks_key() (fresh, stale, unknown kid, refetch limit) with
 * a helper that always fails, so no network is ever used.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <unistd.h>

#include "harness.h"

#include "cache.h"
#include "jwks.h"
#include "key.h"
#include "secure.h"

#define NOW	1700000000

/* An RSA 2048 public key (DER SubjectPublicKeyInfo, base64), its n and e. */
#define RSA_SPKI "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx3HSng1KInicawp" \
	"CzA4owwX5H/cRTV5+tmlu6V0V7KHNL/gM7o8ifErX/dX2f8pZdAMF7hPanMqOwnspcv" \
	"xt/SQ6sxxGbM9F3CACEHlCM4xT8FKQoRpE7xlHGmvMkwUY5g8pOzIWCYWjcxk7kV7jd" \
	"mr186eKDEpcbu6PT6waEsZk2GpQbvgYnzYM9qQeW8ZV/9fNAw4JGhxp1SVfMJTf2VWC" \
	"1OrRQk/0jMO68fyVIdzfjb3nWjJyvp1zr6JC4h7dCBTY9wxEBF+kf875dt16EJZF4Hu" \
	"qHbbDCHbVTHg0SkIBX7YyScuFfsHeZlZVy1QDMqkjy+jWVIzOwVUINCs5PwIDAQAB"
#define RSA_N "x3HSng1KInicawpCzA4owwX5H_cRTV5-tmlu6V0V7KHNL_gM7o8ifErX_dX2f" \
	"8pZdAMF7hPanMqOwnspcvxt_SQ6sxxGbM9F3CACEHlCM4xT8FKQoRpE7xlHGmvMkwUY" \
	"5g8pOzIWCYWjcxk7kV7jdmr186eKDEpcbu6PT6waEsZk2GpQbvgYnzYM9qQeW8ZV_9f" \
	"NAw4JGhxp1SVfMJTf2VWC1OrRQk_0jMO68fyVIdzfjb3nWjJyvp1zr6JC4h7dCBTY9w" \
	"xEBF-kf875dt16EJZF4HuqHbbDCHbVTHg0SkIBX7YyScuFfsHeZlZVy1QDMqkjy-jWV" \
	"IzOwVUINCs5Pw"
#define RSA_E "AQAB"
/* RSA 1024: too weak, refused by the key rules. */
#define RSA1K_SPKI "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC42uhjMHQICsLQTbEn" \
	"2mKAw2jadU131V4r42WaSDMy3FOz9ZmzZZLxHsx5Eb8kWgP3Aei1nIqEDrvAxcg00lgu" \
	"08ovTOixDgdLJ3GygzvCKjysjepthZlj21zNypwOIwAL+ib2FfpIJFnza4QIxsb9D2K" \
	"Vcq6zyTM/ODr8Tcq/DQIDAQAB"
/* An EC P-256 public key, and a self-signed certificate holding it. */
#define EC_SPKI "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3p3SY7sLOv11x4kuRDxR84/6" \
	"moJQzUS6wjmnc0AKD7v36jmRxr253+4iRW6mL23Waell9HWODRoa35VYtCIp0A=="
#define EC_CERT "MIIBczCCARmgAwIBAgIUHPlBADVEbFkG4NWHZ0H98eqT5XYwCgYIKoZIzj0E" \
	"AwIwDzENMAsGA1UEAwwEandrczAeFw0yNjExMjkyMjIzNTNaFw0zNjExMjYyMjIzNTN" \
	"aMA8xDTALBgNVBAMMBGp3a3MwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATendJjuw" \
	"s6/XXHiS5EPFHzj/qaglDNRLrCOadzQAoPu/fqOZHGvbnf7iJFbqYvbdZp6WX0dY4NG" \
	"hrflVi0IinQo1MwUTAdBgNVHQ4EFgQULikR16bcPwAtYC4vCQ1Q5k3gcZcwHwYDVR0j" \
	"BBgwFoAULikR16bcPwAtYC4vCQ1Q5k3gcZcwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkj" \
	"OPQQDAgNIADBFAiEA7Y9Ia6iCCEKK3q9v85EtD5Ak/d3gSqsPy7kE+6OXTzcCIEMzNL" \
	"BCh15iUllopKVcj3/9NshGGKUUUna0hj6M2bDw"

#define JWK(kid, extra, x5c) "{\"kid\":\"" kid "\"" extra ",\"x5c\":[\"" \
	x5c "\"]}"

static char base[64];
static char logbuf[8192];

static void
log_capture(void *arg, int prio, const char *line)
{
	size_t n = strlen(logbuf);

	(void)arg;
	(void)prio;
	snprintf(logbuf + n, sizeof(logbuf) - n, "%s\n", line);
}

static int
find(const char *doc, const char *kid, struct ar_key *key,
    const char **reason)
{
	static struct ar_ctx ctx;
	int r;

	ar_ctx_init(&ctx, "auth");
	memset(key, 0, sizeof(*key));
	r = ar_jwks_find(&ctx, doc, strlen(doc), kid, key);
	*reason = ctx.reason;
	return r;
}

static void
test_find(void)
{
	struct ar_key key, key2;
	const char *why;

	/* Selection by kid among several keys. */
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"kty\":\"RSA\",\"alg\":"
	    "\"RS256\",\"use\":\"sig\"", RSA_SPKI) "," JWK("k2", ",\"kty\":"
	    "\"EC\",\"alg\":\"ES256\"", EC_SPKI) "]}", "k2", &key, &why),
	    AR_OK);
	T_EQ_INT(key.alg, AR_ALG_ES256);
	T_EQ_STR(key.kid, "k2");
	ar_key_free(&key);
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"kty\":\"RSA\",\"alg\":"
	    "\"RS256\"", RSA_SPKI) "," JWK("k2", ",\"kty\":\"EC\"", EC_SPKI)
	    "]}", "k1", &key, &why), AR_OK);
	T_EQ_INT(key.alg, AR_ALG_RS256);
	T_EQ_INT(key.bits, 2048);
	T_EQ_STR(key.kid, "k1");
	/* n/e give the very same key as the x5c entry. */
	T_EQ_INT(find("{\"keys\":[{\"kid\":\"k1\",\"kty\":\"RSA\",\"n\":\""
	    RSA_N "\",\"e\":\"" RSA_E "\"}]}", "k1", &key2, &why), AR_OK);
	T_EQ_INT(key2.alg, AR_ALG_RS256);
	T_CHECK(key.len == key2.len &&
	    memcmp(key.data, key2.data, key.len) == 0);
	ar_key_free(&key);
	ar_key_free(&key2);
	/* A certificate in x5c gives its public key. */
	T_EQ_INT(find("{\"keys\":[" JWK("c", "", EC_CERT) "]}", "c", &key,
	    &why), AR_OK);
	T_EQ_INT(key.alg, AR_ALG_ES256);
	ar_key_free(&key);
	/* No kid in the token: only a document with one key will do. */
	T_EQ_INT(find("{\"keys\":[" JWK("k1", "", RSA_SPKI) "]}", NULL, &key,
	    &why), AR_OK);
	T_EQ_INT(key.alg, AR_ALG_RS256);
	ar_key_free(&key);
	T_EQ_INT(find("{\"keys\":[" JWK("k1", "", RSA_SPKI) "," JWK("k2", "",
	    EC_SPKI) "]}", NULL, &key, &why), AR_ERR_AUTH);
	T_EQ_STR(why, "unknown_kid");
	/* Unknown kid. */
	T_EQ_INT(find("{\"keys\":[" JWK("k1", "", RSA_SPKI) "]}", "k9", &key,
	    &why), AR_ERR_AUTH);
	T_EQ_STR(why, "unknown_kid");
	T_CHECK(key.data == NULL);
	T_EQ_INT(find("{\"keys\":[]}", "k1", &key, &why), AR_ERR_AUTH);
	T_EQ_STR(why, "unknown_kid");
	/* kid match is exact. */
	T_EQ_INT(find("{\"keys\":[" JWK("K1", "", RSA_SPKI) "]}", "k1", &key,
	    &why), AR_ERR_AUTH);
	/* A broken first entry does not hide a good second one. */
	T_EQ_INT(find("{\"keys\":[" JWK("k1", "", "!!notbase64!!") ","
	    JWK("k1", "", RSA_SPKI) "]}", "k1", &key, &why), AR_OK);
	ar_key_free(&key);
	/*
	 * Nor does a refused one (too weak), and a key found records no
	 * failure: what ar_jwks_key() adopts from its trial is only ever
	 * the failure that the trial returned.
	 */
	T_EQ_INT(find("{\"keys\":[" JWK("k1", "", RSA1K_SPKI) ","
	    JWK("k1", "", RSA_SPKI) "]}", "k1", &key, &why), AR_OK);
	T_CHECK(why == NULL);
	T_EQ_INT(key.bits, 2048);
	ar_key_free(&key);
}

static void
test_find_refused(void)
{
	struct ar_key key;
	const char *why;

	/* Bad base64 and bad DER. */
	T_EQ_INT(find("{\"keys\":[" JWK("k1", "", "!!notbase64!!") "]}", "k1",
	    &key, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_jwks");
	T_EQ_INT(find("{\"keys\":[" JWK("k1", "", "MIIB IjAN") "]}", "k1",
	    &key, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[" JWK("k1", "", "QUJDRA==") "]}", "k1",
	    &key, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_jwks");
	/* URL-safe alphabet where standard base64 is required. */
	T_EQ_INT(find("{\"keys\":[" JWK("k1", "", "MFkwEwYHKoZIzj0CAQYIKoZIzj0D"
	    "AQcDQgAE3p3SY7sLOv11x4kuRDxR84_6moJQzUS6wjmnc0AKD7v36jmRxr253-4iR"
	    "W6mL23Waell9HWODRoa35VYtCIp0A") "]}", "k1", &key, &why),
	    AR_ERR_UNAVAIL);
	/* The key type must agree with alg and kty. */
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"alg\":\"ES256\"", RSA_SPKI)
	    "]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_jwks");
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"alg\":\"RS256\"", EC_SPKI)
	    "]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"kty\":\"RSA\"", EC_SPKI)
	    "]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"kty\":\"EC\"", RSA_SPKI)
	    "]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"kty\":\"oct\"", RSA_SPKI)
	    "]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	/* Algorithms other than the public-key ones, and non-signing keys. */
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"alg\":\"HS256\"", RSA_SPKI)
	    "]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"alg\":\"none\"", RSA_SPKI)
	    "]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"alg\":\"rs256\"", RSA_SPKI)
	    "]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"use\":\"enc\"", RSA_SPKI)
	    "]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[" JWK("k1", ",\"alg\":5", RSA_SPKI)
	    "]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	/* Weak RSA is refused by the key rules. */
	T_EQ_INT(find("{\"keys\":[" JWK("k1", "", RSA1K_SPKI) "]}", "k1",
	    &key, &why), AR_ERR_UNAVAIL);
	/* An HMAC secret cannot come from a JWKS. */
	T_EQ_INT(find("{\"keys\":[{\"kid\":\"k1\",\"kty\":\"oct\",\"k\":"
	    "\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\"}]}", "k1", &key,
	    &why), AR_ERR_UNAVAIL);
	/* x5c of the wrong shape; n/e broken. */
	T_EQ_INT(find("{\"keys\":[{\"kid\":\"k1\",\"x5c\":\"" RSA_SPKI "\"}]}",
	    "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[{\"kid\":\"k1\",\"x5c\":[]}]}", "k1", &key,
	    &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[{\"kid\":\"k1\",\"x5c\":[7]}]}", "k1", &key,
	    &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[{\"kid\":\"k1\",\"kty\":\"RSA\",\"n\":\"A+B"
	    "\",\"e\":\"AQAB\"}]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[{\"kid\":\"k1\",\"kty\":\"RSA\",\"e\":"
	    "\"AQAB\"}]}", "k1", &key, &why), AR_ERR_UNAVAIL);
	/* Documents that are not a JWKS. */
	T_EQ_INT(find("{\"keys\":{}}", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_jwks");
	T_EQ_INT(find("[]", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_EQ_STR(why, "bad_jwks");
	T_EQ_INT(find("{\"keys\":[]} trailing", "k1", &key, &why),
	    AR_ERR_UNAVAIL);
	T_EQ_INT(find("{\"keys\":[],\"keys\":[]}", "k1", &key, &why),
	    AR_ERR_UNAVAIL);
	T_EQ_INT(find("", "k1", &key, &why), AR_ERR_UNAVAIL);
	T_CHECK(key.data == NULL && key.kid == NULL);
}

static void
setup(struct ar_ctx *ctx, struct ar_conf *conf, const char *dir)
{
	ar_ctx_init(ctx, "auth");
	ctx->clock = NULL;	/* time stands still unless a test moves it */
	ctx->now = NOW;
	ctx->log = log_capture;
	logbuf[0] = '\0';
	memset(conf, 0, sizeof(*conf));
	conf->cache_dir = (char *)dir;
	conf->jwks_url = "https://127.0.0.1:1/connect/jwks";
	/* A helper that always fails: every fetch attempt is unavailable. */
	conf->helper = "/bin/false";
	conf->timeout = 2;
	conf->jwks_max_stale = 604800;
}

/* A clock for a fetch that takes *arg seconds: read after the fetch. */
static time_t
slow_fetch_clock(void *arg)
{
	return (time_t)(NOW + *(const long *)arg);
}

/* mtime of a cache entry, or -1 when absent. */
static long long
entry_mtime(const char *dir, const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &st) == -1)
		return -1;
	return (long long)st.st_mtime;
}

static void
put(const char *dir, const char *name, const char *text, time_t when)
{
	struct ar_ctx ctx;
	struct ar_conf conf;

	setup(&ctx, &conf, dir);
	ctx.now = when;
	T_EQ_INT(ar_cache_write(&ctx, &conf, name, text, strlen(text)),
	    AR_OK);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
test_cache_rules(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_key key;
	char dir[128], doc[64], mark[64], doc2[64], mark2[64];
	const char *jwks = "{\"keys\":[" JWK("k1", "", RSA_SPKI) "]}";

	if (access("/bin/false", X_OK) != 0) {
		T_SKIP("no /bin/false to stand in for a failing helper");
		return;
	}
	memset(&key, 0, sizeof(key));
	snprintf(dir, sizeof(dir), "%s/cache", base);
	setup(&ctx, &conf, dir);
	ar_jwks_cache_names(conf.jwks_url, doc, mark, sizeof(doc));
	T_CHECK(strncmp(doc, "jwks-", 5) == 0 && strlen(doc) == 21);
	T_CHECK(strlen(mark) == 25 && strncmp(mark, doc, 21) == 0);
	/* Another realm's URL never shares the entry. */
	ar_jwks_cache_names("https://127.0.0.1:1/connect/jwks2", doc2, mark2,
	    sizeof(doc2));
	T_CHECK(strcmp(doc, doc2) != 0);

	/* Nothing cached and nothing fetched: unavailable. */
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_ERR_UNAVAIL);
	T_EQ_INT(entry_mtime(dir, mark), NOW);
	T_EQ_INT(entry_mtime(dir, doc), -1);

	/* A fresh document answers without any fetch attempt. */
	put(dir, doc, jwks, NOW - 100);
	put(dir, mark, "x", NOW - 3000);
	setup(&ctx, &conf, dir);
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_OK);
	T_EQ_INT(key.alg, AR_ALG_RS256);
	T_EQ_STR(key.kid, "k1");
	T_EQ_INT(ctx.err, AR_OK);
	ar_key_free(&key);
	T_EQ_INT(entry_mtime(dir, mark), NOW - 3000);

	/* Unknown kid in a fresh document, last attempt long ago: refetch
	 * (it fails here), then the cached document still decides. */
	setup(&ctx, &conf, dir);
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k2", &key), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "unknown_kid");
	T_EQ_INT(entry_mtime(dir, mark), NOW);
	/* ...and again within a minute: no new attempt. */
	setup(&ctx, &conf, dir);
	ctx.now = NOW + 30;
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k2", &key), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "unknown_kid");
	T_EQ_INT(entry_mtime(dir, mark), NOW);
	/* After the minute, one more attempt. */
	setup(&ctx, &conf, dir);
	ctx.now = NOW + AR_JWKS_REFETCH_MIN + 1;
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k2", &key), AR_ERR_AUTH);
	T_EQ_INT(entry_mtime(dir, mark), NOW + AR_JWKS_REFETCH_MIN + 1);

	/* A stale document is used when the fetch fails, with a warning. */
	put(dir, doc, jwks, NOW - AR_JWKS_TTL - 50);
	put(dir, mark, "x", NOW - 3000);
	setup(&ctx, &conf, dir);
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_OK);
	T_EQ_INT(ctx.err, AR_OK);
	ar_key_free(&key);
	T_EQ_INT(entry_mtime(dir, mark), NOW);
	T_CHECK(strstr(logbuf, "using cached keys") != NULL);
	/* Stale and just tried: used without another attempt. */
	setup(&ctx, &conf, dir);
	ctx.now = NOW + 5;
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_OK);
	ar_key_free(&key);
	T_EQ_INT(entry_mtime(dir, mark), NOW);
	/*
	 * A document from the future counts as stale, not fresh, and its
	 * age cannot be known: not used when the fetch fails.
	 */
	put(dir, doc, jwks, NOW + 100000);
	setup(&ctx, &conf, dir);
	ctx.now = NOW + 1000;
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "jwks_too_stale");
	T_CHECK(key.data == NULL);
	T_EQ_INT(entry_mtime(dir, mark), NOW + 1000);

	/* Stale keys are used up to jwks_max_stale seconds, not longer. */
	put(dir, doc, jwks, NOW - 604800);
	put(dir, mark, "x", NOW - 3000);
	setup(&ctx, &conf, dir);
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_OK);
	ar_key_free(&key);
	put(dir, doc, jwks, NOW - 604801);
	put(dir, mark, "x", NOW - 3000);
	setup(&ctx, &conf, dir);
	logbuf[0] = '\0';
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "jwks_too_stale");
	T_CHECK(key.data == NULL);
	T_CHECK(strstr(logbuf, "older than jwks_max_stale") != NULL);
	/* ...also without a new attempt right after a failed one. */
	setup(&ctx, &conf, dir);
	ctx.now = NOW + 5;
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "jwks_too_stale");
	T_EQ_INT(entry_mtime(dir, mark), NOW);
	/* jwks_max_stale 0: stale keys are never used. */
	put(dir, doc, jwks, NOW - AR_JWKS_TTL - 1);
	put(dir, mark, "x", NOW - 3000);
	setup(&ctx, &conf, dir);
	conf.jwks_max_stale = 0;
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "jwks_too_stale");
	/*
	 * The age counts when the failed fetch returned: a fetch that took
	 * 20 s makes keys 10 s short of the limit too old.
	 */
	{
		long took = 20;

		put(dir, doc, jwks, NOW - 604790);
		put(dir, mark, "x", NOW - 3000);
		setup(&ctx, &conf, dir);
		ctx.clock = slow_fetch_clock;
		ctx.clock_arg = &took;
		T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_ERR_UNAVAIL);
		T_EQ_STR(ctx.reason, "jwks_too_stale");
		T_EQ_INT(ctx.now, NOW + 20);
	}

	/* A broken cached document is refetched, and fails closed. */
	put(dir, doc, "{\"keys\":", NOW);
	put(dir, mark, "x", NOW - 3000);
	setup(&ctx, &conf, dir);
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "bad_jwks");
	T_EQ_INT(entry_mtime(dir, mark), NOW);
	T_CHECK(key.data == NULL);

	/* An unsafe cache directory is a configuration error. */
	T_EQ_INT(chmod(dir, 0755), 0);
	setup(&ctx, &conf, dir);
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_ERR_CONFIG);
	T_EQ_INT(chmod(dir, 0700), 0);
	/* No jwks_url at all. */
	setup(&ctx, &conf, dir);
	conf.jwks_url = NULL;
	T_EQ_INT(ar_jwks_key(&ctx, &conf, "k1", &key), AR_ERR_CONFIG);
}

int
main(void)
{
	strcpy(base, "/tmp/test_jwks.XXXXXX");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	T_RUN(test_find);
	T_RUN(test_find_refused);
	T_RUN(test_cache_rules);
	nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return t_done("test_jwks");
}
