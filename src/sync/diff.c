/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a sync changes: entries added, removed and changed between the
 * directory served so far and the new one, for the summary line,
 * --dry-run and the mass-drop guard.
 */
#include <string.h>

#include "sync.h"

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
same_entry(const struct sync_entry *a, const struct sync_entry *b)
{
	return same_str(a->name, b->name) &&
	    same_str(a->ar_username, b->ar_username) && a->uid == b->uid &&
	    a->adopted == b->adopted && same_str(a->gecos, b->gecos) &&
	    same_str(a->home, b->home) && same_str(a->shell, b->shell) &&
	    same_str(a->keys, b->keys) && a->n_gids == b->n_gids &&
	    (a->n_gids == 0 || memcmp(a->gids, b->gids,
	    a->n_gids * sizeof(*a->gids)) == 0);
}

/* One change; the id comes from the server and is escaped. */
static void
show(FILE *out, char op, const struct sync_entry *e)
{
	char id[256];

	if (out == NULL)
		return;
	ar_escape(id, sizeof(id), e->ar_id, strlen(e->ar_id));
	if (e->adopted)
		fprintf(out, "%c %s %s adopted\n", op, e->name, id);
	else
		fprintf(out, "%c %s %s uid %u\n", op, e->name, id,
		    (unsigned int)e->uid);
}

void
sync_diff(const struct sync_dir *prev, const struct sync_dir *next,
    FILE *out, struct sync_diff *d)
{
	size_t i = 0, j = 0;
	int c;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < prev->n_u; i++)
		d->prev_served += !prev->u[i].adopted;
	for (j = 0; j < next->n_u; j++)
		d->served += !next->u[j].adopted;
	for (i = 0, j = 0; i < prev->n_u || j < next->n_u;) {
		if (i == prev->n_u)
			c = 1;
		else if (j == next->n_u)
			c = -1;
		else
			c = strcmp(prev->u[i].ar_id, next->u[j].ar_id);
		if (c < 0) {
			d->removed++;
			d->dropped += !prev->u[i].adopted;
			show(out, '-', &prev->u[i++]);
		} else if (c > 0) {
			d->added++;
			show(out, '+', &next->u[j++]);
		} else {
			if (!same_entry(&prev->u[i], &next->u[j])) {
				d->changed++;
				d->dropped += !prev->u[i].adopted &&
				    next->u[j].adopted;
				show(out, '~', &next->u[j]);
			}
			i++;
			j++;
		}
	}
}
