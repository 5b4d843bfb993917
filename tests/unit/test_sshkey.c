/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of src/dir/sshkey.c: which key lines authrocket-keys passes
 * to sshd (known type, base64 naming the same type, comment) and which it
 * drops whole (options, unknown types, bad base64, control characters).
 */
#include <string.h>

#include "harness.h"
#include "sshkey.h"

#define ED	"AAAAC3NzaC1lZDI1NTE5AAAAIN4Exy/MIMRb9FD1NslSdt7knZk6" \
		"tlrltgSPEAvmwY7a"
#define RSA	"AAAAB3NzaC1yc2EAAAADAQABAAAAgQC5emrx2wG7ur6l6KMXOZMa"
#define EC256	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEnqkUB0"
#define EC384	"AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBDIZQRJK"
#define EC521	"AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAFnF33a"
#define SKED	"AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIBERERERER" \
		"ERERERERERERERERERERERERERERERERER"
#define SKEC	"AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20AAAAg" \
		"ERERERERERERERERERERERERERERERERERERERERERE="
#define DSS	"AAAAB3NzaC1kc3MAAAAgERERERERERERERERERERERERERERERERERE" \
		"RERERERE="

static const struct {
	const char	*line;
	int		 ok;
	const char	*type, *blob, *comment;
} rows[] = {
	{ "ssh-ed25519 " ED " alice@laptop", 1, "ssh-ed25519", ED,
	    "alice@laptop" },
	{ "ssh-ed25519 " ED, 1, "ssh-ed25519", ED, "" },
	{ "  ssh-ed25519\t" ED "  my key  ", 1, "ssh-ed25519", ED, "my key" },
	{ "ssh-rsa " RSA " r", 1, "ssh-rsa", RSA, "r" },
	{ "ecdsa-sha2-nistp256 " EC256, 1, "ecdsa-sha2-nistp256", EC256, "" },
	{ "ecdsa-sha2-nistp384 " EC384, 1, "ecdsa-sha2-nistp384", EC384, "" },
	{ "ecdsa-sha2-nistp521 " EC521, 1, "ecdsa-sha2-nistp521", EC521, "" },
	{ "sk-ssh-ed25519@openssh.com " SKED " yubi", 1,
	    "sk-ssh-ed25519@openssh.com", SKED, "yubi" },
	{ "sk-ecdsa-sha2-nistp256@openssh.com " SKEC, 1,
	    "sk-ecdsa-sha2-nistp256@openssh.com", SKEC, "" },
	{ "ssh-ed25519 " ED " Zoë Ünicode", 1, "ssh-ed25519", ED,
	    "Zoë Ünicode" },
	/* Options are never passed on: the whole line goes. */
	{ "command=\"/bin/sh\" ssh-ed25519 " ED, 0, NULL, NULL, NULL },
	{ "from=\"10.0.0.0/8\" ssh-ed25519 " ED " x", 0, NULL, NULL, NULL },
	{ "no-pty,permitopen=\"*:*\" ssh-rsa " RSA, 0, NULL, NULL, NULL },
	{ "restrict ssh-ed25519 " ED, 0, NULL, NULL, NULL },
	{ "cert-authority ssh-ed25519 " ED, 0, NULL, NULL, NULL },
	/* Unknown or retired types, wrong case. */
	{ "ssh-dss " DSS, 0, NULL, NULL, NULL },
	{ "SSH-ED25519 " ED, 0, NULL, NULL, NULL },
	{ "ssh-ed25519-cert-v01@openssh.com " ED, 0, NULL, NULL, NULL },
	/* The blob must be base64 of a key of the type named. */
	{ "ssh-rsa " ED, 0, NULL, NULL, NULL },
	{ "ssh-ed25519 " RSA, 0, NULL, NULL, NULL },
	{ "ssh-ed25519", 0, NULL, NULL, NULL },
	{ "ssh-ed25519 ", 0, NULL, NULL, NULL },
	{ "ssh-ed25519 AAAA", 0, NULL, NULL, NULL },
	{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN4Exy/MIMRb9FD1NslSdt7knZk6tl"
	    "rltgSPEAvmwY7", 0, NULL, NULL, NULL },
	{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN4Exy/MIMRb9FD1NslSdt7knZk6tl"
	    "rltgSPEAvmwY7!", 0, NULL, NULL, NULL },
	{ "ssh-ed25519 A=AAC3NzaC1lZDI1NTE5AAAAIN4Exy/MIMRb9FD1NslSdt7knZk6tl"
	    "rltgSPEAvmwY7a", 0, NULL, NULL, NULL },
	/* Control characters anywhere. */
	{ "ssh-ed25519 " ED " a\rb", 0, NULL, NULL, NULL },
	{ "ssh-ed25519 " ED " a\033[2Jb", 0, NULL, NULL, NULL },
	{ "ssh-ed25519 " ED " a\177", 0, NULL, NULL, NULL },
	{ "", 0, NULL, NULL, NULL },
	{ "# ssh-ed25519 " ED, 0, NULL, NULL, NULL },
	{ "   ", 0, NULL, NULL, NULL },
};

static void
test_rows(void)
{
	struct ar_sshkey k;
	size_t i;
	int ok;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ok = ar_sshkey_parse(rows[i].line, strlen(rows[i].line), &k);
		T_EQ_INT(ok, rows[i].ok);
		if (ok != rows[i].ok)
			fprintf(stderr, "  row %zu: %s\n", i, rows[i].line);
		if (!ok || !rows[i].ok) {
			T_CHECK(k.type == NULL);
			continue;
		}
		T_CHECK(k.type_len == strlen(rows[i].type) &&
		    memcmp(k.type, rows[i].type, k.type_len) == 0);
		T_CHECK(k.blob_len == strlen(rows[i].blob) &&
		    memcmp(k.blob, rows[i].blob, k.blob_len) == 0);
		T_CHECK(k.comment_len == strlen(rows[i].comment) &&
		    memcmp(k.comment, rows[i].comment, k.comment_len) == 0);
	}
}

/* A NUL inside the given length, and the length cap. */
static void
test_bounds(void)
{
	static char big[AR_SSHKEY_MAX_LINE + 2];
	const char with_nul[] = "ssh-ed25519 " ED " a\0b";
	struct ar_sshkey k;
	size_t n;

	T_EQ_INT(ar_sshkey_parse(with_nul, sizeof(with_nul) - 1, &k), 0);
	T_EQ_INT(ar_sshkey_parse(with_nul, sizeof(with_nul) - 4, &k), 1);
	n = snprintf(big, sizeof(big), "ssh-ed25519 %s ", ED);
	memset(big + n, 'x', sizeof(big) - n - 1);
	T_EQ_INT(ar_sshkey_parse(big, AR_SSHKEY_MAX_LINE, &k), 1);
	T_EQ_INT(ar_sshkey_parse(big, AR_SSHKEY_MAX_LINE + 1, &k), 0);
}

int
main(void)
{
	T_RUN(test_rows);
	T_RUN(test_bounds);
	return t_done("test_sshkey");
}
