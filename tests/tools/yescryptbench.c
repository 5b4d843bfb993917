/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yescryptbench N: the time of one crypt_r() of a password against a
 * yescrypt setting at libcrypt's default cost (what pam_unix pays per
 * login on Debian), averaged over N calls.  Prints "per=MICROSECONDS".
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int
main(int argc, char **argv)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	struct timespec a, b;
	long n, i;

	n = argc > 1 ? atol(argv[1]) : 20;
	if (n < 1 || (cd = calloc(1, sizeof(*cd))) == NULL ||
	    crypt_gensalt_rn("$y$", 0, NULL, 0, setting,
	    sizeof(setting)) == NULL)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		if (crypt_r("pw-alice", setting, cd) == NULL)
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("per=%.1f setting=%.7s\n", ((b.tv_sec - a.tv_sec) * 1e9 +
	    (b.tv_nsec - a.tv_nsec)) / 1e3 / (double)n, setting);
	free(cd);
	return 0;
}
