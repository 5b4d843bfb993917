/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * State of the NSS module.  The module is a guest in every process on
 * the host, threaded ones included: all it keeps between calls is one
 * read-only mapping of the directory file (no descriptor), checked
 * against the file on each call and replaced when authrocket-sync has
 * renamed a new file into place, and glibc's enumeration positions.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "nss_state.h"

static struct nss_state nss_st;
static pthread_mutex_t nss_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t nss_once = PTHREAD_ONCE_INIT;

/*
 * A child forked while another thread held the mutex would inherit it
 * locked and hang at its first lookup: fork waits for a lookup in
 * progress, and both sides start unlocked.  glibc drops these handlers
 * when the module is unloaded.
 */
static void
fork_prepare(void)
{
	pthread_mutex_lock(&nss_mutex);
}

static void
fork_done(void)
{
	pthread_mutex_unlock(&nss_mutex);
}

static void
register_fork(void)
{
	(void)pthread_atfork(fork_prepare, fork_done, fork_done);
}

enum nss_status
nss_status_of(int r, int *errnop)
{
	switch (r) {
	case AR_DIR_OK:
		return NSS_STATUS_SUCCESS;
	case AR_DIR_NOTFOUND:
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	case AR_DIR_NOMEM:
		*errnop = ENOMEM;
		return NSS_STATUS_TRYAGAIN;
	default:
		/* Missing, damaged, unreadable: this source is not there. */
		*errnop = ENOENT;
		return NSS_STATUS_UNAVAIL;
	}
}

struct nss_state *
nss_lock(enum nss_status *status, int *errnop)
{
	struct ar_dir *d = NULL;
	int r;

	(void)pthread_once(&nss_once, register_fork);
	pthread_mutex_lock(&nss_mutex);
	*status = NSS_STATUS_SUCCESS;
	if (nss_st.dir != NULL && ar_dir_current(nss_st.dir, AR_NSS_DIR))
		return &nss_st;
	/* Gone or replaced: drop the old mapping, map the new file. */
	ar_dir_close(nss_st.dir);
	nss_st.dir = NULL;
	if ((r = ar_dir_open(AR_NSS_DIR, AR_NSS_OWNER, &d)) != AR_DIR_OK) {
		*status = nss_status_of(r, errnop);
		return &nss_st;
	}
	nss_st.dir = d;
	return &nss_st;
}

void
nss_unlock(struct nss_state *st)
{
	(void)st;
	pthread_mutex_unlock(&nss_mutex);
}

static size_t *
position(struct nss_state *st, enum nss_db db)
{
	return db == NSS_DB_PASSWD ? &st->pw_next : &st->gr_next;
}

enum nss_status
nss_rewind(enum nss_db db)
{
	struct nss_state *st;
	enum nss_status s;
	int e;

	st = nss_lock(&s, &e);
	*position(st, db) = 0;
	nss_unlock(st);
	return s;
}

enum nss_status
nss_next(enum nss_db db, nss_entry_fn *fill, void *ent, char *buf,
    size_t len, int *errnop)
{
	struct nss_state *st;
	enum nss_status s;
	size_t *pos;

	st = nss_lock(&s, errnop);
	pos = position(st, db);
	while (st->dir != NULL) {
		s = fill(st->dir, *pos, ent, buf, len, errnop);
		if (s == NSS_STATUS_RETURN) {
			(*pos)++;
			continue;
		}
		if (s == NSS_STATUS_SUCCESS)
			(*pos)++;
		break;
	}
	nss_unlock(st);
	return s;
}

/* Unloaded (dlclose, or glibc freeing its resources): unmap. */
static void __attribute__((destructor))
nss_unload(void)
{
	pthread_mutex_lock(&nss_mutex);
	ar_dir_close(nss_st.dir);
	nss_st.dir = NULL;
	pthread_mutex_unlock(&nss_mutex);
}

char *
nss_carve(char **buf, size_t *left, size_t len, size_t align)
{
	size_t pad = (align - (uintptr_t)*buf % align) % align;
	char *p;

	if (pad > *left || len > *left - pad)
		return NULL;
	p = *buf + pad;
	*buf += pad + len;
	*left -= pad + len;
	return p;
}

char *
nss_copy(char **buf, size_t *left, const char *s)
{
	size_t len = strlen(s) + 1;
	char *p;

	if ((p = nss_carve(buf, left, len, 1)) != NULL)
		memcpy(p, s, len);
	return p;
}
