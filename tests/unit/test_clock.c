/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the clock seam: ar_ctx_tick() reads the context's clock,
 * and the authentication flow reads it again when the answer arrives, so
 * a token is judged at the moment it was typed, not when the module
 * started.  The prompt callback moves a fake clock forward as a person
 * taking their time would.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth.h"
#include "harness.h"

#define T0	1700000000LL	/* when the module started */
#define WAIT	120		/* seconds the prompt stood open */

static const char secret[] = "jsk_clock_test_secret_0123456789abcdef";

struct fake {
	time_t	 t;		/* the fake wall clock */
	int	 reads;		/* how often the flow read it */
	char	*answer;	/* what the person types */
};

static time_t
fake_clock(void *arg)
{
	struct fake *f = arg;

	f->reads++;
	return f->t;
}

/* The person reads the prompt for WAIT seconds, then answers. */
static int
slow_prompt(void *arg, int style, const char *text, char **reply)
{
	struct fake *f = arg;

	(void)text;
	if (style != AR_PROMPT_ECHO_OFF && style != AR_PROMPT_ECHO_ON)
		return AR_OK;
	f->t += WAIT;
	*reply = strdup(f->answer);
	return *reply != NULL ? AR_OK : AR_ERR_NOMEM;
}

static void
b64url(const unsigned char *in, size_t n, char *out)
{
	int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	int i, o = 0;

	for (i = 0; i < len; i++) {
		if (out[i] == '=')
			break;
		out[o++] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
	}
	out[o] = '\0';
}

/* An HS256 token for root with the given iat and exp. */
static char *
mint(long long iat, long long exp)
{
	static char tok[1024];
	char payload[256], hdr[64], body[512], sig[64];
	unsigned char mac[32];
	unsigned int maclen = sizeof(mac);
	const char *h = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

	snprintf(payload, sizeof(payload), "{\"uid\":\"usr_root\",\"un\":"
	    "\"root\",\"iat\":%lld,\"exp\":%lld}", iat, exp);
	b64url((const unsigned char *)h, strlen(h), hdr);
	b64url((const unsigned char *)payload, strlen(payload), body);
	snprintf(tok, sizeof(tok), "%s.%s", hdr, body);
	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)tok, strlen(tok), mac, &maclen);
	b64url(mac, maclen, sig);
	strcat(tok, ".");
	strcat(tok, sig);
	return tok;
}

/* Authenticate root with the token; returns the result. */
static int
login(struct ar_ctx *ctx, struct fake *f, const char *tok)
{
	struct ar_identity *id = NULL;
	struct ar_conf conf;
	int r;

	memset(&conf, 0, sizeof(conf));
	conf.jwt_key = (char *)secret;
	conf.jwt_key_len = strlen(secret);
	conf.mode = AR_MODE_TOKEN;
	conf.map_by = AR_MAP_USERNAME;
	conf.leeway = 0;
	conf.min_uid = 0;
	ar_ctx_init(ctx, "auth");
	ctx->user = "root";
	f->t = (time_t)T0;
	f->reads = 0;
	f->answer = (char *)tok;
	ctx->clock = fake_clock;
	ctx->clock_arg = f;
	ar_ctx_tick(ctx);
	ctx->prompt = slow_prompt;
	ctx->prompt_arg = f;
	r = ar_auth_authenticate(ctx, &conf, &id);
	ar_identity_free(id);
	return r;
}

static void
test_tick(void)
{
	struct ar_ctx ctx;
	struct fake f;

	memset(&f, 0, sizeof(f));
	ar_ctx_init(&ctx, "test");
	T_CHECK(ctx.clock == ar_clock_wall);
	T_CHECK(ctx.now > (time_t)T0);
	/* Without a clock the time stands where the caller put it. */
	ctx.clock = NULL;
	ctx.now = 42;
	T_EQ_INT(ar_ctx_tick(&ctx), 42);
	T_EQ_INT(ctx.now, 42);
	f.t = 77;
	ctx.clock = fake_clock;
	ctx.clock_arg = &f;
	T_EQ_INT(ar_ctx_tick(&ctx), 77);
	T_EQ_INT(ctx.now, 77);
	T_EQ_INT(f.reads, 1);
}

static void
test_expired_while_prompting(void)
{
	struct ar_ctx ctx;
	struct fake f;

	memset(&f, 0, sizeof(f));
	/* Valid when the prompt appeared, expired when it was answered. */
	T_EQ_INT(login(&ctx, &f, mint(T0 - 10, T0 + WAIT / 2)), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "expired");
	T_EQ_INT(ctx.now, T0 + WAIT);
	T_CHECK(f.reads >= 2);
	/* Still valid at the answer: accepted. */
	T_EQ_INT(login(&ctx, &f, mint(T0 - 10, T0 + WAIT + 5)), AR_OK);
}

static void
test_issued_while_prompting(void)
{
	struct ar_ctx ctx;
	struct fake f;

	memset(&f, 0, sizeof(f));
	/* Fetched after the prompt appeared: not from the future. */
	T_EQ_INT(login(&ctx, &f, mint(T0 + WAIT / 2, T0 + 3600)), AR_OK);
	T_EQ_INT(ctx.err, AR_OK);
	/* Issued after the answer: still refused. */
	T_EQ_INT(login(&ctx, &f, mint(T0 + WAIT + 5, T0 + 3600)), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "issued_in_future");
}

int
main(void)
{
	T_RUN(test_tick);
	T_RUN(test_expired_while_prompting);
	T_RUN(test_issued_while_prompting);
	return t_done("test_clock");
}
