/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lookup sets for authrocket-sync: uids and gids taken, AuthRocket ids
 * seen while paging.  Open addressing, load kept under one half, so that
 * 100 000 users cost no more than a few lookups each.
 */
#include <stdlib.h>
#include <string.h>

#include "sync.h"

/* FNV-1a, 64 bits: stable across hosts and versions (uids depend on it). */
uint64_t
sync_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static size_t
id_pos(uint32_t id, size_t cap)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 17) & (cap - 1);
}

static int
idset_grow(struct idset *s)
{
	struct idset n;
	size_t i;

	memset(&n, 0, sizeof(n));
	n.cap = s->cap == 0 ? 64 : s->cap * 2;
	if ((n.slot = calloc(n.cap, sizeof(*n.slot))) == NULL)
		return -1;
	n.has_zero = s->has_zero;
	for (i = 0; i < s->cap; i++)
		if (s->slot[i] != 0)
			(void)idset_add(&n, s->slot[i]);
	free(s->slot);
	*s = n;
	return 0;
}

int
idset_add(struct idset *s, uint32_t id)
{
	size_t i;

	if (id == 0) {
		s->has_zero = 1;
		return 0;
	}
	if ((s->n + 1) * 2 > s->cap && idset_grow(s) != 0)
		return -1;
	for (i = id_pos(id, s->cap); s->slot[i] != 0; i = (i + 1) &
	    (s->cap - 1))
		if (s->slot[i] == id)
			return 0;
	s->slot[i] = id;
	s->n++;
	return 0;
}

int
idset_has(const struct idset *s, uint32_t id)
{
	size_t i;

	if (id == 0)
		return s->has_zero;
	if (s->cap == 0)
		return 0;
	for (i = id_pos(id, s->cap); s->slot[i] != 0; i = (i + 1) &
	    (s->cap - 1))
		if (s->slot[i] == id)
			return 1;
	return 0;
}

void
idset_free(struct idset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

static int
strset_grow(struct strset *s)
{
	struct strset n;
	size_t i;

	memset(&n, 0, sizeof(n));
	n.cap = s->cap == 0 ? 64 : s->cap * 2;
	if ((n.slot = calloc(n.cap, sizeof(*n.slot))) == NULL)
		return -1;
	for (i = 0; i < s->cap; i++)
		if (s->slot[i] != NULL)
			(void)strset_add(&n, s->slot[i]);
	free(s->slot);
	*s = n;
	return 0;
}

int
strset_add(struct strset *s, const char *str)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap && strset_grow(s) != 0)
		return -1;
	for (i = sync_hash(str) & (s->cap - 1); s->slot[i] != NULL;
	    i = (i + 1) & (s->cap - 1))
		if (strcmp(s->slot[i], str) == 0)
			return 0;
	s->slot[i] = str;
	s->n++;
	return 1;
}

int
strset_has(const struct strset *s, const char *str)
{
	size_t i;

	if (s->cap == 0)
		return 0;
	for (i = sync_hash(str) & (s->cap - 1); s->slot[i] != NULL;
	    i = (i + 1) & (s->cap - 1))
		if (strcmp(s->slot[i], str) == 0)
			return 1;
	return 0;
}

void
strset_free(struct strset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}
