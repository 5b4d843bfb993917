/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SSH public key lines as authrocket-keys hands them to sshd: only
 * "TYPE BASE64 [comment]" with a known key type.  libc only.
 */
#ifndef AR_SSHKEY_H
#define AR_SSHKEY_H

#include <stddef.h>

/* Longest key line considered (a 16384-bit RSA key is ~2.8 kB). */
#define AR_SSHKEY_MAX_LINE	8192

/* Parts of an accepted line: pointers into it, with their lengths. */
struct ar_sshkey {
	const char	*type;
	size_t		 type_len;
	const char	*blob;		/* base64 */
	size_t		 blob_len;
	const char	*comment;	/* may be empty */
	size_t		 comment_len;
};

/*
 * Parse one line (len bytes, no newline).  Accepted: optional blanks, a
 * known key type, blanks, base64 whose decoded key names the same type,
 * and optionally blanks and a comment; no control characters.  Anything
 * else, in particular a line starting with options such as command= or
 * from=, is refused whole: sshd would give options power over the login.
 * Returns 1 with *k set, or 0.
 */
int	ar_sshkey_parse(const char *line, size_t len, struct ar_sshkey *k);

#endif /* AR_SSHKEY_H */
