/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the PAM test drivers (tests/tools/pamdrive.c, tests/soak/soak.c)
 * share: syslog captured into a file instead of /dev/log, PAM code names,
 * and a conversation that answers prompts from a list.
 */
#ifndef PAMLIB_H
#define PAMLIB_H

#include <stddef.h>
#include <stdio.h>

#include <security/pam_appl.h>

/*
 * Send every syslog line of this process (the module logs through
 * pam_syslog) to fp as "PRIORITY<TAB>TEXT", or drop them (fp NULL).
 * Thread-safe; lines are flushed at once.
 */
void	pamlib_log_to(FILE *fp);

/* "PAM_SUCCESS", "PAM_AUTH_ERR", ..., "PAM_OTHER" for unknown codes. */
const char *pamlib_code_name(int rc);

/* The conversation's state: pass a pointer as the appdata of pam_conv. */
struct pamlib_answers {
	char *const	*answer;	/* replies, in prompt order */
	size_t		 n;
	size_t		 next;		/* replies given so far */
	int		 prompts;	/* prompts seen (also unanswered ones) */
	int		 delay_ms;	/* before every reply but the first */
	/* Called with "prompt-off", "prompt-on", "error" or "info" and the
	 * text of every message, or NULL. */
	void		(*show)(const char *kind, const char *text);
	long		 delays_ms[16];	/* before the Nth reply, first included */
};

/*
 * A pam_conv function: answers each echo-on or echo-off prompt with the
 * next reply (PAM_CONV_ERR when none is left), shows messages through
 * show, PAM_CONV_ERR for an unknown message style, PAM_BUF_ERR when out
 * of memory.
 */
int	pamlib_conv(int n, const struct pam_message **msg,
	    struct pam_response **resp, void *arg);

#endif /* PAMLIB_H */
