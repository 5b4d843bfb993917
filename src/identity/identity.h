/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The AuthRocket identity established by a token or by the API: the one
 * structure mapping and policy look at, whatever its source.
 */
#ifndef AR_IDENTITY_H
#define AR_IDENTITY_H

#include "ar.h"

struct ar_membership {
	char	 *org_id;	/* org_..., may be NULL */
	char	**perm;		/* permission names */
	size_t	  n_perm;
	/*
	 * Whether the membership ends, and when.  A flag of its own: any
	 * time, 0 included, is a real time that passes, never "no expiry".
	 */
	int	  has_expiry;
	int64_t	  expires_at;	/* unix time, when has_expiry */
};

struct ar_attr {
	char	*name;
	char	*value;		/* string values only */
};

struct ar_identity {
	int		 version;	/* 1 or 2 (AuthRocket generation) */
	const char	*source;	/* static: "token", "password", "api" */

	char		*user_id;	/* usr_... (uid / sub / id) */
	char		*username;	/* un / preferred_username / username */
	char		*email;
	int		 email_verified; /* AuthRocket says so (true only) */
	char		*reference;	/* v2 ref, API reference */
	struct ar_attr	*custom;	/* cs / custom, string values only */
	size_t		 n_custom;

	char		*session_id;	/* tk (v1) / sid (v2) */
	char		*realm_id;	/* aud (v1) / rid (v2) */
	char		*issuer;	/* iss (v2) */

	int		 have_state;	/* state/user_type known (API) */
	int		 active;	/* state == "active" */
	int		 human;		/* v1 user_type "human" (or absent) */

	int		 have_memberships; /* m / orgs / memberships seen */
	struct ar_membership *memb;
	size_t		 n_memb;

	int64_t		 iat, exp, nbf;	/* 0 if absent */

	int		 outcome_logged; /* its outcome line is written */
};

/*
 * Release the first n entries of a membership array (each may be partly
 * filled) and the array; NULL-safe.
 */
void	ar_memberships_free(struct ar_membership *m, size_t n);

/* Release every member (not the struct itself); NULL-safe. */
void	ar_identity_clear(struct ar_identity *id);

/* Release every member and the struct; NULL-safe. */
void	ar_identity_free(struct ar_identity *id);

/* Value of custom attribute name, or NULL. */
const char *ar_identity_custom(const struct ar_identity *id,
	    const char *name);

#endif /* AR_IDENTITY_H */
