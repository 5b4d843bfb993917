/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The local account name rule, shared by the configuration (group names),
 * the mapping, the policy and the directory programs.
 */
#ifndef AR_NAME_H
#define AR_NAME_H

#define AR_NAME_MAX	32	/* longest local account name, without NUL */

/*
 * Is s a name this project accepts for a local account or group:
 * ^[a-z_][a-z0-9_.-]{0,31}$, byte for byte (no locale, no case folding)?
 * Returns 1 or 0; NULL is 0.
 */
int	ar_name_ok(const char *s);

#endif /* AR_NAME_H */
