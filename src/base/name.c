/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The local account name rule.  Explicit ASCII ranges, no <ctype.h>: the
 * host's locale must never widen what counts as a letter.
 */
#include <stddef.h>

#include "name.h"

static int
lower(char c)
{
	return c >= 'a' && c <= 'z';
}

int
ar_name_ok(const char *s)
{
	size_t i;

	if (s == NULL || !(lower(s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (i >= AR_NAME_MAX)
			return 0;
		if (!(lower(s[i]) || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	}
	return 1;
}
