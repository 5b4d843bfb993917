/* SPDX-License-Identifier: BSD-3-Clause */
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
 * entries are matched first, then username, then email; exact bytes, no
 * case folding) wins; otherwise conf->map_by (username, email,
 * email_localpart, reference, custom:NAME; "file" means the map file
 * only).  The result must match ^[a-z_][a-z0-9_.-]{0,31}$.  On AR_OK
 * *local is malloc'ed and owned by the caller.
 * Map file syntax: one entry per line, KIND:VALUE and LOCAL separated by
 * blanks or tabs; blank lines and lines starting with '#' are skipped;
 * leading and trailing blanks and one trailing '\r' are ignored; a
 * malformed line, a control character, an invalid LOCAL or a KIND:VALUE
 * key listed twice makes the whole file invalid.
 * An email address (map_by email or email_localpart, email: entries)
 * counts only when id->email_verified is set.
 * Errors: AR_ERR_AUTH ("no_mapping" when nothing maps or the source value
 * is missing or empty, "email_unverified" when only an unverified address
 * would have mapped, "bad_local_name" when the produced name fails the
 * pattern), AR_ERR_CONFIG (map file missing, unsafe or malformed:
 * "bad_map_file" with detail "map: PATH: line N: ..."; or map_by custom
 * without a name), AR_ERR_NOMEM.
 */
int	ar_map_local_name(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const struct ar_identity *id, char **local);

/*
 * The AuthRocket name to send to the API for a local account: the VALUE
 * of the first map file entry (in file order, any kind) whose LOCAL is
 * local, so "username:NAME" gives NAME, "email:ADDR" gives ADDR and
 * "id:usr_..." gives the usr_ id; else local itself (also when no
 * user_map_file is set).  On AR_OK *name is malloc'ed and owned by the
 * caller.  Errors: AR_ERR_CONFIG (map file as above), AR_ERR_NOMEM.
 */
int	ar_map_remote_name(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *local, char **name);

/*
 * Read and check the whole user_map_file as a login would (file rules,
 * every line, duplicates); *entries is the number of entries.  AR_OK
 * without a map file.
 */
int	ar_map_validate(struct ar_ctx *ctx, const struct ar_conf *conf,
	    size_t *entries);

#endif /* AR_MAP_H */
