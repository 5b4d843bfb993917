/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared bits of the fuzz targets: a context with a fixed clock and a log
 * sink that reads every line (so that escaping bugs surface), and a
 * scratch directory made once per process for targets that need files.
 */
#ifndef AR_FUZZ_H
#define AR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ar.h"

#define FUZZ_NOW	1700000000

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void
fuzz_log(void *arg, int prio, const char *line)
{
	volatile size_t *sink = arg;

	(void)prio;
	*sink += strlen(line);
}

static volatile size_t fuzz_log_bytes;

static inline void
fuzz_ctx(struct ar_ctx *ctx, const char *phase)
{
	ar_ctx_init(ctx, phase);
	ctx->clock = NULL;	/* runs replay the same at any date */
	ctx->now = FUZZ_NOW;
	ctx->debug = 1;
	ctx->log = fuzz_log;
	ctx->log_arg = (void *)&fuzz_log_bytes;
}

/* A private directory under /tmp, removed when the process exits. */
static char fuzz_dir[64];

static inline void
fuzz_dir_cleanup(void)
{
	char cmd[128];

	if (fuzz_dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_dir);
		if (system(cmd) != 0)
			fuzz_dir[0] = '\0';
	}
}

static inline const char *
fuzz_tmpdir(void)
{
	if (fuzz_dir[0] == '\0') {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/arfuzz.XXXXXX");
		if (mkdtemp(fuzz_dir) == NULL)
			abort();
		atexit(fuzz_dir_cleanup);
	}
	return fuzz_dir;
}

/* Replace the file at path with data (mode 0600). */
static inline void
fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE *f;

	(void)unlink(path);
	if ((f = fopen(path, "wx")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fchmod(fileno(f), 0600) != 0)
		abort();
	fclose(f);
}

#endif /* AR_FUZZ_H */
