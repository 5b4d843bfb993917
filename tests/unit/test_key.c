/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for src/key.c: HMAC secrets, RSA and EC public keys in PEM,
 * bare base64 and DER, refused sizes and curves.  Keys are generated at
 * test time with the openssl command into a private temporary directory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "conf.h"
#include "key.h"

static char dir[] = "/tmp/test_key.XXXXXX";

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run a formatted shell command; its exit status. */
static int
run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Read dir/name into a malloc'ed NUL-terminated buffer, or NULL. */
static char *
slurp(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *buf;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf = malloc(65536);
	n = fread(buf, 1, 65535, f);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Generate a key pair: name.pem (private), name.pub (SPKI PEM), name.der
 * (SPKI DER).  algopts are the openssl genpkey options.
 */
static int
gen_pair(const char *name, const char *algopts)
{
	char opts[512], buf[512];

	snprintf(opts, sizeof(opts), "%s -out %s.pem 2>/dev/null", algopts,
	    name);
	if (run("cd %s && openssl genpkey %s", dir, opts) != 0)
		return -1;
	snprintf(buf, sizeof(buf), "-in %s.pem -pubout -out %s.pub", name,
	    name);
	if (run("cd %s && openssl pkey %s", dir, buf) != 0)
		return -1;
	snprintf(buf, sizeof(buf), "-in %s.pem -pubout -outform DER "
	    "-out %s.der", name, name);
	return run("cd %s && openssl pkey %s", dir, buf) != 0 ? -1 : 0;
}

static int
parse_text(struct ar_ctx *ctx, const char *text, size_t len,
    struct ar_key *key)
{
	ar_ctx_init(ctx, "test");
	memset(key, 0, sizeof(*key));
	return ar_key_parse(ctx, text, len, key);
}

static void
test_hmac(void)
{
	struct ar_ctx ctx;
	struct ar_key key;
	const char *s32 = "jsk_0123456789abcdef0123456789ab";
	char desc[128];

	T_EQ_INT(strlen(s32), 32);
	T_EQ_INT(parse_text(&ctx, s32, 31, &key), AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "bad_key");
	T_CHECK(key.data == NULL);
	T_EQ_INT(parse_text(&ctx, s32, 32, &key), AR_OK);
	T_EQ_INT(key.alg, AR_ALG_HS256);
	T_EQ_INT(key.len, 32);
	/* Literal bytes: the jsk_ prefix stays, nothing is base64-decoded. */
	T_CHECK(key.data != NULL && memcmp(key.data, s32, 32) == 0);
	ar_key_describe(&key, desc, sizeof(desc));
	T_EQ_STR(desc, "HS256 (hmac secret, 32 bytes)");
	ar_key_free(&key);
	T_CHECK(key.data == NULL && key.len == 0);
	ar_key_free(&key);
	ar_key_free(NULL);

	T_EQ_INT(parse_text(&ctx, "", 0, &key), AR_ERR_CONFIG);
	T_EQ_INT(parse_text(&ctx, NULL, 0, &key), AR_ERR_CONFIG);
	/* Blanks count as bytes of the secret: no trimming. */
	T_EQ_INT(parse_text(&ctx, "  jsk_0123456789abcdef012345678  ", 33,
	    &key), AR_OK);
	T_EQ_INT(key.len, 33);
	ar_key_free(&key);
}

static void
test_text_is_public(void)
{
	char big[300];

	T_EQ_INT(ar_key_text_is_public("jsk_abc", 7), 0);
	T_EQ_INT(ar_key_text_is_public("-----BEGIN PUBLIC KEY-----", 26), 1);
	T_EQ_INT(ar_key_text_is_public("xx RSA PUBLIC KEY", 17), 1);
	memset(big, 'a', sizeof(big));
	T_EQ_INT(ar_key_text_is_public(big, 256), 0);
	T_EQ_INT(ar_key_text_is_public(big, 257), 1);
	/* Surrounding blanks are not counted. */
	memset(big, ' ', 30);
	T_EQ_INT(ar_key_text_is_public(big, 256 + 30), 0);
	T_EQ_INT(ar_key_text_is_public(NULL, 0), 0);
}

static void
test_alg_str(void)
{
	T_EQ_STR(ar_alg_str(AR_ALG_HS256), "HS256");
	T_EQ_STR(ar_alg_str(AR_ALG_RS256), "RS256");
	T_EQ_STR(ar_alg_str(AR_ALG_ES256), "ES256");
	T_EQ_STR(ar_alg_str(AR_ALG_ES384), "ES384");
	T_EQ_STR(ar_alg_str(AR_ALG_NONE), "none");
	T_EQ_STR(ar_alg_str(99), "none");
}

/* Body of a PEM file: the lines between BEGIN and END. */
static char *
pem_body(const char *pem, int keep_newlines)
{
	const char *b = strstr(pem, "-----\n"), *e = strstr(pem, "-----END");
	char *out = calloc(1, strlen(pem) + 1);
	size_t o = 0;

	for (b += 6; b < e; b++)
		if (keep_newlines || *b != '\n')
			out[o++] = *b;
	return out;
}

static void
test_rsa(void)
{
	struct ar_ctx ctx;
	struct ar_key key;
	char *pem, *body, *p1;
	size_t len, blen;
	char desc[128];

	if (gen_pair("rsa2048", "-algorithm RSA -pkeyopt "
	    "rsa_keygen_bits:2048") != 0 ||
	    gen_pair("rsa1024", "-algorithm RSA -pkeyopt "
	    "rsa_keygen_bits:1024") != 0) {
		T_CHECK(!"openssl genpkey rsa failed");
		return;
	}
	pem = slurp("rsa2048.pub", &len);
	T_EQ_INT(parse_text(&ctx, pem, len, &key), AR_OK);
	T_EQ_INT(key.alg, AR_ALG_RS256);
	T_EQ_INT(key.bits, 2048);
	/* Stored as normalised SPKI PEM. */
	T_CHECK(key.len > 0 && strstr((char *)key.data,
	    "-----BEGIN PUBLIC KEY-----") != NULL);
	T_EQ_INT(strlen((char *)key.data), key.len);
	ar_key_describe(&key, desc, sizeof(desc));
	T_EQ_STR(desc, "RS256 (rsa 2048 bits)");
	ar_key_free(&key);

	/* Bare base64 body, with and without its line breaks. */
	body = pem_body(pem, 1);
	blen = strlen(body);
	T_EQ_INT(parse_text(&ctx, body, blen, &key), AR_OK);
	T_EQ_INT(key.alg, AR_ALG_RS256);
	ar_key_free(&key);
	free(body);
	body = pem_body(pem, 0);
	T_EQ_INT(parse_text(&ctx, body, strlen(body), &key), AR_OK);
	T_EQ_INT(key.bits, 2048);
	ar_key_free(&key);
	/* One changed character in the body: not a key any more. */
	body[40] = body[40] == 'A' ? 'B' : 'A';
	body[10] = '*';
	T_EQ_INT(parse_text(&ctx, body, strlen(body), &key), AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "bad_key");
	free(body);
	free(pem);

	/* PKCS#1 "RSA PUBLIC KEY". */
	if (run("cd %s && openssl rsa -pubin -in %s -RSAPublicKey_out "
	    "-out rsa2048.p1 2>/dev/null", dir, "rsa2048.pub") == 0) {
		p1 = slurp("rsa2048.p1", &len);
		T_CHECK(strstr(p1, "BEGIN RSA PUBLIC KEY") != NULL);
		T_EQ_INT(parse_text(&ctx, p1, len, &key), AR_OK);
		T_EQ_INT(key.alg, AR_ALG_RS256);
		T_CHECK(strstr((char *)key.data, "BEGIN PUBLIC KEY") != NULL);
		ar_key_free(&key);
		free(p1);
	} else {
		T_SKIP("openssl rsa -RSAPublicKey_out unavailable");
	}

	pem = slurp("rsa1024.pub", &len);
	T_EQ_INT(parse_text(&ctx, pem, len, &key), AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "bad_key");
	T_CHECK(strstr(ctx.detail, "too small") != NULL);
	T_CHECK(key.data == NULL);
	free(pem);

	/* A private key is refused with a clear word. */
	pem = slurp("rsa2048.pem", &len);
	T_EQ_INT(parse_text(&ctx, pem, len, &key), AR_ERR_CONFIG);
	T_CHECK(strstr(ctx.detail, "private key") != NULL);
	free(pem);
}

static void
test_ec(void)
{
	struct ar_ctx ctx;
	struct ar_key key;
	char *pem;
	size_t len;
	char desc[128];

	if (gen_pair("p256", "-algorithm EC -pkeyopt "
	    "ec_paramgen_curve:P-256") != 0 ||
	    gen_pair("p384", "-algorithm EC -pkeyopt "
	    "ec_paramgen_curve:P-384") != 0) {
		T_CHECK(!"openssl genpkey ec failed");
		return;
	}
	pem = slurp("p256.pub", &len);
	T_EQ_INT(parse_text(&ctx, pem, len, &key), AR_OK);
	T_EQ_INT(key.alg, AR_ALG_ES256);
	T_EQ_INT(key.bits, 256);
	ar_key_describe(&key, desc, sizeof(desc));
	T_EQ_STR(desc, "ES256 (ec P-256)");
	ar_key_free(&key);
	free(pem);

	pem = slurp("p384.pub", &len);
	T_EQ_INT(parse_text(&ctx, pem, len, &key), AR_OK);
	T_EQ_INT(key.alg, AR_ALG_ES384);
	T_EQ_INT(key.bits, 384);
	ar_key_free(&key);
	free(pem);

	if (gen_pair("k256", "-algorithm EC -pkeyopt "
	    "ec_paramgen_curve:secp256k1") == 0) {
		pem = slurp("k256.pub", &len);
		T_EQ_INT(parse_text(&ctx, pem, len, &key), AR_ERR_CONFIG);
		T_EQ_STR(ctx.reason, "bad_key");
		T_CHECK(strstr(ctx.detail, "unsupported") != NULL);
		free(pem);
	} else {
		T_SKIP("secp256k1 not available");
	}
	if (gen_pair("ed", "-algorithm ED25519") == 0) {
		pem = slurp("ed.pub", &len);
		T_EQ_INT(parse_text(&ctx, pem, len, &key), AR_ERR_CONFIG);
		T_EQ_STR(ctx.reason, "bad_key");
		free(pem);
	} else {
		T_SKIP("ed25519 not available");
	}
}

static void
test_garbage(void)
{
	struct ar_ctx ctx;
	struct ar_key key;
	char big[400];
	const char *bad_pem = "-----BEGIN PUBLIC KEY-----\nAAAA\n"
	    "-----END PUBLIC KEY-----\n";
	const char *other = "-----BEGIN EC PUBLIC KEY-----\nAAAA\n"
	    "-----END EC PUBLIC KEY-----\n";

	T_EQ_INT(parse_text(&ctx, bad_pem, strlen(bad_pem), &key),
	    AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "bad_key");
	T_EQ_INT(parse_text(&ctx, "PUBLIC KEY", 10, &key), AR_ERR_CONFIG);
	/* Longer than 256 characters: taken as a public key, and not one. */
	memset(big, 'A', sizeof(big));
	T_EQ_INT(parse_text(&ctx, big, sizeof(big), &key), AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "bad_key");
	big[100] = '!';
	T_EQ_INT(parse_text(&ctx, big, sizeof(big), &key), AR_ERR_CONFIG);
	T_CHECK(strstr(ctx.detail, "neither") != NULL);
	/* A PEM block of a type that is not accepted. */
	T_EQ_INT(parse_text(&ctx, other, strlen(other), &key), AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "bad_key");
	T_CHECK(strstr(ctx.detail, "EC PUBLIC KEY") != NULL);
}

static void
test_der(void)
{
	struct ar_ctx ctx;
	struct ar_key key;
	unsigned char *der, *bad;
	size_t len;
	char crt_opts[512];

	der = (unsigned char *)slurp("rsa2048.der", &len);
	if (der == NULL) {
		T_CHECK(!"no rsa2048.der");
		return;
	}
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_key_from_der(&ctx, der, len, &key), AR_OK);
	T_EQ_INT(key.alg, AR_ALG_RS256);
	T_EQ_INT(key.bits, 2048);
	T_CHECK(strstr((char *)key.data, "BEGIN PUBLIC KEY") != NULL);
	ar_key_free(&key);

	/* Trailing bytes after the DER: refused. */
	bad = malloc(len + 1);
	memcpy(bad, der, len);
	bad[len] = 0;
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_key_from_der(&ctx, bad, len + 1, &key), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "bad_jwks");
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_key_from_der(&ctx, bad, len / 2, &key), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "bad_jwks");
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_key_from_der(&ctx, (unsigned char *)"\x30\x00", 2, &key),
	    AR_ERR_UNAVAIL);
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_key_from_der(&ctx, NULL, 0, &key), AR_ERR_UNAVAIL);
	free(bad);
	free(der);

	/* Weak keys from the network: AR_ERR_UNAVAIL, not AR_ERR_CONFIG. */
	der = (unsigned char *)slurp("rsa1024.der", &len);
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_key_from_der(&ctx, der, len, &key), AR_ERR_UNAVAIL);
	T_EQ_STR(ctx.reason, "bad_jwks");
	free(der);

	der = (unsigned char *)slurp("p256.der", &len);
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_key_from_der(&ctx, der, len, &key), AR_OK);
	T_EQ_INT(key.alg, AR_ALG_ES256);
	ar_key_free(&key);
	free(der);

	/* An x5c certificate: its public key is used. */
	snprintf(crt_opts, sizeof(crt_opts), "-new -x509 -key rsa2048.pem "
	    "-subj /CN=test -days 1 -outform DER -out crt.der");
	if (run("cd %s && openssl req %s 2>/dev/null", dir, crt_opts) == 0) {
		der = (unsigned char *)slurp("crt.der", &len);
		ar_ctx_init(&ctx, "test");
		T_EQ_INT(ar_key_from_der(&ctx, der, len, &key), AR_OK);
		T_EQ_INT(key.alg, AR_ALG_RS256);
		T_EQ_INT(key.bits, 2048);
		key.kid = strdup("k1");
		{
			char desc[128];

			ar_key_describe(&key, desc, sizeof(desc));
			T_EQ_STR(desc, "RS256 (rsa 2048 bits), kid k1");
		}
		ar_key_free(&key);
		free(der);
	} else {
		T_SKIP("openssl req failed");
	}
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	T_RUN(test_hmac);
	T_RUN(test_text_is_public);
	T_RUN(test_alg_str);
	T_RUN(test_rsa);
	T_RUN(test_ec);
	T_RUN(test_garbage);
	T_RUN(test_der);
	run("rm -rf -- %s", dir);
	return t_done("test_key");
}
