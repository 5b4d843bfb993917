/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * authrocket-sync's side of the AuthRocket API: every user and every
 * membership of the realm, page by page over one kept-alive HTTPS
 * connection, each request within the configured timeout, rate limits
 * waited out within a bounded total.  The list cursor is not documented:
 * pages are asked for with after=<last id of the previous page>, and a
 * page that brings nothing new ends the run as a failure, never as a
 * shorter list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "helper_client.h"
#include "http.h"
#include "secure.h"
#include "sync.h"

struct sync_net {
	struct ar_ctx		*ctx;
	const struct ar_conf	*conf;
	struct ar_http_session	*s;
	char			*ca;		/* checked ca_file, or NULL */
	size_t			 ca_len;
	int			 progress;
	long			 waited_s;	/* on 429 so far */
	size_t			 requests;
};

struct memb_acc {
	struct ar_list_memb	*m;
	size_t			 n;
	size_t			 cap;
};

static int
nomem(struct ar_ctx *ctx)
{
	return ar_fail(ctx, AR_ERR_NOMEM, "no_memory", "sync: out of memory");
}

int
sync_net_open(struct ar_ctx *ctx, const struct ar_conf *conf, int progress,
    struct sync_net **out)
{
	struct sync_net *n;
	int r;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return nomem(ctx);
	n->ctx = ctx;
	n->conf = conf;
	n->progress = progress;
	/* The trust anchors obey the rule every trusted file obeys. */
	if ((r = ar_anchors_load(ctx, conf, &n->ca, &n->ca_len)) != AR_OK) {
		free(n);
		return r;
	}
	if ((r = ar_http_session_new(&n->s)) != AR_OK) {
		free(n->ca);
		free(n);
		return r == AR_ERR_NOMEM ? nomem(ctx) : ar_fail(ctx,
		    AR_ERR_INTERNAL, "internal", "sync: libcurl setup failed");
	}
	*out = n;
	return AR_OK;
}

void
sync_net_close(struct sync_net *net)
{
	if (net == NULL)
		return;
	ar_http_session_free(net->s);
	free(net->ca);
	free(net);
}

/* One GET of path; 429 waited out; on AR_OK a 2xx reply is in *resp. */
static int
get(struct sync_net *net, const char *path, enum ar_api_kind kind,
    struct ar_helper_resp *resp)
{
	struct ar_ctx *ctx = net->ctx;
	const struct ar_conf *conf = net->conf;
	struct ar_helper_req req;
	struct ar_api_call call;
	char what[320];
	long wait;
	int r;

	snprintf(what, sizeof(what), "GET %.300s", path);
	for (;;) {
		memset(&req, 0, sizeof(req));
		if ((r = ar_api_call_build(ctx, conf, path, 0, &call)) != AR_OK)
			return r;
		req.method = "GET";
		req.url = call.url;
		memcpy(req.headers, call.headers,
		    call.n_headers * sizeof(*call.headers));
		req.nheaders = call.n_headers;
		req.timeout_ms = (long)conf->timeout * 1000;
		req.ca_blob = net->ca;
		req.ca_blob_len = net->ca_len;
		req.ca_dir = conf->ca_dir;
		req.proxy = conf->proxy;
		req.max_body = AR_MAX_REPLY;
		r = ar_http_session_perform(net->s, &req, resp);
		ar_api_call_clear(&call);
		net->requests++;
		if (r != AR_OK)
			return r == AR_ERR_NOMEM ? nomem(ctx) :
			    ar_fail(ctx, AR_ERR_INTERNAL, "internal",
			    "sync: libcurl failed");
		if (resp->error != NULL)
			return ar_fail(ctx, AR_ERR_UNAVAIL, "transport",
			    "api: %s: %s (%s)", what, resp->error,
			    resp->detail);
		if (resp->status != 429)
			break;
		/* Wait as asked, but never more than the budget in all. */
		wait = resp->retry_after >= 0 ? resp->retry_after : 1;
		ar_secure_free(resp->body, resp->body_len);
		resp->body = NULL;
		if (net->waited_s + wait > SYNC_RETRY_BUDGET_S)
			return ar_fail(ctx, AR_ERR_UNAVAIL, "rate_limited",
			    "api: %s: rate limited (429) beyond %d s of "
			    "waiting", what, SYNC_RETRY_BUDGET_S);
		ar_log(ctx, AR_LOG_NOTICE, "api: %s: rate limited, waiting "
		    "%ld s as asked", what, wait);
		net->waited_s += wait;
		if (wait > 0)
			sleep((unsigned int)wait);
	}
	return ar_api_parse_status(ctx, kind, what, resp->status,
	    resp->body, resp->body_len);
}

/* Parse one page into the accumulator; names the last item's id. */
typedef int page_fn(struct sync_net *, const char *, size_t, void *,
    const char **, size_t *, int *);
/* The id of the i-th item gathered so far. */
typedef const char *id_fn(void *, size_t);

static const char *
user_id_at(void *arg, size_t i)
{
	return ((struct sync_users *)arg)->u[i].id.user_id;
}

static const char *
memb_id_at(void *arg, size_t i)
{
	return ((struct memb_acc *)arg)->m[i].id;
}

static int
user_page(struct sync_net *net, const char *body, size_t len, void *arg,
    const char **last, size_t *n, int *more)
{
	struct sync_users *acc = arg;
	struct ar_user_page p;
	struct ar_list_user *grown;
	size_t cap;
	int r;

	*n = 0;
	*more = 0;
	if ((r = ar_api_parse_user_page(net->ctx, net->conf, body, len, &p)) !=
	    AR_OK)
		return r;
	if (acc->n + p.n > acc->cap) {
		cap = acc->cap ? acc->cap : 256;
		while (cap < acc->n + p.n)
			cap *= 2;
		if ((grown = reallocarray(acc->u, cap, sizeof(*grown))) ==
		    NULL) {
			ar_user_page_clear(&p);
			return nomem(net->ctx);
		}
		acc->u = grown;
		acc->cap = cap;
	}
	if (p.n > 0)
		memcpy(acc->u + acc->n, p.u, p.n * sizeof(*p.u));
	acc->n += p.n;
	*n = p.n;
	*more = p.more;
	*last = p.n > 0 ? acc->u[acc->n - 1].id.user_id : NULL;
	free(p.u);	/* the items were moved */
	return AR_OK;
}

static int
memb_page(struct sync_net *net, const char *body, size_t len, void *arg,
    const char **last, size_t *n, int *more)
{
	struct memb_acc *acc = arg;
	struct ar_memb_page p;
	struct ar_list_memb *grown;
	size_t cap;
	int r;

	*n = 0;
	*more = 0;
	if ((r = ar_api_parse_memb_page(net->ctx, body, len, &p)) != AR_OK)
		return r;
	if (acc->n + p.n > acc->cap) {
		cap = acc->cap ? acc->cap : 256;
		while (cap < acc->n + p.n)
			cap *= 2;
		if ((grown = reallocarray(acc->m, cap, sizeof(*grown))) ==
		    NULL) {
			ar_memb_page_clear(&p);
			return nomem(net->ctx);
		}
		acc->m = grown;
		acc->cap = cap;
	}
	if (p.n > 0)
		memcpy(acc->m + acc->n, p.m, p.n * sizeof(*p.m));
	acc->n += p.n;
	*n = p.n;
	*more = p.more;
	*last = p.n > 0 ? acc->m[acc->n - 1].id : NULL;
	free(p.m);
	return AR_OK;
}

/* The path of one page: what?max_results=N[&after=CURSOR]. */
static int
page_path(struct sync_net *net, const char *what, const char *cursor,
    char **path)
{
	char *ec = NULL;
	size_t n;
	int r;

	if (cursor != NULL && (r = ar_api_escape_name(net->ctx, cursor,
	    AR_ERR_UNAVAIL, &ec)) != AR_OK)
		return r;
	n = strlen(what) + (ec != NULL ? strlen(ec) : 0) + 64;
	if ((*path = malloc(n)) == NULL) {
		free(ec);
		return nomem(net->ctx);
	}
	snprintf(*path, n, "%s?max_results=%d%s%s", what, SYNC_PAGE_SIZE,
	    ec != NULL ? "&after=" : "", ec != NULL ? ec : "");
	free(ec);
	return AR_OK;
}

/*
 * Every page of list what.  A page that says more_results but brings no
 * item, or an item already seen (the same page again, or a cycle), is a
 * failure: the cursor did not move, and stopping there would pass a
 * partial list off as the whole realm.
 */
static int
page_all(struct sync_net *net, const char *what, page_fn *fn, id_fn *idf,
    void *acc)
{
	struct ar_ctx *ctx = net->ctx;
	struct ar_helper_resp resp;
	struct strset seen;
	const char *last = NULL;
	char *path = NULL, *cursor = NULL;
	size_t n, i, total = 0;
	int more = 1, r = AR_ERR_INTERNAL;

	memset(&seen, 0, sizeof(seen));
	memset(&resp, 0, sizeof(resp));
	while (more) {
		free(path);
		path = NULL;
		if ((r = page_path(net, what, cursor, &path)) != AR_OK ||
		    (r = get(net, path, AR_API_OTHER, &resp)) != AR_OK ||
		    (r = fn(net, resp.body, resp.body_len, acc, &last, &n,
		    &more)) != AR_OK)
			goto out;
		ar_secure_free(resp.body, resp.body_len);
		resp.body = NULL;
		if (more && n == 0) {
			r = ar_fail(ctx, AR_ERR_UNAVAIL, "no_progress",
			    "api: GET %s: more_results with an empty page",
			    path);
			goto out;
		}
		for (i = total; i < total + n; i++) {
			if ((r = strset_add(&seen, idf(acc, i))) < 0) {
				r = nomem(ctx);
				goto out;
			}
			if (r == 0) {
				r = ar_fail(ctx, AR_ERR_UNAVAIL, "no_progress",
				    "api: GET %s: the page repeats %s: the "
				    "list cursor did not move", path,
				    idf(acc, i));
				goto out;
			}
		}
		total += n;
		if (total > SYNC_MAX_ITEMS) {
			r = ar_fail(ctx, AR_ERR_UNAVAIL, "too_many",
			    "api: %s: more than %d items", what,
			    SYNC_MAX_ITEMS);
			goto out;
		}
		free(cursor);
		cursor = NULL;
		if (more && (cursor = ar_strdup(last)) == NULL) {
			r = nomem(ctx);
			goto out;
		}
		if (net->progress)
			fprintf(stderr, "\rauthrocket-sync: %s: %zu ", what,
			    total);
	}
	if (net->progress)
		fprintf(stderr, "\n");
	r = AR_OK;
 out:
	ar_secure_free(resp.body, resp.body_len);
	strset_free(&seen);
	free(path);
	free(cursor);
	return r;
}

static int
cmp_user(const void *a, const void *b)
{
	return strcmp(((const struct ar_list_user *)a)->id.user_id,
	    ((const struct ar_list_user *)b)->id.user_id);
}

static int
cmp_memb(const void *a, const void *b)
{
	const struct ar_list_memb *x = a, *y = b;
	int c = strcmp(x->user_id, y->user_id);

	return c != 0 ? c : strcmp(x->id, y->id);
}

/*
 * Hand each user its memberships (moved out of acc).  Every user then
 * has known memberships, also when it has none: the list is the realm's.
 */
static int
attach(struct ar_ctx *ctx, struct sync_users *users, struct memb_acc *acc)
{
	struct ar_list_user *u, key;
	size_t i, j, k;

	/* An empty list may have no array at all: qsort wants one. */
	if (users->n > 0)
		qsort(users->u, users->n, sizeof(*users->u), cmp_user);
	if (acc->n > 0)
		qsort(acc->m, acc->n, sizeof(*acc->m), cmp_memb);
	for (i = 0; i < users->n; i++)
		users->u[i].id.have_memberships = 1;
	memset(&key, 0, sizeof(key));
	for (i = 0; i < acc->n; i = j) {
		for (j = i + 1; j < acc->n &&
		    strcmp(acc->m[j].user_id, acc->m[i].user_id) == 0; j++)
			;
		key.id.user_id = acc->m[i].user_id;
		if (users->n == 0 || (u = bsearch(&key, users->u, users->n,
		    sizeof(*users->u), cmp_user)) == NULL)
			continue;	/* a user we do not keep */
		if ((u->id.memb = calloc(j - i, sizeof(*u->id.memb))) == NULL)
			return nomem(ctx);
		for (k = i; k < j; k++) {
			u->id.memb[k - i] = acc->m[k].m;
			memset(&acc->m[k].m, 0, sizeof(acc->m[k].m));
		}
		u->id.n_memb = j - i;
	}
	return AR_OK;
}

static void
memb_acc_clear(struct memb_acc *acc)
{
	struct ar_memb_page p;

	p.m = acc->m;
	p.n = acc->n;
	ar_memb_page_clear(&p);
	memset(acc, 0, sizeof(*acc));
}

int
sync_fetch_all(struct sync_net *net, struct sync_users *out)
{
	struct sync_users users;
	struct memb_acc memb;
	int r = AR_ERR_INTERNAL;

	memset(&users, 0, sizeof(users));
	memset(&memb, 0, sizeof(memb));
	if ((r = page_all(net, "users", user_page, user_id_at, &users)) !=
	    AR_OK || (r = page_all(net, "memberships", memb_page, memb_id_at,
	    &memb)) != AR_OK || (r = attach(net->ctx, &users, &memb)) != AR_OK)
		goto out;
	ar_log(net->ctx, AR_LOG_DEBUG, "sync: %zu users, %zu memberships in "
	    "%zu requests", users.n, memb.n, net->requests);
	*out = users;
	memset(&users, 0, sizeof(users));	/* transferred */
	r = AR_OK;
 out:
	sync_users_clear(&users);
	memb_acc_clear(&memb);
	return r;
}

/* GET users/NAME as a one-item list (the page parser's rules). */
static int
one_user(struct sync_net *net, const char *name, struct sync_users *out)
{
	struct ar_helper_resp resp;
	char *ename = NULL, *path = NULL, *wrapped = NULL;
	const char *last;
	size_t n, len;
	int more, r;

	memset(&resp, 0, sizeof(resp));
	if ((r = ar_api_escape_name(net->ctx, name, AR_ERR_USER_UNKNOWN,
	    &ename)) != AR_OK)
		goto out;
	if ((path = malloc(strlen(ename) + 8)) == NULL) {
		r = nomem(net->ctx);
		goto out;
	}
	sprintf(path, "users/%s", ename);
	if ((r = get(net, path, AR_API_USER, &resp)) != AR_OK)
		goto out;
	len = resp.body_len + 48;
	if ((wrapped = malloc(len)) == NULL) {
		r = nomem(net->ctx);
		goto out;
	}
	len = (size_t)snprintf(wrapped, len, "{\"collection\":[%s],"
	    "\"more_results\":false}", resp.body);
	r = user_page(net, wrapped, len, out, &last, &n, &more);
 out:
	ar_secure_free(resp.body, resp.body_len);
	free(wrapped);
	free(ename);
	free(path);
	return r;
}

int
sync_fetch_one(struct sync_net *net, const char *name,
    struct sync_users *out)
{
	struct ar_helper_resp resp;
	struct sync_users users;
	char *eid = NULL, *path = NULL;
	int r = AR_ERR_INTERNAL;

	memset(&users, 0, sizeof(users));
	memset(&resp, 0, sizeof(resp));
	r = one_user(net, name, &users);
	if (r == AR_ERR_USER_UNKNOWN) {
		ar_ctx_clear_error(net->ctx);
		users.gone = 1;
		r = AR_OK;
		goto done;
	}
	if (r != AR_OK)
		goto out;
	/* An empty body, or several objects, is not the user asked for. */
	if (users.n != 1) {
		r = ar_fail(net->ctx, AR_ERR_UNAVAIL, "bad_reply",
		    "api: GET users/%s: %zu users in the reply, not one",
		    name, users.n);
		goto out;
	}
	if ((r = ar_api_escape_name(net->ctx, users.u[0].id.user_id,
	    AR_ERR_UNAVAIL, &eid)) != AR_OK)
		goto out;
	if ((path = malloc(strlen(eid) + 64)) == NULL) {
		r = nomem(net->ctx);
		goto out;
	}
	sprintf(path, "memberships?user_id=%s&max_results=%d", eid,
	    SYNC_PAGE_SIZE);
	if ((r = get(net, path, AR_API_MEMB, &resp)) != AR_OK ||
	    (r = ar_api_parse_memberships(net->ctx, resp.body, resp.body_len,
	    &users.u[0].id)) != AR_OK)
		goto out;
 done:
	*out = users;
	memset(&users, 0, sizeof(users));	/* transferred */
	r = AR_OK;
 out:
	ar_secure_free(resp.body, resp.body_len);
	sync_users_clear(&users);
	free(eid);
	free(path);
	return r;
}

void
sync_users_clear(struct sync_users *u)
{
	struct ar_user_page p;

	if (u == NULL)
		return;
	p.u = u->u;
	p.n = u->n;
	ar_user_page_clear(&p);
	memset(u, 0, sizeof(*u));
}
