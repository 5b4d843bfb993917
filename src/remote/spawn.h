/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Starting one child program from inside a host process that may run
 * threads and may ignore or handle SIGCHLD itself: the program is
 * checked on its opened descriptor and that descriptor is executed; the
 * child sends no SIGCHLD and is waited for and killed through a pidfd.
 */
#ifndef AR_SPAWN_H
#define AR_SPAWN_H

#include <sys/types.h>

#include "ar.h"

/* A started child; pidfd -1 when there is none (any more). */
struct ar_child {
	int	pidfd;
	pid_t	pid;
};

/*
 * Open the program at path (absolute) without following a symlink and
 * check the descriptor with ar_file_check() (a regular file of root or
 * ctx->owner, not writable by group or others).  On AR_OK *fd is a
 * close-on-exec descriptor above 2 that the caller closes.  Errors:
 * AR_ERR_CONFIG ("config"; detail "helper: PATH: ..."), AR_ERR_NOMEM.
 */
int	ar_prog_open(struct ar_ctx *ctx, const char *path, int *fd);

/*
 * Run the program prog (from ar_prog_open()) as a child: argv as given,
 * an empty environment, stdin and stdout the socket sock, stderr devnull,
 * no other descriptor, every signal at its default and none blocked.
 * The child is made by clone3 with no exit signal and a pidfd, so that
 * neither an ignored SIGCHLD nor the host's waitpid(-1) can take it, and
 * no host signal disposition is touched.  Since an exec would make
 * SIGCHLD its exit signal again, the child never execs: it runs the
 * program as its own child, ends the way the program ended, and takes
 * the program with it when it is killed.  argv must be prepared by the
 * caller; nothing is allocated here.  Returns AR_OK with *child set, or
 * AR_ERR_UNAVAIL / AR_ERR_NOMEM with the reason in why (nothing is
 * recorded in a context: the caller logs it).
 */
int	ar_child_start(int prog, int sock, int devnull, char *const argv[],
	    struct ar_child *child, char *why, size_t whylen);

/*
 * Wait for the child to end until the monotonic deadline_ms.  Returns 1
 * when it ended (*status as waitpid() would report it, the pidfd
 * closed), 0 when the deadline passed first, -1 on an error (errno).
 */
int	ar_child_wait(struct ar_child *child, int64_t deadline_ms,
	    int *status);

/*
 * Kill the child with SIGKILL and reap it (status may be NULL); nothing
 * when there is no child.  Afterwards child->pidfd is -1.
 */
void	ar_child_kill(struct ar_child *child, int *status);

#endif /* AR_SPAWN_H */
