/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NSS module's one piece of state: the read-only mapping of the
 * directory file and the enumeration positions, behind one mutex.
 */
#ifndef AR_NSS_STATE_H
#define AR_NSS_STATE_H

#include <nss.h>
#include <stddef.h>

#include "directory.h"

/*
 * Where the module reads; a build-time choice only (the test suite builds
 * a second copy of the module pointing into its build tree).
 */
#ifndef AR_NSS_DIR
#include "ar.h"
#define AR_NSS_DIR	AR_DIRECTORY_DIR
#endif
#ifndef AR_NSS_OWNER
#define AR_NSS_OWNER	0	/* root: the directory file's owner */
#endif

struct nss_state {
	struct ar_dir	*dir;		/* NULL when missing or damaged */
	size_t		 pw_next;	/* getpwent position */
	size_t		 gr_next;	/* getgrent position */
};

/*
 * Lock the state and make its mapping current (a replaced file is mapped
 * anew).  Returns the locked state, with the status to answer when dir is
 * NULL in *status and *errnop; always pair with nss_unlock().
 */
struct nss_state *nss_lock(enum nss_status *status, int *errnop);
void	nss_unlock(struct nss_state *st);

/* The two enumerations glibc drives (setpwent..., setgrent...). */
enum nss_db {
	NSS_DB_PASSWD,
	NSS_DB_GROUP
};

/*
 * Fill the caller's entry ent from slot i of d: the status to answer, or
 * NSS_STATUS_RETURN for a slot that holds no entry (skipped).
 */
typedef enum nss_status nss_entry_fn(const struct ar_dir *d, size_t i,
    void *ent, char *buf, size_t len, int *errnop);

/* set*ent and end*ent: back to the start of db's enumeration. */
enum nss_status nss_rewind(enum nss_db db);

/*
 * get*ent_r: the next entry of db through fill.  The position moves only
 * past an entry handed out, so that glibc's retry with a larger buffer
 * after ERANGE gets the same entry.
 */
enum nss_status nss_next(enum nss_db db, nss_entry_fn *fill, void *ent,
	    char *buf, size_t len, int *errnop);

/* The NSS status for an ar_dir result of a lookup. */
enum nss_status nss_status_of(int r, int *errnop);

/*
 * Carve len bytes aligned for align out of a caller's buffer; NULL when
 * it is too small.
 */
char	*nss_carve(char **buf, size_t *left, size_t len, size_t align);

/* Copy s into the buffer; NULL when it is too small. */
char	*nss_copy(char **buf, size_t *left, const char *s);

#endif /* AR_NSS_STATE_H */
