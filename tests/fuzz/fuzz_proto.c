/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the helper protocol decoder.  A message that decodes must
 * encode back to exactly the input (the framing has one spelling), and
 * the encoder's own front door must take every field of it: the decoder
 * is never looser than the encoder.
 */
#include "fuzz.h"
#include "proto.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ar_ctx ctx;
	struct ar_msg m, again;
	char *buf = NULL;
	size_t len = 0, i;
	int r;

	memset(&m, 0, sizeof(m));
	fuzz_ctx(&ctx, "auth");
	r = ar_msg_decode(&ctx, (const char *)data, size, &m);
	if (r != AR_OK) {
		if (m.n != 0 || ctx.err == AR_OK)
			abort();
		return 0;
	}
	memset(&again, 0, sizeof(again));
	for (i = 0; i < m.n; i++) {
		if (m.f[i].val == NULL || m.f[i].val[m.f[i].len] != '\0')
			abort();
		if (ar_msg_add(&again, m.f[i].name, m.f[i].val,
		    m.f[i].len) != AR_OK)
			abort();
	}
	ar_msg_clear(&again);
	(void)ar_msg_get(&m, "status", NULL);
	(void)ar_msg_get_int(&m, "status", -1);
	if (ar_msg_encode(&m, &buf, &len) != AR_OK)
		abort();
	if (len != size || memcmp(buf, data, size) != 0)
		abort();
	free(buf);
	ar_msg_clear(&m);
	return 0;
}
