/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/map.c: the local name pattern, every map_by kind, the
 * user map file (precedence, syntax errors, duplicates) and the reverse
 * lookup used by password logins.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "map.h"
#include "name.h"

static char t_dir[64];
static int t_nfile;

/* Write a file of len bytes into the test directory; returns its path. */
static char *
write_file_len(const char *data, size_t len, mode_t mode)
{
	char *path;
	int fd;

	if (asprintf(&path, "%s/map%d", t_dir, t_nfile++) < 0)
		abort();
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len ||
	    fchmod(fd, mode) != 0 || close(fd) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		abort();
	}
	return path;
}

static char *
write_file(const char *text)
{
	return write_file_len(text, strlen(text), 0644);
}

static void
remove_file(char *path)
{
	unlink(path);
	free(path);
}

static void
init(struct ar_ctx *ctx, struct ar_conf *conf, int map_by)
{
	ar_ctx_init(ctx, "auth");
	memset(conf, 0, sizeof(*conf));
	conf->map_by = map_by;
	conf->min_uid = 1000;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
set_id(struct ar_identity *id, const char *user_id, const char *username,
    const char *email, const char *reference)
{
	memset(id, 0, sizeof(*id));
	id->version = 2;
	id->source = "token";
	id->user_id = dup_or_null(user_id);
	id->username = dup_or_null(username);
	id->email = dup_or_null(email);
	/* Verified here; unverified addresses: test_email_verified.c. */
	id->email_verified = 1;
	id->reference = dup_or_null(reference);
}

static void
add_custom(struct ar_identity *id, const char *name, const char *value)
{
	id->custom = reallocarray(id->custom, id->n_custom + 1,
	    sizeof(*id->custom));
	if (id->custom == NULL)
		abort();
	id->custom[id->n_custom].name = strdup(name);
	id->custom[id->n_custom].value = strdup(value);
	id->n_custom++;
}

/*
 * Map and compare: want_r and, for AR_OK, want_local; for failures the
 * reason keyword and that *local was left alone.
 */
static void
check_map(const struct ar_conf *conf, const struct ar_identity *id,
    int want_r, const char *want, int line)
{
	struct ar_ctx ctx;
	char sentinel[] = "untouched", *local = sentinel;
	int r;

	ar_ctx_init(&ctx, "auth");
	r = ar_map_local_name(&ctx, conf, id, &local);
	if (r != want_r)
		fprintf(stderr, "  (check_map at line %d: reason %s, %s)\n",
		    line, ctx.reason ? ctx.reason : "-", ctx.detail);
	T_EQ_INT(r, want_r);
	if (want_r == AR_OK) {
		T_EQ_INT(ctx.err, AR_OK);
		if (local != sentinel) {
			T_EQ_STR(local, want);
			free(local);
		} else
			T_CHECK(local != sentinel);
	} else {
		T_EQ_INT(ctx.err, want_r);
		if (want != NULL)
			T_EQ_STR(ctx.reason, want);
		T_CHECK(local == sentinel);
	}
}
#define CHECK_MAP(c, i, r, w) check_map((c), (i), (r), (w), __LINE__)

static void
test_name_pattern(void)
{
	static const char *good[] = {
		"alice", "_svc", "a.b-c_9", "a..b", "a", "_", "a-", "x9",
		"abcdefghijklmnopqrstuvwxyz012345",	/* 32 */
		"_bcdefghijklmnopqrstuvwxyz0123.-",
	};
	static const char *bad[] = {
		"", "Alice", "aliCe", "9abc", "-x", ".x", "a/b", "..", "/",
		"abcdefghijklmnopqrstuvwxyz0123456",	/* 33 */
		"al\nice", "al\tice", "\xc3\xa5lice", "al\xc3\xa5", "alice ",
		" alice", "al ice", "al:ice", "al@ice", "al+ice", "al\x7f",
		"al\\ice", "ALICE", "a\xff", "alice\r", "$", "al$",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!ar_name_ok(good[i]))
			fprintf(stderr, "  (good name %zu)\n", i);
		T_EQ_INT(ar_name_ok(good[i]), 1);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ar_name_ok(bad[i]))
			fprintf(stderr, "  (bad name %zu)\n", i);
		T_EQ_INT(ar_name_ok(bad[i]), 0);
	}
	T_EQ_INT(ar_name_ok(NULL), 0);
	/* Every single byte: only [a-z_] may start a name. */
	for (i = 1; i < 256; i++) {
		char s[2] = { (char)i, '\0' };
		int want = (i >= 'a' && i <= 'z') || i == '_';

		T_EQ_INT(ar_name_ok(s), want);
	}
	/* and only [a-z0-9_.-] may follow. */
	for (i = 1; i < 256; i++) {
		char s[3] = { 'a', (char)i, '\0' };
		int want = (i >= 'a' && i <= 'z') || (i >= '0' && i <= '9') ||
		    i == '_' || i == '.' || i == '-';

		T_EQ_INT(ar_name_ok(s), want);
	}
}

/*
 * The map_by rules, one row each: the setting, the identity (username,
 * email, reference, custom attributes as "NAME=VALUE ..."), and the
 * expected result with the local name (AR_OK) or the reason (NULL: any).
 */
struct map_rule {
	const char	*rule;
	int		 map_by;
	const char	*map_custom;
	const char	*username, *email, *reference, *custom;
	int		 want;
	const char	*result;	/* local name or reason */
};

static const struct map_rule map_rules[] = {
	/* map_by = username. */
	{ "the username", AR_MAP_USERNAME, NULL,
	    "alice", "bob@example.com", "carol", NULL,
	    AR_OK, "alice" },
	{ "no username", AR_MAP_USERNAME, NULL,
	    NULL, "alice@example.com", "alice", NULL,
	    AR_ERR_AUTH, "no_mapping" },
	{ "an empty username", AR_MAP_USERNAME, NULL,
	    "", "alice@example.com", "alice", NULL,
	    AR_ERR_AUTH, "no_mapping" },
	{ "never case-folded", AR_MAP_USERNAME, NULL,
	    "Alice", NULL, NULL, NULL,
	    AR_ERR_AUTH, "bad_local_name" },
	{ "never a path", AR_MAP_USERNAME, NULL,
	    "../root", NULL, NULL, NULL,
	    AR_ERR_AUTH, "bad_local_name" },
	{ "never trimmed", AR_MAP_USERNAME, NULL,
	    "alice ", NULL, NULL, NULL,
	    AR_ERR_AUTH, "bad_local_name" },
	/* map_by = email: the whole address, so '@' makes it invalid. */
	{ "an address", AR_MAP_EMAIL, NULL,
	    "alice", "alice@example.com", NULL, NULL,
	    AR_ERR_AUTH, "bad_local_name" },
	{ "a bare name", AR_MAP_EMAIL, NULL,
	    "alice", "bob", NULL, NULL,
	    AR_OK, "bob" },
	{ "no email", AR_MAP_EMAIL, NULL,
	    "alice", NULL, NULL, NULL,
	    AR_ERR_AUTH, "no_mapping" },
	/* map_by = email_localpart: exactly one '@'. */
	{ "the local part", AR_MAP_EMAIL_LOCALPART, NULL,
	    "zed", "alice@example.com", NULL, NULL,
	    AR_OK, "alice" },
	{ "dots and dashes", AR_MAP_EMAIL_LOCALPART, NULL,
	    "zed", "a.b-c@example.com", NULL, NULL,
	    AR_OK, "a.b-c" },
	{ "upper case", AR_MAP_EMAIL_LOCALPART, NULL,
	    "zed", "Alice@example.com", NULL, NULL,
	    AR_ERR_AUTH, "bad_local_name" },
	{ "a plus", AR_MAP_EMAIL_LOCALPART, NULL,
	    "zed", "root+x@example.com", NULL, NULL,
	    AR_ERR_AUTH, "bad_local_name" },
	{ "two '@'", AR_MAP_EMAIL_LOCALPART, NULL,
	    "zed", "alice@evil@example.com", NULL, NULL,
	    AR_ERR_AUTH, "no_mapping" },
	{ "no '@'", AR_MAP_EMAIL_LOCALPART, NULL,
	    "zed", "alice", NULL, NULL,
	    AR_ERR_AUTH, "no_mapping" },
	{ "an empty local part", AR_MAP_EMAIL_LOCALPART, NULL,
	    "zed", "@example.com", NULL, NULL,
	    AR_ERR_AUTH, "no_mapping" },
	{ "no email", AR_MAP_EMAIL_LOCALPART, NULL,
	    "zed", NULL, NULL, NULL,
	    AR_ERR_AUTH, "no_mapping" },
	{ "an empty email", AR_MAP_EMAIL_LOCALPART, NULL,
	    "zed", "", NULL, NULL,
	    AR_ERR_AUTH, "no_mapping" },
	/* map_by = reference. */
	{ "the reference", AR_MAP_REFERENCE, NULL,
	    "alice", NULL, "svc_deploy", NULL,
	    AR_OK, "svc_deploy" },
	{ "no reference", AR_MAP_REFERENCE, NULL,
	    "alice", NULL, NULL, NULL,
	    AR_ERR_AUTH, "no_mapping" },
	{ "an invalid reference", AR_MAP_REFERENCE, NULL,
	    "alice", NULL, "Ref/1", NULL,
	    AR_ERR_AUTH, "bad_local_name" },
	/* map_by = custom:NAME. */
	{ "the attribute", AR_MAP_CUSTOM, "unix_name",
	    "alice", NULL, NULL, "other=mallory unix_name=carol",
	    AR_OK, "carol" },
	{ "another attribute", AR_MAP_CUSTOM, "nope",
	    "alice", NULL, NULL, "other=mallory unix_name=carol",
	    AR_ERR_AUTH, "no_mapping" },
	{ "no attribute name", AR_MAP_CUSTOM, NULL,
	    "alice", NULL, NULL, "other=mallory unix_name=carol",
	    AR_ERR_CONFIG, NULL },
	{ "an invalid value", AR_MAP_CUSTOM, "unix_name",
	    "alice", NULL, NULL, "unix_name=Carol",
	    AR_ERR_AUTH, "bad_local_name" },
	/*
	 * map_by = file without a file: nothing can map; an unknown map_by
	 * is a configuration error.
	 */
	{ "file without a file", AR_MAP_FILE, NULL,
	    "alice", "alice@example.com", "alice", NULL,
	    AR_ERR_AUTH, "no_mapping" },
	{ "out of range", 99, NULL,
	    "alice", "alice@example.com", "alice", NULL,
	    AR_ERR_CONFIG, NULL },
};

/* The identity of a row: user_id usr_1 and the row's names. */
static void
rule_identity(const struct map_rule *mr, struct ar_identity *id)
{
	char buf[128], *p, *save = NULL, *eq;

	set_id(id, "usr_1", mr->username, mr->email, mr->reference);
	if (mr->custom == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s", mr->custom);
	for (p = strtok_r(buf, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save)) {
		if ((eq = strchr(p, '=')) == NULL)
			abort();
		*eq = '\0';
		add_custom(id, p, eq + 1);
	}
}

static void
test_map_by_rules(void)
{
	const struct map_rule *mr;
	struct ar_conf conf;
	struct ar_ctx ctx;
	struct ar_identity id;
	size_t i;

	for (i = 0; i < sizeof(map_rules) / sizeof(map_rules[0]); i++) {
		mr = &map_rules[i];
		init(&ctx, &conf, mr->map_by);
		conf.map_custom = (char *)mr->map_custom;
		rule_identity(mr, &id);
		check_map(&conf, &id, mr->want, mr->result, (int)i);
		ar_identity_clear(&id);
	}
}

static void
test_bad_name_detail(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *local = NULL;

	/* The detail shows the offending value escaped. */
	init(&ctx, &conf, AR_MAP_USERNAME);
	set_id(&id, "usr_1", "al\nice", NULL, NULL);
	T_EQ_INT(ar_map_local_name(&ctx, &conf, &id, &local), AR_ERR_AUTH);
	T_EQ_STR(ctx.reason, "bad_local_name");
	T_CHECK(strstr(ctx.detail, "al\\x0aice") != NULL);
	T_CHECK(strchr(ctx.detail, '\n') == NULL);
	T_CHECK(local == NULL);
	ar_identity_clear(&id);
}

static void
test_file_entries(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *path;

	init(&ctx, &conf, AR_MAP_USERNAME);
	path = write_file(
	    "# AuthRocket users and their local accounts\n"
	    "\n"
	    "email:alice@example.com e_local\n"
	    "username:alice u_local\n"
	    "id:usr_1 i_local\n"
	    "username:Bob bob_upper\n"
	    "username:root ops\n");
	conf.user_map_file = path;

	/* id beats username beats email, whatever the file order. */
	set_id(&id, "usr_1", "alice", "alice@example.com", NULL);
	CHECK_MAP(&conf, &id, AR_OK, "i_local");
	ar_identity_clear(&id);
	set_id(&id, "usr_2", "alice", "alice@example.com", NULL);
	CHECK_MAP(&conf, &id, AR_OK, "u_local");
	ar_identity_clear(&id);
	set_id(&id, "usr_2", "alicia", "alice@example.com", NULL);
	CHECK_MAP(&conf, &id, AR_OK, "e_local");
	ar_identity_clear(&id);
	/* An entry wins over map_by even when map_by would give a name. */
	set_id(&id, "usr_3", "root", NULL, NULL);
	CHECK_MAP(&conf, &id, AR_OK, "ops");
	ar_identity_clear(&id);
	/* No entry: map_by applies. */
	set_id(&id, "usr_4", "dave", "dave@example.com", NULL);
	CHECK_MAP(&conf, &id, AR_OK, "dave");
	ar_identity_clear(&id);
	/* Exact bytes: "bob" is not the "Bob" entry, nor "ALICE". */
	set_id(&id, "usr_5", "bob", NULL, NULL);
	CHECK_MAP(&conf, &id, AR_OK, "bob");
	ar_identity_clear(&id);
	set_id(&id, "usr_5", "Bob", NULL, NULL);
	CHECK_MAP(&conf, &id, AR_OK, "bob_upper");
	ar_identity_clear(&id);
	set_id(&id, "usr_6", "ALICE", "ALICE@example.com", NULL);
	CHECK_MAP(&conf, &id, AR_ERR_AUTH, "bad_local_name");
	ar_identity_clear(&id);
	/* A prefix or a longer value is no match either. */
	set_id(&id, "usr_11", "alic", "alice@example.com.evil", NULL);
	CHECK_MAP(&conf, &id, AR_OK, "alic");
	ar_identity_clear(&id);

	/* map_by file: only entries count. */
	conf.map_by = AR_MAP_FILE;
	set_id(&id, "usr_4", "dave", "dave@example.com", "dave");
	CHECK_MAP(&conf, &id, AR_ERR_AUTH, "no_mapping");
	ar_identity_clear(&id);
	set_id(&id, NULL, "alice", NULL, NULL);
	CHECK_MAP(&conf, &id, AR_OK, "u_local");
	ar_identity_clear(&id);
	set_id(&id, "usr_1", NULL, NULL, NULL);
	CHECK_MAP(&conf, &id, AR_OK, "i_local");
	ar_identity_clear(&id);
	remove_file(path);
}

static void
test_file_syntax_ok(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *path;

	init(&ctx, &conf, AR_MAP_FILE);
	/* Tabs, runs of blanks, trailing blanks, indented comments, CRLF. */
	path = write_file(
	    "# comment\r\n"
	    "   # indented comment\r\n"
	    "\r\n"
	    "   \t \r\n"
	    "username:alice\t\talice_l  \t\r\n"
	    "  email:bob@example.com   bob_l\r\n"
	    "id:usr_c:x carol_l\r\n"
	    "username:d\xc3\xa9nis denis\n"
	    "username:last last_l");	/* no final newline */
	conf.user_map_file = path;
	set_id(&id, "usr_9", "alice", NULL, NULL);
	CHECK_MAP(&conf, &id, AR_OK, "alice_l");
	ar_identity_clear(&id);
	set_id(&id, "usr_9", "x", "bob@example.com", NULL);
	CHECK_MAP(&conf, &id, AR_OK, "bob_l");
	ar_identity_clear(&id);
	/* The value is everything after the first ':'. */
	set_id(&id, "usr_c:x", "x", NULL, NULL);
	CHECK_MAP(&conf, &id, AR_OK, "carol_l");
	ar_identity_clear(&id);
	/* A '\r' is not part of the local name or the value. */
	set_id(&id, "usr_9", "d\xc3\xa9nis", NULL, NULL);
	CHECK_MAP(&conf, &id, AR_OK, "denis");
	ar_identity_clear(&id);
	set_id(&id, "usr_9", "last", NULL, NULL);
	CHECK_MAP(&conf, &id, AR_OK, "last_l");
	ar_identity_clear(&id);
	remove_file(path);

	/* An empty file and a comments-only file are valid. */
	path = write_file("");
	conf.user_map_file = path;
	set_id(&id, "usr_9", "alice", NULL, NULL);
	CHECK_MAP(&conf, &id, AR_ERR_AUTH, "no_mapping");
	remove_file(path);
	path = write_file("# nothing yet\n");
	conf.user_map_file = path;
	conf.map_by = AR_MAP_USERNAME;
	CHECK_MAP(&conf, &id, AR_OK, "alice");
	ar_identity_clear(&id);
	remove_file(path);

	/* The same value under two kinds is not a duplicate. */
	path = write_file("username:x a_l\nemail:x b_l\nid:x c_l\n");
	conf.user_map_file = path;
	set_id(&id, "usr_9", NULL, "x", NULL);
	CHECK_MAP(&conf, &id, AR_OK, "b_l");
	ar_identity_clear(&id);
	remove_file(path);
}

/* A map file that must be refused: AR_ERR_CONFIG naming line want_line. */
static void
check_bad_file(const char *data, size_t len, size_t want_line, int line)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char sentinel[] = "untouched", *out = sentinel, *path, want[64];
	int r;

	init(&ctx, &conf, AR_MAP_USERNAME);
	path = write_file_len(data, len, 0644);
	conf.user_map_file = path;
	set_id(&id, "usr_1", "alice", "alice@example.com", NULL);
	r = ar_map_local_name(&ctx, &conf, &id, &out);
	if (r != AR_ERR_CONFIG)
		fprintf(stderr, "  (check_bad_file at line %d)\n", line);
	T_EQ_INT(r, AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "bad_map_file");
	snprintf(want, sizeof(want), ": line %zu: ", want_line);
	if (strstr(ctx.detail, want) == NULL)
		fprintf(stderr, "  (line %d: detail \"%s\", want \"%s\")\n",
		    line, ctx.detail, want);
	T_CHECK(strstr(ctx.detail, want) != NULL);
	T_CHECK(strncmp(ctx.detail, "map: ", 5) == 0);
	T_CHECK(strstr(ctx.detail, path) != NULL);
	T_CHECK(out == sentinel);

	/* The reverse lookup refuses the same file. */
	ar_ctx_init(&ctx, "auth");
	out = sentinel;
	T_EQ_INT(ar_map_remote_name(&ctx, &conf, "alice", &out),
	    AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "bad_map_file");
	T_CHECK(out == sentinel);
	ar_identity_clear(&id);
	remove_file(path);
}
#define BAD(s, n) check_bad_file((s), sizeof(s) - 1, (n), __LINE__)

static void
test_file_syntax_bad(void)
{
	BAD("alice bob\n", 1);			/* no kind */
	BAD("# ok\nuser:alice bob\n", 2);	/* unknown kind */
	BAD("Username:alice bob\n", 1);		/* kinds are lower case */
	BAD("uid:usr_1 bob\n", 1);
	BAD(":alice bob\n", 1);
	BAD("username: bob\n", 1);		/* empty value */
	BAD("username:\tbob\n", 1);
	BAD("username :alice bob\n", 1);
	BAD("\n\nusername:alice\n", 3);		/* no local name */
	BAD("username:alice   \n", 1);
	BAD("username:alice bob carol\n", 1);	/* three fields */
	BAD("username:alice bob # comment\n", 1);
	BAD("username:alice Bob\n", 1);		/* LOCAL fails the pattern */
	BAD("username:alice ../root\n", 1);
	BAD("username:alice 9lives\n", 1);
	BAD("username:alice -oops\n", 1);
	BAD("username:alice abcdefghijklmnopqrstuvwxyz0123456\n", 1);
	BAD("username:alice b\xc3\xb6" "b\n", 1);
	BAD("username:x a\nusername:alice bob\r\r\n", 2); /* one '\r' only */
	BAD("username:al\x01ice bob\n", 1);	/* control characters */
	BAD("username:alice bob\x1b[0m\n", 1);
	BAD("username:alice bob\x7f\n", 1);
	BAD("username:al\x7fice bob\n", 1);
	BAD("email:a\x80@b.c x\nusername:x\ty\x1f\n", 2);
	BAD("ok:x y\n", 1);
	/* Duplicate keys, reported at the repeat. */
	BAD("username:alice bob\nemail:a@b.c x\nusername:alice carol\n", 3);
	BAD("id:usr_1 bob\n# again\nid:usr_1 bob\n", 3);
	BAD("email:a@b.c x\nemail:a@b.c  x  \r\n", 2);
}

/*
 * A NUL byte would end a string early ("al\0ice" read as "al"): such a
 * file is refused, by the file reader or by the parser.
 */
static void
test_file_nul(void)
{
	static const char d1[] = "username:x a\nusername:al\0ice bob\n";
	static const char d2[] = "username:alice bob\n\0\n";
	static const char d3[] = "username:alice bob\0carol\n";
	const char *data[] = { d1, d2, d3 };
	size_t len[] = { sizeof(d1) - 1, sizeof(d2) - 1, sizeof(d3) - 1 };
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *path, *out;
	size_t i;

	for (i = 0; i < 3; i++) {
		init(&ctx, &conf, AR_MAP_USERNAME);
		path = write_file_len(data[i], len[i], 0644);
		conf.user_map_file = path;
		set_id(&id, "usr_1", "al", NULL, NULL);
		out = NULL;
		T_EQ_INT(ar_map_local_name(&ctx, &conf, &id, &out),
		    AR_ERR_CONFIG);
		T_CHECK(out == NULL);
		ar_ctx_init(&ctx, "auth");
		T_EQ_INT(ar_map_remote_name(&ctx, &conf, "bob", &out),
		    AR_ERR_CONFIG);
		T_CHECK(out == NULL);
		ar_identity_clear(&id);
		remove_file(path);
	}
}

static void
test_file_duplicates_detail(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *path, *out = NULL;

	init(&ctx, &conf, AR_MAP_USERNAME);
	path = write_file("username:z a\nusername:y b\nusername:y c\n"
	    "username:z d\n");
	conf.user_map_file = path;
	set_id(&id, "usr_1", "alice", NULL, NULL);
	T_EQ_INT(ar_map_local_name(&ctx, &conf, &id, &out), AR_ERR_CONFIG);
	/* The earliest repeat in the file is the one reported. */
	T_CHECK(strstr(ctx.detail, "line 3: duplicate entry username:y "
	    "(first on line 2)") != NULL);
	T_CHECK(out == NULL);
	ar_identity_clear(&id);
	remove_file(path);
}

static void
test_file_large(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *buf, *path, *out = NULL;
	size_t len = 0, cap = AR_MAX_FILE, i;

	init(&ctx, &conf, AR_MAP_FILE);
	if ((buf = malloc(cap)) == NULL)
		abort();
	for (i = 0; len + 40 < cap - 40; i++)
		len += (size_t)snprintf(buf + len, cap - len,
		    "username:user%zu u%zu\n", i, i);
	/* Valid: thousands of entries, the last one found. */
	path = write_file_len(buf, len, 0644);
	conf.user_map_file = path;
	set_id(&id, "usr_1", "user7", NULL, NULL);
	CHECK_MAP(&conf, &id, AR_OK, "u7");
	ar_identity_clear(&id);
	remove_file(path);
	/* A duplicate at the very end is still found. */
	len += (size_t)snprintf(buf + len, cap - len, "username:user3 x\n");
	path = write_file_len(buf, len, 0644);
	conf.user_map_file = path;
	set_id(&id, "usr_1", "user7", NULL, NULL);
	T_EQ_INT(ar_map_local_name(&ctx, &conf, &id, &out), AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "bad_map_file");
	T_CHECK(strstr(ctx.detail, "(first on line 4)") != NULL);
	ar_identity_clear(&id);
	remove_file(path);
	/* Larger than AR_MAX_FILE: refused by the file reader. */
	ar_ctx_init(&ctx, "auth");
	buf = realloc(buf, AR_MAX_FILE + 2);
	if (buf == NULL)
		abort();
	memset(buf, '#', AR_MAX_FILE + 1);
	path = write_file_len(buf, AR_MAX_FILE + 1, 0644);
	conf.user_map_file = path;
	set_id(&id, "usr_1", "user7", NULL, NULL);
	T_EQ_INT(ar_map_local_name(&ctx, &conf, &id, &out), AR_ERR_CONFIG);
	T_CHECK(out == NULL);
	ar_identity_clear(&id);
	remove_file(path);
	free(buf);
}

static void
test_file_unsafe(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity id;
	char *path, *out = NULL, missing[128], link[128];

	init(&ctx, &conf, AR_MAP_USERNAME);
	set_id(&id, "usr_1", "alice", NULL, NULL);

	snprintf(missing, sizeof(missing), "%s/does-not-exist", t_dir);
	conf.user_map_file = missing;
	T_EQ_INT(ar_map_local_name(&ctx, &conf, &id, &out), AR_ERR_CONFIG);
	T_CHECK(out == NULL);
	ar_ctx_init(&ctx, "auth");
	T_EQ_INT(ar_map_remote_name(&ctx, &conf, "alice", &out),
	    AR_ERR_CONFIG);
	T_CHECK(out == NULL);

	/* A public file: world-readable is fine, writable is not. */
	path = write_file_len("username:alice bob\n", 19, 0644);
	conf.user_map_file = path;
	CHECK_MAP(&conf, &id, AR_OK, "bob");
	remove_file(path);
	path = write_file_len("username:alice bob\n", 19, 0666);
	conf.user_map_file = path;
	ar_ctx_init(&ctx, "auth");
	T_EQ_INT(ar_map_local_name(&ctx, &conf, &id, &out), AR_ERR_CONFIG);
	T_CHECK(out == NULL);
	remove_file(path);

	/* A symlink to a good file is refused. */
	path = write_file_len("username:alice bob\n", 19, 0644);
	snprintf(link, sizeof(link), "%s/link", t_dir);
	if (symlink(path, link) == 0) {
		conf.user_map_file = link;
		ar_ctx_init(&ctx, "auth");
		T_EQ_INT(ar_map_local_name(&ctx, &conf, &id, &out),
		    AR_ERR_CONFIG);
		T_CHECK(out == NULL);
		unlink(link);
	} else
		T_SKIP("symlink failed");
	remove_file(path);
	ar_identity_clear(&id);
}

static void
check_remote(const struct ar_conf *conf, const char *local,
    const char *want, int line)
{
	struct ar_ctx ctx;
	char *out = NULL;
	int r;

	ar_ctx_init(&ctx, "auth");
	r = ar_map_remote_name(&ctx, conf, local, &out);
	if (r != AR_OK)
		fprintf(stderr, "  (check_remote at line %d: %s)\n", line,
		    ctx.detail);
	T_EQ_INT(r, AR_OK);
	T_EQ_INT(ctx.err, AR_OK);
	T_EQ_STR(out, want);
	free(out);
}
#define CHECK_REMOTE(c, l, w) check_remote((c), (l), (w), __LINE__)

static void
test_remote_name(void)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	char *path;

	init(&ctx, &conf, AR_MAP_USERNAME);
	CHECK_REMOTE(&conf, "alice", "alice");

	path = write_file(
	    "# first entry for a local account wins\n"
	    "username:Alice.Smith alice\n"
	    "email:alice@example.com alice\n"
	    "email:bob@example.com bob\n"
	    "username:bobby bob\n"
	    "id:usr_42 carol\n"
	    "username:carol carol\n");
	conf.user_map_file = path;
	CHECK_REMOTE(&conf, "alice", "Alice.Smith");
	CHECK_REMOTE(&conf, "bob", "bob@example.com");
	CHECK_REMOTE(&conf, "carol", "usr_42");
	CHECK_REMOTE(&conf, "dave", "dave");
	/* Exact bytes for the local name too. */
	CHECK_REMOTE(&conf, "Alice", "Alice");
	CHECK_REMOTE(&conf, "alic", "alic");
	remove_file(path);
}

int
main(void)
{
	snprintf(t_dir, sizeof(t_dir), "/tmp/test_map.XXXXXX");
	if (mkdtemp(t_dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	T_RUN(test_name_pattern);
	T_RUN(test_map_by_rules);
	T_RUN(test_bad_name_detail);
	T_RUN(test_file_entries);
	T_RUN(test_file_syntax_ok);
	T_RUN(test_file_syntax_bad);
	T_RUN(test_file_nul);
	T_RUN(test_file_duplicates_detail);
	T_RUN(test_file_large);
	T_RUN(test_file_unsafe);
	T_RUN(test_remote_name);
	if (rmdir(t_dir) != 0)
		perror("rmdir");
	return t_done("test_map");
}
