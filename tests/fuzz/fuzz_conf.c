/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the configuration loader on a real file.  The input is the
 * file; when its first line starts with "ARGS:" the blank-separated words
 * after it are passed as module arguments instead and the rest is the
 * file.  /tmp/arfuzz-keys/ holds an HMAC secret ("hs") and a public key
 * ("pub") that seeds may name in *_file keys.
 */
#include "fuzz.h"
#include "conf.h"

#define KEYDIR	"/tmp/arfuzz-keys"
#define MAX_ARGS	16

static const char pub_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEVs/o5+uQbTjL3chynL4wXgUg2R9\n"
    "q9UU8I5mEovUf86QZ7kOBIjJwqnzD1omageEHWwHdBO6B+dFabmdT9POxg==\n"
    "-----END PUBLIC KEY-----\n";

/* Other fuzzing or replay processes may do this at the same time. */
static void
put_key(const char *name, const char *text)
{
	char tmp[128], path[128];

	snprintf(tmp, sizeof(tmp), "%s/%s", fuzz_tmpdir(), name);
	snprintf(path, sizeof(path), "%s/%s", KEYDIR, name);
	fuzz_write(tmp, (const uint8_t *)text, strlen(text));
	if (rename(tmp, path) != 0)
		(void)unlink(tmp);
}

static void
keys_init(void)
{
	static int done;

	if (done)
		return;
	(void)mkdir(KEYDIR, 0700);
	put_key("hs", "jsk_fuzz0123456789abcdef0123456789abcdef\n");
	put_key("pub", pub_pem);
	done = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[128];
	struct ar_ctx ctx;
	struct ar_conf conf;
	const char *argv[MAX_ARGS + 1];
	char *args = NULL, *p, *save = NULL, cfg[160];
	size_t i;
	int argc = 0, r;

	keys_init();
	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/ar.conf", fuzz_tmpdir());
	snprintf(cfg, sizeof(cfg), "config=%s", path);
	argv[argc++] = cfg;
	if (size >= 5 && memcmp(data, "ARGS:", 5) == 0) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = nl != NULL ? (size_t)(nl - data) : size;

		if ((args = malloc(n - 4)) == NULL)
			return 0;
		memcpy(args, data + 5, n - 5);
		args[n - 5] = '\0';
		for (p = strtok_r(args, " ", &save); p != NULL &&
		    argc < MAX_ARGS; p = strtok_r(NULL, " ", &save))
			argv[argc++] = p;
		data += nl != NULL ? n + 1 : n;
		size -= nl != NULL ? n + 1 : n;
	}
	argv[argc] = NULL;
	fuzz_write(path, data, size);
	fuzz_ctx(&ctx, "auth");
	r = ar_conf_load(&ctx, argc, argv, path, &conf);
	if (r == AR_OK) {
		if (conf.helper == NULL || conf.cache_dir == NULL ||
		    conf.leeway < 0 || conf.leeway > 300 ||
		    conf.timeout < 1 || conf.timeout > 60)
			abort();
		if (conf.api_url != NULL && strncmp(conf.api_url,
		    "https://", 8) != 0)
			abort();
		if (conf.jwt_key != NULL && conf.jwt_key_len == 0)
			abort();
		for (i = 0; i < conf.require_org.n; i++)
			if (conf.require_org.item[i] == NULL ||
			    conf.require_org.item[i][0] == '\0')
				abort();
	} else if (ctx.err == AR_OK) {
		abort();
	}
	ar_conf_free(&conf);
	free(args);
	return 0;
}
