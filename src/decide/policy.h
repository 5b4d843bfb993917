/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy checks after mapping: the local account, min_uid, the
 * AuthRocket user's state, required permissions and orgs.
 */
#ifndef AR_POLICY_H
#define AR_POLICY_H

#include "ar.h"
#include "conf.h"
#include "identity.h"

/*
 * Check the local account pam_user: a valid name, present in the passwd
 * database (getpwnam_r), uid >= conf->min_uid (compared as uids).
 * *uid receives the uid on AR_OK (uid may be NULL).
 * The passwd entry's name must equal pam_user byte for byte (an NSS
 * module that folds case does not count as a match).
 * Errors: AR_ERR_USER_UNKNOWN ("no_local_user", "bad_local_name"),
 * AR_ERR_AUTH ("uid_below_min"), AR_ERR_INTERNAL ("lookup_failed": NSS
 * error, or an entry larger than 1 MiB), AR_ERR_CONFIG (min_uid outside
 * 0..4294967294), AR_ERR_NOMEM.
 */
int	ar_policy_local(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *pam_user, uid_t *uid);

/*
 * Does this module serve the local account pam_user?  The one answer
 * both phases use: authentication asks it before anything typed may
 * leave the host, the account phase before it asks AuthRocket.  Served
 * means: a valid name, a local account, uid at least min_uid (as
 * ar_policy_local()).  AR_OK when served (*uid set when uid is not
 * NULL); otherwise AR_ERR_USER_UNKNOWN ("no_local_user",
 * "bad_local_name"), AR_ERR_AUTH ("uid_below_min") or a lookup error
 * (AR_ERR_INTERNAL, AR_ERR_CONFIG, AR_ERR_NOMEM).
 */
int	ar_policy_served(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *pam_user, uid_t *uid);

/*
 * Is input (len bytes) what sshd hands PAM instead of the typed password
 * when it will not pass that on (unknown user, root under
 * PermitRootLogin prohibit-password, Deny/AllowUsers): the bytes
 * "\b\n\r\177INCORRECT" repeated or cut to the typed length?  1 or 0.
 */
int	ar_policy_stand_in(const char *input, size_t len);

/*
 * Check the identity: when id->have_state, it must be active and human;
 * require_org: a membership in one of the orgs; require_permission: a
 * membership holding one of the permissions (when both are set, one
 * membership must satisfy both); expired memberships (has_expiry and
 * expires_at <= ctx->now, the clock read when the memberships arrived)
 * do not count.  When a requirement is set but
 * !id->have_memberships the result is AR_ERR_DENIED
 * ("memberships_unknown").
 * Without requirements the memberships are not looked at.  When no
 * membership satisfies the requirements the reason is "no_org" if none
 * is in a required org, else "no_permission".
 * Errors: AR_ERR_DENIED ("inactive", "not_human", "no_permission",
 * "no_org", "memberships_unknown").
 */
int	ar_policy_identity(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const struct ar_identity *id);

#endif /* AR_POLICY_H */
