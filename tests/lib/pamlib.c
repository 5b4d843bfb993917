/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PAM test drivers' shared parts: syslog capture, PAM code names and
 * the answering conversation.  See pamlib.h.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "pamlib.h"

static FILE *logfp;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void
pamlib_log_to(FILE *fp)
{
	pthread_mutex_lock(&log_lock);
	logfp = fp;
	pthread_mutex_unlock(&log_lock);
}

static void
log_line(int pri, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&log_lock);
	if (logfp != NULL) {
		fprintf(logfp, "%d\t", pri & LOG_PRIMASK);
		vfprintf(logfp, fmt, ap);
		fputc('\n', logfp);
		fflush(logfp);
	}
	pthread_mutex_unlock(&log_lock);
}

/*
 * The driver's definitions come first in symbol lookup, so the module's
 * pam_syslog() lands here and glibc's /dev/log socket never opens (it
 * would show up as a descriptor).  libpam is built with fortification and
 * calls the _chk variants.
 */
void __syslog_chk(int pri, int flag, const char *fmt, ...);
void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap);

void
__syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	log_line(pri, fmt, ap);
	va_end(ap);
}

void
__vsyslog_chk(int pri, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	log_line(pri, fmt, ap);
}

void
syslog(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(pri, fmt, ap);
	va_end(ap);
}

void
vsyslog(int pri, const char *fmt, va_list ap)
{
	log_line(pri, fmt, ap);
}

const char *
pamlib_code_name(int rc)
{
	switch (rc) {
	case PAM_SUCCESS: return "PAM_SUCCESS";
	case PAM_AUTH_ERR: return "PAM_AUTH_ERR";
	case PAM_USER_UNKNOWN: return "PAM_USER_UNKNOWN";
	case PAM_AUTHINFO_UNAVAIL: return "PAM_AUTHINFO_UNAVAIL";
	case PAM_SERVICE_ERR: return "PAM_SERVICE_ERR";
	case PAM_CONV_ERR: return "PAM_CONV_ERR";
	case PAM_BUF_ERR: return "PAM_BUF_ERR";
	case PAM_PERM_DENIED: return "PAM_PERM_DENIED";
	case PAM_IGNORE: return "PAM_IGNORE";
	case PAM_SYSTEM_ERR: return "PAM_SYSTEM_ERR";
	case PAM_CRED_ERR: return "PAM_CRED_ERR";
	case PAM_ACCT_EXPIRED: return "PAM_ACCT_EXPIRED";
	case PAM_NEW_AUTHTOK_REQD: return "PAM_NEW_AUTHTOK_REQD";
	case PAM_MAXTRIES: return "PAM_MAXTRIES";
	case PAM_ABORT: return "PAM_ABORT";
	default: return "PAM_OTHER";
	}
}

static void
show(const struct pamlib_answers *a, const char *kind, const char *text)
{
	if (a->show != NULL)
		a->show(kind, text != NULL ? text : "");
}

static void
free_responses(struct pam_response *r, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (r[i].resp != NULL) {
			memset(r[i].resp, 0, strlen(r[i].resp));
			free(r[i].resp);
		}
	}
	free(r);
}

int
pamlib_conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	struct pamlib_answers *a = arg;
	struct pam_response *r;
	int i, style;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		style = msg[i]->msg_style;
		if (style == PAM_ERROR_MSG || style == PAM_TEXT_INFO) {
			show(a, style == PAM_ERROR_MSG ? "error" : "info",
			    msg[i]->msg);
			continue;
		}
		if (style != PAM_PROMPT_ECHO_OFF && style != PAM_PROMPT_ECHO_ON) {
			free_responses(r, n);
			return PAM_CONV_ERR;
		}
		show(a, style == PAM_PROMPT_ECHO_OFF ? "prompt-off" :
		    "prompt-on", msg[i]->msg);
		a->prompts++;
		if (a->next >= a->n) {
			free_responses(r, n);
			return PAM_CONV_ERR;
		}
		/* A person taking their time at later prompts. */
		if (a->next > 0 && a->delay_ms > 0)
			usleep((useconds_t)a->delay_ms * 1000);
		/* ...or at any prompt, the first one included. */
		if (a->next < 16 && a->delays_ms[a->next] > 0)
			usleep((useconds_t)a->delays_ms[a->next] * 1000);
		if ((r[i].resp = strdup(a->answer[a->next++])) == NULL) {
			free_responses(r, n);
			return PAM_BUF_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}
