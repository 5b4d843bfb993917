/*
 * From an AuthRocket identity to the local account name: the user map
 * file first, then map_by.
 */
#ifndef AR_MAP_H
#define AR_MAP_H

#include "ar.h"
#include "conf.h"
#include "identity.h"

/*
 * Compute the local name for id: an entry of conf->user_map_file
 * ("id:usr_... LOCAL", "username:NAME LOCAL", "email:ADDR LOCAL"; id
 * entries are matched first, then username, then email) wins; otherwise
 * conf->map_by (username, email, email_localpart, reference, custom:NAME;
 * "file" means the map file only).  The result must match
 * ^[a-z_][a-z0-9_.-]{0,31}$.  On AR_OK *local is malloc'ed.
 * Errors: AR_ERR_AUTH ("no_mapping" when nothing maps, "bad_local_name"),
 * AR_ERR_CONFIG (map file unsafe or malformed), AR_ERR_NOMEM.
 */
int	ar_map_local_name(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const struct ar_identity *id, char **local);

/*
 * The AuthRocket name to send to the API for a local account: the key of
 * the first "username:" or "email:" entry mapping to local (an "id:"
 * entry gives the usr_ id), else local itself.  On AR_OK *name is
 * malloc'ed.  Errors: AR_ERR_CONFIG, AR_ERR_NOMEM.
 */
int	ar_map_remote_name(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *local, char **name);

/* Is s a valid local account name (^[a-z_][a-z0-9_.-]{0,31}$)? */
int	ar_map_name_ok(const char *s);

#endif /* AR_MAP_H */
