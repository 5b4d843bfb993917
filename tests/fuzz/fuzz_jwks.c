/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: a JWKS document from the network.  The first byte picks
 * the kid looked for (none, "k1", "k2", an odd one); the rest is the
 * document.  A key found must be one the module can use.
 */
#include "fuzz.h"
#include "jwks.h"
#include "key.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *kids[] = { NULL, "k1", "k2", "../../etc/passwd" };
	struct ar_ctx ctx;
	struct ar_key key;
	int r;

	if (size < 1)
		return 0;
	memset(&key, 0, sizeof(key));
	fuzz_ctx(&ctx, "auth");
	r = ar_jwks_find(&ctx, (const char *)data + 1, size - 1,
	    kids[data[0] & 3], &key);
	if (r == AR_OK) {
		if (key.data == NULL || key.len == 0 ||
		    (key.alg != AR_ALG_RS256 && key.alg != AR_ALG_ES256 &&
		    key.alg != AR_ALG_ES384))
			abort();
	} else if (key.data != NULL || ctx.err == AR_OK) {
		abort();
	}
	ar_key_free(&key);
	return 0;
}
