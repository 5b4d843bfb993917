/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * armint: mint compact JWTs for the integration tests and the demo.  The
 * header and payload are used verbatim, so tests can also build tokens
 * that are deliberately wrong (duplicate members, odd types, alg tricks).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "jwtmint.h"

#define ARMINT_MAX_FILE	(16 * 1024 * 1024)

static void
usage(void)
{
	fprintf(stderr,
	    "usage: armint --alg HS256|HS384|RS256|ES256|ES384|none "
	    "--key FILE\n"
	    "              [--header JSON] (--payload JSON | "
	    "--claims-file FILE)\n"
	    "       armint --hmac-with-file FILE [--header JSON] "
	    "(--payload JSON | --claims-file FILE)\n"
	    "  HS*: FILE's bytes are the secret (one trailing newline "
	    "dropped)\n"
	    "  RS*/ES*: FILE is a private key PEM; ES signatures are raw "
	    "r||s\n"
	    "  none: empty signature segment; --key not needed\n"
	    "  --hmac-with-file: HS256 keyed with FILE's raw bytes\n"
	    "  the default header is {\"alg\":\"<alg>\",\"typ\":\"JWT\"}; "
	    "--header replaces it\n");
	exit(2);
}

static void
die(const char *what)
{
	fprintf(stderr, "armint: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* Whole file into a malloc'ed buffer (NUL terminated). */
static unsigned char *
read_file(const char *path, size_t *len)
{
	FILE *f;
	unsigned char *buf;
	size_t n = 0, cap = 4096, got;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "armint: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if ((buf = malloc(cap + 1)) == NULL)
		die("out of memory");
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			if (cap >= ARMINT_MAX_FILE)
				die("input file too large");
			cap *= 2;
			if ((buf = realloc(buf, cap + 1)) == NULL)
				die("out of memory");
		}
	}
	if (ferror(f))
		die("read error");
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static EVP_PKEY *
load_private(const char *path)
{
	EVP_PKEY *pkey;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "armint: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL)
		die("cannot read the private key PEM");
	return pkey;
}

int
main(int argc, char **argv)
{
	const char *alg = NULL, *key_path = NULL, *header = NULL;
	const char *payload = NULL, *claims_path = NULL, *hmac_path = NULL;
	char *dflt_header = NULL, *tok;
	unsigned char *key = NULL, *claims = NULL;
	struct jwtmint_signer sg;
	size_t klen = 0, clen = 0;
	int i;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0)
			usage();
		if (i + 1 >= argc)
			usage();
		if (strcmp(opt, "--alg") == 0)
			alg = argv[++i];
		else if (strcmp(opt, "--key") == 0)
			key_path = argv[++i];
		else if (strcmp(opt, "--header") == 0)
			header = argv[++i];
		else if (strcmp(opt, "--payload") == 0)
			payload = argv[++i];
		else if (strcmp(opt, "--claims-file") == 0)
			claims_path = argv[++i];
		else if (strcmp(opt, "--hmac-with-file") == 0)
			hmac_path = argv[++i];
		else
			usage();
	}
	if ((payload == NULL) == (claims_path == NULL))
		usage();
	if (hmac_path != NULL) {
		if (alg != NULL && strcmp(alg, "HS256") != 0)
			usage();
		alg = "HS256";
	}
	if (alg == NULL)
		usage();
	if (hmac_path == NULL && key_path == NULL && strcmp(alg, "none") != 0)
		usage();
	if (claims_path != NULL) {
		claims = read_file(claims_path, &clen);
		payload = (const char *)claims;
	}
	if (header == NULL) {
		if (asprintf(&dflt_header, "{\"alg\":\"%s\",\"typ\":\"JWT\"}",
		    alg) < 0)
			die("out of memory");
		header = dflt_header;
	}
	memset(&sg, 0, sizeof(sg));
	if (hmac_path != NULL) {
		/* Raw bytes, nothing dropped: the alg-confusion attack. */
		key = read_file(hmac_path, &klen);
		sg.md = EVP_sha256();
	} else if (strcmp(alg, "HS256") == 0 || strcmp(alg, "HS384") == 0) {
		key = read_file(key_path, &klen);
		/* One trailing LF or CRLF dropped, as conf.c does. */
		if (klen > 0 && key[klen - 1] == '\n') {
			klen--;
			if (klen > 0 && key[klen - 1] == '\r')
				klen--;
		}
		sg.md = strcmp(alg, "HS256") == 0 ? EVP_sha256() :
		    EVP_sha384();
	} else if (strcmp(alg, "RS256") == 0) {
		sg.md = EVP_sha256();
	} else if (strcmp(alg, "ES256") == 0) {
		sg.md = EVP_sha256();
		sg.ec = 32;
	} else if (strcmp(alg, "ES384") == 0) {
		sg.md = EVP_sha384();
		sg.ec = 48;
	} else if (strcmp(alg, "none") != 0) {
		usage();
	}
	if (key != NULL) {
		sg.hkey = key;
		sg.hlen = klen;
	} else if (sg.md != NULL) {
		sg.pkey = load_private(key_path);
		if ((sg.ec != 0) !=
		    (EVP_PKEY_get_base_id(sg.pkey) == EVP_PKEY_EC))
			die("the key type does not match --alg");
	}
	if ((tok = jwtmint_token(header, strlen(header), payload,
	    claims != NULL ? clen : strlen(payload),
	    sg.md != NULL ? &sg : NULL)) == NULL)
		die("signing failed");
	printf("%s\n", tok);
	if (fflush(stdout) != 0)
		die("write error");
	free(tok);
	free(key);
	free(claims);
	EVP_PKEY_free(sg.pkey);
	free(dflt_header);
	return 0;
}
