/* SPDX-License-Identifier: BSD-3-Clause */
/* Thread-safe text for errno values. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errtext.h"

const char *
ar_errno_str(int err, char *buf, size_t n)
{
	const char *s;
	int saved = errno;

	/* The GNU strerror_r: returns buf or a constant string. */
	s = strerror_r(err, buf, n);
	if (s == NULL || *s == '\0') {
		snprintf(buf, n, "error %d", err);
		s = buf;
	}
	errno = saved;
	return s;
}
