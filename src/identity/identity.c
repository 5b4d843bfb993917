/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Releasing and querying the identity structure.
 */
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "secure.h"

void
ar_memberships_free(struct ar_membership *m, size_t n)
{
	size_t i, j;

	for (i = 0; m != NULL && i < n; i++) {
		free(m[i].org_id);
		for (j = 0; j < m[i].n_perm; j++)
			free(m[i].perm[j]);
		free(m[i].perm);
	}
	free(m);
}

void
ar_identity_clear(struct ar_identity *id)
{
	size_t i;

	if (id == NULL)
		return;
	free(id->user_id);
	free(id->username);
	free(id->email);
	free(id->reference);
	for (i = 0; i < id->n_custom; i++) {
		free(id->custom[i].name);
		free(id->custom[i].value);
	}
	free(id->custom);
	free(id->session_id);
	free(id->realm_id);
	free(id->issuer);
	ar_memberships_free(id->memb, id->n_memb);
	memset(id, 0, sizeof(*id));
}

void
ar_identity_free(struct ar_identity *id)
{
	if (id == NULL)
		return;
	ar_identity_clear(id);
	free(id);
}

const char *
ar_identity_custom(const struct ar_identity *id, const char *name)
{
	size_t i;

	for (i = 0; i < id->n_custom; i++)
		if (strcmp(id->custom[i].name, name) == 0)
			return id->custom[i].value;
	return NULL;
}
