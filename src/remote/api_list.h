/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AuthRocket list pages ({"collection": [...], "more_results": bool}) of
 * users and of realm-wide memberships, as authrocket-sync pages through
 * them.  No network here: bytes in, items out.
 */
#ifndef AR_API_LIST_H
#define AR_API_LIST_H

#include "ar.h"
#include "conf.h"
#include "identity.h"

#define AR_LIST_NO_TIME	INT64_MAX	/* created_at absent */

/* One user of a users page. */
struct ar_list_user {
	struct ar_identity id;		/* as ar_api_parse_user(); email
					   only when verified */
	int64_t		 created_at;	/* unix seconds, or AR_LIST_NO_TIME */
	int64_t		 uid_attr;	/* conf->uid_attr value, -1 if none */
	char		*name;		/* display name, or NULL */
	char		*keys;		/* conf->ssh_keys_attr lines joined by
					   '\n', or NULL */
};

struct ar_user_page {
	struct ar_list_user *u;
	size_t		 n;
	int		 more;		/* more_results */
};

/* One membership of a realm-wide memberships page. */
struct ar_list_memb {
	char		*id;		/* membership id: the paging cursor */
	char		*user_id;
	struct ar_membership m;
};

struct ar_memb_page {
	struct ar_list_memb *m;
	size_t		 n;
	int		 more;
};

/*
 * Parse a users page.  Every item must be a user object (id and state
 * required, see ar_api_parse_user()); "more_results" must be a boolean
 * when present.  An email address is kept only when the item says it is
 * verified ("email_verified": true, or v1 "email_verification":
 * "verified"), so that an unverified address maps nothing.  created_at is
 * taken when it is a JSON number.  With conf->uid_attr the custom
 * attribute of that name gives uid_attr when it is a non-negative JSON
 * integer or a string of 1-10 decimal digits below 2^32 - 1; with
 * conf->ssh_keys_attr the attribute (a string, or an array of strings)
 * gives keys.  On AR_OK *page is filled (release with
 * ar_user_page_clear()).  Errors: AR_ERR_UNAVAIL ("bad_json",
 * "bad_reply"), AR_ERR_NOMEM; *page is left empty.
 */
int	ar_api_parse_user_page(struct ar_ctx *ctx, const struct ar_conf *conf,
	    const char *body, size_t len, struct ar_user_page *page);
void	ar_user_page_clear(struct ar_user_page *page);

/*
 * Parse a realm-wide memberships page: each item needs a string "id" and
 * "user_id", and the membership fields of ar_api_parse_memberships().
 * Results and ownership as ar_api_parse_user_page().
 */
int	ar_api_parse_memb_page(struct ar_ctx *ctx, const char *body,
	    size_t len, struct ar_memb_page *page);
void	ar_memb_page_clear(struct ar_memb_page *page);

/* Release the members of one membership (not the struct); NULL-safe. */
void	ar_membership_clear(struct ar_membership *m);

#endif /* AR_API_LIST_H */
