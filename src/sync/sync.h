/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-sync: the pieces of the program and what they share.
 * fetch.c talks to AuthRocket, local.c reads the local account files,
 * plan.c decides the new directory, state.c keeps what must survive
 * between runs, idset.c the lookup sets, main.c runs it all.
 */
#ifndef AR_SYNC_H
#define AR_SYNC_H

#include <stdint.h>
#include <stdio.h>

#include "ar.h"
#include "api_list.h"
#include "conf.h"

#define SYNC_PAGE_SIZE		100	/* max_results of every list page */
#define SYNC_MAX_ITEMS		2000000	/* users or memberships in all */
#define SYNC_RETRY_BUDGET_S	300	/* total wait for 429 Retry-After */
#define SYNC_STATE_MAX		(512UL * 1024 * 1024)

/* A set of uint32 ids (uids, gids): open addressing, grows. */
struct idset {
	uint32_t	*slot;		/* 0 is "empty"; id 0 kept aside */
	size_t		 cap;
	size_t		 n;
	int		 has_zero;
};

int	idset_add(struct idset *s, uint32_t id);	/* 0, -1 ENOMEM */
int	idset_has(const struct idset *s, uint32_t id);
void	idset_free(struct idset *s);

/* A set of strings (not copied: the caller keeps them alive). */
struct strset {
	const char	**slot;
	size_t		 cap;
	size_t		 n;
};

/* 1 added, 0 already there, -1 ENOMEM. */
int	strset_add(struct strset *s, const char *str);
int	strset_has(const struct strset *s, const char *str);
void	strset_free(struct strset *s);

uint64_t sync_hash(const char *s);

/* One directory entry as the sync keeps it (all strings malloc'ed). */
struct sync_entry {
	char		*name;
	char		*ar_id;
	char		*ar_username;	/* or NULL */
	uint32_t	 uid;		/* 0 when adopted */
	int		 adopted;
	char		*gecos;
	char		*home;
	char		*shell;
	char		*keys;		/* or NULL */
	uint32_t	*gids;		/* sorted, unique */
	size_t		 n_gids;
};

struct sync_group {
	char		*name;
	uint32_t	 gid;
	char		**members;	/* sorted */
	size_t		 n_members;
};

/* An id given once on this host: never changed, never given again. */
struct sync_idrec {
	char		*key;		/* AuthRocket user id, or group name */
	uint32_t	 id;
};

/* The directory and the state file in memory. */
struct sync_dir {
	struct sync_entry *u;		/* sorted by ar_id */
	size_t		 n_u;
	struct sync_group *g;		/* sorted by name */
	size_t		 n_g;
	struct sync_idrec *uids;	/* sorted by key */
	size_t		 n_uids;
	struct sync_idrec *gids;	/* sorted by key */
	size_t		 n_gids;
};

void	sync_entry_clear(struct sync_entry *e);
void	sync_group_clear(struct sync_group *g);
void	sync_dir_clear(struct sync_dir *d);
/* Sort u by ar_id, g by name, records by key. */
void	sync_dir_sort(struct sync_dir *d);
const struct sync_idrec *sync_idrec_find(const struct sync_idrec *r,
	    size_t n, const char *key);

/*
 * state.c.  Read the state file of dir: AR_OK (also when absent: *d
 * empty, *exists 0), AR_ERR_UNAVAIL ("bad_state": unreadable, unsafe or
 * malformed; nothing is guessed), AR_ERR_NOMEM.
 */
int	sync_state_read(struct ar_ctx *ctx, const char *dir,
	    struct sync_dir *d, int *exists);
/*
 * Write d as the state file's new content into a temporary file of dir
 * (0600, fsync'ed); *tmp receives its malloc'ed path for
 * sync_state_commit() (rename) or sync_state_discard() (unlink).
 */
int	sync_state_prepare(struct ar_ctx *ctx, const char *dir,
	    const struct sync_dir *d, char **tmp);
int	sync_state_commit(struct ar_ctx *ctx, const char *dir,
	    const char *tmp);
void	sync_state_discard(const char *tmp);
/* Write the directory file of d (ar_dir_write); AR_OK or AR_ERR_INTERNAL. */
int	sync_dir_write(struct ar_ctx *ctx, const char *dir,
	    const struct sync_dir *d);

/* local.c: /etc/passwd, /etc/group and /etc/shells. */
struct sync_local {
	char		**user;		/* sorted names */
	uint32_t	*user_uid;	/* parallel to user */
	size_t		 n_user;
	char		**group;	/* sorted names */
	uint32_t	*group_gid;
	size_t		 n_group;
	struct idset	 uids;		/* every local uid and gid */
};

int	sync_local_read(struct ar_ctx *ctx, const char *etc,
	    struct sync_local *l);
void	sync_local_clear(struct sync_local *l);
/* 1 and *id set when name is a local user (group); else 0. */
int	sync_local_user(const struct sync_local *l, const char *name,
	    uint32_t *uid);
int	sync_local_group(const struct sync_local *l, const char *name,
	    uint32_t *gid);
/* AR_OK when shell is listed in etc/shells, else AR_ERR_CONFIG. */
int	sync_shell_ok(struct ar_ctx *ctx, const char *etc, const char *shell);

/* fetch.c: what AuthRocket says. */
struct sync_users {
	struct ar_list_user *u;		/* memberships attached */
	size_t		 n;
	size_t		 cap;
	int		 gone;		/* --user: deleted (404) */
};

struct sync_net;

int	sync_net_open(struct ar_ctx *ctx, const struct ar_conf *conf,
	    int progress, struct sync_net **net);
void	sync_net_close(struct sync_net *net);
/* Every user and every membership; memberships attached to the users. */
int	sync_fetch_all(struct sync_net *net, struct sync_users *out);
/* One user by AuthRocket name and its memberships (404: out->gone). */
int	sync_fetch_one(struct sync_net *net, const char *name,
	    struct sync_users *out);
void	sync_users_clear(struct sync_users *u);

/* plan.c: the new directory from the users and the old state. */
struct sync_plan_in {
	const struct ar_conf	*conf;
	const struct sync_local	*local;
	const struct sync_dir	*prev;
	struct sync_users	*users;
	const char		*only;	/* --user NAME, or NULL */
};

/*
 * Decide the new directory.  Users who are skipped are logged; AR_OK
 * with *next filled, AR_ERR_CONFIG (map file), AR_ERR_NOMEM.
 */
int	sync_plan(struct ar_ctx *ctx, const struct sync_plan_in *in,
	    struct sync_dir *next);

/* Counts for the summary and the mass-drop guard. */
struct sync_diff {
	size_t	served;		/* N */
	size_t	added, removed, changed;
	size_t	prev_served;
	size_t	dropped;	/* served before, not served now */
};

/* Compare prev and next (print each change when out is not NULL). */
void	sync_diff(const struct sync_dir *prev, const struct sync_dir *next,
	    FILE *out, struct sync_diff *diff);

#endif /* AR_SYNC_H */
