/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-keys USER: sshd's AuthorizedKeysCommand.  Prints the SSH
 * public keys the directory holds for USER, one "TYPE BASE64 [comment]"
 * line each, and nothing it cannot vouch for.  It reads only the
 * directory file (no network, no configuration), so it answers at once
 * and keeps working while AuthRocket is down.
 */
#include <stdio.h>
#include <string.h>

#include "ar.h"
#include "directory.h"
#include "sshkey.h"

#define EXIT_USER	0	/* a directory user, keys or none */
#define EXIT_NOUSER	1	/* anyone else, or no usable directory */
#define EXIT_USAGE	2

/*
 * Where the program reads; a build-time choice only (the test suite
 * builds a copy pointing into its build tree).
 */
#ifndef AR_KEYS_DIR
#define AR_KEYS_DIR	AR_DIRECTORY_DIR
#endif
#ifndef AR_KEYS_OWNER
#define AR_KEYS_OWNER	0
#endif

static int
usage(FILE *f)
{
	fprintf(f, "usage: authrocket-keys USER\n"
	    "Print USER's SSH public keys from the AuthRocket directory "
	    "(%s).\n"
	    "Exit 0: a directory user (keys or none); 1: anyone else; "
	    "2: usage.\n", AR_KEYS_DIR);
	return EXIT_USAGE;
}

/* Print the acceptable lines of keys; the others are left out whole. */
static int
print_keys(const char *keys)
{
	struct ar_sshkey k;
	const char *p, *nl;
	size_t len;

	for (p = keys; *p != '\0'; p = nl != NULL ? nl + 1 : p + len) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (!ar_sshkey_parse(p, len, &k))
			continue;
		printf("%.*s %.*s", (int)k.type_len, k.type, (int)k.blob_len,
		    k.blob);
		if (k.comment_len > 0)
			printf(" %.*s", (int)k.comment_len, k.comment);
		putchar('\n');
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_USER :
	    EXIT_NOUSER;
}

int
main(int argc, char **argv)
{
	struct ar_dir_user_view v;
	struct ar_dir *d = NULL;
	int r, ex = EXIT_NOUSER;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return EXIT_USER;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("authrocket-keys %s\n", AR_VERSION);
		return EXIT_USER;
	}
	if (argc != 2 || argv[1][0] == '-' || argv[1][0] == '\0')
		return usage(stderr);
	if ((r = ar_dir_open(AR_KEYS_DIR, AR_KEYS_OWNER, &d)) != AR_DIR_OK) {
		fprintf(stderr, "authrocket-keys: %s/%s: %s%s\n", AR_KEYS_DIR,
		    AR_DIR_FILE, ar_dir_result_str(r), r == AR_DIR_MISSING ?
		    " (run authrocket-sync)" : "");
		return EXIT_NOUSER;
	}
	r = ar_dir_user_by_name(d, argv[1], &v);
	if (r == AR_DIR_OK)
		ex = print_keys(v.keys);
	else if (r == AR_DIR_DAMAGED)
		fprintf(stderr, "authrocket-keys: %s/%s: damaged\n",
		    AR_KEYS_DIR, AR_DIR_FILE);
	ar_dir_close(d);
	return ex;
}
