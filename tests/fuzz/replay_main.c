/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Corpus replay without libFuzzer: feed each file named on the command
 * line (or each file of a directory) to LLVMFuzzerTestOneInput in a child
 * process, so that a crash is counted against its own input.  Prints one
 * "FAIL file: status" line per failure and "N passed, N failed" at the end
 * on a line starting with "replay ".
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int passed, failed;

static int
run_one(const char *path)
{
	FILE *f;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if ((f = fopen(path, "rb")) == NULL)
			_exit(90);
		for (;;) {
			if (len == cap) {
				cap = cap ? cap * 2 : 4096;
				if ((buf = realloc(buf, cap)) == NULL)
					_exit(91);
			}
			if ((got = fread(buf + len, 1, cap - len, f)) == 0)
				break;
			len += got;
		}
		fclose(f);
		/* Copy to an exact-size buffer so overreads are caught. */
		{
			uint8_t *exact = malloc(len ? len : 1);

			if (exact == NULL)
				_exit(91);
			memcpy(exact, buf, len);
			free(buf);
			LLVMFuzzerTestOneInput(exact, len);
			free(exact);
		}
		exit(0);	/* run atexit handlers (scratch dirs) */
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

static void
one(const char *path)
{
	int st = run_one(path);

	if (st == 0) {
		passed++;
		return;
	}
	failed++;
	if (st > 0 && WIFSIGNALED(st))
		printf("FAIL %s: signal %d\n", path, WTERMSIG(st));
	else
		printf("FAIL %s: status %d\n", path,
		    st > 0 ? WEXITSTATUS(st) : -1);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	struct stat sb;
	int i;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *de;
			char **names = NULL;
			size_t n = 0, k;

			if (d == NULL) {
				failed++;
				continue;
			}
			while ((de = readdir(d)) != NULL) {
				if (de->d_name[0] == '.')
					continue;
				names = realloc(names, (n + 1) * sizeof(*names));
				if (names == NULL ||
				    asprintf(&names[n], "%s/%s", argv[i],
				    de->d_name) < 0)
					return 2;
				n++;
			}
			closedir(d);
			qsort(names, n, sizeof(*names), cmp);
			for (k = 0; k < n; k++) {
				one(names[k]);
				free(names[k]);
			}
			free(names);
		} else {
			one(argv[i]);
		}
	}
	printf("replay %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
