/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PAM entry points of pam_authrocket: gather the PAM items, talk to
 * the user through the conversation, call the library and translate its
 * one result into one PAM code.  No policy, parsing or network here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "ar.h"
#include "auth.h"
#include "conf.h"
#include "identity.h"
#include "secure.h"

#define DATA_RESULT	"pam_authrocket_auth_result"
#define DATA_IDENTITY	"pam_authrocket_identity"
#define FAIL_DELAY_US	2000000

enum phase {
	PHASE_AUTH,
	PHASE_ACCOUNT
};

/* What the prompt callback needs: the handle and the caller's flags. */
struct conv_arg {
	pam_handle_t	*pamh;
	int		 silent;	/* PAM_SILENT: no informational text */
};

static void
log_sink(void *arg, int prio, const char *line)
{
	pam_syslog((pam_handle_t *)arg, prio, "%s", line);
}

/* At pam_end libpam names no module: the line names this one itself. */
static void
log_sink_end(void *arg, int prio, const char *line)
{
	const void *svc = NULL;

	if (pam_get_item(arg, PAM_SERVICE, &svc) != PAM_SUCCESS ||
	    svc == NULL)
		svc = "-";
	pam_syslog((pam_handle_t *)arg, prio, "pam_authrocket(%s:auth): %s",
	    (const char *)svc, line);
}

static int
prompt_cb(void *arg, int style, const char *text, char **reply)
{
	struct conv_arg *ca = arg;
	pam_handle_t *pamh = ca->pamh;
	char *resp = NULL;
	int pstyle, rc;

	switch (style) {
	case AR_PROMPT_ECHO_OFF:
		pstyle = PAM_PROMPT_ECHO_OFF;
		break;
	case AR_PROMPT_ECHO_ON:
		pstyle = PAM_PROMPT_ECHO_ON;
		break;
	case AR_PROMPT_ERROR:
		pstyle = PAM_ERROR_MSG;
		break;
	default:
		pstyle = PAM_TEXT_INFO;
		break;
	}
	if ((pstyle == PAM_ERROR_MSG || pstyle == PAM_TEXT_INFO) && ca->silent)
		return AR_OK;
	rc = pam_prompt(pamh, pstyle, &resp, "%s", text);
	if (pstyle == PAM_ERROR_MSG || pstyle == PAM_TEXT_INFO) {
		ar_secure_free_str(resp);
		return rc == PAM_SUCCESS ? AR_OK : AR_ERR_CONV;
	}
	if (rc != PAM_SUCCESS || resp == NULL) {
		ar_secure_free_str(resp);
		return rc == PAM_BUF_ERR ? AR_ERR_NOMEM : AR_ERR_CONV;
	}
	*reply = resp;
	return AR_OK;
}

/* A password typed at our prompt, for the modules after us. */
static int
store_cb(void *arg, const char *password)
{
	struct conv_arg *ca = arg;

	return pam_set_item(ca->pamh, PAM_AUTHTOK, password) == PAM_SUCCESS ?
	    AR_OK : AR_ERR_NOMEM;
}

/* The one translation from library results to PAM codes. */
static int
pam_code(int r, enum phase phase)
{
	switch (r) {
	case AR_OK:
		return PAM_SUCCESS;
	case AR_ERR_AUTH:
	case AR_ERR_DENIED:
		return phase == PHASE_AUTH ? PAM_AUTH_ERR : PAM_PERM_DENIED;
	case AR_ERR_USER_UNKNOWN:
		return PAM_USER_UNKNOWN;
	case AR_ERR_UNAVAIL:
		return PAM_AUTHINFO_UNAVAIL;
	case AR_ERR_CONV:
		return PAM_CONV_ERR;
	case AR_ERR_NOMEM:
		return PAM_BUF_ERR;
	case AR_NOTHING:
		/* Only the account phase has nothing to check. */
		return phase == PHASE_ACCOUNT ? PAM_IGNORE : PAM_AUTH_ERR;
	case AR_ERR_CONFIG:
	default:
		return PAM_SERVICE_ERR;
	}
}

/*
 * A successful authentication's outcome line is written by the account
 * phase.  When this module's account phase never ran (a stack with only
 * the auth line, or another module refused first), it is written here, at
 * pam_end, from the application's final status.  Not for a replaced
 * identity, nor in a process that ends the handle silently (a child after
 * fork).
 */
static void
cleanup_identity(pam_handle_t *pamh, void *data, int status)
{
	struct ar_identity *id = data;
	struct ar_ctx ctx;
	const void *item;

	if (id != NULL && !id->outcome_logged &&
	    (status & (PAM_DATA_REPLACE | PAM_DATA_SILENT)) == 0) {
		ar_ctx_init(&ctx, "auth");
		ctx.log = log_sink_end;
		ctx.log_arg = pamh;
		if (pam_get_item(pamh, PAM_SERVICE, &item) == PAM_SUCCESS)
			ctx.service = item;
		if (pam_get_item(pamh, PAM_RHOST, &item) == PAM_SUCCESS)
			ctx.rhost = item;
		if (pam_get_item(pamh, PAM_USER, &item) == PAM_SUCCESS)
			ctx.user = item;
		ctx.ar_name = id->username;
		ctx.ar_session = id->session_id;
		if (status != PAM_SUCCESS)
			(void)ar_fail(&ctx, AR_ERR_DENIED, "stack_refused",
			    "authenticated, then refused by the stack (%d)",
			    status);
		ar_log_decision(&ctx, status == PAM_SUCCESS ? AR_OK :
		    AR_ERR_DENIED, id->source, id->user_id);
	}
	ar_identity_free(id);
}

static void
cleanup_result(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	free(data);
}

/* Fill the context from the PAM items; the strings stay PAM's. */
static int
setup(pam_handle_t *pamh, struct ar_ctx *ctx, const char *phase,
    struct conv_arg *ca)
{
	const void *item = NULL;
	const char *user = NULL;
	int rc;

	ar_ctx_init(ctx, phase);
	ctx->log = log_sink;
	ctx->log_arg = pamh;
	ctx->prompt = prompt_cb;
	ctx->prompt_arg = ca;
	if (pam_get_item(pamh, PAM_SERVICE, &item) == PAM_SUCCESS)
		ctx->service = item;
	item = NULL;
	if (pam_get_item(pamh, PAM_RHOST, &item) == PAM_SUCCESS)
		ctx->rhost = item;
	rc = pam_get_user(pamh, &user, NULL);
	if (rc != PAM_SUCCESS || user == NULL || *user == '\0')
		return rc == PAM_SUCCESS || rc == PAM_CONV_AGAIN ?
		    PAM_USER_UNKNOWN : rc;
	ctx->user = user;
	return PAM_SUCCESS;
}

static void
store_result(pam_handle_t *pamh, int rc)
{
	int *p;

	if ((p = malloc(sizeof(*p))) == NULL)
		return;
	*p = rc;
	if (pam_set_data(pamh, DATA_RESULT, p, cleanup_result) != PAM_SUCCESS)
		free(p);
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	struct ar_identity *id = NULL;
	struct conv_arg ca = { pamh, (flags & PAM_SILENT) != 0 };
	const void *item = NULL;
	int r, rc;

	memset(&conf, 0, sizeof(conf));
	/* Failures wait at least this long, whatever the cause. */
	(void)pam_fail_delay(pamh, FAIL_DELAY_US);
	if ((rc = setup(pamh, &ctx, "auth", &ca)) != PAM_SUCCESS) {
		ar_log(&ctx, AR_LOG_ERR, "cannot determine the user: %s",
		    pam_strerror(pamh, rc));
		if (rc == PAM_SUCCESS || rc == PAM_IGNORE)
			rc = PAM_USER_UNKNOWN;
		store_result(pamh, rc);
		return rc;
	}
	/* Stacking: an earlier module's credential in, ours out. */
	if (pam_get_item(pamh, PAM_AUTHTOK, &item) == PAM_SUCCESS)
		ctx.authtok = item;
	ctx.store_authtok = store_cb;
	ctx.store_arg = &ca;
	r = ar_conf_load(&ctx, argc, argv, AR_DEFAULT_CONFIG, &conf);
	if (r != AR_OK) {
		ar_log_decision(&ctx, r, "-", NULL);
	} else {
		r = ar_auth_authenticate(&ctx, &conf, &id);
	}
	rc = pam_code(r, PHASE_AUTH);
	if (rc == PAM_SUCCESS && id != NULL) {
		(void)pam_set_data(pamh, DATA_IDENTITY, NULL, NULL);
		if (pam_set_data(pamh, DATA_IDENTITY, id, cleanup_identity) !=
		    PAM_SUCCESS) {
			ar_identity_free(id);
			rc = PAM_BUF_ERR;
		}
		id = NULL;	/* transferred */
	}
	ar_identity_free(id);
	ar_conf_free(&conf);
	store_result(pamh, rc);
	return rc;
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const void *data = NULL;

	(void)flags;
	(void)argc;
	(void)argv;
	if (pam_get_data(pamh, DATA_RESULT, &data) == PAM_SUCCESS &&
	    data != NULL)
		return *(const int *)data;
	return PAM_SUCCESS;
}

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct ar_ctx ctx;
	struct ar_conf conf;
	const void *data = NULL, *res = NULL;
	const struct ar_identity *prior = NULL;
	struct conv_arg ca = { pamh, (flags & PAM_SILENT) != 0 };
	int r, rc;

	memset(&conf, 0, sizeof(conf));
	if ((rc = setup(pamh, &ctx, "account", &ca)) != PAM_SUCCESS) {
		ar_log(&ctx, AR_LOG_ERR, "cannot determine the user: %s",
		    pam_strerror(pamh, rc));
		return rc == PAM_IGNORE ? PAM_USER_UNKNOWN : rc;
	}
	r = ar_conf_load(&ctx, argc, argv, AR_DEFAULT_CONFIG, &conf);
	if (r != AR_OK) {
		ar_log_decision(&ctx, r, "-", NULL);
		return pam_code(r, PHASE_ACCOUNT);
	}
	/* Only an identity this module established for this user counts. */
	if (pam_get_data(pamh, DATA_RESULT, &res) == PAM_SUCCESS &&
	    res != NULL && *(const int *)res == PAM_SUCCESS &&
	    pam_get_data(pamh, DATA_IDENTITY, &data) == PAM_SUCCESS)
		prior = data;
	r = ar_auth_account(&ctx, &conf, prior);
	/* The outcome line is out; the identity is this module's own. */
	if (prior != NULL)
		((struct ar_identity *)(uintptr_t)prior)->outcome_logged = 1;
	ar_conf_free(&conf);
	return pam_code(r, PHASE_ACCOUNT);
}
