/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test tool: write a directory file with ar_dir_write().
 *
 *   ardir write DIR < SPEC   one entry per line, fields separated by tabs:
 *     u NAME AR_ID AR_USERNAME UID ADOPTED GECOS HOME SHELL GIDS KEYS
 *     g NAME GID MEMBERS
 *   GIDS and MEMBERS are comma separated; "-" is empty (NULL for the
 *   optional strings); "\n" in KEYS is a line break.
 *   ardir gen DIR N [UID0]   N users u000000... (uid UID0 + i, groups 27
 *                            and "devs" of UID0 - 1 with ten members)
 * Exit 0 written, 1 refused (the reason on stderr), 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directory.h"

#define MAXF	16

static char *
opt(char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

/* Split s at c into a NULL-free array of strings (or none for "-"). */
static size_t
split(char *s, int c, char ***out)
{
	size_t n = 0;
	char *p, **v;

	*out = NULL;
	if (strcmp(s, "-") == 0 || *s == '\0')
		return 0;
	for (p = s, n = 1; *p; p++)
		n += *p == c;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		abort();
	for (n = 0; (p = strsep(&s, (char[]){ (char)c, 0 })) != NULL;)
		v[n++] = p;
	*out = v;
	return n;
}

static void
unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*d++ = '\n';
			s++;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/* Everything cmd_write() allocates, freed at the end. */
struct spec {
	struct ar_dir_user	*u;
	struct ar_dir_group	*g;
	size_t			 nu, ng;
	char			**lines;
	size_t			 nlines;
};

static void
spec_free(struct spec *sp)
{
	size_t i;

	for (i = 0; i < sp->nu; i++)
		free((void *)sp->u[i].gids);
	for (i = 0; i < sp->ng; i++)
		free((void *)sp->g[i].members);
	for (i = 0; i < sp->nlines; i++)
		free(sp->lines[i]);
	free(sp->u);
	free(sp->g);
	free(sp->lines);
}

static void
add_user(struct spec *sp, char **f)
{
	struct ar_dir_user *u;
	uint32_t *gids;
	char **list;
	size_t i, k;

	sp->u = realloc(sp->u, (sp->nu + 1) * sizeof(*sp->u));
	u = &sp->u[sp->nu++];
	memset(u, 0, sizeof(*u));
	u->name = opt(f[1]);
	u->ar_id = opt(f[2]);
	u->ar_username = opt(f[3]);
	u->uid = strtoul(f[4], NULL, 10);
	u->adopted = atoi(f[5]);
	u->gecos = opt(f[6]);
	u->home = opt(f[7]);
	u->shell = opt(f[8]);
	k = split(f[9], ',', &list);
	gids = calloc(k + 1, sizeof(*gids));
	for (i = 0; i < k; i++)
		gids[i] = strtoul(list[i], NULL, 10);
	free(list);
	u->gids = gids;
	u->n_gids = k;
	unescape(f[10]);
	u->keys = opt(f[10]);
}

static int
cmd_write(const char *dir)
{
	struct spec sp;
	struct ar_dir_group *g;
	char *line = NULL, *f[MAXF], *p, **list, err[256];
	size_t cap = 0, nf;
	int r = 2;

	memset(&sp, 0, sizeof(sp));
	while (getline(&line, &cap, stdin) > 0) {
		line[strcspn(line, "\n")] = '\0';
		sp.lines = realloc(sp.lines, (sp.nlines + 1) * sizeof(char *));
		p = sp.lines[sp.nlines++] = strdup(line);
		for (nf = 0; nf < MAXF && (f[nf] = strsep(&p, "\t")) != NULL;)
			nf++;
		if (nf == 11 && strcmp(f[0], "u") == 0) {
			add_user(&sp, f);
		} else if (nf == 4 && strcmp(f[0], "g") == 0) {
			sp.g = realloc(sp.g, (sp.ng + 1) * sizeof(*sp.g));
			g = &sp.g[sp.ng++];
			g->name = f[1];
			g->gid = strtoul(f[2], NULL, 10);
			g->n_members = split(f[3], ',', &list);
			g->members = (const char *const *)list;
		} else if (nf > 0 && f[0][0] != '#' && f[0][0] != '\0') {
			fprintf(stderr, "ardir: bad line: %s\n", line);
			goto out;
		}
	}
	r = ar_dir_write(dir, sp.u, sp.nu, sp.g, sp.ng, err, sizeof(err));
	if (r != AR_DIR_OK) {
		fprintf(stderr, "ardir: %s: %s\n", ar_dir_result_str(r), err);
		r = 1;
	}
 out:
	free(line);
	spec_free(&sp);
	return r;
}

static int
cmd_gen(const char *dir, size_t n, uint32_t uid0)
{
	static const char *members[10];
	struct ar_dir_user *u;
	struct ar_dir_group g;
	uint32_t gids[2] = { 27, uid0 - 1 };
	char err[256], *names;
	size_t i;
	int r;

	u = calloc(n, sizeof(*u));
	names = calloc(n, 96);
	if (u == NULL || names == NULL)
		abort();
	for (i = 0; i < n; i++) {
		char *nm = names + i * 96;

		snprintf(nm, 32, "u%06zu", i);
		snprintf(nm + 32, 32, "usr_%06zu", i);
		snprintf(nm + 64, 32, "/home/u%06zu", i);
		u[i].name = nm;
		u[i].ar_id = nm + 32;
		u[i].uid = uid0 + i;
		u[i].gecos = "Directory User";
		u[i].home = nm + 64;
		u[i].shell = "/bin/bash";
		u[i].keys = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB5 u@host";
		u[i].gids = gids;
		u[i].n_gids = 2;
		if (i < 10)
			members[i] = nm;
	}
	g.name = "devs";
	g.gid = uid0 - 1;
	g.members = members;
	g.n_members = n < 10 ? n : 10;
	r = ar_dir_write(dir, u, n, &g, 1, err, sizeof(err));
	free(u);
	free(names);
	if (r != AR_DIR_OK) {
		fprintf(stderr, "ardir: %s: %s\n", ar_dir_result_str(r), err);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "write") == 0)
		return cmd_write(argv[2]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "gen") == 0)
		return cmd_gen(argv[2], strtoul(argv[3], NULL, 10),
		    argc == 5 ? strtoul(argv[4], NULL, 10) : 1879048192);
	fprintf(stderr, "usage: ardir write DIR < SPEC | "
	    "ardir gen DIR N [UID0]\n");
	return 2;
}
