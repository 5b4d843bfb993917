/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The layout of the directory file, shared by its writer and its reader
 * (private to src/dir).  All integers are 32-bit little-endian, so the
 * file is the same on every host and needs no alignment to be read.
 *
 *   header     DF_HDR_SIZE bytes, fields at the DF_H_* offsets
 *   users      n_users records of DF_USER_SIZE bytes (DF_U_* fields)
 *   groups     n_groups records of DF_GROUP_SIZE bytes (DF_G_* fields)
 *   ids        n_ids words: users' supplementary gids and groups' member
 *              name offsets, each entry's run contiguous
 *   4 indexes  open-addressing hash tables (linear probing), a power of
 *              two of words each, at least twice the entries: word =
 *              record index + 1, 0 for an empty slot; user names (all
 *              entries), uids (served entries), group names, gids
 *   strings    NUL terminated strings; offset 0 is "", the last byte is 0
 *
 * A reader changes nothing and trusts nothing: every section must lie
 * inside the file, every string offset inside the string section, every
 * run inside the ids section, every index word below its record count.
 */
#ifndef AR_DIR_FORMAT_H
#define AR_DIR_FORMAT_H

#include <stdint.h>
#include <string.h>

#define DF_MAGIC	"ARDIRECT"	/* 8 bytes, then the version */
#define DF_VERSION	1

#define DF_H_VERSION	8
#define DF_H_HDR_SIZE	12
#define DF_H_FILE_SIZE	16
#define DF_H_N_USERS	20
#define DF_H_N_GROUPS	24
#define DF_H_USERS	28
#define DF_H_GROUPS	32
#define DF_H_IDS	36
#define DF_H_N_IDS	40
#define DF_H_UNAME	44	/* offset, then bucket count at +4 */
#define DF_H_UID	52
#define DF_H_GNAME	60
#define DF_H_GID	68
#define DF_H_STRINGS	76
#define DF_H_STR_SIZE	80
#define DF_HDR_SIZE	96	/* the rest is zero */

#define DF_U_NAME	0
#define DF_U_AR_ID	4
#define DF_U_AR_USERNAME 8
#define DF_U_GECOS	12
#define DF_U_HOME	16
#define DF_U_SHELL	20
#define DF_U_KEYS	24
#define DF_U_UID	28
#define DF_U_FLAGS	32
#define DF_U_GIDS	36	/* first word in ids */
#define DF_U_N_GIDS	40
#define DF_USER_SIZE	48	/* the rest is zero */

#define DF_UF_ADOPTED	1u

#define DF_G_NAME	0
#define DF_G_GID	4
#define DF_G_MEMBERS	8	/* first word in ids */
#define DF_G_N_MEMBERS	12
#define DF_GROUP_SIZE	16

static inline uint32_t
df_get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void
df_put32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

/* FNV-1a: the name indexes. */
static inline uint32_t
df_hash_name(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* An integer mixer, so that consecutive ids spread: the id indexes. */
static inline uint32_t
df_hash_id(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

#endif /* AR_DIR_FORMAT_H */
