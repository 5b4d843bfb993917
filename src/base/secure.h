/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Careful file reading and secret handling: the one place that opens
 * configuration, key and map files, and that wipes and compares secrets.
 */
#ifndef AR_SECURE_H
#define AR_SECURE_H

#include <sys/stat.h>

#include "ar.h"

/* What an opened file or directory must be; see ar_file_check(). */
enum ar_file_kind {
	AR_FILE_PUBLIC = 0,	/* regular file, not writable by group/other */
	AR_FILE_SECRET,		/* also not readable by group/other */
	AR_FILE_DIR,		/* directory, not writable by group/other */
	AR_FILE_PRIVATE_DIR	/* directory, no group/other access at all */
};

#define AR_MAX_CA_FILE		(512 * 1024)	/* largest ca_file */
#define AR_MAX_CA_ENTRIES	4096	/* most entries of a ca_dir */

/*
 * The one owner and mode rule for everything the module trusts (its
 * configuration, key, map and cache files, trust anchors, the helper
 * binary), applied to st as fstat() reported it for an opened
 * descriptor: of the kind's type (regular file or directory), owned by
 * root or ctx->owner, not writable by group or others; AR_FILE_SECRET
 * also not readable by them, AR_FILE_PRIVATE_DIR no group/other bit at
 * all; a regular file at most max bytes.  what names the caller for the
 * detail ("conf", "cache", "helper").  Returns AR_OK or AR_ERR_CONFIG
 * with reason "config", detail "WHAT: PATH: RULE".
 */
int	ar_file_check(struct ar_ctx *ctx, const char *what, const char *path,
	    const struct stat *st, enum ar_file_kind kind, size_t max);

/*
 * Check a trust-anchor directory: path opened without following a
 * symlink must be an AR_FILE_DIR, and each entry in it (symlinks
 * followed, as the TLS library follows them) an AR_FILE_PUBLIC file
 * or an AR_FILE_DIR, at most AR_MAX_CA_ENTRIES of them.  Errors:
 * AR_ERR_CONFIG ("config"), AR_ERR_NOMEM.
 */
int	ar_dir_check(struct ar_ctx *ctx, const char *path);

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
int	ar_file_read(struct ar_ctx *ctx, const char *path,
	    enum ar_file_kind kind, size_t max, char **buf, size_t *len);

/*
 * As ar_file_read(), and on AR_OK also store the file's st_mode in *mode
 * (when mode is not NULL): conf.c reads a file as AR_FILE_PUBLIC and
 * applies the secret rule only once it knows the content is a secret.
 */
int	ar_file_read_mode(struct ar_ctx *ctx, const char *path,
	    enum ar_file_kind kind, size_t max, char **buf, size_t *len,
	    mode_t *mode);

/*
 * Read a secret or key from a *_file: as ar_file_read() with the given
 * kind and max AR_MAX_FILE, then drop one trailing "\n" or "\r\n"; an
 * empty result is AR_ERR_CONFIG.  On AR_OK also store st_mode in *mode
 * (when mode is not NULL).
 */
int	ar_file_read_secret_mode(struct ar_ctx *ctx, const char *path,
	    enum ar_file_kind kind, char **buf, size_t *len, mode_t *mode);

/* Wipe len bytes of p (explicit_bzero) and free it; NULL is fine. */
void	ar_secure_free(void *p, size_t len);

/* Wipe a NUL-terminated string and free it; NULL is fine. */
void	ar_secure_free_str(char *s);

/*
 * Write all len bytes of buf to fd, retrying on EINTR and short writes:
 * 0, or -1 with errno set.
 */
int	ar_write_all(int fd, const void *buf, size_t len);

/*
 * Constant-time equality of two byte strings (lengths may differ): 1 when
 * equal, 0 otherwise.  The time depends on the lengths, not the content.
 */
int	ar_ct_equal(const void *a, size_t alen, const void *b, size_t blen);

/* strdup that returns NULL on NULL input; errno ENOMEM on failure. */
char	*ar_strdup(const char *s);

#endif /* AR_SECURE_H */
