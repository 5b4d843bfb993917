/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the directory file reader (what the NSS module,
 * authrocket-keys and the PAM module read).  The input is the file.  Every
 * lookup and the whole enumeration run on it; besides memory errors the
 * answers must keep their contracts: only OK, NOTFOUND or DAMAGED, a user
 * found by name has that name, one found by uid has that uid and is
 * served, every string ends inside the mapping.
 */
#include "fuzz.h"
#include "directory.h"

static void
check_result(int r)
{
	if (r != AR_DIR_OK && r != AR_DIR_NOTFOUND && r != AR_DIR_DAMAGED)
		abort();
}

static size_t
touch_user(const struct ar_dir_user_view *v)
{
	size_t n = strlen(v->name) + strlen(v->ar_id) +
	    strlen(v->ar_username) + strlen(v->gecos) + strlen(v->home) +
	    strlen(v->shell) + strlen(v->keys), i;

	for (i = 0; i < v->n_gids; i++)
		n += ar_dir_gid(v, i);
	return n;
}

static size_t
touch_group(const struct ar_dir_group_view *g)
{
	size_t n = strlen(g->name), i;

	for (i = 0; i < g->n_members; i++)
		n += strlen(ar_dir_member(g, i));
	return n;
}

/* Look the enumerated entry up again by name and id. */
static size_t
lookup_again(const struct ar_dir *d, const struct ar_dir_user_view *u)
{
	struct ar_dir_user_view v;
	struct ar_dir_group_view g;
	size_t n = 0;
	int r;

	r = ar_dir_user_by_name(d, u->name, &v);
	check_result(r);
	if (r == AR_DIR_OK && strcmp(v.name, u->name) != 0)
		abort();
	r = ar_dir_user_by_uid(d, u->uid, &v);
	check_result(r);
	if (r == AR_DIR_OK && (v.uid != u->uid || v.adopted))
		abort();
	if (r == AR_DIR_OK)
		n += touch_user(&v);
	r = ar_dir_group_by_name(d, u->name, &g);
	check_result(r);
	if (r == AR_DIR_OK)
		n += touch_group(&g);
	r = ar_dir_group_by_gid(d, u->uid, &g);
	check_result(r);
	if (r == AR_DIR_OK)
		n += touch_group(&g);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[128];
	static volatile size_t sink;
	struct ar_dir_user_view u;
	struct ar_dir_group_view g;
	struct ar_dir *d = NULL;
	size_t i;
	int r;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/%s", fuzz_tmpdir(),
		    AR_DIR_FILE);
	fuzz_write(path, data, size);
	r = ar_dir_open(fuzz_tmpdir(), geteuid(), &d);
	if (r != AR_DIR_OK) {
		if (d != NULL || r != AR_DIR_DAMAGED)
			abort();
		return 0;
	}
	for (i = 0; i < ar_dir_n_users(d) && i < 256; i++) {
		r = ar_dir_user_at(d, i, &u);
		check_result(r);
		if (r == AR_DIR_OK)
			sink += touch_user(&u) + lookup_again(d, &u);
	}
	for (i = 0; i < ar_dir_n_groups(d) && i < 256; i++) {
		r = ar_dir_group_at(d, i, &g);
		check_result(r);
		if (r == AR_DIR_OK)
			sink += touch_group(&g);
	}
	check_result(ar_dir_user_by_name(d, "root", &u));
	check_result(ar_dir_group_by_gid(d, 0, &g));
	ar_dir_close(d);
	return 0;
}
