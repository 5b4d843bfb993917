/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/dir: the directory file written by ar_dir_write() and
 * read back through every lookup; refused entries; the file's mode and
 * atomic replacement; unsafe and damaged files (every truncation, every
 * byte changed) never read outside the mapping; 100 000 users.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "directory.h"
#include "dir_format.h"

static char t_dir[64];

static const uint32_t alice_gids[] = { 27, 1879050000 };
static const char *const devs_members[] = { "alice", "bob", "carol" };

static const struct ar_dir_user t_users[] = {
	{ "alice", "usr_alice", "alice@example.com", 1879048200, 0,
	    "Alice Liddell", "/home/alice", "/bin/bash",
	    "ssh-ed25519 AAAAC3 alice@laptop\nssh-rsa AAAAB3 alice",
	    alice_gids, 2 },
	{ "bob", "usr_bob", NULL, 1879048201, 0, NULL, "/home/bob",
	    "/bin/sh", NULL, NULL, 0 },
	{ "carol", "usr_carol", "carol", 0, 1, "Carol", "/home/carol",
	    "/bin/bash", NULL, NULL, 0 },
};

static const struct ar_dir_group t_groups[] = {
	{ "devs", 1879050000, devs_members, 3 },
	{ "empty", 1879050001, NULL, 0 },
};

static int
write_std(void)
{
	char err[256];

	return ar_dir_write(t_dir, t_users, 3, t_groups, 2, err, sizeof(err));
}

static char *
file_path(void)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", t_dir, AR_DIR_FILE);
	return path;
}

/* Files in the test directory besides the directory file. */
static int
stray_files(void)
{
	struct dirent *e;
	DIR *dh;
	int n = 0;

	if ((dh = opendir(t_dir)) == NULL)
		abort();
	while ((e = readdir(dh)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, AR_DIR_FILE) != 0)
			n++;
	closedir(dh);
	return n;
}

static void
test_round_trip(void)
{
	struct ar_dir_user_view u;
	struct ar_dir_group_view g;
	struct ar_dir *d = NULL;

	T_EQ_INT(write_std(), AR_DIR_OK);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_OK);
	if (d == NULL)
		return;
	T_EQ_INT(ar_dir_user_by_name(d, "alice", &u), AR_DIR_OK);
	T_EQ_STR(u.name, "alice");
	T_EQ_STR(u.ar_id, "usr_alice");
	T_EQ_STR(u.ar_username, "alice@example.com");
	T_EQ_INT(u.uid, 1879048200);
	T_EQ_INT(u.adopted, 0);
	T_EQ_STR(u.gecos, "Alice Liddell");
	T_EQ_STR(u.home, "/home/alice");
	T_EQ_STR(u.shell, "/bin/bash");
	T_EQ_STR(u.keys,
	    "ssh-ed25519 AAAAC3 alice@laptop\nssh-rsa AAAAB3 alice");
	T_EQ_INT(u.n_gids, 2);
	T_EQ_INT(ar_dir_gid(&u, 0), 27);
	T_EQ_INT(ar_dir_gid(&u, 1), 1879050000);

	T_EQ_INT(ar_dir_user_by_name(d, "bob", &u), AR_DIR_OK);
	T_EQ_STR(u.ar_username, "");
	T_EQ_STR(u.gecos, "");
	T_EQ_STR(u.keys, "");
	T_EQ_INT(u.n_gids, 0);
	T_EQ_INT(ar_dir_user_by_uid(d, 1879048201, &u), AR_DIR_OK);
	T_EQ_STR(u.name, "bob");

	/* Adopted: found by name, never by uid, no primary group. */
	T_EQ_INT(ar_dir_user_by_name(d, "carol", &u), AR_DIR_OK);
	T_EQ_INT(u.adopted, 1);
	T_EQ_INT(u.uid, 0);
	T_EQ_INT(ar_dir_user_by_uid(d, 0, &u), AR_DIR_NOTFOUND);
	T_EQ_INT(ar_dir_group_by_name(d, "carol", &g), AR_DIR_NOTFOUND);

	T_EQ_INT(ar_dir_user_by_name(d, "dave", &u), AR_DIR_NOTFOUND);
	T_EQ_INT(ar_dir_user_by_name(d, "", &u), AR_DIR_NOTFOUND);
	T_EQ_INT(ar_dir_user_by_name(d, "alic", &u), AR_DIR_NOTFOUND);
	T_EQ_INT(ar_dir_user_by_uid(d, 1879048202, &u), AR_DIR_NOTFOUND);

	T_EQ_INT(ar_dir_group_by_name(d, "devs", &g), AR_DIR_OK);
	T_EQ_INT(g.gid, 1879050000);
	T_EQ_INT(g.n_members, 3);
	T_EQ_STR(ar_dir_member(&g, 0), "alice");
	T_EQ_STR(ar_dir_member(&g, 2), "carol");
	T_EQ_INT(ar_dir_group_by_gid(d, 1879050001, &g), AR_DIR_OK);
	T_EQ_STR(g.name, "empty");
	T_EQ_INT(g.n_members, 0);
	/* Primary groups of served users. */
	T_EQ_INT(ar_dir_group_by_name(d, "alice", &g), AR_DIR_OK);
	T_EQ_INT(g.gid, 1879048200);
	T_EQ_INT(g.n_members, 0);
	T_EQ_INT(ar_dir_group_by_gid(d, 1879048201, &g), AR_DIR_OK);
	T_EQ_STR(g.name, "bob");
	T_EQ_INT(ar_dir_group_by_gid(d, 27, &g), AR_DIR_NOTFOUND);
	ar_dir_close(d);
}

static void
test_enumeration(void)
{
	struct ar_dir_user_view u;
	struct ar_dir_group_view g;
	struct ar_dir *d = NULL;
	size_t i;
	char got[256] = "";

	T_EQ_INT(write_std(), AR_DIR_OK);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_OK);
	if (d == NULL)
		return;
	T_EQ_INT(ar_dir_n_users(d), 3);
	T_EQ_INT(ar_dir_n_groups(d), 5);
	for (i = 0; i < ar_dir_n_users(d); i++) {
		T_EQ_INT(ar_dir_user_at(d, i, &u), AR_DIR_OK);
		strcat(got, u.name);
		strcat(got, " ");
	}
	T_EQ_INT(ar_dir_user_at(d, i, &u), AR_DIR_NOTFOUND);
	for (i = 0; i < ar_dir_n_groups(d); i++)
		if (ar_dir_group_at(d, i, &g) == AR_DIR_OK) {
			strcat(got, g.name);
			strcat(got, " ");
		}
	T_EQ_INT(ar_dir_group_at(d, 4, &g), AR_DIR_NOTFOUND);	/* carol */
	T_EQ_INT(ar_dir_group_at(d, 5, &g), AR_DIR_NOTFOUND);
	T_EQ_STR(got, "alice bob carol devs empty alice bob ");
	ar_dir_close(d);
}

static void
test_empty(void)
{
	struct ar_dir_user_view u;
	struct ar_dir_group_view g;
	struct ar_dir *d = NULL;
	char err[256];

	T_EQ_INT(ar_dir_write(t_dir, NULL, 0, NULL, 0, err, sizeof(err)),
	    AR_DIR_OK);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_OK);
	if (d == NULL)
		return;
	T_EQ_INT(ar_dir_n_users(d), 0);
	T_EQ_INT(ar_dir_user_by_name(d, "alice", &u), AR_DIR_NOTFOUND);
	T_EQ_INT(ar_dir_group_by_gid(d, 5, &g), AR_DIR_NOTFOUND);
	ar_dir_close(d);
}

/* One row per entry set the writer refuses. */
static void
test_refused(void)
{
	static const uint32_t one = 1879048200;
	static const char *const nul_member[] = { NULL };
	struct ar_dir_user u2[2];
	struct ar_dir_group g2[2];
	struct ar_dir *d = NULL;
	struct ar_dir_user_view v;
	char err[256];
	int i;
	struct {
		int	 which;	/* field changed */
		const char *want;
	} rows[] = {
		{ 0, "duplicate name" },
		{ 1, "duplicate uid" },
		{ 2, "no name" },
		{ 3, "no name" },
		{ 4, "duplicate name" },
		{ 5, "duplicate gid" },
		{ 6, "the name of a user" },
		{ 7, "is a user's" },
		{ 8, "without a name" },
		{ 9, "no gids" },
	};

	T_EQ_INT(write_std(), AR_DIR_OK);
	for (i = 0; i < (int)(sizeof(rows) / sizeof(rows[0])); i++) {
		memcpy(u2, t_users, sizeof(u2));
		memcpy(g2, t_groups, sizeof(g2));
		switch (rows[i].which) {
		case 0: u2[1].name = "alice"; break;
		case 1: u2[1].uid = u2[0].uid; break;
		case 2: u2[1].name = NULL; break;
		case 3: u2[1].ar_id = NULL; break;
		case 4: g2[1].name = "devs"; break;
		case 5: g2[1].gid = g2[0].gid; break;
		case 6: g2[1].name = "bob"; break;
		case 7: g2[1].gid = one; break;
		case 8: g2[1].members = nul_member; g2[1].n_members = 1; break;
		case 9: u2[1].n_gids = 1; break;
		}
		err[0] = '\0';
		T_EQ_INT(ar_dir_write(t_dir, u2, 2, g2, 2, err, sizeof(err)),
		    AR_DIR_INVALID);
		T_CHECK(strstr(err, rows[i].want) != NULL);
		if (strstr(err, rows[i].want) == NULL)
			fprintf(stderr, "  row %d: \"%s\"\n", i, err);
	}
	/* Two adopted entries share uid 0; an adopted name may be a group. */
	memcpy(u2, t_users + 1, sizeof(u2));
	u2[0].adopted = 1;
	g2[0] = t_groups[0];
	g2[0].name = "bob";
	T_EQ_INT(ar_dir_write(t_dir, u2, 2, g2, 1, err, sizeof(err)),
	    AR_DIR_OK);
	/* The last refused write left the previous file in place. */
	T_EQ_INT(write_std(), AR_DIR_OK);
	u2[0] = t_users[0];
	u2[1] = t_users[0];
	T_EQ_INT(ar_dir_write(t_dir, u2, 2, NULL, 0, err, sizeof(err)),
	    AR_DIR_INVALID);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_OK);
	if (d != NULL)
		T_EQ_INT(ar_dir_user_by_name(d, "bob", &v), AR_DIR_OK);
	ar_dir_close(d);
	T_EQ_INT(stray_files(), 0);
}

static void
test_file_mode(void)
{
	struct stat st;
	mode_t old = umask(077);
	char err[256];

	T_EQ_INT(write_std(), AR_DIR_OK);
	umask(old);
	T_EQ_INT(stat(file_path(), &st), 0);
	T_EQ_INT(st.st_mode & 07777, 0644);
	T_EQ_INT(stray_files(), 0);
	T_EQ_INT(ar_dir_write("/nonexistent/dir", t_users, 3, NULL, 0, err,
	    sizeof(err)), AR_DIR_SYSTEM);
	T_CHECK(strstr(err, "/nonexistent/dir") != NULL);
}

static void
put_file(const unsigned char *data, size_t len, mode_t mode)
{
	int fd;

	(void)unlink(file_path());
	fd = open(file_path(), O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || (len > 0 && write(fd, data, len) != (ssize_t)len) ||
	    fchmod(fd, mode) != 0 || close(fd) != 0)
		abort();
}

static unsigned char *
get_file(size_t *len)
{
	unsigned char *p;
	struct stat st;
	int fd;

	if ((fd = open(file_path(), O_RDONLY)) < 0 || fstat(fd, &st) != 0 ||
	    (p = malloc(st.st_size)) == NULL ||
	    read(fd, p, st.st_size) != st.st_size)
		abort();
	close(fd);
	*len = st.st_size;
	return p;
}

static void
test_unsafe(void)
{
	struct ar_dir *d = NULL;
	unsigned char *data;
	char other[128];
	size_t len;

	(void)unlink(file_path());
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_MISSING);
	T_CHECK(d == NULL);
	T_EQ_INT(write_std(), AR_DIR_OK);
	data = get_file(&len);
	put_file(data, len, 0664);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_DAMAGED);
	put_file(data, len, 0646);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_DAMAGED);
	put_file(data, len, 0600);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_OK);
	ar_dir_close(d);
	d = NULL;
	if (geteuid() == 0) {
		/* Owned by someone else than root or the given owner. */
		T_EQ_INT(chown(file_path(), 65534, 65534), 0);
		T_EQ_INT(ar_dir_open(t_dir, 4242, &d), AR_DIR_DAMAGED);
	} else {
		T_EQ_INT(ar_dir_open(t_dir, geteuid() + 1, &d), AR_DIR_DAMAGED);
	}
	/* A symbolic link to a good file, a directory: not ours. */
	snprintf(other, sizeof(other), "%s/good", t_dir);
	put_file(data, len, 0644);
	T_EQ_INT(rename(file_path(), other), 0);
	T_EQ_INT(symlink("good", file_path()), 0);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_DAMAGED);
	T_EQ_INT(unlink(file_path()), 0);
	T_EQ_INT(unlink(other), 0);
	T_EQ_INT(mkdir(file_path(), 0755), 0);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_DAMAGED);
	T_EQ_INT(rmdir(file_path()), 0);
	T_CHECK(d == NULL);
	free(data);
}

/* Every lookup and the enumeration on an open, possibly damaged file. */
static int
exercise(const struct ar_dir *d)
{
	static const char *names[] = { "alice", "bob", "carol", "devs",
	    "empty", "zed", "" };
	static const uint32_t ids[] = { 0, 27, 1879048200, 1879048201,
	    1879050000, 1879050001, 7 };
	struct ar_dir_user_view u;
	struct ar_dir_group_view g;
	size_t i, j, n = 0;
	int r, bad = 0;

	for (i = 0; i < 7; i++) {
		r = ar_dir_user_by_name(d, names[i], &u);
		bad |= r != AR_DIR_OK && r != AR_DIR_NOTFOUND &&
		    r != AR_DIR_DAMAGED;
		if (r == AR_DIR_OK)
			n += strlen(u.name) + strlen(u.keys) + strlen(u.home) +
			    (u.n_gids > 0 ? ar_dir_gid(&u, u.n_gids - 1) : 0);
		r = ar_dir_user_by_uid(d, ids[i], &u);
		bad |= r != AR_DIR_OK && r != AR_DIR_NOTFOUND &&
		    r != AR_DIR_DAMAGED;
		r = ar_dir_group_by_name(d, names[i], &g);
		bad |= r != AR_DIR_OK && r != AR_DIR_NOTFOUND &&
		    r != AR_DIR_DAMAGED;
		if (r == AR_DIR_OK)
			for (j = 0; j < g.n_members; j++)
				n += strlen(ar_dir_member(&g, j));
		r = ar_dir_group_by_gid(d, ids[i], &g);
		bad |= r != AR_DIR_OK && r != AR_DIR_NOTFOUND &&
		    r != AR_DIR_DAMAGED;
	}
	for (i = 0; i < ar_dir_n_users(d) && i < 64; i++)
		if (ar_dir_user_at(d, i, &u) == AR_DIR_OK)
			n += strlen(u.gecos) + strlen(u.shell) +
			    strlen(u.ar_id);
	for (i = 0; i < ar_dir_n_groups(d) && i < 64; i++)
		if (ar_dir_group_at(d, i, &g) == AR_DIR_OK)
			for (j = 0; j < g.n_members; j++)
				n += strlen(ar_dir_member(&g, j));
	(void)n;
	return bad;
}

static void
test_damaged(void)
{
	static const unsigned char flips[] = { 0x01, 0x80, 0xff };
	struct ar_dir *d = NULL;
	unsigned char *data, *copy;
	size_t len, i, k;
	int r, bad = 0, opened = 0, refused = 0;

	T_EQ_INT(write_std(), AR_DIR_OK);
	data = get_file(&len);
	copy = malloc(len + 1);
	/* Every truncation, and one byte too many. */
	for (i = 0; i < len; i++) {
		put_file(data, i, 0644);
		r = ar_dir_open(t_dir, geteuid(), &d);
		bad += r != AR_DIR_DAMAGED || d != NULL;
	}
	memcpy(copy, data, len);
	copy[len] = 0;
	put_file(copy, len + 1, 0644);
	bad += ar_dir_open(t_dir, geteuid(), &d) != AR_DIR_DAMAGED;
	T_EQ_INT(bad, 0);
	/* Every byte changed three ways: refused, or answers in bounds. */
	for (i = 0; i < len; i++) {
		for (k = 0; k < sizeof(flips); k++) {
			memcpy(copy, data, len);
			copy[i] ^= flips[k];
			put_file(copy, len, 0644);
			r = ar_dir_open(t_dir, geteuid(), &d);
			if (r == AR_DIR_OK) {
				opened++;
				bad += exercise(d);
				ar_dir_close(d);
				d = NULL;
			} else {
				refused++;
				bad += r != AR_DIR_DAMAGED;
			}
		}
	}
	T_EQ_INT(bad, 0);
	T_CHECK(opened > 0 && refused > 0);
	free(copy);
	free(data);
}

/* A hash index without an empty slot must not make a lookup loop. */
static void
test_full_index(void)
{
	struct ar_dir_user_view u;
	struct ar_dir_group_view g;
	struct ar_dir *d = NULL;
	unsigned char *data;
	size_t len, k, j;
	uint32_t off, nb;

	T_EQ_INT(write_std(), AR_DIR_OK);
	data = get_file(&len);
	for (k = 0; k < 4; k++) {
		off = df_get32(data + DF_H_UNAME + 8 * k);
		nb = df_get32(data + DF_H_UNAME + 8 * k + 4);
		for (j = 0; j < nb; j++)
			df_put32(data + off + 4 * j, 1);
	}
	put_file(data, len, 0644);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_OK);
	if (d != NULL) {
		T_EQ_INT(ar_dir_user_by_name(d, "nobody", &u), AR_DIR_NOTFOUND);
		T_EQ_INT(ar_dir_user_by_uid(d, 5, &u), AR_DIR_NOTFOUND);
		T_EQ_INT(ar_dir_group_by_name(d, "nobody", &g),
		    AR_DIR_NOTFOUND);
		T_EQ_INT(ar_dir_group_by_gid(d, 5, &g), AR_DIR_NOTFOUND);
	}
	ar_dir_close(d);
	/* An index word beyond the records. */
	off = df_get32(data + DF_H_UNAME);
	nb = df_get32(data + DF_H_UNAME + 4);
	for (j = 0; j < nb; j++)
		df_put32(data + off + 4 * j, 4);
	put_file(data, len, 0644);
	d = NULL;
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_OK);
	if (d != NULL)
		T_EQ_INT(ar_dir_user_by_name(d, "alice", &u), AR_DIR_DAMAGED);
	ar_dir_close(d);
	free(data);
}

static void
test_current(void)
{
	struct ar_dir_user_view u;
	struct ar_dir *d = NULL;

	T_EQ_INT(write_std(), AR_DIR_OK);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_OK);
	if (d == NULL)
		return;
	T_EQ_INT(ar_dir_current(d, t_dir), 1);
	T_EQ_INT(write_std(), AR_DIR_OK);
	T_EQ_INT(ar_dir_current(d, t_dir), 0);
	/* The old mapping stays readable after the replacement. */
	T_EQ_INT(ar_dir_user_by_name(d, "alice", &u), AR_DIR_OK);
	T_EQ_STR(u.home, "/home/alice");
	ar_dir_close(d);
	T_EQ_INT(unlink(file_path()), 0);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_MISSING);
}

static void
test_large(void)
{
	enum { N = 100000 };
	struct ar_dir_user *u;
	struct ar_dir_group g;
	struct ar_dir_user_view v;
	struct ar_dir_group_view gv;
	struct ar_dir *d = NULL;
	static const uint32_t gid = 1879040000;
	const char **members;
	char (*names)[16], (*homes)[24], err[256];
	size_t i;
	int bad = 0;

	u = calloc(N, sizeof(*u));
	names = calloc(N, sizeof(*names));
	homes = calloc(N, sizeof(*homes));
	members = calloc(N, sizeof(*members));
	if (u == NULL || names == NULL || homes == NULL || members == NULL)
		abort();
	for (i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "u%06zu", i);
		snprintf(homes[i], sizeof(homes[i]), "/home/u%06zu", i);
		u[i].name = names[i];
		u[i].ar_id = names[i];
		u[i].uid = 1879048192 + (uint32_t)i * 7;
		u[i].home = homes[i];
		u[i].shell = "/bin/bash";
		u[i].gids = &gid;
		u[i].n_gids = 1;
		members[i] = names[i];
	}
	g.name = "everyone";
	g.gid = gid;
	g.members = members;
	g.n_members = N;
	T_EQ_INT(ar_dir_write(t_dir, u, N, &g, 1, err, sizeof(err)),
	    AR_DIR_OK);
	T_EQ_INT(ar_dir_open(t_dir, geteuid(), &d), AR_DIR_OK);
	if (d != NULL) {
		for (i = 0; i < N; i++) {
			bad += ar_dir_user_by_name(d, names[i], &v) !=
			    AR_DIR_OK || strcmp(v.home, homes[i]) != 0;
			bad += ar_dir_user_by_uid(d, u[i].uid, &v) !=
			    AR_DIR_OK || strcmp(v.name, names[i]) != 0;
			bad += ar_dir_user_by_uid(d, u[i].uid + 1, &v) !=
			    AR_DIR_NOTFOUND;
		}
		T_EQ_INT(bad, 0);
		T_EQ_INT(ar_dir_group_by_gid(d, gid, &gv), AR_DIR_OK);
		T_EQ_INT(gv.n_members, N);
		T_EQ_STR(ar_dir_member(&gv, N - 1), "u099999");
	}
	ar_dir_close(d);
	free(u);
	free(names);
	free(homes);
	free(members);
}

int
main(void)
{
	snprintf(t_dir, sizeof(t_dir), "/tmp/test_directory.XXXXXX");
	if (mkdtemp(t_dir) == NULL)
		abort();
	T_RUN(test_round_trip);
	T_RUN(test_enumeration);
	T_RUN(test_empty);
	T_RUN(test_refused);
	T_RUN(test_file_mode);
	T_RUN(test_unsafe);
	T_RUN(test_damaged);
	T_RUN(test_full_index);
	T_RUN(test_current);
	T_RUN(test_large);
	(void)unlink(file_path());
	(void)rmdir(t_dir);
	return t_done("test_directory");
}
