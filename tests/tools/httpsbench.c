/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Benchmark baseline: one HTTPS POST on a new connection per request with
 * libcurl in-process, the floor for a password login through the helper.
 * usage: httpsbench URL CA_FILE HEADER BODY N   (prints p50 and p99 in ms)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

static size_t
sink(char *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct curl_slist *h = NULL;
	struct timespec t0, t1;
	double *ms;
	long i, n, code = 0;

	if (argc != 6 || (n = atol(argv[5])) < 1)
		return 2;
	if ((ms = calloc((size_t)n, sizeof(*ms))) == NULL)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_slist_append(h, argv[3]);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Accept: application/json");
	for (i = 0; i < n; i++) {
		CURL *c = curl_easy_init();

		clock_gettime(CLOCK_MONOTONIC, &t0);
		curl_easy_setopt(c, CURLOPT_URL, argv[1]);
		curl_easy_setopt(c, CURLOPT_CAINFO, argv[2]);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
		curl_easy_setopt(c, CURLOPT_PROXY, "");
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, argv[4]);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
		if (curl_easy_perform(c) != CURLE_OK)
			return 1;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_cleanup(c);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (code != 200)
			return 1;
		ms[i] = (t1.tv_sec - t0.tv_sec) * 1e3 +
		    (t1.tv_nsec - t0.tv_nsec) / 1e6;
	}
	qsort(ms, (size_t)n, sizeof(*ms), cmp);
	printf("p50=%.2f p99=%.2f\n", ms[n / 2], ms[(n * 99) / 100 < n ?
	    (n * 99) / 100 : n - 1]);
	curl_slist_free_all(h);
	curl_global_cleanup();
	free(ms);
	return 0;
}
