/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * directory = yes: the module serves only the accounts the directory
 * file names (served or adopted), and only to the AuthRocket user the
 * directory recorded for each.
 */
#ifndef AR_DIRECTORY_POLICY_H
#define AR_DIRECTORY_POLICY_H

#include "ar.h"
#include "conf.h"
#include "identity.h"

/*
 * Look pam_user up in the directory file of dir (AR_DIRECTORY_DIR in
 * production; a parameter so that tests can point elsewhere).  Without
 * conf->directory: AR_OK with *ar_id NULL (nothing to check).  Otherwise
 * AR_OK with *ar_id the AuthRocket user id recorded for the account
 * (malloc'ed, the caller frees), or:
 * AR_ERR_USER_UNKNOWN "not_in_directory" (neither served nor adopted) or
 * "no_directory" (never synced; logged as a warning naming
 * authrocket-sync), AR_ERR_UNAVAIL "directory_damaged" (damaged, unsafe
 * owner or mode, unreadable), AR_ERR_NOMEM.  Purely local: nothing is
 * sent anywhere.
 */
int	ar_dirpolicy_lookup(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *dir, const char *pam_user, char **ar_id);

/*
 * The identity must be the AuthRocket user the directory recorded: AR_OK
 * when ar_id is NULL (no directory check) or equals id->user_id, else
 * mismatch with reason "directory_mismatch".
 */
int	ar_dirpolicy_match(struct ar_ctx *ctx, const char *ar_id,
	    const struct ar_identity *id, int mismatch);

#endif /* AR_DIRECTORY_POLICY_H */
