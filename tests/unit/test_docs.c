/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The documentation agrees with the key table: every configuration key is
 * described exactly once in pam_authrocket.conf(5) and appears in the
 * example configuration, and nothing else is described as a key.
 * Run from the top of the source tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "harness.h"

#define MAX_NAMES	128

static size_t
man_keys(char names[][64])
{
	FILE *f = fopen("man/pam_authrocket.conf.5", "r");
	char line[512];
	size_t n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL && n < MAX_NAMES) {
		if (sscanf(line, ".It Cm %63s", names[n]) == 1)
			n++;
	}
	fclose(f);
	return n;
}

static int
example_has(const char *key)
{
	FILE *f = fopen("conf/pam_authrocket.conf.example", "r");
	char line[512], want[80];
	int found = 0;

	if (f == NULL)
		return 0;
	snprintf(want, sizeof(want), "%s =", key);
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *p = line;

		while (*p == '#' || *p == ' ')
			p++;
		if (strncmp(p, want, strlen(want)) == 0)
			found = 1;
	}
	fclose(f);
	return found;
}

static void
test_man_page_matches_key_table(void)
{
	static char names[MAX_NAMES][64];
	const struct ar_conf_key *k;
	size_t n, i, nkeys = 0, hits;

	n = man_keys(names);
	T_CHECK(n > 0);
	for (k = ar_conf_keys(); k->name != NULL; k++) {
		nkeys++;
		for (hits = 0, i = 0; i < n; i++)
			if (strcmp(names[i], k->name) == 0)
				hits++;
		if (hits != 1)
			fprintf(stderr, "key %s described %zu times\n",
			    k->name, hits);
		T_EQ_INT(hits, 1);
		if (!example_has(k->name))
			fprintf(stderr, "key %s missing from the example\n",
			    k->name);
		T_CHECK(example_has(k->name));
	}
	/* Nothing in the page's key list that the table does not know. */
	T_EQ_INT(n, nkeys);
}

static void
test_man_pages_lint_clean(void)
{
	const char *pages[] = { "man/pam_authrocket.8",
	    "man/pam_authrocket.conf.5", "man/authrocket-check.8",
	    "man/authrocket-keys.8" };
	char cmd[256];
	size_t i;

	if (system("command -v mandoc >/dev/null 2>&1") != 0) {
		T_SKIP("mandoc is not installed");
		return;
	}
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		snprintf(cmd, sizeof(cmd), "test -z \"$(mandoc -Tlint -W warning "
		    "%s 2>&1)\"", pages[i]);
		T_EQ_INT(system(cmd), 0);
	}
}

int
main(void)
{
	T_RUN(test_man_page_matches_key_table);
	T_RUN(test_man_pages_lint_clean);
	return t_done("test_docs");
}
