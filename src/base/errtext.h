/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one way to describe an errno value: strerror() shares a static
 * buffer and the module runs inside threaded hosts.
 */
#ifndef AR_ERRTEXT_H
#define AR_ERRTEXT_H

#include <stddef.h>

/* Room for any errno text; pass a buffer of this size. */
#define AR_ERRNO_BUF	128

/*
 * The text for err, written into buf (n bytes) or a constant string of
 * the C library; never NULL.  Thread-safe; errno is left as it was.
 */
const char	*ar_errno_str(int err, char *buf, size_t n);

#endif /* AR_ERRTEXT_H */
