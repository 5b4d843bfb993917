/*
 * armint: mint compact JWTs for the integration tests and the demo.  The
 * header and payload are used verbatim, so tests can also build tokens
 * that are deliberately wrong (duplicate members, odd types, alg tricks).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

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

/* base64url without padding; returns a malloc'ed string. */
static char *
b64url(const unsigned char *in, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_";
	char *out;
	size_t i, o = 0;
	unsigned long v;

	if ((out = malloc(n / 3 * 4 + 5)) == NULL)
		die("out of memory");
	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63];
		out[o++] = tab[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned long)in[i] << 16;
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
	} else if (n - i == 2) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63];
	}
	out[o] = '\0';
	return out;
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

/* Sign with an RSA or EC private key; ECDSA converted to r||s. */
static unsigned char *
sign_pkey(const char *path, const EVP_MD *md, int ec_size,
    const unsigned char *in, size_t n, size_t *sig_len)
{
	EVP_PKEY *pkey = load_private(path);
	EVP_MD_CTX *mctx;
	unsigned char *der, *raw;
	const unsigned char *p;
	const BIGNUM *r, *s;
	ECDSA_SIG *es;
	size_t dlen = 0;

	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(mctx, NULL, md, NULL, pkey) != 1 ||
	    EVP_DigestSign(mctx, NULL, &dlen, in, n) != 1 ||
	    (der = malloc(dlen)) == NULL ||
	    EVP_DigestSign(mctx, der, &dlen, in, n) != 1)
		die("signing failed");
	if ((ec_size != 0) != (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC))
		die("the key type does not match --alg");
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_free(pkey);
	if (ec_size == 0) {
		*sig_len = dlen;
		return der;
	}
	p = der;
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)dlen)) == NULL)
		die("bad ecdsa signature");
	ECDSA_SIG_get0(es, &r, &s);
	if ((raw = malloc(2 * (size_t)ec_size)) == NULL ||
	    BN_bn2binpad(r, raw, ec_size) != ec_size ||
	    BN_bn2binpad(s, raw + ec_size, ec_size) != ec_size)
		die("cannot encode the ecdsa signature");
	ECDSA_SIG_free(es);
	free(der);
	*sig_len = 2 * (size_t)ec_size;
	return raw;
}

static unsigned char *
sign_hmac(const EVP_MD *md, const unsigned char *key, size_t klen,
    const unsigned char *in, size_t n, size_t *sig_len)
{
	unsigned char *out;
	unsigned int olen = 0;

	if ((out = malloc(EVP_MAX_MD_SIZE)) == NULL)
		die("out of memory");
	if (HMAC(md, key, (int)klen, in, n, out, &olen) == NULL)
		die("hmac failed");
	*sig_len = olen;
	return out;
}

int
main(int argc, char **argv)
{
	const char *alg = NULL, *key_path = NULL, *header = NULL;
	const char *payload = NULL, *claims_path = NULL, *hmac_path = NULL;
	char *dflt_header = NULL, *h64, *p64, *s64, *input;
	unsigned char *key = NULL, *sig = NULL, *claims = NULL;
	size_t klen = 0, sig_len = 0, clen = 0, n;
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
	h64 = b64url((const unsigned char *)header, strlen(header));
	p64 = b64url((const unsigned char *)payload,
	    claims != NULL ? clen : strlen(payload));
	if (asprintf(&input, "%s.%s", h64, p64) < 0)
		die("out of memory");
	n = strlen(input);

	if (hmac_path != NULL) {
		/* Raw bytes, nothing dropped: the alg-confusion attack. */
		key = read_file(hmac_path, &klen);
		sig = sign_hmac(EVP_sha256(), key, klen,
		    (unsigned char *)input, n, &sig_len);
	} else if (strcmp(alg, "HS256") == 0 || strcmp(alg, "HS384") == 0) {
		key = read_file(key_path, &klen);
		/* One trailing LF or CRLF dropped, as conf.c does. */
		if (klen > 0 && key[klen - 1] == '\n') {
			klen--;
			if (klen > 0 && key[klen - 1] == '\r')
				klen--;
		}
		sig = sign_hmac(strcmp(alg, "HS256") == 0 ? EVP_sha256() :
		    EVP_sha384(), key, klen, (unsigned char *)input, n,
		    &sig_len);
	} else if (strcmp(alg, "RS256") == 0) {
		sig = sign_pkey(key_path, EVP_sha256(), 0,
		    (unsigned char *)input, n, &sig_len);
	} else if (strcmp(alg, "ES256") == 0) {
		sig = sign_pkey(key_path, EVP_sha256(), 32,
		    (unsigned char *)input, n, &sig_len);
	} else if (strcmp(alg, "ES384") == 0) {
		sig = sign_pkey(key_path, EVP_sha384(), 48,
		    (unsigned char *)input, n, &sig_len);
	} else if (strcmp(alg, "none") != 0) {
		usage();
	}
	s64 = b64url(sig != NULL ? sig : (const unsigned char *)"",
	    sig_len);
	printf("%s.%s\n", input, s64);
	if (fflush(stdout) != 0)
		die("write error");
	free(h64);
	free(p64);
	free(s64);
	free(input);
	free(sig);
	free(key);
	free(claims);
	free(dflt_header);
	return 0;
}
