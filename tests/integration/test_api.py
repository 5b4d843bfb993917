# SPDX-License-Identifier: BSD-3-Clause
"""The AuthRocket API side (src/api.c through authrocket-helper) against the
HTTPS mock, driven by build/tools/arapi: what is sent (path, headers, body)
and how every kind of reply is judged, for API v1 and v2."""
import json
import time

TIMEOUT = 2          # the config's timeout for the slow cases
VERSION_UA = "pam_authrocket/"


def conf(t, version, **kw):
    m = t.env.mock
    keys = {"api_url": m.url(version),
            "api_key": "ko_testkey" if version == 1 else "ks_testkey",
            "realm_id": "rl_test", "ca_file": t.env.ca_file,
            "timeout": TIMEOUT,
            # each reply is judged on its own here, not as an outage
            "offline_timeout": 0}
    keys.update(kw)
    return t.conf(**keys)


def arapi(t, cfg, *args, input=None, opts=(), timeout=30):
    """Run arapi; return (dict of its key=value lines, stderr, seconds)."""
    argv = [t.env.build / "tools/arapi", "--config", cfg, *opts, *args]
    t0 = time.monotonic()
    r = t.run(argv, input=input, timeout=timeout)
    elapsed = time.monotonic() - t0
    out = {"_rc": r.returncode, "_stdout": r.stdout, "membership": []}
    for line in r.stdout.splitlines():
        k, _, v = line.partition("=")
        if k == "membership":
            out[k].append(v)
        else:
            out.setdefault(k, v)
    if "result" not in out:
        raise AssertionError("arapi printed no result: %r %r" %
                             (r.stdout, r.stderr))
    return out, r.stderr, elapsed


def only_request(t, what=""):
    reqs = t.env.mock.requests()
    t.eq(len(reqs), 1, "number of requests " + what)
    return reqs[0]


# -- successful logins: exactly what goes on the wire --------------------------

def test_v1_login_request(t):
    m = t.env.mock
    cfg = conf(t, 1)
    m.clear()
    out, err, _ = arapi(t, cfg, "authenticate", "alice", input="pw-alice\n",
                        opts=("--rhost", "198.51.100.7", "--service", "sshd"))
    t.eq(out["result"], "ok", "result")
    t.eq(out["need_code"], "0", "need_code")
    t.eq(out["token"], "jwt", "token")
    t.eq(out["user_id"], "usr_alice", "user id")
    t.eq(out["username"], "alice", "username")
    t.eq(out["email"], "alice@example.com", "email")
    t.eq(out["state"], "active", "state")
    t.eq(out["human"], "1", "human")
    req = only_request(t)
    t.eq(req["method"], "POST", "method")
    t.eq(req["path"], "/v1/users/alice/authenticate", "path")
    h = req["headers"]
    t.eq(h.get("x-authrocket-api-key"), "ko_testkey", "api key header")
    t.eq(h.get("x-authrocket-realm"), "rl_test", "realm header")
    t.eq(h.get("accept"), "application/json", "accept")
    t.eq(h.get("content-type"), "application/json", "content-type")
    t.true(h.get("user-agent", "").startswith(VERSION_UA), "user agent")
    for absent in ("authrocket-api-key", "authrocket-realm",
                   "x-authrocket-account", "authorization"):
        t.true(absent not in h, "no %s header" % absent)
    ua = h["user-agent"]
    t.eq(json.loads(req["body"]),
         {"password": "pw-alice",
          "request": {"ip": "198.51.100.7", "client": ua + " (sshd)"}},
         "body")


def test_v1_login_without_rhost(t):
    m = t.env.mock
    cfg = conf(t, 1, realm_id=None)
    m.clear()
    out, _, _ = arapi(t, cfg, "authenticate", "bob", input="pw-bob\n")
    t.eq(out["result"], "ok", "result")
    req = only_request(t)
    body = json.loads(req["body"])
    t.eq(sorted(body), ["password", "request"], "body members")
    t.true("ip" not in body["request"], "no ip without PAM_RHOST")
    t.true(body["request"]["client"].startswith(VERSION_UA), "client")
    t.true("x-authrocket-realm" not in req["headers"], "no realm header")


def test_v1_legacy_account_header(t):
    m = t.env.start_mock(extra=["--api-key-v1", "key_legacy"])
    cfg = t.conf(api_url=m.url(1), api_key="key_legacy", account_id="org_acct",
                 realm_id="rl_test", ca_file=t.env.ca_file, timeout=TIMEOUT)
    m.clear()
    out, _, _ = arapi(t, cfg, "user", "alice")
    t.eq(out["result"], "ok", "result")
    reqs = m.requests()
    t.eq(len(reqs), 1, "requests")
    h = reqs[0]["headers"]
    t.eq(h.get("x-authrocket-api-key"), "key_legacy", "key header")
    t.eq(h.get("x-authrocket-account"), "org_acct", "account header")
    t.eq(h.get("x-authrocket-realm"), "rl_test", "realm header")
    t.eq(reqs[0]["path"], "/v1/users/alice", "path")
    t.eq(reqs[0]["method"], "GET", "method")
    t.true("content-type" not in h, "no content-type on GET")


def test_v2_login_request(t):
    m = t.env.mock
    cfg = conf(t, 2)
    m.clear()
    out, _, _ = arapi(t, cfg, "authenticate", "alice", input="pw-alice\n",
                      opts=("--rhost", "198.51.100.7"))
    t.eq(out["result"], "ok", "result")
    t.eq(out["need_code"], "0", "need_code")
    t.eq(out["token"], "jwt", "token")
    t.eq(out["user_id"], "usr_alice", "user id from the session")
    t.true(out["session_id"].startswith("kss_"), "session id")
    t.eq(out["state"], "", "a session says nothing about the state")
    req = only_request(t)
    t.eq(req["path"], "/v2/users/alice/authenticate", "path")
    h = req["headers"]
    t.eq(h.get("authrocket-api-key"), "ks_testkey", "api key header")
    t.eq(h.get("authrocket-realm"), "rl_test", "realm header")
    t.eq(h.get("content-type"), "application/json", "content-type")
    t.eq(h.get("accept"), "application/json", "accept")
    t.true(h.get("user-agent", "").startswith(VERSION_UA), "user agent")
    for absent in ("x-authrocket-api-key", "x-authrocket-realm",
                   "x-authrocket-account"):
        t.true(absent not in h, "no %s header" % absent)
    t.eq(json.loads(req["body"]), {"user": {"password": "pw-alice"}}, "body")


def test_v2_login_by_email_is_escaped(t):
    m = t.env.mock
    cfg = conf(t, 2)
    m.clear()
    out, _, _ = arapi(t, cfg, "authenticate", "mail@example.com",
                      input="pw-mail.user\n")
    t.eq(out["result"], "ok", "result")
    t.eq(out["user_id"], "usr_mail", "user id")
    t.eq(only_request(t)["path"], "/v2/users/mail%40example.com/authenticate",
         "escaped path")


def test_path_escaping_of_odd_names(t):
    m = t.env.mock
    cfg = conf(t, 1)
    m.clear()
    out, _, _ = arapi(t, cfg, "user", "a b/c?d#e%f&x=y+\u00e9")
    t.eq(out["result"], "user_unknown", "result")
    t.eq(only_request(t)["path"],
         "/v1/users/a%20b%2Fc%3Fd%23e%25f%26x%3Dy%2B%C3%A9", "escaped path")


def test_password_json_escaping(t):
    m = t.env.mock
    cfg = conf(t, 2)
    pw = 'p\u00e4"ss\\word\t{}'
    m.clear()
    out, _, _ = arapi(t, cfg, "authenticate", "alice", input=pw + "\n")
    t.eq(out["result"], "auth_err", "result")
    t.eq(json.loads(only_request(t)["body"]), {"user": {"password": pw}},
         "password arrives intact")


def test_bad_names_send_nothing(t):
    m = t.env.mock
    cfg = conf(t, 1)
    for name in ("a\nb", "..", ".", "x" * 257, "esc\x1b[31m"):
        m.clear()
        out, _, _ = arapi(t, cfg, "authenticate", name, input="pw\n")
        t.eq(out["result"], "auth_err", "result for %r" % name)
        t.eq(out["reason"], "bad_name", "reason for %r" % name)
        t.eq(m.requests(), [], "no request for %r" % name)


# -- login failures ----------------------------------------------------------------

def test_wrong_password(t):
    for v in (1, 2):
        cfg = conf(t, v, **({"realm_id": None} if v == 2 else {}))
        out, _, _ = arapi(t, cfg, "authenticate", "alice", input="wrong\n")
        t.eq(out["result"], "auth_err", "v%d result" % v)
        t.eq(out["reason"], "auth_failed", "v%d reason" % v)
        t.eq(out["_rc"], 1, "v%d exit status" % v)


def test_unknown_user(t):
    for v in (1, 2):
        cfg = conf(t, v)
        out, _, _ = arapi(t, cfg, "authenticate", "nosuchuser", input="pw\n")
        t.eq(out["result"], "user_unknown", "v%d authenticate" % v)
        t.eq(out["reason"], "unknown_user", "v%d reason" % v)
        out, _, _ = arapi(t, cfg, "user", "nosuchuser")
        t.eq(out["result"], "user_unknown", "v%d user" % v)


def test_v1_totp(t):
    m = t.env.mock
    cfg = conf(t, 1)
    m.clear()
    out, _, _ = arapi(t, cfg, "authenticate", "carol",
                      input="pw-carol\n123456\n")
    t.eq(out["result"], "ok", "result")
    t.eq(out["need_code"], "1", "a code was asked for")
    t.eq(out["challenge"], "kli", "v1 challenge")
    t.eq(out["user_id"], "usr_carol", "user after the code")
    t.eq(out["token"], "jwt", "token after the code")
    reqs = m.requests()
    t.eq([r["path"] for r in reqs], ["/v1/users/carol/authenticate",
                                     "/v1/users/carol/authenticate_code"],
         "paths")
    body = json.loads(reqs[1]["body"])
    t.eq(sorted(body), ["user"], "code body")
    t.eq(body["user"]["code"], "123456", "code")
    t.true(body["user"]["token"].startswith("kli_"), "challenge sent back")
    t.eq(reqs[1]["headers"].get("x-authrocket-api-key"), "ko_testkey", "key")
    # The challenge alone (no code) is not a login.
    out, _, _ = arapi(t, cfg, "authenticate", "carol", input="pw-carol\n")
    t.eq(out["result"], "ok", "first step")
    t.eq(out["need_code"], "1", "need_code")
    t.true("token" not in out, "no token before the code")


def test_v1_totp_wrong_code(t):
    cfg = conf(t, 1)
    out, _, _ = arapi(t, cfg, "authenticate", "carol",
                      input="pw-carol\n654321\n")
    t.eq(out["result"], "auth_err", "result")
    t.eq(out["reason"], "bad_code", "reason")


def test_v2_totp(t):
    m = t.env.mock
    cfg = conf(t, 2)
    m.clear()
    out, _, _ = arapi(t, cfg, "authenticate", "carol",
                      input="pw-carol\n123456\n")
    t.eq(out["result"], "ok", "result")
    t.eq(out["challenge"], "tmf", "v2 challenge")
    t.eq(out["user_id"], "usr_carol", "user id")
    reqs = m.requests()
    t.eq([r["path"] for r in reqs], ["/v2/users/carol/authenticate",
                                     "/v2/users/authenticate_token"], "paths")
    body = json.loads(reqs[1]["body"])
    t.eq(body["user"]["code"], "123456", "code")
    t.true(body["user"]["token"].startswith("tmf:"), "challenge sent back")
    out, _, _ = arapi(t, cfg, "authenticate", "carol",
                      input="pw-carol\n000000\n")
    t.eq(out["result"], "auth_err", "wrong code")
    t.eq(out["reason"], "bad_code", "wrong code reason")


def test_reply_about_another_user_is_reported_as_such(t):
    # The API layer reports whom the reply names; mapping refuses it later.
    for v in (1, 2):
        out, _, _ = arapi(t, conf(t, v), "authenticate", "otheruser",
                          input="pw-otheruser\n")
        t.eq(out["result"], "ok", "v%d result" % v)
        t.eq(out["user_id"], "usr_mallory", "v%d user id" % v)
        out, _, _ = arapi(t, conf(t, v), "user", "otheruser")
        t.eq(out["username"], "mallory", "v%d lookup" % v)


def test_inactive_and_api_users(t):
    out, _, _ = arapi(t, conf(t, 1), "authenticate", "dave", input="pw-dave\n")
    t.eq(out["result"], "ok", "dave login reply")
    t.eq(out["state"], "inactive", "dave state")
    for v in (1, 2):
        out, _, _ = arapi(t, conf(t, v), "user", "dave")
        t.eq(out["result"], "ok", "v%d lookup" % v)
        t.eq(out["state"], "inactive", "v%d dave state" % v)
    out, _, _ = arapi(t, conf(t, 1), "user", "apibot")
    t.eq(out["human"], "0", "api user is not human")
    t.eq(out["state"], "active", "api user state")


# -- replies that must make AuthRocket "unavailable" ----------------------------------

UNAVAILABLE = {
    "status402": "account_inactive", "status403": "api_key_rejected",
    "status429": "rate_limited", "status500": "server_error",
    "badjson": "bad_json", "html": "bad_json", "huge": "too_large",
    "deep": "bad_json", "redirect-http": "redirect",
    "redirect-self": "redirect", "hang": "timeout", "slow": "timeout",
}


def _unavailable_case(name, reason):
    def test(t):
        for v in (1, 2):
            cfg = conf(t, v)
            for cmd in (("authenticate", name), ("user", name)):
                out, err, elapsed = arapi(t, cfg, *cmd, input="pw-slow\n")
                what = "v%d %s %s" % (v, cmd[0], name)
                t.eq(out["result"], "unavailable", what)
                t.eq(out["reason"], reason, what + " reason")
                t.true(elapsed < TIMEOUT + 1, "%s took %.2fs" % (what, elapsed))
                if name == "status402":
                    t.contains(err, "api: AuthRocket account inactive or "
                               "unpaid (402)\n", what + " log")
                if name == "status403":
                    t.contains(err, "api: API key rejected (403): check "
                               "api_key, account_id and realm_id\n",
                               what + " log")
    test.__name__ = "test_unavailable_" + name.replace("-", "_")
    return test


for _n, _r in UNAVAILABLE.items():
    globals()["test_unavailable_" + _n.replace("-", "_")] = \
        _unavailable_case(_n, _r)


def test_unavailable_memberships_and_sessions(t):
    cfg = conf(t, 2)
    for cmd in (("memberships", "usr_many"), ("memberships", "status500"),
                ("memberships", "badjson"), ("session", "status429"),
                ("session", "redirect-self"), ("session", "html")):
        out, _, _ = arapi(t, cfg, *cmd)
        t.eq(out["result"], "unavailable", " ".join(cmd))
    out, _, _ = arapi(t, cfg, "memberships", "usr_many")
    t.eq(out["reason"], "too_many_memberships", "paging fails closed")


def test_wrong_api_key(t):
    for v in (1, 2):
        cfg = conf(t, v, api_key="ko_wrong" if v == 1 else "ks_wrong")
        out, err, _ = arapi(t, cfg, "authenticate", "alice", input="pw-alice\n")
        t.eq(out["result"], "unavailable", "v%d result" % v)
        t.eq(out["reason"], "api_key_rejected", "v%d reason" % v)
        t.contains(err, "api: API key rejected (403): check api_key, "
                   "account_id and realm_id", "v%d log" % v)
        t.absent(err + out["_stdout"], "_wrong", "v%d key not shown" % v)


def test_server_text_is_escaped(t):
    for v in (1, 2):
        for opts in ((), ("--debug",)):
            out, err, _ = arapi(t, conf(t, v), "authenticate", "escape",
                                input="pw\n", opts=opts)
            what = "v%d %s" % (v, opts)
            t.eq(out["result"], "auth_err", what)
            text = out["_stdout"] + err
            t.absent(text, "\x1b", what + " raw escape")
            t.absent(text, "\ninjected", what + " raw newline")
            t.contains(out["detail"], "\\x1b[31m", what + " escaped text")
            if opts:
                t.contains(err, "\\x1b[31m", what + " escaped in the log")


def test_tls_wrong_host_is_unavailable(t):
    m = t.env.start_mock(cert=t.env.wrong_host_cert, key=t.env.wrong_host_key)
    cfg = t.conf(api_url=m.url(2), api_key="ks_testkey",
                 ca_file=t.env.ca_file, timeout=TIMEOUT)
    m.clear()
    out, _, _ = arapi(t, cfg, "authenticate", "alice", input="pw-alice\n")
    t.eq(out["result"], "unavailable", "result")
    t.eq(out["reason"], "tls", "reason")
    t.eq(m.requests(), [], "nothing reached the impostor")


# -- lookups -------------------------------------------------------------------------

def test_user_lookup(t):
    m = t.env.mock
    for v in (1, 2):
        m.clear()
        out, _, _ = arapi(t, conf(t, v), "user", "alice")
        t.eq(out["result"], "ok", "v%d result" % v)
        t.eq(out["user_id"], "usr_alice", "v%d id" % v)
        t.eq(out["username"], "alice", "v%d username" % v)
        t.eq(out["state"], "active", "v%d state" % v)
        t.eq(out["custom.unix"], "alice", "v%d custom" % v)
        req = only_request(t)
        t.eq((req["method"], req["path"]), ("GET", "/v%d/users/alice" % v),
             "v%d request" % v)
        t.true("content-type" not in req["headers"], "no body, no type")
    out, _, _ = arapi(t, conf(t, 1), "user", "usr_alice")
    t.eq(out["username"], "alice", "lookup by id")


def test_memberships(t):
    m = t.env.mock
    for v in (1, 2):
        m.clear()
        out, _, _ = arapi(t, conf(t, v), "memberships", "usr_alice")
        t.eq(out["result"], "ok", "v%d result" % v)
        t.eq(out["memberships"], "1", "v%d count" % v)
        t.eq(out["membership"], ["org_ops:sudo,ssh"], "v%d membership" % v)
        req = only_request(t)
        t.eq(req["path"], "/v%d/memberships?user_id=usr_alice&max_results=100"
             % v, "v%d path" % v)
    out, _, _ = arapi(t, conf(t, 2), "memberships", "usr_bob")
    t.eq((out["result"], out["memberships"]), ("ok", "0"), "no memberships")


def test_session_live_and_revoked(t):
    m = t.env.mock
    cfg = conf(t, 2)
    out, _, _ = arapi(t, cfg, "authenticate", "bob", input="pw-bob\n")
    sid = out["session_id"]
    t.true(sid.startswith("kss_"), "session id")
    m.clear()
    out, _, _ = arapi(t, cfg, "session", sid)
    t.eq(out["result"], "ok", "live session")
    t.eq(only_request(t)["path"], "/v2/sessions/" + sid, "path")
    m.control({"revoke_session": sid})
    out, _, _ = arapi(t, cfg, "session", sid)
    t.eq(out["result"], "auth_err", "revoked session")
    t.eq(out["reason"], "session_revoked", "reason")
    out, _, _ = arapi(t, conf(t, 1), "session", "kss_neverissued")
    t.eq(out["result"], "auth_err", "unknown session")


def test_probe(t):
    m = t.env.mock
    m.clear()
    out, _, _ = arapi(t, conf(t, 2), "probe")
    t.eq(out["result"], "ok", "result")
    t.eq(out["status"], "200", "status")
    t.true(out["tls"].startswith("TLSv1."), "tls version %r" % out["tls"])
    t.true(out["date"].endswith("GMT"), "date header %r" % out["date"])
    t.eq(only_request(t)["path"], "/v2/realms/rl_test", "path")
    out, _, _ = arapi(t, conf(t, 1, realm_id=None), "probe")
    t.eq(out["status"], "200", "status without realm")
    out, _, _ = arapi(t, conf(t, 2, api_url="https://127.0.0.1:1/v2"), "probe")
    t.eq(out["result"], "ok", "a refused connection is reported")
    t.eq(out["status"], "0", "no status")
    t.eq(out["error"], "connect", "error class")
