/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checking SSH public key lines taken from the directory before sshd sees
 * them: the key type must be one we know and the base64 blob must decode
 * to a key of that type; options are never passed on.  libc only.
 */
#include <stdint.h>
#include <string.h>

#include "sshkey.h"

static const char *const key_types[] = {
	"ssh-ed25519",
	"ssh-rsa",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
};

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
known_type(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (strlen(key_types[i]) == len &&
		    memcmp(key_types[i], s, len) == 0)
			return 1;
	return 0;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode the first n bytes of a base64 text (padding only at its end) into
 * out; 0 when the text is not base64 or decodes to fewer bytes.
 */
static int
b64_prefix(const char *s, size_t len, unsigned char *out, size_t n)
{
	size_t i, pad = 0, got = 0;
	uint32_t acc = 0;
	int v, bits = 0;

	if (len == 0 || len % 4 != 0)
		return 0;
	while (pad < 2 && len - pad > 0 && s[len - pad - 1] == '=')
		pad++;
	for (i = 0; i < len - pad; i++) {
		if ((v = b64_value(s[i])) < 0)
			return 0;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (got < n)
				out[got] = (acc >> bits) & 0xff;
			got++;
		}
	}
	return got >= n;
}

/* The blob starts with the key type as an SSH string: length, bytes. */
static int
blob_names_type(const struct ar_sshkey *k)
{
	unsigned char head[4 + 64];
	size_t n = 4 + k->type_len;

	if (k->type_len > 64 || !b64_prefix(k->blob, k->blob_len, head, n))
		return 0;
	return head[0] == 0 && head[1] == 0 && head[2] == 0 &&
	    head[3] == k->type_len &&
	    memcmp(head + 4, k->type, k->type_len) == 0;
}

int
ar_sshkey_parse(const char *line, size_t len, struct ar_sshkey *k)
{
	size_t i = 0, j;

	memset(k, 0, sizeof(*k));
	if (len > AR_SSHKEY_MAX_LINE)
		return 0;
	/* No control characters (a newline or NUL would split the line). */
	for (j = 0; j < len; j++)
		if (((unsigned char)line[j] < 0x20 && line[j] != '\t') ||
		    line[j] == 0x7f)
			return 0;
	while (i < len && blank(line[i]))
		i++;
	for (j = i; j < len && !blank(line[j]); j++)
		;
	/* Options (command=, from=, ...) come first: no known type then. */
	if (!known_type(line + i, j - i))
		return 0;
	k->type = line + i;
	k->type_len = j - i;
	for (i = j; i < len && blank(line[i]); i++)
		;
	for (j = i; j < len && !blank(line[j]); j++)
		;
	k->blob = line + i;
	k->blob_len = j - i;
	if (!blob_names_type(k)) {
		memset(k, 0, sizeof(*k));
		return 0;
	}
	for (i = j; i < len && blank(line[i]); i++)
		;
	for (j = len; j > i && blank(line[j - 1]); j--)
		;
	k->comment = line + i;
	k->comment_len = j - i;
	return 1;
}
