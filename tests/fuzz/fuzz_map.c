/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the user map file and the map_by rules.  The first byte
 * picks map_by; the rest is the map file.  The identity is fixed, and a
 * produced name must always pass ar_name_ok().
 */
#include "fuzz.h"
#include "conf.h"
#include "identity.h"
#include "map.h"
#include "name.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[128];
	static struct ar_attr custom[] = { { "unix", "alice" },
	    { "other", "Root" } };
	static const char *locals[] = { "alice", "root", "bob", "x" };
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *local = NULL, *name = NULL;
	int r;

	if (size < 1)
		return 0;
	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/map", fuzz_tmpdir());
	fuzz_write(path, data + 1, size - 1);
	memset(&conf, 0, sizeof(conf));
	conf.user_map_file = (data[0] & 0x80) ? NULL : path;
	conf.map_by = (data[0] & 7) % 6;
	conf.map_custom = (data[0] & 8) ? (char *)"other" : (char *)"unix";
	memset(&id, 0, sizeof(id));
	id.version = 2;
	id.user_id = "usr_alice";
	id.username = (data[0] & 0x10) ? "Alice" : "alice";
	id.email = (data[0] & 0x20) ? NULL : "alice@example.com";
	id.reference = "alice";
	id.custom = custom;
	id.n_custom = 2;

	fuzz_ctx(&ctx, "auth");
	r = ar_map_local_name(&ctx, &conf, &id, &local);
	if (r == AR_OK) {
		if (!ar_name_ok(local))
			abort();
		free(local);
	} else if (local != NULL || ctx.err == AR_OK) {
		abort();
	}
	fuzz_ctx(&ctx, "account");
	r = ar_map_remote_name(&ctx, &conf, locals[(data[0] >> 5) & 3], &name);
	if (r == AR_OK) {
		if (name == NULL)
			abort();
		free(name);
	} else if (name != NULL || ctx.err == AR_OK) {
		abort();
	}
	return 0;
}
