/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the DER SubjectPublicKeyInfo classifier.  Every byte of
 * the input is the DER; results must be consistent with the contract.
 */
#include "fuzz.h"
#include "spki.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ar_spki_type type = AR_SPKI_NONE;
	int bits = -1, r;

	r = ar_spki_classify(data, size, 2048, &type, &bits);
	switch (r) {
	case AR_SPKI_OK:
		if (type == AR_SPKI_RSA && bits < 2048)
			abort();
		if (type == AR_SPKI_EC_P256 && bits != 256)
			abort();
		if (type == AR_SPKI_EC_P384 && bits != 384)
			abort();
		if (type != AR_SPKI_RSA && type != AR_SPKI_EC_P256 &&
		    type != AR_SPKI_EC_P384)
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
