/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Careful file reading and secret handling: the one place that opens
 * configuration, key and map files, and that wipes and compares secrets.
 */
#ifndef AR_SECURE_H
#define AR_SECURE_H

#include "ar.h"

/* How a file read by ar_file_read() is checked. */
enum ar_file_kind {
	AR_FILE_PUBLIC = 0,	/* not writable by group/other */
	AR_FILE_SECRET		/* also not readable by group/other */
};

/*
 * Read a whole file safely: open(O_RDONLY|O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK),
 * then fstat the descriptor: a regular file, owned by root or ctx->owner,
 * not group/other-writable, for AR_FILE_SECRET not group/other-readable,
 * at most max bytes.  On AR_OK *buf is a malloc'ed NUL-terminated copy
 * (the caller releases it with ar_secure_free(*buf, *len)) and *len its
 * length.  Reads loop over EINTR and short reads; a file that grows past
 * max while being read, or that holds a NUL byte, is refused.
 * Errors: AR_ERR_CONFIG with reason "config" (missing, symlink, unsafe,
 * too large, NUL byte, unreadable; detail "conf: PATH: RULE"),
 * AR_ERR_NOMEM.
 */
int	ar_file_read(struct ar_ctx *ctx, const char *path, int kind,
	    size_t max, char **buf, size_t *len);

/*
 * Read a secret or key from a *_file: as ar_file_read() with the given
 * kind and max AR_MAX_FILE, then drop one trailing "\n" or "\r\n"; an
 * empty result is AR_ERR_CONFIG.
 */
int	ar_file_read_secret(struct ar_ctx *ctx, const char *path, int kind,
	    char **buf, size_t *len);

/*
 * As ar_file_read(), and on AR_OK also store the file's st_mode in *mode
 * (when mode is not NULL): conf.c reads a file as AR_FILE_PUBLIC and
 * applies the secret rule only once it knows the content is a secret.
 */
int	ar_file_read_mode(struct ar_ctx *ctx, const char *path, int kind,
	    size_t max, char **buf, size_t *len, mode_t *mode);

/* As ar_file_read_secret(), and on AR_OK also store st_mode in *mode. */
int	ar_file_read_secret_mode(struct ar_ctx *ctx, const char *path,
	    int kind, char **buf, size_t *len, mode_t *mode);

/* Wipe len bytes of p (explicit_bzero) and free it; NULL is fine. */
void	ar_secure_free(void *p, size_t len);

/* Wipe a NUL-terminated string and free it; NULL is fine. */
void	ar_secure_free_str(char *s);

/*
 * Constant-time equality of two byte strings (lengths may differ): 1 when
 * equal, 0 otherwise.  The time depends on the lengths, not the content.
 */
int	ar_ct_equal(const void *a, size_t alen, const void *b, size_t blen);

/* strdup that returns NULL on NULL input; errno ENOMEM on failure. */
char	*ar_strdup(const char *s);

#endif /* AR_SECURE_H */
