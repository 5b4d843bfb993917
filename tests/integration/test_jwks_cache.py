# SPDX-License-Identifier: BSD-3-Clause
"""AuthRocket 2 JWKS keys through src/jwks.c and the cache directory, driven
by build/tools/arapi against the HTTPS mock: fetching, the cache file and
its directory, key rotation, the refetch limit, and offline use of a stale
cache."""
import os
import stat
import time

TTL = 3600           # AR_JWKS_TTL
REFETCH_MIN = 60     # AR_JWKS_REFETCH_MIN


def cache_names(url):
    """The entry names src/jwks.c uses: FNV-1a 64 of the URL."""
    h = 0xcbf29ce484222325
    for b in url.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "jwks-%016x" % h, "jwks-%016x.try" % h


def setup(t, mock=None, **kw):
    m = mock or t.env.mock
    keys = {"jwks_url": m.base + "/connect/jwks", "ca_file": t.env.ca_file,
            "timeout": 2}
    keys.update(kw)
    cfg = t.conf(**keys)
    cache = t.tmp / "cache" if "cache_dir" not in kw else kw["cache_dir"]
    doc, mark = cache_names(keys["jwks_url"])
    return cfg, os.fspath(cache), doc, mark


def jwks(t, cfg, kid):
    argv = [t.env.build / "tools/arapi", "--config", cfg, "jwks", kid]
    t0 = time.monotonic()
    r = t.run(argv)
    out = dict(line.partition("=")[::2] for line in r.stdout.splitlines())
    if "result" not in out:
        raise AssertionError("arapi printed no result: %r %r" %
                             (r.stdout, r.stderr))
    out["_stderr"] = r.stderr
    out["_elapsed"] = time.monotonic() - t0
    return out


def age(path, seconds):
    """Move a file's mtime into the past."""
    when = time.time() - seconds
    os.utime(path, (when, when))


def jwks_requests(m):
    return [r for r in m.requests() if r["path"] == "/connect/jwks"]


def test_fetch_and_cache(t):
    m = t.env.mock
    cfg, cache, doc, mark = setup(t)
    m.clear()
    out = jwks(t, cfg, "k1")
    t.eq(out["result"], "ok", "result")
    t.eq(out["alg"], "RS256", "alg")
    t.eq(out["kid"], "k1", "kid")
    t.eq(out["bits"], "2048", "bits")
    reqs = jwks_requests(m)
    t.eq(len(reqs), 1, "one fetch")
    h = reqs[0]["headers"]
    t.eq(reqs[0]["method"], "GET", "method")
    for secret in ("x-authrocket-api-key", "authrocket-api-key",
                   "authorization"):
        t.true(secret not in h, "no %s on the JWKS fetch" % secret)
    t.eq(h.get("accept"), "application/json", "accept")
    st = os.lstat(os.path.join(cache, doc))
    t.true(stat.S_ISREG(st.st_mode), "cache entry is a regular file")
    t.eq(stat.S_IMODE(st.st_mode), 0o600, "cache entry mode")
    t.eq(stat.S_IMODE(os.stat(cache).st_mode), 0o700, "cache dir mode")
    t.true(os.path.exists(os.path.join(cache, mark)), "attempt marker")
    t.eq(sorted(os.listdir(cache)), sorted([doc, mark]), "no temporaries")
    # Fresh: the next lookups use the cache only.
    m.clear()
    out = jwks(t, cfg, "k1")
    t.eq(out["result"], "ok", "cached result")
    out = jwks(t, cfg, "-")
    t.eq((out["result"], out["kid"]), ("ok", "k1"), "lone key without kid")
    t.eq(jwks_requests(m), [], "no fetch while fresh")


def test_cache_dir_created_0700(t):
    cache = t.tmp / "made" / "here"
    os.makedirs(cache.parent, mode=0o755)
    cfg, _, doc, _ = setup(t, cache_dir=cache)
    out = jwks(t, cfg, "k1")
    t.eq(out["result"], "ok", "result")
    t.eq(stat.S_IMODE(os.stat(cache).st_mode), 0o700, "created 0700")
    t.eq(stat.S_IMODE(os.stat(cache / doc).st_mode), 0o600, "entry 0600")


def test_unsafe_cache_dir(t):
    m = t.env.mock
    open_dir = t.tmp / "open"
    open_dir.mkdir(mode=0o700)
    os.chmod(open_dir, 0o755)
    link = t.tmp / "link"
    good = t.tmp / "good"
    good.mkdir(mode=0o700)
    link.symlink_to(good)
    for d, what in ((open_dir, "0755 dir"), (link, "symlinked dir")):
        cfg, _, _, _ = setup(t, cache_dir=d)
        m.clear()
        out = jwks(t, cfg, "k1")
        t.eq(out["result"], "config_error", what)
        t.eq(jwks_requests(m), [], what + ": no fetch")
    t.eq(os.listdir(good), [], "nothing written through the symlink")
    t.eq(os.listdir(open_dir), [], "nothing written to the open dir")


def test_kid_rotation_and_refetch_limit(t):
    m = t.env.mock
    cfg, cache, doc, mark = setup(t)
    try:
        t.eq(jwks(t, cfg, "k1")["result"], "ok", "k1 fetched")
        m.control({"jwks_kid": "k2"})
        # The document is fresh and was fetched just now: an unknown kid
        # does not cause another fetch within a minute.
        m.clear()
        out = jwks(t, cfg, "k2")
        t.eq(out["result"], "auth_err", "k2 right after a fetch")
        t.eq(out["reason"], "unknown_kid", "reason")
        t.eq(jwks_requests(m), [], "rate limited: no fetch")
        # A minute later the new kid is fetched once.
        age(os.path.join(cache, mark), REFETCH_MIN + 5)
        m.clear()
        out = jwks(t, cfg, "k2")
        t.eq(out["result"], "ok", "k2 after the limit")
        t.eq(out["kid"], "k2", "kid")
        t.eq(len(jwks_requests(m)), 1, "exactly one refetch")
        # The old kid is gone from the new document.
        m.clear()
        out = jwks(t, cfg, "k1")
        t.eq(out["result"], "auth_err", "k1 after rotation")
        t.eq(jwks_requests(m), [], "no fetch for it")
        # Random kids cannot make us hammer AuthRocket.
        for i in range(3):
            t.eq(jwks(t, cfg, "nope%d" % i)["reason"], "unknown_kid", "kid")
        t.eq(jwks_requests(m), [], "still no fetch")
    finally:
        m.control({"reset": True})


def test_stale_cache_used_when_fetch_fails(t):
    m = t.env.mock
    cfg, cache, doc, mark = setup(t)
    try:
        t.eq(jwks(t, cfg, "k1")["result"], "ok", "cached")
        age(os.path.join(cache, doc), TTL + 100)
        age(os.path.join(cache, mark), TTL + 100)
        m.control({"jwks_status": 500})
        m.clear()
        out = jwks(t, cfg, "k1")
        t.eq(out["result"], "ok", "stale keys still used")
        t.contains(out["_stderr"], "using cached keys", "warning logged")
        t.eq(len(jwks_requests(m)), 1, "one attempt")
        # The attempt is remembered: no second attempt within a minute.
        m.clear()
        t.eq(jwks(t, cfg, "k1")["result"], "ok", "stale again")
        t.eq(jwks_requests(m), [], "no new attempt")
        # Once AuthRocket answers again the cache is refreshed.
        m.control({"jwks_status": 200})
        age(os.path.join(cache, mark), REFETCH_MIN + 5)
        m.clear()
        t.eq(jwks(t, cfg, "k1")["result"], "ok", "refreshed")
        t.eq(len(jwks_requests(m)), 1, "refetched")
        t.true(time.time() - os.stat(os.path.join(cache, doc)).st_mtime < 60,
               "document is fresh again")
    finally:
        m.control({"reset": True})


def test_stale_keys_have_a_maximum_age(t):
    """Stale keys serve while fetching fails, but only up to
    jwks_max_stale seconds: a key revoked in AuthRocket stops working."""
    m = t.env.mock
    cfg, cache, doc, mark = setup(t, jwks_max_stale=TTL + 600)
    try:
        t.eq(jwks(t, cfg, "k1")["result"], "ok", "cached")
        m.control({"jwks_status": 500})
        age(os.path.join(cache, doc), TTL + 500)
        age(os.path.join(cache, mark), TTL + 500)
        t.eq(jwks(t, cfg, "k1")["result"], "ok", "within jwks_max_stale")
        age(os.path.join(cache, doc), TTL + 700)
        age(os.path.join(cache, mark), TTL + 700)
        m.clear()
        out = jwks(t, cfg, "k1")
        t.eq(out["result"], "unavailable", "older than jwks_max_stale")
        t.eq(out["reason"], "jwks_too_stale", "reason")
        t.contains(out["_stderr"], "older than jwks_max_stale", "logged")
        t.eq(len(jwks_requests(m)), 1, "the fetch was tried first")
        # The same right after that attempt, without another one.
        m.clear()
        t.eq(jwks(t, cfg, "k1")["reason"], "jwks_too_stale", "again")
        t.eq(jwks_requests(m), [], "no new attempt")
    finally:
        m.control({"reset": True})


def test_stale_keys_default_limit_through_pam(t):
    """Through libpam: the default limit (7 days) turns a login with old
    cached keys and an unreachable JWKS into PAM_AUTHINFO_UNAVAIL."""
    import tokens
    m = t.env.mock
    cfg, cache, doc, mark = setup(t)
    tok = t.mint("RS256", t.env.keys["rsa"], tokens.v2("alice"),
                 header={"alg": "RS256", "typ": "JWT", "kid": "k1"})
    try:
        t.eq(t.pam("alice", [tok], cfg).auth, "PAM_SUCCESS", "online")
        m.control({"jwks_status": 500})
        age(os.path.join(cache, doc), 6 * 86400)
        age(os.path.join(cache, mark), 6 * 86400)
        t.eq(t.pam("alice", [tok], cfg).auth, "PAM_SUCCESS", "6 days old")
        age(os.path.join(cache, doc), 90 * 86400)
        age(os.path.join(cache, mark), 90 * 86400)
        r = t.pam("alice", [tok], cfg, args=["debug"])
        t.eq(r.auth, "PAM_AUTHINFO_UNAVAIL", "90 days old")
        t.contains(r.log, "reason=jwks_too_stale", "deny reason")
        t.contains(r.log, "older than jwks_max_stale", "log detail")
        t.absent(r.log, "allow user=", "no allow")
    finally:
        m.control({"reset": True})


def test_stale_cache_offline(t):
    m = t.env.start_mock()
    cfg, cache, doc, mark = setup(t, mock=m)
    t.eq(jwks(t, cfg, "k1")["result"], "ok", "cached while online")
    m.stop()       # nothing listens on that port any more
    age(os.path.join(cache, doc), TTL + 100)
    age(os.path.join(cache, mark), TTL + 100)
    out = jwks(t, cfg, "k1")
    t.eq(out["result"], "ok", "offline with a stale cache")
    t.eq(out["kid"], "k1", "kid")
    t.contains(out["_stderr"], "using cached keys", "warning")
    t.true(out["_elapsed"] < 3, "took %.2fs" % out["_elapsed"])
    out = jwks(t, cfg, "k2")
    t.eq(out["result"], "auth_err", "unknown kid offline")


def test_nothing_cached_and_offline(t):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    cfg, cache, doc, _ = setup(t, jwks_url="https://127.0.0.1:%d/connect/jwks"
                               % port)
    out = jwks(t, cfg, "k1")
    t.eq(out["result"], "unavailable", "result")
    t.true(not os.path.exists(os.path.join(cache, doc)), "nothing cached")


def test_server_errors_without_cache(t):
    m = t.env.mock
    try:
        for ctl, reason in (({"jwks_status": 500}, "server_error"),
                            ({"jwks_status": 404}, "bad_status"),
                            ({"jwks_body": "{not json"}, "bad_jwks"),
                            ({"jwks_body": '{"keys": {}}'}, "bad_jwks"),
                            ({"jwks_body": "[" * 5000}, "bad_jwks")):
            m.control({"reset": True})
            m.control(ctl)
            cfg, cache, doc, _ = setup(t, cache_dir=t.tmp / ("c%d" % len(
                os.listdir(t.tmp))))
            out = jwks(t, cfg, "k1")
            t.eq(out["result"], "unavailable", "%s result" % ctl)
            t.eq(out["reason"], reason, "%s reason" % ctl)
            t.true(not os.path.exists(os.path.join(cache, doc)),
                   "%s: nothing cached" % ctl)
    finally:
        m.control({"reset": True})


def test_realms_do_not_share_entries(t):
    m = t.env.mock
    cfg1, cache, doc1, _ = setup(t)
    cfg2, _, doc2, _ = setup(t, name="b.conf",
                             jwks_url=m.base + "/connect/jwks?realm=2")
    t.true(doc1 != doc2, "different names")
    t.eq(jwks(t, cfg1, "k1")["result"], "ok", "first realm")
    t.eq(jwks(t, cfg2, "k1")["result"], "ok", "second realm")
    t.true(os.path.exists(os.path.join(cache, doc1)) and
           os.path.exists(os.path.join(cache, doc2)), "two entries")
