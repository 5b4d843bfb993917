/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/secure.c: the checks on files read for configuration
 * and keys, secret trimming and wiping helpers.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ar.h"
#include "secure.h"

static char dir[64];
static char pathbuf[8][512];
static int pathnext;

static const char *
path_of(const char *name)
{
	char *p = pathbuf[pathnext++ % 8];

	snprintf(p, sizeof(pathbuf[0]), "%s/%s", dir, name);
	return p;
}

static const char *
put(const char *name, mode_t mode, const char *data, size_t len)
{
	const char *p = path_of(name);
	int fd;

	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd == -1 || write(fd, data, len) != (ssize_t)len ||
	    fchmod(fd, mode) != 0) {
		perror(p);
		exit(2);
	}
	close(fd);
	return p;
}

/* Read path; on failure check that the outputs were left alone. */
static int
rd(struct ar_ctx *ctx, const char *path, int kind, size_t max, char **buf,
    size_t *len)
{
	char *sentinel = (char *)"untouched";
	int r;

	ar_ctx_init(ctx, "check");
	*buf = sentinel;
	*len = 12345;
	r = ar_file_read(ctx, path, kind, max, buf, len);
	if (r != AR_OK) {
		T_CHECK(*buf == sentinel);
		T_EQ_INT(*len, 12345);
		T_EQ_INT(ctx->err, r);
		*buf = NULL;
		*len = 0;
	}
	return r;
}

static int
detail_has(const struct ar_ctx *ctx, const char *s)
{
	return strstr(ctx->detail, s) != NULL;
}

static void
test_free_and_dup(void)
{
	char *s, *p;

	ar_secure_free(NULL, 10);
	ar_secure_free_str(NULL);
	T_CHECK(ar_strdup(NULL) == NULL);
	s = ar_strdup("secret");
	T_EQ_STR(s, "secret");
	ar_secure_free_str(s);
	p = malloc(16);
	T_CHECK(p != NULL);
	memset(p, 'x', 16);
	ar_secure_free(p, 16);
	s = ar_strdup("");
	T_EQ_STR(s, "");
	ar_secure_free_str(s);
}

static void
test_read_good(void)
{
	struct ar_ctx ctx;
	char *buf;
	size_t len;
	mode_t mode = 0;
	const char *p;

	p = put("good", 0600, "hello\nworld\n", 12);
	T_EQ_INT(rd(&ctx, p, AR_FILE_SECRET, 100, &buf, &len), AR_OK);
	T_EQ_INT(len, 12);
	T_EQ_STR(buf, "hello\nworld\n");
	ar_secure_free(buf, len);

	/* A public file may be readable by everyone. */
	p = put("public", 0644, "pub", 3);
	T_EQ_INT(rd(&ctx, p, AR_FILE_PUBLIC, 100, &buf, &len), AR_OK);
	T_EQ_STR(buf, "pub");
	ar_secure_free(buf, len);

	ar_ctx_init(&ctx, "check");
	buf = NULL;
	T_EQ_INT(ar_file_read_mode(&ctx, p, AR_FILE_PUBLIC, 100, &buf, &len,
	    &mode), AR_OK);
	T_EQ_INT(mode & 07777, 0644);
	T_CHECK(S_ISREG(mode));
	ar_secure_free(buf, len);

	/* Empty is fine for ar_file_read (not for secrets). */
	p = put("empty", 0600, "", 0);
	T_EQ_INT(rd(&ctx, p, AR_FILE_SECRET, 100, &buf, &len), AR_OK);
	T_EQ_INT(len, 0);
	T_EQ_STR(buf, "");
	ar_secure_free(buf, len);

	/* Exactly max is accepted, max + 1 is not. */
	p = put("ten", 0600, "0123456789", 10);
	T_EQ_INT(rd(&ctx, p, AR_FILE_SECRET, 10, &buf, &len), AR_OK);
	T_EQ_INT(len, 10);
	ar_secure_free(buf, len);
	T_EQ_INT(rd(&ctx, p, AR_FILE_SECRET, 9, &buf, &len), AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "config");
	T_CHECK(detail_has(&ctx, "is larger than 9 bytes"));
}

static void
test_read_modes(void)
{
	struct ar_ctx ctx;
	char *buf;
	size_t len;
	const char *p;

	p = put("secret644", 0644, "s", 1);
	T_EQ_INT(rd(&ctx, p, AR_FILE_SECRET, 100, &buf, &len), AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "config");
	T_CHECK(detail_has(&ctx, "must not be readable by group or others"));
	T_CHECK(detail_has(&ctx, p));

	p = put("secret640", 0640, "s", 1);
	T_EQ_INT(rd(&ctx, p, AR_FILE_SECRET, 100, &buf, &len), AR_ERR_CONFIG);
	p = put("secret604", 0604, "s", 1);
	T_EQ_INT(rd(&ctx, p, AR_FILE_SECRET, 100, &buf, &len), AR_ERR_CONFIG);
	p = put("secret400", 0400, "s", 1);
	T_EQ_INT(rd(&ctx, p, AR_FILE_SECRET, 100, &buf, &len), AR_OK);
	ar_secure_free(buf, len);

	p = put("gw", 0620, "s", 1);
	T_EQ_INT(rd(&ctx, p, AR_FILE_PUBLIC, 100, &buf, &len), AR_ERR_CONFIG);
	T_CHECK(detail_has(&ctx, "must not be writable by group or others"));
	p = put("ow", 0602, "s", 1);
	T_EQ_INT(rd(&ctx, p, AR_FILE_PUBLIC, 100, &buf, &len), AR_ERR_CONFIG);
	T_CHECK(detail_has(&ctx, "must not be writable by group or others"));
}

static void
test_read_kinds(void)
{
	struct ar_ctx ctx;
	char *buf;
	size_t len;
	const char *p, *link;

	/* Missing. */
	T_EQ_INT(rd(&ctx, path_of("nope"), AR_FILE_PUBLIC, 100, &buf, &len),
	    AR_ERR_CONFIG);
	T_EQ_STR(ctx.reason, "config");
	T_CHECK(detail_has(&ctx, "no such file"));
	T_EQ_INT(rd(&ctx, "", AR_FILE_PUBLIC, 100, &buf, &len),
	    AR_ERR_CONFIG);

	/* A symlink to a perfectly good file is still refused. */
	p = put("target", 0600, "x", 1);
	link = path_of("link");
	unlink(link);
	T_EQ_INT(symlink(p, link), 0);
	T_EQ_INT(rd(&ctx, link, AR_FILE_PUBLIC, 100, &buf, &len),
	    AR_ERR_CONFIG);
	T_CHECK(detail_has(&ctx, "is a symbolic link"));
	unlink(link);

	/* A directory. */
	p = path_of("adir");
	T_EQ_INT(mkdir(p, 0700), 0);
	T_EQ_INT(rd(&ctx, p, AR_FILE_PUBLIC, 100, &buf, &len), AR_ERR_CONFIG);
	T_CHECK(detail_has(&ctx, "is not a regular file"));
	rmdir(p);

	/* A FIFO must be refused without blocking in open(). */
	p = path_of("fifo");
	T_EQ_INT(mkfifo(p, 0600), 0);
	T_EQ_INT(rd(&ctx, p, AR_FILE_PUBLIC, 100, &buf, &len), AR_ERR_CONFIG);
	T_CHECK(detail_has(&ctx, "is not a regular file"));
	unlink(p);

	/* A NUL byte inside a text file. */
	p = put("nul", 0600, "ab\0cd", 5);
	T_EQ_INT(rd(&ctx, p, AR_FILE_PUBLIC, 100, &buf, &len), AR_ERR_CONFIG);
	T_CHECK(detail_has(&ctx, "NUL"));
}

/*
 * procfs files report size 0 but have content: this walks the path that
 * notices a file growing past the size seen by fstat.
 */
static void
test_read_growing(void)
{
	struct ar_ctx ctx;
	char *buf;
	size_t len;

	if (access("/proc/self/status", R_OK) != 0) {
		T_SKIP("no /proc");
		return;
	}
	T_EQ_INT(rd(&ctx, "/proc/self/status", AR_FILE_PUBLIC, 16, &buf,
	    &len), AR_ERR_CONFIG);
	T_CHECK(detail_has(&ctx, "is larger than 16 bytes"));
	T_EQ_INT(rd(&ctx, "/proc/self/status", AR_FILE_PUBLIC, 65536, &buf,
	    &len), AR_OK);
	T_CHECK(len > 16);
	T_CHECK(buf != NULL && strncmp(buf, "Name:", 5) == 0);
	T_CHECK(buf != NULL && strlen(buf) == len);
	ar_secure_free(buf, len);
}

static void
test_read_owner(void)
{
	struct ar_ctx ctx;
	char *buf;
	size_t len;
	const char *p;

	p = put("owned", 0600, "x", 1);
	if (geteuid() == 0) {
		T_EQ_INT(chown(p, 65534, 65534), 0);
		T_EQ_INT(rd(&ctx, p, AR_FILE_PUBLIC, 100, &buf, &len),
		    AR_ERR_CONFIG);
		T_EQ_STR(ctx.reason, "config");
		T_CHECK(detail_has(&ctx, "must be owned by root"));
		/* The owner seam: that uid is then acceptable. */
		ar_ctx_init(&ctx, "check");
		ctx.owner = 65534;
		buf = NULL;
		T_EQ_INT(ar_file_read(&ctx, p, AR_FILE_PUBLIC, 100, &buf,
		    &len), AR_OK);
		ar_secure_free(buf, len);
	} else {
		T_SKIP("chown to another uid needs root");
		/* Owned by us, but we are not the owner the caller allows. */
		ar_ctx_init(&ctx, "check");
		ctx.owner = geteuid() + 1;
		buf = NULL;
		T_EQ_INT(ar_file_read(&ctx, p, AR_FILE_PUBLIC, 100, &buf,
		    &len), AR_ERR_CONFIG);
		T_CHECK(buf == NULL);
		T_CHECK(detail_has(&ctx, "must be owned by root or uid"));
	}
	unlink(p);
}

static int
rds(struct ar_ctx *ctx, const char *path, int kind, char **buf,
    size_t *len)
{
	ar_ctx_init(ctx, "check");
	*buf = NULL;
	*len = 0;
	return ar_file_read_secret_mode(ctx, path, kind, buf, len, NULL);
}

static void
test_read_secret(void)
{
	struct ar_ctx ctx;
	char *buf;
	size_t len;
	mode_t mode = 0;
	const char *p;

	p = put("s1", 0600, "abc\n", 4);
	T_EQ_INT(rds(&ctx, p, AR_FILE_SECRET, &buf, &len), AR_OK);
	T_EQ_STR(buf, "abc");
	T_EQ_INT(len, 3);
	ar_secure_free(buf, len);

	p = put("s2", 0600, "abc\r\n", 5);
	T_EQ_INT(rds(&ctx, p, AR_FILE_SECRET, &buf, &len), AR_OK);
	T_EQ_STR(buf, "abc");
	T_EQ_INT(len, 3);
	ar_secure_free(buf, len);

	/* Only one line ending is dropped; nothing else is trimmed. */
	p = put("s3", 0600, " abc\n\n", 6);
	T_EQ_INT(rds(&ctx, p, AR_FILE_SECRET, &buf, &len), AR_OK);
	T_EQ_STR(buf, " abc\n");
	T_EQ_INT(len, 5);
	ar_secure_free(buf, len);

	p = put("s4", 0600, "abc\r", 4);
	T_EQ_INT(rds(&ctx, p, AR_FILE_SECRET, &buf, &len), AR_OK);
	T_EQ_STR(buf, "abc\r");
	ar_secure_free(buf, len);

	p = put("s5", 0600, "abc", 3);
	T_EQ_INT(rds(&ctx, p, AR_FILE_SECRET, &buf, &len), AR_OK);
	T_EQ_STR(buf, "abc");
	ar_secure_free(buf, len);

	/* Empty, or empty once the newline is gone. */
	p = put("e1", 0600, "", 0);
	T_EQ_INT(rds(&ctx, p, AR_FILE_SECRET, &buf, &len), AR_ERR_CONFIG);
	T_CHECK(buf == NULL);
	T_EQ_STR(ctx.reason, "config");
	T_CHECK(detail_has(&ctx, "is empty"));
	p = put("e2", 0600, "\n", 1);
	T_EQ_INT(rds(&ctx, p, AR_FILE_SECRET, &buf, &len), AR_ERR_CONFIG);
	p = put("e3", 0600, "\r\n", 2);
	T_EQ_INT(rds(&ctx, p, AR_FILE_SECRET, &buf, &len), AR_ERR_CONFIG);

	/* The kind is honoured. */
	p = put("s6", 0644, "abc\n", 4);
	T_EQ_INT(rds(&ctx, p, AR_FILE_SECRET, &buf, &len), AR_ERR_CONFIG);
	T_EQ_INT(rds(&ctx, p, AR_FILE_PUBLIC, &buf, &len), AR_OK);
	ar_secure_free(buf, len);
	ar_ctx_init(&ctx, "check");
	buf = NULL;
	T_EQ_INT(ar_file_read_secret_mode(&ctx, p, AR_FILE_PUBLIC, &buf, &len,
	    &mode), AR_OK);
	T_EQ_INT(mode & 0777, 0644);
	T_EQ_STR(buf, "abc");
	ar_secure_free(buf, len);
}

static void
cleanup(void)
{
	static const char *const names[] = { "good", "public", "empty", "ten",
	    "secret644", "secret640", "secret604", "secret400", "gw", "ow",
	    "target", "nul", "s1", "s2", "s3", "s4", "s5", "s6", "e1", "e2",
	    "e3", NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		unlink(path_of(names[i]));
	if (rmdir(dir) != 0)
		perror(dir);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ar-secure-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	T_RUN(test_free_and_dup);
	T_RUN(test_read_good);
	T_RUN(test_read_modes);
	T_RUN(test_read_kinds);
	T_RUN(test_read_growing);
	T_RUN(test_read_owner);
	T_RUN(test_read_secret);
	cleanup();
	return t_done("test_secure");
}
