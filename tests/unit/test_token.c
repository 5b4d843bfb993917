/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for src/token.c and src/claims.c: tokens are minted here with
 * OpenSSL (HMAC, RSA, ECDSA in JOSE r||s form) and checked for the exact
 * result and reason keyword, including the attacks on libjwt that
 * docs/security.md lists.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "claims.h"
#include "harness.h"
#include "jwtmint.h"
#include "json.h"
#include "membership.h"
#include "token.h"

#define NOW	1700000000LL

static const char secret[] = "jsk_test_secret_0123456789abcdefXYZ";

static EVP_PKEY *rsa_priv, *ec256_priv, *ec384_priv;
static struct ar_key hs_key, rs_key, es256_key, es384_key;
static char *rs_pub_pem;

/* A token with this header and payload; sg NULL: no signature. */
static char *
mint(const char *header, const char *payload,
    const struct jwtmint_signer *sg)
{
	char *tok = jwtmint_token(header, strlen(header), payload,
	    strlen(payload), sg);

	if (tok == NULL)
		abort();
	return tok;
}

static const struct jwtmint_signer *
hs256(void)
{
	static struct jwtmint_signer s;

	s.md = EVP_sha256();
	s.hkey = secret;
	s.hlen = strlen(secret);
	return &s;
}

static const struct jwtmint_signer *
rs256(void)
{
	static struct jwtmint_signer s;

	s.md = EVP_sha256();
	s.pkey = rsa_priv;
	return &s;
}

static const struct jwtmint_signer *
es(int bits)
{
	static struct jwtmint_signer s;

	s.md = bits == 256 ? EVP_sha256() : EVP_sha384();
	s.pkey = bits == 256 ? ec256_priv : ec384_priv;
	s.ec = bits / 8;
	return &s;
}

static void
init_conf(struct ar_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->leeway = 30;
}

/* Verify tok with key and conf at NOW; id is cleared afterwards. */
static int
verify(struct ar_ctx *ctx, const struct ar_conf *conf,
    const struct ar_key *key, const char *tok)
{
	struct ar_identity id;
	int r;

	ar_ctx_init(ctx, "test");
	ctx->now = (time_t)NOW;
	memset(&id, 0, sizeof(id));
	r = ar_token_verify(ctx, conf, key, tok, strlen(tok), &id);
	if (r != AR_OK)
		T_CHECK(id.user_id == NULL);
	ar_identity_clear(&id);
	return r;
}

/* Mint with hs256 and the default header, then verify with hs_key. */
static int
hs_payload(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *payload)
{
	char *tok = mint("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload,
	    hs256());
	int r = verify(ctx, conf, &hs_key, tok);

	free(tok);
	return r;
}

static char *
pub_pem(EVP_PKEY *pkey)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *mem, *out;
	long n;

	PEM_write_bio_PUBKEY(b, pkey);
	n = BIO_get_mem_data(b, &mem);
	out = malloc((size_t)n + 1);
	memcpy(out, mem, (size_t)n);
	out[n] = '\0';
	BIO_free(b);
	return out;
}

static int
setup(void)
{
	struct ar_ctx ctx;
	char *pem;

	rsa_priv = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ec256_priv = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ec384_priv = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	if (rsa_priv == NULL || ec256_priv == NULL || ec384_priv == NULL)
		return -1;
	ar_ctx_init(&ctx, "test");
	if (ar_key_parse(&ctx, secret, strlen(secret), &hs_key) != AR_OK)
		return -1;
	rs_pub_pem = pub_pem(rsa_priv);
	if (ar_key_parse(&ctx, rs_pub_pem, strlen(rs_pub_pem),
	    &rs_key) != AR_OK)
		return -1;
	pem = pub_pem(ec256_priv);
	if (ar_key_parse(&ctx, pem, strlen(pem), &es256_key) != AR_OK)
		return -1;
	free(pem);
	pem = pub_pem(ec384_priv);
	if (ar_key_parse(&ctx, pem, strlen(pem), &es384_key) != AR_OK)
		return -1;
	free(pem);
	return 0;
}

static void
test_valid_v1(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char payload[1024], *tok;

	init_conf(&conf);
	snprintf(payload, sizeof(payload), "{\"uid\":\"usr_1\","
	    "\"un\":\"alice\",\"fn\":\"Alice\",\"ln\":\"Liddell\","
	    "\"n\":\"Alice Liddell\","
	    "\"aud\":\"rl_r1\",\"tk\":\"kss_s1\",\"iat\":%lld,\"exp\":%lld,"
	    "\"cs\":{\"unix\":\"alice2\",\"num\":5,\"o\":{}},"
	    "\"m\":[{\"oid\":\"org_1\",\"o\":\"Org\",\"p\":[\"sudo\","
	    "\"ssh\"]},{\"oid\":\"org_2\",\"p\":[]}]}", NOW - 60, NOW + 3600);
	tok = mint("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, hs256());
	ar_ctx_init(&ctx, "test");
	ctx.now = (time_t)NOW;
	memset(&id, 0, sizeof(id));
	T_EQ_INT(ar_token_verify(&ctx, &conf, &hs_key, tok, strlen(tok), &id),
	    AR_OK);
	T_EQ_INT(id.version, 1);
	T_EQ_STR(id.source, "token");
	T_EQ_STR(id.user_id, "usr_1");
	T_EQ_STR(id.username, "alice");
	T_CHECK(id.email == NULL);
	T_EQ_STR(id.session_id, "kss_s1");
	T_EQ_STR(id.realm_id, "rl_r1");
	T_CHECK(id.issuer == NULL);
	T_EQ_INT(id.n_custom, 1);
	T_EQ_STR(ar_identity_custom(&id, "unix"), "alice2");
	T_CHECK(ar_identity_custom(&id, "num") == NULL);
	T_EQ_INT(id.have_memberships, 1);
	T_EQ_INT(id.n_memb, 2);
	if (id.n_memb == 2) {
		T_EQ_STR(id.memb[0].org_id, "org_1");
		T_EQ_INT(id.memb[0].n_perm, 2);
		T_EQ_STR(id.memb[0].perm[1], "ssh");
		T_EQ_STR(id.memb[1].org_id, "org_2");
		T_EQ_INT(id.memb[1].n_perm, 0);
	}
	T_EQ_INT(id.iat, NOW - 60);
	T_EQ_INT(id.exp, NOW + 3600);
	T_EQ_INT(id.nbf, 0);
	ar_identity_clear(&id);

	/* The same token with the realm configured, and without typ. */
	conf.realm_id = "rl_r1";
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_OK);
	free(tok);
	tok = mint("{\"alg\":\"HS256\"}", payload, hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_OK);
	free(tok);

	/* Empty memberships still count as "seen". */
	snprintf(payload, sizeof(payload), "{\"uid\":\"usr_1\",\"exp\":%lld,"
	    "\"m\":[]}", NOW + 60);
	tok = mint("{\"alg\":\"HS256\"}", payload, hs256());
	ar_ctx_init(&ctx, "test");
	ctx.now = (time_t)NOW;
	T_EQ_INT(ar_token_verify(&ctx, &conf, &hs_key, tok, strlen(tok), &id),
	    AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "wrong_realm");
	conf.realm_id = NULL;
	ar_ctx_init(&ctx, "test");
	ctx.now = (time_t)NOW;
	T_EQ_INT(ar_token_verify(&ctx, &conf, &hs_key, tok, strlen(tok), &id),
	    AR_OK);
	T_EQ_INT(id.have_memberships, 1);
	T_EQ_INT(id.n_memb, 0);
	T_EQ_INT(id.n_custom, 0);
	ar_identity_clear(&id);
	free(tok);
}

static const char v2_payload_fmt[] = "{\"iss\":\"https://authrocket.com\","
    "\"sub\":\"usr_2\",\"rid\":\"rl_r2\",\"sid\":\"kss_s2\","
    "\"preferred_username\":\"bob\",\"email\":\"bob@example.com\","
    "\"email_verified\":true,\"given_name\":\"Bob\",\"family_name\":\"B\","
    "\"name\":\"Bob B\",\"ref\":\"ext-7\",\"cs\":{\"shell\":\"zsh\"},"
    "\"orgs\":[{\"oid\":\"org_9\",\"mid\":\"mb_1\",\"name\":\"Nine\","
    "\"perm\":[\"admin\"],\"selected\":true,\"ref\":null,\"cs\":{}}],"
    "\"iat\":%lld,\"exp\":%lld,\"nbf\":%lld}";

static void
check_v2_identity(const struct ar_identity *id)
{
	T_EQ_INT(id->version, 2);
	T_EQ_STR(id->user_id, "usr_2");
	T_EQ_STR(id->username, "bob");
	T_EQ_STR(id->email, "bob@example.com");
	T_EQ_STR(id->reference, "ext-7");
	T_EQ_STR(id->session_id, "kss_s2");
	T_EQ_STR(id->realm_id, "rl_r2");
	T_EQ_STR(id->issuer, "https://authrocket.com");
	T_EQ_STR(ar_identity_custom(id, "shell"), "zsh");
	T_EQ_INT(id->have_memberships, 1);
	T_EQ_INT(id->n_memb, 1);
	if (id->n_memb == 1) {
		T_EQ_STR(id->memb[0].org_id, "org_9");
		T_EQ_INT(id->memb[0].n_perm, 1);
		T_EQ_STR(id->memb[0].perm[0], "admin");
	}
	T_EQ_INT(id->nbf, NOW - 5);
}

static void
test_valid_v2(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char payload[1024], *tok;
	const struct {
		const char		*hdr;
		const struct jwtmint_signer	*sg;
		const struct ar_key	*key;
	} cases[] = {
		{ "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
		    rs256(), &rs_key },
		{ "{\"alg\":\"ES256\",\"typ\":\"JWT\"}", NULL, &es256_key },
		{ "{\"alg\":\"ES384\",\"typ\":\"JWT\"}", NULL, &es384_key },
	};
	size_t i;

	init_conf(&conf);
	conf.realm_id = "rl_r2";
	snprintf(payload, sizeof(payload), v2_payload_fmt, NOW - 5, NOW + 60,
	    NOW - 5);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tok = mint(cases[i].hdr, payload, i == 0 ? rs256() :
		    es(i == 1 ? 256 : 384));
		ar_ctx_init(&ctx, "test");
		ctx.now = (time_t)NOW;
		memset(&id, 0, sizeof(id));
		T_EQ_INT(ar_token_verify(&ctx, &conf, cases[i].key, tok,
		    strlen(tok), &id), AR_OK);
		check_v2_identity(&id);
		ar_identity_clear(&id);
		free(tok);
	}
	/*
	 * RS256 and ES256 signatures leave 4 unused bits in the last
	 * character, and libjwt decodes them leniently: a flipped unused bit
	 * must still be refused, as must a dropped or extra character.
	 */
	for (i = 0; i < 2; i++) {
		static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_";
		const struct ar_key *k = i == 0 ? &rs_key : &es256_key;
		size_t n;
		int v;
		char *t2;

		tok = mint(cases[i].hdr, payload, i == 0 ? rs256() : es(256));
		n = strlen(tok);
		T_EQ_INT(verify(&ctx, &conf, k, tok), AR_OK);
		t2 = malloc(n + 2);
		memcpy(t2, tok, n + 1);
		v = (int)(strchr(tab, t2[n - 1]) - tab);
		t2[n - 1] = tab[v ^ 1];
		T_EQ_INT(verify(&ctx, &conf, k, t2), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "bad_signature");
		t2[n - 1] = tab[v ^ 8];
		T_EQ_INT(verify(&ctx, &conf, k, t2), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "bad_signature");
		memcpy(t2, tok, n + 1);
		t2[n - 1] = '\0';
		T_EQ_INT(verify(&ctx, &conf, k, t2), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "bad_signature");
		memcpy(t2, tok, n);
		t2[n] = 'A';
		t2[n + 1] = '\0';
		T_EQ_INT(verify(&ctx, &conf, k, t2), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "bad_signature");
		free(t2);
		free(tok);
	}

	/* An RS256 token is around 700 characters (docs/security.md). */
	tok = mint(cases[0].hdr, payload, rs256());
	T_CHECK(strlen(tok) > 600 && strlen(tok) < AR_MAX_TOKEN);
	free(tok);
}

static void
test_alg_attacks(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct jwtmint_signer sg;
	char payload[256], *tok;
	const char *none_hdrs[] = {
		"{\"alg\":\"none\"}", "{\"alg\":\"None\"}",
		"{\"alg\":\"NONE\"}", "{\"alg\":\"nOnE\",\"typ\":\"JWT\"}"
	};
	size_t i;

	init_conf(&conf);
	snprintf(payload, sizeof(payload), "{\"uid\":\"usr_1\",\"un\":\"root\","
	    "\"exp\":%lld}", NOW + 600);

	/* alg none: with an empty signature, and with a signature. */
	for (i = 0; i < sizeof(none_hdrs) / sizeof(none_hdrs[0]); i++) {
		tok = mint(none_hdrs[i], payload, NULL);
		T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "malformed");
		free(tok);
		tok = mint(none_hdrs[i], payload, hs256());
		T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "alg_mismatch");
		T_EQ_INT(verify(&ctx, &conf, &rs_key, tok), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "alg_mismatch");
		free(tok);
	}

	/* HS256 keyed with the public PEM against the RS256 key. */
	memset(&sg, 0, sizeof(sg));
	sg.md = EVP_sha256();
	sg.hkey = rs_pub_pem;
	sg.hlen = strlen(rs_pub_pem);
	tok = mint("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, &sg);
	T_EQ_INT(verify(&ctx, &conf, &rs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "alg_mismatch");
	free(tok);
	/* ... and claiming RS256 in the header while HMAC-signed. */
	tok = mint("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", payload, &sg);
	T_EQ_INT(verify(&ctx, &conf, &rs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_signature");
	free(tok);
	sg.hkey = rs_key.data;
	sg.hlen = rs_key.len;
	tok = mint("{\"alg\":\"HS256\"}", payload, &sg);
	T_EQ_INT(verify(&ctx, &conf, &rs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "alg_mismatch");
	free(tok);

	/* Case and family variants of HS256. */
	tok = mint("{\"alg\":\"hs256\"}", payload, hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "alg_mismatch");
	free(tok);
	memset(&sg, 0, sizeof(sg));
	sg.md = EVP_sha384();
	sg.hkey = secret;
	sg.hlen = strlen(secret);
	tok = mint("{\"alg\":\"HS384\"}", payload, &sg);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "alg_mismatch");
	free(tok);
	tok = mint("{\"alg\":\"HS256\"}", payload, &sg);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_signature");
	free(tok);
	tok = mint("{\"alg\":\"HS512\"}", payload, hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "alg_mismatch");
	free(tok);

	/* ES256 token against a P-384 key, RS256 against ES256. */
	tok = mint("{\"alg\":\"ES256\"}", payload, es(256));
	T_EQ_INT(verify(&ctx, &conf, &es384_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "alg_mismatch");
	T_EQ_INT(verify(&ctx, &conf, &es256_key, tok), AR_OK);
	free(tok);
	tok = mint("{\"alg\":\"RS256\"}", payload, rs256());
	T_EQ_INT(verify(&ctx, &conf, &es256_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "alg_mismatch");
	free(tok);

	/* Header oddities: alg missing or not a string, duplicate alg. */
	tok = mint("{\"typ\":\"JWT\"}", payload, hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_header");
	free(tok);
	tok = mint("{\"alg\":[\"HS256\"]}", payload, hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_header");
	free(tok);
	tok = mint("{\"alg\":\"HS256\",\"alg\":\"none\"}", payload, hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_header");
	free(tok);
	tok = mint("[\"HS256\"]", payload, hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_header");
	free(tok);
	tok = mint("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", payload,
	    hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_header");
	free(tok);

	/* typ must be absent or exactly JWT. */
	tok = mint("{\"alg\":\"HS256\",\"typ\":\"JWS\"}", payload, hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_header");
	free(tok);
	tok = mint("{\"alg\":\"HS256\",\"typ\":\"jwt\"}", payload, hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_header");
	free(tok);
	tok = mint("{\"alg\":\"HS256\",\"typ\":null}", payload, hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_header");
	free(tok);
}

static void
test_bad_key(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_key k;
	char payload[128], *tok;

	init_conf(&conf);
	snprintf(payload, sizeof(payload), "{\"uid\":\"usr_1\",\"exp\":%lld}",
	    NOW + 600);
	tok = mint("{\"alg\":\"HS256\"}", payload, hs256());
	/* An empty key must never reach libjwt (it would skip the check). */
	k = hs_key;
	k.len = 0;
	T_EQ_INT(verify(&ctx, &conf, &k, tok), AR_ERR_INTERNAL);
	k.data = NULL;
	k.len = hs_key.len;
	T_EQ_INT(verify(&ctx, &conf, &k, tok), AR_ERR_INTERNAL);
	k = hs_key;
	k.alg = AR_ALG_NONE;
	T_EQ_INT(verify(&ctx, &conf, &k, tok), AR_ERR_INTERNAL);
	T_EQ_INT(verify(&ctx, &conf, NULL, tok), AR_ERR_INTERNAL);
	free(tok);

	/* Another secret of the right size. */
	{
		struct jwtmint_signer sg;
		const char *other = "jsk_other_secret_0123456789abcdefXY";

		memset(&sg, 0, sizeof(sg));
		sg.md = EVP_sha256();
		sg.hkey = other;
		sg.hlen = strlen(other);
		tok = mint("{\"alg\":\"HS256\"}", payload, &sg);
		T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "bad_signature");
		free(tok);
	}
}

static void
test_grammar(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	char payload[128], *tok, *t2, *dot;
	size_t n;

	init_conf(&conf);
	snprintf(payload, sizeof(payload), "{\"uid\":\"usr_1\",\"exp\":%lld}",
	    NOW + 600);
	tok = mint("{\"alg\":\"HS256\"}", payload, hs256());
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_OK);
	n = strlen(tok);
	t2 = malloc(2 * n + 64);

	/* Stripped signature ("h.p.") and two segments ("h.p"). */
	dot = strrchr(tok, '.');
	memcpy(t2, tok, (size_t)(dot - tok) + 1);
	t2[dot - tok + 1] = '\0';
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	t2[dot - tok] = '\0';
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");

	/* Four and five segments. */
	sprintf(t2, "%s.%s", tok, dot + 1);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	sprintf(t2, "%s.%s.%s", tok, dot + 1, dot + 1);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	sprintf(t2, "%s.", tok);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	sprintf(t2, ".%s", tok);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	T_EQ_INT(verify(&ctx, &conf, &hs_key, ""), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	T_EQ_INT(verify(&ctx, &conf, &hs_key, ".."), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");

	/* Padding, and characters outside base64url. */
	sprintf(t2, "%s=", tok);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	sprintf(t2, "%s==", tok);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	strcpy(t2, tok);
	t2[n - 10] = '+';
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	sprintf(t2, "%s\n", tok);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	sprintf(t2, " %s", tok);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	/* An added invalid character in the signature (libjwt skips it). */
	memcpy(t2, tok, n - 5);
	strcpy(t2 + n - 5, "!");
	strcat(t2, tok + n - 5);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
	/* An embedded NUL: the length says more than strlen. */
	{
		struct ar_identity id;

		strcpy(t2, tok);
		t2[n - 3] = '\0';
		ar_ctx_init(&ctx, "test");
		ctx.now = (time_t)NOW;
		memset(&id, 0, sizeof(id));
		T_EQ_INT(ar_token_verify(&ctx, &conf, &hs_key, t2, n, &id),
		    AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "malformed");
	}

	/* One signature character changed. */
	strcpy(t2, tok);
	t2[n - 20] = t2[n - 20] == 'A' ? 'B' : 'A';
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_signature");
	/* Signature with one character removed or added. */
	strcpy(t2, tok);
	t2[n - 1] = '\0';
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_signature");
	sprintf(t2, "%sA", tok);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_signature");
	/*
	 * The last character of a 32-byte signature carries 2 unused bits;
	 * flipping them decodes to the same bytes in lenient decoders.
	 */
	strcpy(t2, tok);
	{
		static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_";
		int v = (int)(strchr(tab, t2[n - 1]) - tab);

		t2[n - 1] = tab[v ^ 1];
	}
	T_EQ_INT(verify(&ctx, &conf, &hs_key, t2), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_signature");
	free(t2);
	free(tok);

	/* Non-canonical trailing bits in the header. */
	{
		char *h = jwtmint_b64url("{\"alg\":\"HS256\"}", 15);
		char *p;

		T_EQ_INT(strlen(h) % 4, 0);
		free(h);
		/* 16 bytes: 22 characters, 4 unused bits in the last. */
		tok = mint("{\"alg\":\"HS256\"} ", payload, hs256());
		T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_OK);
		p = strchr(tok, '.');
		T_EQ_INT(p - tok, 22);
		p[-1] = p[-1] == 'A' ? 'B' : p[-1] + 1;
		T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "malformed");
		free(tok);
	}
}

static void
test_size(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	size_t sizes[] = { AR_MAX_TOKEN + 1, 1024 * 1024, 16 * 1024 * 1024 };
	char *big;
	size_t i;
	int64_t t0, dt;

	init_conf(&conf);
	big = malloc(sizes[2] + 1);
	memset(big, 'A', sizes[2]);
	big[0] = 'e';
	big[1] = 'y';
	big[2] = 'J';
	big[100] = '.';
	big[200] = '.';
	big[sizes[2]] = '\0';
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ar_ctx_init(&ctx, "test");
		ctx.now = (time_t)NOW;
		memset(&id, 0, sizeof(id));
		t0 = ar_monotonic_ms();
		T_EQ_INT(ar_token_verify(&ctx, &conf, &hs_key, big, sizes[i],
		    &id), AR_ERR_AUTH);
		dt = ar_monotonic_ms() - t0;
		T_EQ_STR(ctx.reason, "too_large");
		/* Refused on the length alone: no scan of the input. */
		T_CHECK(dt <= 2);
		T_CHECK(ar_token_looks_like_jwt(big, sizes[i]));
	}
	/* Exactly AR_MAX_TOKEN passes the size check (and fails later). */
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_token_verify(&ctx, &conf, &hs_key, big, AR_MAX_TOKEN,
	    &id), AR_ERR_AUTH);
	T_CHECK(ctx.reason != NULL && strcmp(ctx.reason, "too_large") != 0);
	free(big);
}

/* A valid token padded (through a claim) to more than want characters. */
static char *
long_token(size_t want)
{
	char *payload = malloc(want + 128), *tok;

	snprintf(payload, want + 128, "{\"uid\":\"usr_1\",\"exp\":%lld,"
	    "\"fn\":\"%0*d\"}", NOW + 600, (int)(want * 3 / 4), 0);
	tok = mint("{\"alg\":\"HS256\"}", payload, hs256());
	free(payload);
	return tok;
}

static void
test_truncated(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	size_t cuts[] = { 255, 511, 1023, 4095 };
	char *tok, *p;
	size_t i, hp;

	init_conf(&conf);
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		/* Cut inside the signature. */
		tok = long_token(cuts[i] - 90);
		T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_OK);
		hp = (size_t)(strrchr(tok, '.') - tok);
		T_CHECK(hp < cuts[i] && strlen(tok) > cuts[i]);
		tok[cuts[i]] = '\0';
		T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "truncated");
		T_CHECK(strstr(ctx.detail, "probably truncated") != NULL);
		free(tok);

		/* Cut inside the payload: two segments left. */
		tok = long_token(cuts[i] + 200);
		tok[cuts[i]] = '\0';
		T_CHECK(strchr(tok, '.') == strrchr(tok, '.'));
		T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "truncated");
		free(tok);
	}
	/* One character more: a plain bad signature. */
	tok = long_token(256 - 90);
	tok[256] = '\0';
	p = strrchr(tok, '.');
	T_CHECK(p != NULL && (size_t)(p - tok) < 256);
	T_EQ_INT(verify(&ctx, &conf, &hs_key, tok), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_signature");
	free(tok);
}

static void
test_claim_types(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	char payload[512];
	const char *bad_exp[] = {
		"\"1900000000\"", "1900000000.0", "1.9e9", "true", "null",
		"[1900000000]", "{}"
	};
	const char *bad[] = {
		"{\"sub\":\"a\",\"sub\":\"b\",\"exp\":1900000000}",
		"{\"uid\":\"a\",\"uid\":\"b\",\"exp\":1900000000}",
		"{\"sub\":\"usr_1\",\"iss\":\"https://authrocket.com\","
		    "\"exp\":1900000000,\"exp\":1}",
		"{\"sub\":5,\"exp\":1900000000}",
		"{\"sub\":null,\"exp\":1900000000}",
		"{\"sub\":\"\",\"iss\":\"https://authrocket.com\","
		    "\"exp\":1900000000}",
		"{\"un\":\"alice\",\"exp\":1900000000}",
		"{\"uid\":[\"usr_1\"],\"exp\":1900000000}",
		"{\"uid\":\"usr_1\",\"aud\":[\"rl_1\",5],\"exp\":1900000000}",
		"{\"uid\":\"usr_1\",\"tk\":7,\"exp\":1900000000}",
		"{\"uid\":\"usr_1\",\"m\":{},\"exp\":1900000000}",
		"{\"uid\":\"usr_1\",\"m\":[5],\"exp\":1900000000}",
		"{\"uid\":\"usr_1\",\"m\":[{\"oid\":1}],\"exp\":1900000000}",
		"{\"uid\":\"usr_1\",\"m\":[{\"oid\":\"o\",\"p\":\"sudo\"}],"
		    "\"exp\":1900000000}",
		"{\"uid\":\"usr_1\",\"m\":[{\"oid\":\"o\",\"p\":[1]}],"
		    "\"exp\":1900000000}",
		"{\"uid\":\"usr_1\",\"nbf\":\"0\",\"exp\":1900000000}",
		"{\"uid\":\"usr_1\",\"iat\":1.5,\"exp\":1900000000}",
		"{\"uid\":\"usr_1\",\"cs\":[],\"exp\":1900000000}",
		"{\"sub\":\"usr_1\",\"iss\":\"https://authrocket.com\","
		    "\"email_verified\":\"true\",\"exp\":1900000000}",
		"{\"sub\":\"usr_1\",\"iss\":\"https://authrocket.com\","
		    "\"rid\":[\"rl_1\"],\"exp\":1900000000}",
		"{\"sub\":\"usr_1\",\"iss\":\"https://authrocket.com\","
		    "\"orgs\":[{\"oid\":\"o\",\"perm\":[null]}],"
		    "\"exp\":1900000000}",
		"{\"sub\":\"usr_1\",\"iss\":\"https://authrocket.com\","
		    "\"orgs\":[{\"oid\":\"o\",\"selected\":1}],"
		    "\"exp\":1900000000}",
		"{\"sub\":\"usr_1\",\"iss\":5,\"exp\":1900000000}",
		"{\"sub\":\"usr_1\",\"iss\":\"https://authrocket.com\","
		    "\"preferred_username\":[],\"exp\":1900000000}",
		"[{\"sub\":\"usr_1\"}]",
		"\"usr_1\"",
		"{\"uid\":\"usr_1\",\"exp\":1900000000} x",
		"{\"uid\":\"usr_1\",\"exp\":1900000000,}",
	};
	char deep[256];
	size_t i;

	init_conf(&conf);
	for (i = 0; i < sizeof(bad_exp) / sizeof(bad_exp[0]); i++) {
		snprintf(payload, sizeof(payload), "{\"uid\":\"usr_1\","
		    "\"exp\":%s}", bad_exp[i]);
		T_EQ_INT(hs_payload(&ctx, &conf, payload), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "bad_claims");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		T_EQ_INT(hs_payload(&ctx, &conf, bad[i]), AR_ERR_AUTH);
		T_EQ_STR(ctx.reason, "bad_claims");
		if (ctx.reason == NULL || strcmp(ctx.reason, "bad_claims"))
			fprintf(stderr, "  payload %zu: %s\n", i, bad[i]);
	}
	/* Optional names may be null (treated as absent). */
	T_EQ_INT(hs_payload(&ctx, &conf, "{\"uid\":\"usr_1\",\"un\":null,"
	    "\"fn\":null,\"cs\":null,\"exp\":1900000000}"), AR_OK);

	/* Deep nesting in the payload. */
	strcpy(deep, "{\"uid\":\"usr_1\",\"exp\":1900000000,\"cs\":");
	for (i = 0; i < 20; i++)
		strcat(deep, "[");
	for (i = 0; i < 20; i++)
		strcat(deep, "]");
	strcat(deep, "}");
	T_EQ_INT(hs_payload(&ctx, &conf, deep), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_claims");
	T_CHECK(strstr(ctx.detail, "nested") != NULL);
}

/*
 * The time, realm and issuer rules, one row each: the settings, the
 * payload (an HS256 token is minted from it; "{T+n}" and "{T-n}" stand for
 * the clock plus or minus n seconds) and the expected result and reason.
 */
struct claim_rule {
	const char	*rule;
	int		 leeway;
	int		 max_token_age;
	const char	*realm_id;
	const char	*issuer;
	const char	*payload;
	int		 want;
	const char	*reason;	/* NULL for AR_OK */
};

static const struct claim_rule claim_rules[] = {
	/* exp and the leeway. */
	{ "exp passed",
	    0, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T-10}}",
	    AR_ERR_AUTH, "expired" },
	{ "exp is now: expired",
	    0, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T+0}}",
	    AR_ERR_AUTH, "expired" },
	{ "exp a second ahead",
	    0, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T+1}}",
	    AR_OK, NULL },
	{ "within the leeway",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T-10}}",
	    AR_OK, NULL },
	{ "at the leeway",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T-30}}",
	    AR_ERR_AUTH, "expired" },
	{ "beyond the leeway",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T-31}}",
	    AR_ERR_AUTH, "expired" },
	/* nbf and iat in the future, within and beyond the leeway. */
	{ "nbf ahead",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T+600},\"nbf\":{T+100}}",
	    AR_ERR_AUTH, "not_yet_valid" },
	{ "nbf within leeway",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T+600},\"nbf\":{T+30}}",
	    AR_OK, NULL },
	{ "iat ahead",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T+600},\"iat\":{T+100}}",
	    AR_ERR_AUTH, "issued_in_future" },
	{ "iat within leeway",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T+600},\"iat\":{T+20}}",
	    AR_OK, NULL },
	/* Exp missing: refused unless max_token_age bounds the age. */
	{ "no exp, no max age",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"iat\":{T-100}}",
	    AR_ERR_AUTH, "no_exp" },
	{ "no exp, young enough",
	    30, 600, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"iat\":{T-100}}",
	    AR_OK, NULL },
	{ "no exp, no iat",
	    30, 600, NULL, NULL,
	    "{\"uid\":\"usr_1\"}",
	    AR_ERR_AUTH, "too_old" },
	{ "older than max age",
	    30, 600, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"iat\":{T-1000}}",
	    AR_ERR_AUTH, "too_old" },
	{ "too old despite exp",
	    30, 600, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"iat\":{T-1000},\"exp\":{T+600}}",
	    AR_ERR_AUTH, "too_old" },
	{ "max age plus leeway",
	    30, 600, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"iat\":{T-630}}",
	    AR_OK, NULL },
	{ "beyond max age plus leeway",
	    30, 600, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"iat\":{T-631}}",
	    AR_ERR_AUTH, "too_old" },
	/* Values at the int64 limits must not wrap around. */
	{ "iat at INT64_MIN",
	    30, 600, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"iat\":-9223372036854775808}",
	    AR_ERR_AUTH, "too_old" },
	{ "exp at INT64_MAX",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":9223372036854775807}",
	    AR_OK, NULL },
	{ "exp at INT64_MIN",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":-9223372036854775808}",
	    AR_ERR_AUTH, "expired" },
	{ "nbf at INT64_MAX",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":9223372036854775807,"
	    "\"nbf\":9223372036854775807}",
	    AR_ERR_AUTH, "not_yet_valid" },
	{ "iat at INT64_MAX",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":9223372036854775807,"
	    "\"iat\":9223372036854775807}",
	    AR_ERR_AUTH, "issued_in_future" },
	{ "beyond int64: jansson refuses",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":9223372036854775808}",
	    AR_ERR_AUTH, "bad_claims" },
	/* Realm: aud (v1) or rid (v2) must be realm_id, exactly. */
	{ "other realm",
	    30, 0, "rl_a", NULL,
	    "{\"uid\":\"usr_1\",\"aud\":\"rl_b\",\"exp\":{T+60}}",
	    AR_ERR_AUTH, "wrong_realm" },
	{ "no aud",
	    30, 0, "rl_a", NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T+60}}",
	    AR_ERR_AUTH, "wrong_realm" },
	{ "case differs",
	    30, 0, "rl_a", NULL,
	    "{\"uid\":\"usr_1\",\"aud\":\"rl_A\",\"exp\":{T+60}}",
	    AR_ERR_AUTH, "wrong_realm" },
	{ "aud list holds it",
	    30, 0, "rl_a", NULL,
	    "{\"uid\":\"usr_1\",\"aud\":[\"x\",\"rl_a\"],\"exp\":{T+60}}",
	    AR_OK, NULL },
	{ "empty aud list",
	    30, 0, "rl_a", NULL,
	    "{\"uid\":\"usr_1\",\"aud\":[],\"exp\":{T+60}}",
	    AR_ERR_AUTH, "wrong_realm" },
	{ "v2: aud does not count",
	    30, 0, "rl_a", NULL,
	    "{\"sub\":\"usr_1\",\"aud\":\"rl_a\","
	    "\"iss\":\"https://authrocket.com\",\"exp\":{T+60}}",
	    AR_ERR_AUTH, "wrong_realm" },
	{ "v2 rid",
	    30, 0, "rl_a", NULL,
	    "{\"sub\":\"usr_1\",\"rid\":\"rl_a\","
	    "\"iss\":\"https://authrocket.com\",\"exp\":{T+60}}",
	    AR_OK, NULL },
	{ "v2 other rid",
	    30, 0, "rl_a", NULL,
	    "{\"sub\":\"usr_1\",\"rid\":\"rl_b\","
	    "\"iss\":\"https://authrocket.com\",\"exp\":{T+60}}",
	    AR_ERR_AUTH, "wrong_realm" },
	/* Issuer: v2 requires the default issuer unless one is configured. */
	{ "v2 without iss",
	    30, 0, NULL, NULL,
	    "{\"sub\":\"usr_1\",\"exp\":{T+60}}",
	    AR_ERR_AUTH, "wrong_issuer" },
	{ "v2 other iss",
	    30, 0, NULL, NULL,
	    "{\"sub\":\"usr_1\",\"iss\":\"https://evil.example\","
	    "\"exp\":{T+60}}",
	    AR_ERR_AUTH, "wrong_issuer" },
	{ "v2 iss with a slash",
	    30, 0, NULL, NULL,
	    "{\"sub\":\"usr_1\",\"iss\":\"https://authrocket.com/\","
	    "\"exp\":{T+60}}",
	    AR_ERR_AUTH, "wrong_issuer" },
	{ "configured issuer",
	    30, 0, NULL, "https://login.example.com",
	    "{\"sub\":\"usr_1\",\"iss\":\"https://authrocket.com/\","
	    "\"exp\":{T+60}}",
	    AR_ERR_AUTH, "wrong_issuer" },
	{ "v2 configured issuer",
	    30, 0, NULL, "https://login.example.com",
	    "{\"sub\":\"usr_1\",\"iss\":\"https://login.example.com\","
	    "\"exp\":{T+60}}",
	    AR_OK, NULL },
	/* v1: iss checked only when an issuer is configured. */
	{ "v1 without iss",
	    30, 0, NULL, "https://login.example.com",
	    "{\"uid\":\"usr_1\",\"exp\":{T+60}}",
	    AR_ERR_AUTH, "wrong_issuer" },
	{ "v1 configured iss",
	    30, 0, NULL, "https://login.example.com",
	    "{\"uid\":\"usr_1\",\"iss\":\"https://login.example.com\","
	    "\"exp\":{T+60}}",
	    AR_OK, NULL },
	{ "v1 no issuer configured",
	    30, 0, NULL, NULL,
	    "{\"uid\":\"usr_1\",\"exp\":{T+60}}",
	    AR_OK, NULL },
};

/* Replace each "{T+n}" / "{T-n}" of tmpl by NOW + n / NOW - n. */
static void
expand_times(const char *tmpl, char *out, size_t n)
{
	size_t o = 0;
	long long off;
	char *end;

	while (*tmpl != '\0' && o + 24 < n) {
		if (strncmp(tmpl, "{T", 2) == 0) {
			off = strtoll(tmpl + 2, &end, 10);
			o += (size_t)snprintf(out + o, n - o, "%lld",
			    NOW + off);
			tmpl = end + 1;	/* past '}' */
		} else
			out[o++] = *tmpl++;
	}
	out[o] = '\0';
}

static void
test_claim_rules(void)
{
	const struct claim_rule *cr;
	struct ar_ctx ctx;
	struct ar_conf conf;
	char payload[512];
	size_t i;
	int r;

	for (i = 0; i < sizeof(claim_rules) / sizeof(claim_rules[0]); i++) {
		cr = &claim_rules[i];
		init_conf(&conf);
		conf.leeway = cr->leeway;
		conf.max_token_age = cr->max_token_age;
		conf.realm_id = (char *)cr->realm_id;
		conf.issuer = (char *)cr->issuer;
		expand_times(cr->payload, payload, sizeof(payload));
		r = hs_payload(&ctx, &conf, payload);
		if (r != cr->want || (cr->reason != NULL && (ctx.reason ==
		    NULL || strcmp(ctx.reason, cr->reason) != 0)))
			fprintf(stderr, "  rule \"%s\": %s\n", cr->rule,
			    payload);
		T_EQ_INT(r, cr->want);
		if (cr->reason != NULL)
			T_EQ_STR(ctx.reason, cr->reason);
	}
}

static void
test_peek_kid(void)
{
	struct ar_ctx ctx;
	char *tok, *kid = (char *)"untouched";

	tok = mint("{\"alg\":\"RS256\",\"kid\":\"key-1\"}", "{}", hs256());
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_token_peek_kid(&ctx, tok, strlen(tok), &kid), AR_OK);
	T_EQ_STR(kid, "key-1");
	free(kid);
	free(tok);

	tok = mint("{\"alg\":\"RS256\"}", "{}", hs256());
	ar_ctx_init(&ctx, "test");
	kid = (char *)"untouched";
	T_EQ_INT(ar_token_peek_kid(&ctx, tok, strlen(tok), &kid), AR_OK);
	T_CHECK(kid == NULL);
	free(tok);

	tok = mint("{\"alg\":\"RS256\",\"kid\":7}", "{}", hs256());
	ar_ctx_init(&ctx, "test");
	kid = (char *)"untouched";
	T_EQ_INT(ar_token_peek_kid(&ctx, tok, strlen(tok), &kid),
	    AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_header");
	T_EQ_STR(kid, "untouched");
	free(tok);

	tok = mint("{\"alg\":\"none\",\"kid\":\"k\"}", "{}", hs256());
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_token_peek_kid(&ctx, tok, strlen(tok), &kid),
	    AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "alg_mismatch");
	free(tok);

	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_token_peek_kid(&ctx, "abc", 3, &kid), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "malformed");
}

static void
test_looks_like(void)
{
	T_EQ_INT(ar_token_looks_like_jwt("eyJhbGc.eyJzdWI.c2ln", 20), 1);
	T_EQ_INT(ar_token_looks_like_jwt("eyJhbGc.eyJzdWI.", 16), 0);
	T_EQ_INT(ar_token_looks_like_jwt("eyJhbGc.eyJzdWI", 15), 0);
	T_EQ_INT(ar_token_looks_like_jwt("eyJhbGc..c2ln", 13), 0);
	T_EQ_INT(ar_token_looks_like_jwt("eyJh.bGc.eyJ.zdWI", 17), 0);
	T_EQ_INT(ar_token_looks_like_jwt("hunter2", 7), 0);
	T_EQ_INT(ar_token_looks_like_jwt("password.with.dots", 18), 0);
	T_EQ_INT(ar_token_looks_like_jwt("eyJ a.b.c", 9), 0);
	T_EQ_INT(ar_token_looks_like_jwt("eyJa.b.c=", 9), 0);
	T_EQ_INT(ar_token_looks_like_jwt(NULL, 0), 0);
	T_EQ_INT(ar_token_looks_like_jwt("", 0), 0);
}

static void
test_memberships_api(void)
{
	struct ar_ctx ctx;
	struct ar_identity id;
	json_t *root = NULL;
	const char *good = "{\"c\":[{\"org_id\":\"org_1\","
	    "\"user_id\":\"usr_1\",\"permissions\":[\"sudo\"],"
	    "\"expires_at\":null,\"object\":\"membership\"},"
	    "{\"org_id\":\"org_2\",\"permissions\":[],"
	    "\"expires_at\":1800000000},{\"org_id\":\"org_3\",\"permissions\":"
	    "[\"a\",\"b\"],\"expires_at\":\"2025-01-31T12:00:00Z\"},"
	    "{\"org_id\":\"org_4\","
	    "\"expires_at\":\"2024-02-29T00:00:01.5+01:00\"}]}";
	const char *bad[] = {
		"{\"c\":[{\"org_id\":1}]}",
		"{\"c\":[{\"org_id\":\"o\",\"permissions\":\"sudo\"}]}",
		"{\"c\":[{\"org_id\":\"o\",\"permissions\":[2]}]}",
		"{\"c\":[{\"org_id\":\"o\",\"expires_at\":1.5}]}",
		"{\"c\":[{\"org_id\":\"o\",\"expires_at\":\"tomorrow\"}]}",
		"{\"c\":[{\"org_id\":\"o\",\"expires_at\":"
		    "\"2023-02-29T00:00:00Z\"}]}",
		"{\"c\":[{\"org_id\":\"o\",\"expires_at\":true}]}",
		"{\"c\":[{\"org_id\":\"o\",\"user_id\":5}]}",
		"{\"c\":[\"org_1\"]}",
		"{\"c\":{}}",
	};
	size_t i;

	memset(&id, 0, sizeof(id));
	ar_ctx_init(&ctx, "test");
	T_EQ_INT(ar_json_parse_object(&ctx, good, strlen(good), AR_ERR_UNAVAIL,
	    &root), AR_OK);
	T_EQ_INT(ar_memberships_parse(&ctx, json_object_get(root, "c"),
	    AR_MEMB_API, AR_ERR_UNAVAIL, &id), AR_OK);
	json_decref(root);
	T_EQ_INT(id.have_memberships, 1);
	T_EQ_INT(id.n_memb, 4);
	if (id.n_memb == 4) {
		T_EQ_STR(id.memb[0].org_id, "org_1");
		T_EQ_STR(id.memb[0].perm[0], "sudo");
		T_EQ_INT(id.memb[0].expires_at, 0);
		T_EQ_INT(id.memb[1].expires_at, 1800000000);
		T_EQ_INT(id.memb[2].expires_at, 1738324800);
		T_EQ_INT(id.memb[2].n_perm, 2);
		T_EQ_INT(id.memb[3].expires_at, 1709161201);
		T_EQ_INT(id.memb[3].n_perm, 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ar_ctx_init(&ctx, "test");
		root = NULL;
		T_EQ_INT(ar_json_parse_object(&ctx, bad[i], strlen(bad[i]),
		    AR_ERR_UNAVAIL, &root), AR_OK);
		T_EQ_INT(ar_memberships_parse(&ctx,
		    json_object_get(root, "c"), AR_MEMB_API, AR_ERR_UNAVAIL,
		    &id), AR_ERR_UNAVAIL);
		T_EQ_STR(ctx.reason, "bad_json");
		json_decref(root);
	}
	/* A failed call leaves the earlier result alone. */
	T_EQ_INT(id.n_memb, 4);
	ar_identity_clear(&id);
}

int
main(void)
{
	if (setup() != 0) {
		fprintf(stderr, "test_token: key setup failed\n");
		return 1;
	}
	T_RUN(test_valid_v1);
	T_RUN(test_valid_v2);
	T_RUN(test_alg_attacks);
	T_RUN(test_bad_key);
	T_RUN(test_grammar);
	T_RUN(test_size);
	T_RUN(test_truncated);
	T_RUN(test_claim_types);
	T_RUN(test_claim_rules);
	T_RUN(test_peek_kid);
	T_RUN(test_looks_like);
	T_RUN(test_memberships_api);
	ar_key_free(&hs_key);
	ar_key_free(&rs_key);
	ar_key_free(&es256_key);
	ar_key_free(&es384_key);
	free(rs_pub_pem);
	EVP_PKEY_free(rsa_priv);
	EVP_PKEY_free(ec256_priv);
	EVP_PKEY_free(ec384_priv);
	return t_done("test_token");
}
