/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The module's use of the directory file (directory = yes): who is served
 * and by which AuthRocket user.  A name alone is not enough: the
 * directory's user id for the account must be the login's, so that a
 * person renamed in AuthRocket, or a new person given a departed one's
 * name, cannot take over an account before the next sync.
 */
#include <stdlib.h>
#include <string.h>

#include "directory.h"
#include "directory_policy.h"

int
ar_dirpolicy_lookup(struct ar_ctx *ctx, const struct ar_conf *conf,
    const char *dir, const char *pam_user, char **ar_id)
{
	struct ar_dir_user_view v;
	struct ar_dir *d = NULL;
	int r = AR_ERR_INTERNAL, dr;

	*ar_id = NULL;
	if (!conf->directory)
		return AR_OK;
	dr = ar_dir_open(dir, ctx->owner, &d);
	if (dr == AR_DIR_OK)
		dr = ar_dir_user_by_name(d, pam_user != NULL ? pam_user : "",
		    &v);
	switch (dr) {
	case AR_DIR_OK:
		if ((*ar_id = strdup(v.ar_id)) == NULL) {
			r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory",
			    "out of memory");
			break;
		}
		r = AR_OK;
		break;
	case AR_DIR_NOTFOUND:
		r = ar_fail(ctx, AR_ERR_USER_UNKNOWN, "not_in_directory",
		    "%s is neither served nor adopted by the directory",
		    pam_user != NULL ? pam_user : "-");
		break;
	case AR_DIR_MISSING:
		/* Never synced: nobody is served until authrocket-sync runs. */
		ar_log(ctx, AR_LOG_WARNING, "directory: %s/%s does not exist: "
		    "run authrocket-sync", dir, AR_DIR_FILE);
		r = ar_fail(ctx, AR_ERR_USER_UNKNOWN, "no_directory",
		    "no directory file yet");
		break;
	case AR_DIR_NOMEM:
		r = ar_fail(ctx, AR_ERR_NOMEM, "no_memory", "out of memory");
		break;
	default:
		/* Damaged or unsafe: it decides nothing, in either way. */
		r = ar_fail(ctx, AR_ERR_UNAVAIL, "directory_damaged",
		    "directory: %s/%s: %s", dir, AR_DIR_FILE,
		    ar_dir_result_str(dr));
		break;
	}
	ar_dir_close(d);
	return r;
}

int
ar_dirpolicy_match(struct ar_ctx *ctx, const char *ar_id,
    const struct ar_identity *id, int mismatch)
{
	if (ar_id == NULL)
		return AR_OK;
	if (id == NULL || id->user_id == NULL || strcmp(id->user_id, ar_id))
		return ar_fail(ctx, mismatch, "directory_mismatch",
		    "AuthRocket user %s is not %s, whom the directory records "
		    "for this account", id != NULL && id->user_id != NULL ?
		    id->user_id : "-", ar_id);
	return AR_OK;
}
