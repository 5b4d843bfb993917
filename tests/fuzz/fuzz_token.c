/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: whole-token verification with a fixed HS256 key and clock.
 * The first byte picks the mode: even, the rest is the token as typed;
 * odd, the rest is "HEADER\nPAYLOAD" which is signed here with the key,
 * so that tokens with valid signatures reach libjwt and the claim checks.
 */
#include <openssl/hmac.h>
#include <openssl/evp.h>

#include "fuzz.h"
#include "conf.h"
#include "identity.h"
#include "key.h"
#include "token.h"

#define SECRET	"jsk_fuzz0123456789abcdef0123456789abcdef"

static void
b64url(const unsigned char *in, size_t n, char *out)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		out[o++] = tab[in[i] >> 2];
		out[o++] = tab[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		out[o++] = tab[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
		out[o++] = tab[in[i + 2] & 63];
	}
	if (n - i == 1) {
		out[o++] = tab[in[i] >> 2];
		out[o++] = tab[(in[i] & 3) << 4];
	} else if (n - i == 2) {
		out[o++] = tab[in[i] >> 2];
		out[o++] = tab[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		out[o++] = tab[(in[i + 1] & 15) << 2];
	}
	out[o] = '\0';
}

/* "HEADER\nPAYLOAD" -> signed compact token (malloc'ed), or NULL. */
static char *
sign(const uint8_t *d, size_t n, size_t *len)
{
	const uint8_t *nl = memchr(d, '\n', n);
	unsigned char mac[32];
	unsigned int maclen = 0;
	size_t hl, pl, cap;
	char *tok;

	if (nl == NULL)
		return NULL;
	hl = (size_t)(nl - d);
	pl = n - hl - 1;
	cap = (hl + pl + 32) * 4 / 3 + 16;
	if ((tok = malloc(cap)) == NULL)
		return NULL;
	b64url(d, hl, tok);
	strcat(tok, ".");
	b64url(nl + 1, pl, tok + strlen(tok));
	if (HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET),
	    (unsigned char *)tok, strlen(tok), mac, &maclen) == NULL) {
		free(tok);
		return NULL;
	}
	strcat(tok, ".");
	b64url(mac, maclen, tok + strlen(tok));
	*len = strlen(tok);
	return tok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ar_key key;
	static int have_key;
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *tok = NULL, *kid = NULL;
	size_t len;
	int r;

	if (size < 1)
		return 0;
	if (!have_key) {
		fuzz_ctx(&ctx, "auth");
		if (ar_key_parse(&ctx, SECRET, strlen(SECRET), &key) != AR_OK)
			abort();
		have_key = 1;
	}
	if (data[0] & 1) {
		if ((tok = sign(data + 1, size - 1, &len)) == NULL)
			return 0;
	} else {
		len = size - 1;
		if ((tok = malloc(len + 1)) == NULL)
			return 0;
		memcpy(tok, data + 1, len);
		tok[len] = '\0';
	}
	memset(&conf, 0, sizeof(conf));
	conf.leeway = (data[0] & 2) ? 0 : 30;
	conf.max_token_age = (data[0] & 4) ? 600 : 0;
	conf.realm_id = (data[0] & 8) ? NULL : (char *)"rl_test";
	conf.issuer = (data[0] & 16) ? (char *)"https://authrocket.com" : NULL;

	(void)ar_token_looks_like_jwt(tok, len);
	fuzz_ctx(&ctx, "auth");
	r = ar_token_peek_kid(&ctx, tok, len, &kid);
	if (r == AR_OK)
		free(kid);
	else if (kid != NULL)
		abort();		/* output set on error */

	memset(&id, 0, sizeof(id));
	fuzz_ctx(&ctx, "auth");
	r = ar_token_verify(&ctx, &conf, &key, tok, len, &id);
	if (r == AR_OK) {
		if (id.user_id == NULL || (id.version != 1 && id.version != 2))
			abort();
	} else if (id.user_id != NULL || ctx.err == AR_OK ||
	    ctx.reason == NULL) {
		abort();		/* a failure must be recorded */
	}
	ar_identity_clear(&id);
	free(tok);
	return 0;
}
