# SPDX-License-Identifier: BSD-3-Clause
"""Password login, second factor, session checks, JWKS and the account phase
through the real libpam against the HTTPS mock of AuthRocket."""
import json
import os
import socket
import ssl
import threading
import time
import urllib.request

import tokens

OK, AUTH, UNKNOWN, UNAVAIL = ("PAM_SUCCESS", "PAM_AUTH_ERR",
                              "PAM_USER_UNKNOWN", "PAM_AUTHINFO_UNAVAIL")
KEYS = {1: "ko_testkey", 2: "ks_testkey"}


def api_conf(t, v=1, name="api.conf", **kw):
    m = t.env.mock
    kw.setdefault("api_url", m.url(v))
    kw.setdefault("api_key", KEYS[v])
    kw.setdefault("realm_id", "rl_test")
    kw.setdefault("ca_file", t.env.ca_file)
    # the mock signs v1 tokens with the HMAC secret, v2 with the RSA key
    kw.setdefault("jwt_key_file", t.env.keys["hs" if v == 1 else "rsa_pub"])
    kw.setdefault("timeout", 5)
    return t.conf(name=name, **kw)


def posts(t):
    return [r for r in t.env.mock.requests() if r["method"] == "POST"]


def test_v1_password_login(t):
    m = t.env.mock
    m.clear()
    r = t.pam("alice", ["pw-alice"], api_conf(t), rhost="198.51.100.7",
              phases=("auth", "account", "setcred"))
    t.eq(r.auth, OK, "auth")
    t.eq(r.account, OK, "account")
    t.eq(r.setcred, OK, "setcred")
    t.contains(r.log, "allow user=alice rhost=198.51.100.7 method=password "
               "ar_user=usr_alice")
    reqs = m.requests()
    t.eq([(q["method"], q["path"]) for q in reqs],
         [("POST", "/v1/users/alice/authenticate")], "requests")
    q = reqs[0]
    t.eq(q["headers"].get("x-authrocket-api-key"), "ko_testkey", "api key")
    t.eq(q["headers"].get("x-authrocket-realm"), "rl_test", "realm header")
    t.contains(q["headers"].get("user-agent", ""), "pam_authrocket/")
    body = json.loads(q["body"])
    t.eq(body["password"], "pw-alice", "password sent")
    t.eq(body["request"]["ip"], "198.51.100.7", "request.ip")
    t.contains(body["request"]["client"], "artest", "service in client")
    for line in r.log:
        t.absent(line, "pw-alice", "password in log")
        t.absent(line, "ko_testkey", "api key in log")


def test_v2_password_login(t):
    m = t.env.mock
    m.clear()
    r = t.pam("alice", ["pw-alice"], api_conf(t, 2))
    t.eq(r.auth, OK, "auth")
    t.eq(r.account, OK, "account")
    q = posts(t)[0]
    t.eq(q["path"], "/v2/users/alice/authenticate", "path")
    t.eq(q["headers"].get("authrocket-api-key"), "ks_testkey", "v2 key header")
    t.eq(json.loads(q["body"]), {"user": {"password": "pw-alice"}}, "v2 body")


def test_realm_key_mismatch_is_unavailable(t):
    # The API vouches for the password but its token does not verify
    # with our key: a configuration problem, never a login.
    r = t.pam("alice", ["pw-alice"], api_conf(t, 2, jwt_key_file=t.env.keys["hs"]))
    t.eq(r.auth, UNAVAIL, "auth")
    t.contains(r.log, "reason=bad_reply")


def test_wrong_password(t):
    for v in (1, 2):
        r = t.pam("alice", ["nope"], api_conf(t, v, name="c%d" % v))
        t.eq(r.auth, AUTH, "v%d wrong password" % v)
        t.contains(r.log, "deny user=alice")


def test_totp(t):
    for v in (1, 2):
        conf = api_conf(t, v, name="c%d" % v)
        r = t.pam("carol", ["pw-carol", "123456"], conf)
        t.eq(r.auth, OK, "v%d right code" % v)
        t.eq(r.prompts, ["AuthRocket password or token: ",
                         "Verification code: "], "prompts")
        r = t.pam("carol", ["pw-carol", "000000"], conf)
        t.eq(r.auth, AUTH, "v%d wrong code" % v)
        r = t.pam("carol", ["pw-carol"], conf)
        t.eq(r.auth, "PAM_CONV_ERR", "v%d no code typed" % v)


def test_time_at_the_code_prompt_is_not_network_time(t):
    # timeout bounds the network work; a person typing their code for
    # longer than that must still get in
    conf = api_conf(t, timeout=1)
    r = t.pam("carol", ["pw-carol", "123456"], conf, answer_delay_ms=1500,
              phases=("auth",))
    t.eq(r.auth, OK, "slow typist")


def test_user_states(t):
    conf = api_conf(t)
    r = t.pam("erin", ["pw-erin"], conf)
    t.eq(r.auth, UNKNOWN, "unknown to AuthRocket")
    r = t.pam("dave", ["pw-dave"], conf)
    t.eq(r.auth, AUTH, "inactive")
    t.contains(r.log, "reason=inactive")
    r = t.pam("apibot", ["pw-apibot"], conf)
    t.eq(r.auth, AUTH, "api user")
    t.contains(r.log, "reason=not_human")
    r = t.pam("ghost", ["pw-ghost"], conf)
    t.eq(r.auth, UNKNOWN, "no local account")


def test_reply_for_another_user(t):
    for v in (1, 2):
        r = t.pam("otheruser", ["pw-otheruser"], api_conf(t, v, name="c%d" % v))
        t.eq(r.auth, UNAVAIL, "v%d reply about mallory" % v)
        t.contains(r.log, "reason=unexpected_user")
        t.absent(r.log, "allow")


def test_server_failures_are_unavailable(t):
    mapf = t.write("map", "".join("username:%s erin\n" % u for u in ("x",)), 0o644)
    for who in ("status402", "status403", "status429", "status500", "badjson",
                "html", "huge", "deep", "redirect-http", "redirect-self"):
        mf = t.write("map-" + who, "username:%s erin\n" % who, 0o644)
        r = t.pam("erin", ["pw"], api_conf(t, name=who + ".conf",
                                           user_map_file=mf))
        t.eq(r.auth, UNAVAIL, who)
        t.absent(r.log, "allow", who)
    r = t.pam("erin", ["pw"], api_conf(t, name="e.conf", user_map_file=t.write(
        "map-e", "username:escape erin\n", 0o644)))
    t.true(r.auth in (AUTH, UNAVAIL), "escape: %s" % r.auth)
    for line in r.log:
        t.absent(line, "\x1b", "raw escape in log")
    del mapf


def test_hang_respects_timeout(t):
    mf = t.write("map", "username:hang erin\n", 0o644)
    t0 = time.monotonic()
    r = t.pam("erin", ["pw"], api_conf(t, timeout=2, user_map_file=mf),
              phases=("auth",))
    took = time.monotonic() - t0
    t.eq(r.auth, UNAVAIL, "hang")
    t.true(took < 3.5, "answered in %.2f s (timeout 2 + 1)" % took)


def test_down_is_unavailable(t):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    conf = api_conf(t, api_url="https://127.0.0.1:%d/v1" % port)
    r = t.pam("alice", ["pw-alice"], conf)
    t.eq(r.auth, UNAVAIL, "closed port")
    r = t.pam("alice", [], conf, phases=("account",))
    t.eq(r.account, UNAVAIL, "account with AuthRocket down")


def test_unnamed_trust_anchor(t):
    m = t.env.mock
    m.clear()
    conf = api_conf(t, ca_file=None)
    t.eq(t.pam("alice", ["pw-alice"], conf).auth, UNAVAIL, "system CAs only")
    t.eq(m.requests(), [], "no request completed")
    wrong = t.env.start_mock(cert=t.env.wrong_host_cert, key=t.env.wrong_host_key)
    conf = api_conf(t, name="w.conf", api_url=wrong.url(1))
    t.eq(t.pam("alice", ["pw-alice"], conf).auth, UNAVAIL, "wrong host name")
    t.eq(wrong.requests(), [], "nothing reached the wrong-host server")


def test_tokens_and_passwords_never_cross(t):
    m = t.env.mock
    m.clear()
    tok = t.mint("HS256", t.env.keys["hs"], tokens.v1("alice"))
    conf = api_conf(t, mode="password")
    r = t.pam("alice", [tok], conf)
    t.eq(r.auth, AUTH, "token in password mode")
    t.contains(r.log, "reason=token_in_password_mode")
    r = t.pam("alice", ["pw-alice"], api_conf(t, name="t.conf", mode="token"))
    t.eq(r.auth, AUTH, "password in token mode")
    r = t.pam("alice", [tok], api_conf(t, name="a.conf"))
    t.eq(r.auth, OK, "token in auto mode")
    for q in m.requests():
        t.absent(q.get("body") or "", tok.split(".")[2], "token sent to API")
        t.absent(q.get("body") or "", "pw-alice", "token-mode password sent")
        t.absent(q.get("path"), tok.split(".")[0], "token in path")


def test_environment_is_ignored(t):
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(5)
    lst.settimeout(0.2)
    port = lst.getsockname()[1]
    keylog = t.tmp / "keys.log"
    env = t.env.pam_env()
    for k in ("https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        env[k] = "http://127.0.0.1:%d" % port
    env["SSLKEYLOGFILE"] = str(keylog)
    env["CURL_CA_BUNDLE"] = "/nonexistent"
    r = t.pam("alice", ["pw-alice"], api_conf(t), env=env)
    t.eq(r.auth, OK, "login despite hostile environment")
    try:
        conn, _ = lst.accept()
        conn.close()
        t.true(False, "a connection reached the proxy port")
    except socket.timeout:
        t.true(True)
    finally:
        lst.close()
    t.true(not keylog.exists(), "no TLS key log written")


def issue_token(t, user, version=1):
    """Log in at the mock directly to get a token for a session it knows."""
    m = t.env.mock
    ctx = ssl.create_default_context(cafile=str(t.env.ca_file))
    body = ({"password": "pw-" + user} if version == 1 else
            {"user": {"password": "pw-" + user}})
    hdr = ({"X-Authrocket-Api-Key": "ko_testkey"} if version == 1 else
           {"Authrocket-Api-Key": "ks_testkey"})
    req = urllib.request.Request("%s/users/%s/authenticate" % (m.url(version), user),
                                 data=json.dumps(body).encode(), method="POST",
                                 headers=dict(hdr, **{"Content-Type": "application/json"}))
    with urllib.request.urlopen(req, context=ctx, timeout=10) as resp:
        obj = json.loads(resp.read())
    return obj["token"], obj.get("id")


def test_verify_session(t):
    m = t.env.mock
    tok, _ = issue_token(t, "alice")
    conf = api_conf(t, verify_session=True, mode="token")
    m.clear()
    t.eq(t.pam("alice", [tok], conf).auth, OK, "live session")
    t.true(any(q["path"].startswith("/v1/sessions/") for q in m.requests()),
           "session was checked")
    sid = [q["path"] for q in m.requests() if "/sessions/" in q["path"]][0]
    m.control({"revoke_session": sid.rsplit("/", 1)[1]})
    r = t.pam("alice", [tok], conf)
    t.eq(r.auth, AUTH, "revoked session")
    t.contains(r.log, "reason=session_revoked")


def test_jwks_login_and_cache(t):
    m = t.env.mock
    cache = t.tmp / "jwks-cache"
    cache.mkdir(mode=0o700)
    conf = t.conf(loginrocket_url=m.base + "/", ca_file=t.env.ca_file,
                  cache_dir=cache)
    tok = t.mint("RS256", t.env.keys["rsa"], tokens.v2("alice"),
                 header={"alg": "RS256", "typ": "JWT", "kid": "k1"})
    r = t.pam("alice", [tok], conf)
    t.eq(r.auth, OK, "JWKS login")
    files = [p for p in cache.iterdir()]
    t.true(len(files) >= 1, "cache written")
    for p in files:
        t.eq(oct(p.stat().st_mode & 0o777), oct(0o600), "cache file mode")
    m.clear()
    t.eq(t.pam("alice", [tok], conf).auth, OK, "second login")
    t.eq([q for q in m.requests() if "jwks" in q["path"]], [],
         "served from the cache")
    tok2 = t.mint("RS256", t.env.keys["rsa"], tokens.v2("alice"),
                  header={"alg": "RS256", "typ": "JWT", "kid": "nope"})
    r = t.pam("alice", [tok2], conf)
    t.eq(r.auth, AUTH, "unknown kid")


def test_account_phase_key_logins(t):
    conf = api_conf(t)
    m = t.env.mock
    m.clear()
    r = t.pam("alice", [], conf, phases=("account",))
    t.eq(r.account, OK, "active user")
    t.true(any(q["path"] == "/v1/users/alice" for q in m.requests()),
           "looked up: %r" % m.requests())
    t.eq(t.pam("dave", [], conf, phases=("account",)).account,
         "PAM_PERM_DENIED", "inactive user")
    t.eq(t.pam("apibot", [], conf, phases=("account",)).account,
         "PAM_PERM_DENIED", "api user")
    t.eq(t.pam("erin", [], conf, phases=("account",)).account, UNKNOWN,
         "no AuthRocket user")
    t.eq(t.pam("ghost", [], conf, phases=("account",)).account, UNKNOWN,
         "no local user")
    perm = api_conf(t, name="p.conf", require_permission="sudo")
    t.eq(t.pam("alice", [], perm, phases=("account",)).account, OK,
         "permission held")
    t.eq(t.pam("bob", [], perm, phases=("account",)).account,
         "PAM_PERM_DENIED", "permission missing")
    mf = t.write("map", "username:status500 erin\n", 0o644)
    t.eq(t.pam("erin", [], api_conf(t, name="f.conf", user_map_file=mf),
               phases=("account",)).account, UNAVAIL, "server error")


def test_account_below_min_uid_is_not_ours(t):
    stack = ("account [ignore=ignore success=done default=die] @MODULE@\n"
             "account requisite pam_debug.so acct=new_authtok_reqd\n")
    r = t.pam("root", [], api_conf(t), phases=("account",), stack=stack)
    t.eq(r.account, "PAM_NEW_AUTHTOK_REQD", "root's account: PAM_IGNORE")
