/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A PAM module that stands in for another one and arms failinj.so around
 * each call: "auth required pam_faultwrap.so /path/module.so ARGS...".
 * The wrapped module gets ARGS; its return code is passed through.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#include <security/pam_modules.h>

typedef int sm_fn(pam_handle_t *, int, int, const char **);

static int
forward(const char *sym, pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	void (*arm)(const char *) = NULL;
	void (*disarm)(void) = NULL;
	void *h;
	sm_fn *fn;
	int rc;

	if (argc < 1)
		return PAM_SERVICE_ERR;
	/* Loaded once per handle, unloaded by pam_end with ours. */
	if ((h = dlopen(argv[0], RTLD_NOW | RTLD_LOCAL)) == NULL)
		return PAM_SERVICE_ERR;
	if ((fn = (sm_fn *)dlsym(h, sym)) == NULL) {
		dlclose(h);
		return PAM_SERVICE_ERR;
	}
	*(void **)&arm = dlsym(RTLD_DEFAULT, "failinj_arm");
	*(void **)&disarm = dlsym(RTLD_DEFAULT, "failinj_disarm");
	if (arm != NULL)
		arm(sym);
	rc = fn(pamh, flags, argc - 1, argv + 1);
	if (disarm != NULL)
		disarm();
	/*
	 * Keep the module loaded: it may have left pam data whose cleanup
	 * function lives in it, run at pam_end.
	 */
	return rc;
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	return forward("pam_sm_authenticate", pamh, flags, argc, argv);
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return forward("pam_sm_setcred", pamh, flags, argc, argv);
}

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return forward("pam_sm_acct_mgmt", pamh, flags, argc, argv);
}
