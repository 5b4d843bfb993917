/*
 * Fuzz target: the DER SubjectPublicKeyInfo classifier.  Every byte of
 * the input is the DER; results must be consistent with the contract.
 */
#include "fuzz.h"
#include "key.h"
#include "spki.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int alg = -1, bits = -1, r;

	r = ar_spki_classify(data, size, 2048, &alg, &bits);
	switch (r) {
	case AR_SPKI_OK:
		if (alg == AR_ALG_RS256 && bits < 2048)
			abort();
		if (alg == AR_ALG_ES256 && bits != 256)
			abort();
		if (alg == AR_ALG_ES384 && bits != 384)
			abort();
		if (alg != AR_ALG_RS256 && alg != AR_ALG_ES256 &&
		    alg != AR_ALG_ES384)
			abort();
		break;
	case AR_SPKI_TOO_SMALL:
		if (bits < 0 || bits >= 2048)
			abort();
		break;
	case AR_SPKI_MALFORMED:
	case AR_SPKI_UNSUPPORTED:
		break;
	default:
		abort();
	}
	return 0;
}
