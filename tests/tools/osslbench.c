/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Benchmark baseline: what OpenSSL alone costs to parse a PEM public key
 * and verify one SHA-256 signature, the floor for an RS256/ES256 login.
 * usage: osslbench PRIVATE.pem PUBLIC.pem N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

static char *
slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	buf = malloc((size_t)*len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

int
main(int argc, char **argv)
{
	static const unsigned char msg[] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0";
	unsigned char sig[1024];
	size_t siglen = sizeof(sig);
	long publen = 0, privlen = 0, i, n;
	char *pub, *priv;
	EVP_PKEY *pk;
	EVP_MD_CTX *md;
	BIO *bio;
	struct timespec t0, t1;
	double us;

	if (argc != 4)
		return 2;
	n = atol(argv[3]);
	if ((priv = slurp(argv[1], &privlen)) == NULL ||
	    (pub = slurp(argv[2], &publen)) == NULL)
		return 2;
	bio = BIO_new_mem_buf(priv, (int)privlen);
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	md = EVP_MD_CTX_new();
	if (pk == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk) != 1 ||
	    EVP_DigestSign(md, sig, &siglen, msg, sizeof(msg) - 1) != 1)
		return 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		bio = BIO_new_mem_buf(pub, (int)publen);
		pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		BIO_free(bio);
		md = EVP_MD_CTX_new();
		if (pk == NULL ||
		    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk) != 1 ||
		    EVP_DigestVerify(md, sig, siglen, msg, sizeof(msg) - 1) != 1)
			return 1;
		EVP_MD_CTX_free(md);
		EVP_PKEY_free(pk);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3) / n;
	printf("per=%.2f\n", us);
	free(pub);
	free(priv);
	return 0;
}
