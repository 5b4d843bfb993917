/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The framing between the module and authrocket-helper: a list of named,
 * binary-safe fields.  Each field is "NAME SP LENGTH LF BYTES LF", NAME
 * [a-z_]{1,15}, LENGTH decimal without leading zeros; the message ends
 * with a field named "end" of length 0.  Only "header" may repeat, only
 * "body" may hold a NUL byte, and the numbers ("status", "time_ms",
 * "timeout_ms", "max_body") are canonical decimal (an optional minus, no
 * leading zero, no "-0").  The encoder and the decoder apply the same
 * rules: what one refuses the other never produces.
 */
#ifndef AR_PROTO_H
#define AR_PROTO_H

#include "ar.h"

#define AR_PROTO_MAX_FIELDS	64
#define AR_PROTO_MAX_SIZE	(AR_MAX_REPLY + 65536)

struct ar_field {
	char	 name[16];
	char	*val;		/* malloc'ed, NUL terminated after len */
	size_t	 len;
};

struct ar_msg {
	struct ar_field	f[AR_PROTO_MAX_FIELDS];
	size_t		n;
};

/* Append a copy of val (len bytes).  Errors: AR_ERR_NOMEM,
 * AR_ERR_INTERNAL (bad name, too many fields, or a field the rules above
 * refuse: a repeated name, a NUL byte, a number not canonical). */
int	ar_msg_add(struct ar_msg *m, const char *name, const char *val,
	    size_t len);

/* Append a NUL-terminated string; NULL val adds nothing, returns AR_OK. */
int	ar_msg_add_str(struct ar_msg *m, const char *name, const char *val);

/* Append a decimal integer. */
int	ar_msg_add_int(struct ar_msg *m, const char *name, long long v);

/* The first field named name, or NULL; *len set when len != NULL. */
const char *ar_msg_get(const struct ar_msg *m, const char *name,
	    size_t *len);

/*
 * The first field named name as an integer; def when absent or not a
 * canonical decimal number that fits a long long.
 */
long long ar_msg_get_int(const struct ar_msg *m, const char *name,
	    long long def);

/* Encode into a malloc'ed buffer (wipe it: it may hold secrets). */
int	ar_msg_encode(const struct ar_msg *m, char **buf, size_t *len);

/*
 * Decode a complete message (exactly one, nothing after "end").
 * Errors: AR_ERR_UNAVAIL ("bad_helper_reply") on any framing error,
 * AR_ERR_NOMEM.  *m must be empty (zeroed) on entry; cleared on error.
 */
int	ar_msg_decode(struct ar_ctx *ctx, const char *buf, size_t len,
	    struct ar_msg *m);

/* Wipe and free every field; the struct may be reused. */
void	ar_msg_clear(struct ar_msg *m);

#endif /* AR_PROTO_H */
