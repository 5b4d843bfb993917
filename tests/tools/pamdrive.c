/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test driver: runs PAM transactions through the real libpam with
 * pam_start_confdir(), answers prompts from stdin, and captures what the
 * modules send to syslog (both through tests/lib/pamlib.c).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_appl.h>

#include "pamlib.h"

static FILE *logfp;
static char **answers;
static size_t n_answers;
static int quiet, pamflags, answer_delay_ms, hex_answers;
static long answer_delays_ms[16];	/* before the Nth answer */

static void
show(const char *kind, const char *text)
{
	const char *p;

	printf("%s ", kind);
	for (p = text ? text : ""; *p; p++)
		putchar(*p == '\n' ? ' ' : *p);
	putchar('\n');
}

/* Record the delay a module asks for instead of sleeping through it. */
static void
fail_delay(int retval, unsigned usec_delay, void *arg)
{
	(void)arg;
	if (!quiet && retval != PAM_SUCCESS)
		printf("delay=%u\n", usec_delay);
}

static void
read_answers(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, stdin)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		answers = realloc(answers, (n_answers + 1) * sizeof(*answers));
		if (answers == NULL)
			exit(3);
		/* --hex-answers: any byte, newlines included (no NUL). */
		if (hex_answers) {
			ssize_t j;
			unsigned int b;

			for (j = 0; j + 1 < len; j += 2) {
				if (sscanf(line + j, "%2x", &b) != 1 || b == 0)
					exit(3);
				line[j / 2] = (char)b;
			}
			line[len / 2] = '\0';
		}
		answers[n_answers++] = strdup(line);
	}
	free(line);
}

static void
usage(void)
{
	fprintf(stderr, "usage: pamdrive --service S --confdir D --user U "
	    "[--rhost H] [--phases auth,account,setcred] [--repeat N] "
	    "[--log FILE] [--resident MODULE,...] [--quiet] [--silent] "
	    "[--switch-user NAME] [--answer-delay-ms N] "
	    "[--answer-delays-ms N,N,...] [--hex-answers]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *service = NULL, *confdir = NULL, *user = NULL;
	const char *rhost = NULL, *phases = "auth,account", *logpath = NULL;
	const char *resident = NULL, *switch_user = NULL;
	long repeat = 1, k;
	struct timespec t0, t1;
	int i, rc, fails = 0;

	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--service") == 0)
			service = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--confdir") == 0)
			confdir = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--user") == 0)
			user = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--rhost") == 0)
			rhost = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--phases") == 0)
			phases = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--repeat") == 0)
			repeat = atol(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--log") == 0)
			logpath = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--resident") == 0)
			resident = argv[++i];
		else if (strcmp(argv[i], "--quiet") == 0)
			quiet = 1;
		else if (i + 1 < argc && strcmp(argv[i], "--switch-user") == 0)
			switch_user = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--answer-delay-ms") == 0)
			answer_delay_ms = atoi(argv[++i]);
		else if (i + 1 < argc &&
		    strcmp(argv[i], "--answer-delays-ms") == 0) {
			char *p = argv[++i];
			size_t n;

			for (n = 0; n < 16 && *p != '\0'; n++) {
				answer_delays_ms[n] = strtol(p, &p, 10);
				if (*p == ',')
					p++;
				else if (*p != '\0')
					usage();
			}
		} else if (strcmp(argv[i], "--hex-answers") == 0)
			hex_answers = 1;
		else if (strcmp(argv[i], "--silent") == 0)
			pamflags |= PAM_SILENT;
		else
			usage();
	}
	if (service == NULL || confdir == NULL || user == NULL || repeat < 1)
		usage();
	if (logpath != NULL && (logfp = fopen(logpath, "a")) == NULL) {
		perror(logpath);
		return 2;
	}
	pamlib_log_to(logfp);
	/* Keep modules loaded across transactions, as in a daemon. */
	if (resident != NULL) {
		char rbuf[4096], *rsave = NULL, *mod;

		snprintf(rbuf, sizeof(rbuf), "%s", resident);
		for (mod = strtok_r(rbuf, ",", &rsave); mod != NULL;
		    mod = strtok_r(NULL, ",", &rsave)) {
			if (dlopen(mod, RTLD_NOW) == NULL) {
				fprintf(stderr, "dlopen: %s\n", dlerror());
				return 2;
			}
		}
	}
	read_answers();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 0; k < repeat; k++) {
		struct pamlib_answers pa = { answers, n_answers, 0, 0,
		    answer_delay_ms, quiet ? NULL : show, { 0 } };
		struct pam_conv pc = { pamlib_conv, &pa };

		memcpy(pa.delays_ms, answer_delays_ms, sizeof(pa.delays_ms));
		pam_handle_t *pamh = NULL;
		char buf[256], *save = NULL, *ph;

		rc = pam_start_confdir(service, user, &pc, confdir, &pamh);
		if (rc != PAM_SUCCESS) {
			printf("start=%s\n", pamlib_code_name(rc));
			return 1;
		}
		if (rhost != NULL)
			pam_set_item(pamh, PAM_RHOST, rhost);
		pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)fail_delay);
		snprintf(buf, sizeof(buf), "%s", phases);
		for (ph = strtok_r(buf, ",", &save); ph != NULL;
		    ph = strtok_r(NULL, ",", &save)) {
			if (strcmp(ph, "auth") == 0) {
				rc = pam_authenticate(pamh, pamflags);
				/* An application that changes the user after
				 * authentication (tests the account phase). */
				if (switch_user != NULL)
					pam_set_item(pamh, PAM_USER, switch_user);
			} else if (strcmp(ph, "account") == 0)
				rc = pam_acct_mgmt(pamh, pamflags);
			else if (strcmp(ph, "setcred") == 0)
				rc = pam_setcred(pamh, PAM_ESTABLISH_CRED);
			else
				usage();
			if (!quiet)
				printf("%s=%s\n", ph, pamlib_code_name(rc));
			if (rc != PAM_SUCCESS)
				fails++;
		}
		pam_end(pamh, rc);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (repeat > 1)
		printf("elapsed_us=%.1f per=%.2f fails=%d\n",
		    ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3),
		    ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3) /
		    (double)repeat, fails);
	for (k = 0; k < (long)n_answers; k++) {
		memset(answers[k], 0, strlen(answers[k]));
		free(answers[k]);
	}
	free(answers);
	pamlib_log_to(NULL);
	if (logfp != NULL)
		fclose(logfp);
	return 0;
}
