/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The AuthRocket SDKs' rule that tells a realm's public JWT key from its
 * HMAC secret by the text alone.  The configuration needs it to know
 * whether a key file holds a secret; the key parser uses it to choose
 * how to read the key.
 */
#include <string.h>

#include "conf.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

int
ar_key_text_is_public(const char *text, size_t len)
{
	const char *s = text;
	size_t n = len;

	if (text == NULL)
		return 0;
	while (n > 0 && is_blank(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	return n > AR_PUBLIC_TEXT_LEN ||
	    memmem(s, n, "PUBLIC KEY", strlen("PUBLIC KEY")) != NULL;
}
