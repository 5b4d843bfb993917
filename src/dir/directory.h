/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The directory files: what authrocket-sync writes and what the NSS
 * module, authrocket-keys and the PAM module read.  libc only (the NSS
 * module is loaded into every process on the host), no global mutable
 * state, no descriptor kept open after a call returns.
 *
 * One world-readable file, AR_DIR_FILE, holds every entry and the indexes
 * that let readers find a user or group by name or id without reading
 * the others; it is replaced as a whole (write to a temporary file in the
 * same directory, fsync, rename), so a reader sees either the old or the
 * new directory, never a mix.  The uid assignments that must survive
 * across syncs live in authrocket-sync's own state file (AR_DIR_STATE,
 * 0600), which this code does not read.
 */
#ifndef AR_DIRECTORY_H
#define AR_DIRECTORY_H

#include <stddef.h>
#include <stdint.h>

#define AR_DIR_FILE	"directory"	/* 0644, root-owned */
#define AR_DIR_STATE	"state"		/* 0600, authrocket-sync only */

/* Largest directory file written or read (bytes). */
#define AR_DIR_MAX_SIZE	(1024UL * 1024 * 1024)

/* Results of the functions below (0 is success). */
enum ar_dir_result {
	AR_DIR_OK = 0,
	AR_DIR_MISSING,		/* no directory file: never synced */
	AR_DIR_DAMAGED,		/* unreadable, unsafe owner/mode, bad format */
	AR_DIR_NOTFOUND,	/* lookup: no such entry */
	AR_DIR_NOMEM,
	AR_DIR_SYSTEM,		/* a system call failed; errno tells */
	AR_DIR_INVALID		/* write: entries that cannot be stored */
};

/*
 * One entry as authrocket-sync hands it to ar_dir_write().  Served users
 * get a passwd entry (primary group: the same name and id); adopted ones
 * record only which AuthRocket user a local account belongs to and are
 * never served by NSS.
 */
struct ar_dir_user {
	const char	*name;		/* local name, ar_name_ok() */
	const char	*ar_id;		/* AuthRocket user id (usr_...) */
	const char	*ar_username;	/* AuthRocket username, may be NULL */
	uint32_t	 uid;		/* uid and primary gid; 0 when adopted */
	int		 adopted;	/* local account, not served by NSS */
	const char	*gecos;		/* no ':', ',' or control characters */
	const char	*home;
	const char	*shell;
	const char	*keys;		/* SSH key lines joined by '\n', or NULL */
	const uint32_t	*gids;		/* supplementary groups (initgroups) */
	size_t		 n_gids;
};

/* A group the directory serves (not local groups named by group_map). */
struct ar_dir_group {
	const char		*name;
	uint32_t		 gid;
	const char *const	*members;	/* local names */
	size_t			 n_members;
};

/*
 * Write the directory file into dir atomically: the file is created 0644
 * whatever the umask, fsync'ed, and renamed over AR_DIR_FILE; on any error
 * the previous file stays untouched and no temporary file is left.
 * Entries are taken as given (authrocket-sync validates them); names and
 * ids must be unique.  Returns AR_DIR_OK, AR_DIR_NOMEM, AR_DIR_SYSTEM, or
 * AR_DIR_INVALID (a NULL name or id, a duplicate user name, served uid,
 * group name or gid, or a file that would exceed AR_DIR_MAX_SIZE); err
 * (size errlen) receives a one-line reason on failure.
 */
int	ar_dir_write(const char *dir, const struct ar_dir_user *users,
	    size_t n_users, const struct ar_dir_group *groups, size_t n_groups,
	    char *err, size_t errlen);

/*
 * Reading.  ar_dir_open() maps the file read-only, checks its header and
 * the bounds of every section, and closes the descriptor; lookups then go
 * through hash indexes (by user name, uid, group name, gid), so their cost
 * does not depend on the number of entries.  Every offset read from the
 * file is checked before use: a damaged file gives AR_DIR_DAMAGED, never
 * a read outside the mapping.  Views point into the mapping and are valid
 * until ar_dir_close().  An open directory is never modified, so several
 * threads may read one at the same time.
 */
struct ar_dir_user_view {
	const char	*name;
	const char	*ar_id;
	const char	*ar_username;	/* "" when unknown */
	uint32_t	 uid;		/* also the primary gid; 0 if adopted */
	int		 adopted;
	const char	*gecos;		/* "" when none */
	const char	*home;
	const char	*shell;
	const char	*keys;		/* "" when none */
	size_t		 n_gids;	/* supplementary gids: ar_dir_gid() */
	const void	*priv;
};

/*
 * A group: one of the directory's groups, or the primary group of a
 * served user (same name and id, no members listed).
 */
struct ar_dir_group_view {
	const char	*name;
	uint32_t	 gid;
	size_t		 n_members;	/* member names: ar_dir_member() */
	const void	*priv;
	const char	*strings;
};

struct ar_dir;

/*
 * Open and map the directory file of dir (AR_DIRECTORY_DIR in production)
 * read-only and check its header and bounds.  The file must be a regular
 * file (not a symbolic link) owned by root or by owner (a seam for tests),
 * not writable by group or others.  The descriptor is closed before
 * returning.  Returns AR_DIR_OK with *out set (free with ar_dir_close()),
 * AR_DIR_MISSING, AR_DIR_DAMAGED, AR_DIR_NOMEM or AR_DIR_SYSTEM.
 */
int	ar_dir_open(const char *dir, uint32_t owner, struct ar_dir **out);

/* Unmap and free; NULL is fine. */
void	ar_dir_close(struct ar_dir *d);

/*
 * Whether the file at dir is still the one d maps (same device, inode,
 * size and modification time): 1 yes, 0 replaced, removed or unreadable.
 */
int	ar_dir_current(const struct ar_dir *d, const char *dir);

/*
 * Look a user up (adopted entries included: check view->adopted) by local
 * name, or a served user by uid.  AR_DIR_OK, AR_DIR_NOTFOUND or
 * AR_DIR_DAMAGED.
 */
int	ar_dir_user_by_name(const struct ar_dir *d, const char *name,
	    struct ar_dir_user_view *v);
int	ar_dir_user_by_uid(const struct ar_dir *d, uint32_t uid,
	    struct ar_dir_user_view *v);

/* The i-th supplementary gid of a user view (i < v->n_gids). */
uint32_t ar_dir_gid(const struct ar_dir_user_view *v, size_t i);

/*
 * Look a group up by name or gid: the directory's groups first, then the
 * primary groups of served users.  AR_DIR_OK, AR_DIR_NOTFOUND or
 * AR_DIR_DAMAGED.
 */
int	ar_dir_group_by_name(const struct ar_dir *d, const char *name,
	    struct ar_dir_group_view *v);
int	ar_dir_group_by_gid(const struct ar_dir *d, uint32_t gid,
	    struct ar_dir_group_view *v);

/* The i-th member name of a group view (i < v->n_members). */
const char *ar_dir_member(const struct ar_dir_group_view *v, size_t i);

/*
 * Enumeration, in file order.  ar_dir_user_at() gives the i-th entry
 * (adopted ones included) for i < ar_dir_n_users(); ar_dir_group_at()
 * gives the i-th group for i < ar_dir_n_groups(): the directory's groups,
 * then one primary group per user entry (AR_DIR_NOTFOUND for the slot of
 * an adopted entry, which has none).  AR_DIR_OK, AR_DIR_NOTFOUND (i out
 * of range or an empty slot) or AR_DIR_DAMAGED.
 */
size_t	ar_dir_n_users(const struct ar_dir *d);
size_t	ar_dir_n_groups(const struct ar_dir *d);
int	ar_dir_user_at(const struct ar_dir *d, size_t i,
	    struct ar_dir_user_view *v);
int	ar_dir_group_at(const struct ar_dir *d, size_t i,
	    struct ar_dir_group_view *v);

/* Name of a result for messages ("ok", "missing", "damaged", ...). */
const char *ar_dir_result_str(int r);

#endif /* AR_DIRECTORY_H */
