# SPDX-License-Identifier: BSD-3-Clause
"""authrocket-check: each command, text and --json output, exit codes 0/1/2,
and that its verdict is the module's verdict."""
import json

import tokens


def check(t, conf, *args, input=None):
    argv = [t.env.build / "authrocket-check", "--config", conf, *args]
    return t.run(argv, input=input, env=t.env.pam_env())


def check_json(t, conf, *args, input=None):
    r = check(t, conf, "--json", *args, input=input)
    return r.returncode, json.loads(r.stdout)


def hs_conf(t, **kw):
    return t.conf(jwt_key_file=t.env.keys["hs"], realm_id="rl_test", **kw)


def test_config_command(t):
    r = check(t, hs_conf(t), "config")
    t.eq(r.returncode, 0, "exit: " + r.stdout + r.stderr)
    t.contains(r.stdout, "HS256", "key described")
    rc, obj = check_json(t, t.conf(name="rs.conf", jwt_key_file=t.env.keys["rsa_pub"]),
                         "config")
    t.eq(rc, 0, "json exit")
    t.contains(obj["jwt_key"], "RS256", "rsa key described")
    bad = t.write("bad.conf", "tiemout = 3\n")
    r = check(t, bad, "config")
    t.eq(r.returncode, 2, "configuration error")
    t.contains(r.stdout + r.stderr, "tiemout", "names the bad key")
    t.eq(check(t, hs_conf(t, name="x.conf"), "bogus").returncode, 2, "usage")


def test_token_command_matches_module(t):
    conf = hs_conf(t)
    good = t.mint("HS256", t.env.keys["hs"], tokens.v1("alice"))
    rc, obj = check_json(t, conf, "token", "alice", input=good + "\n")
    t.eq(rc, 0, "accepted: %r" % obj)
    t.eq(obj["verdict"], "accept", "verdict")
    t.eq(obj["ar_user"], "usr_alice", "claims shown")
    t.eq(obj["local_user"], "alice", "local user")
    t.eq(t.pam("alice", [good], conf).auth, "PAM_SUCCESS", "module agrees")
    for tok, user, reason in (
            (good, "bob", "wrong_user"),
            (t.mint("HS256", t.env.keys["hs"], tokens.v1("alice", exp=-600)),
             "alice", "expired"),
            (good[:-3], "alice", "bad_signature")):
        rc, obj = check_json(t, conf, "token", user, input=tok)
        t.eq(rc, 1, "refused " + reason)
        t.eq(obj.get("reason"), reason, "reason")
        t.eq(t.pam(user, [tok], conf).auth, "PAM_AUTH_ERR", "module agrees")
    r = check(t, conf, "token", "alice", input=good)
    t.contains(r.stdout, "accept", "text output")
    for line in r.stdout.splitlines() + r.stderr.splitlines():
        t.absent(line, good.split(".")[2], "signature printed")


def test_user_and_api_commands(t):
    m = t.env.mock
    conf = t.conf(api_url=m.url(1), api_key="ko_testkey", realm_id="rl_test",
                  ca_file=t.env.ca_file, jwt_key_file=t.env.keys["hs"])
    rc, obj = check_json(t, conf, "user", "alice")
    t.eq(rc, 0, "active user: %r" % obj)
    rc, obj = check_json(t, conf, "user", "dave")
    t.eq(rc, 1, "inactive user")
    t.eq(obj.get("reason"), "inactive", "reason")
    rc, obj = check_json(t, conf, "user", "erin")
    t.eq(rc, 1, "unknown to AuthRocket")
    rc, obj = check_json(t, conf, "api")
    t.eq(rc, 0, "api reachable: %r" % obj)
    t.true(obj.get("latency_ms", -1) >= 0, "latency reported")
    down = t.conf(name="down.conf", api_url="https://127.0.0.1:1/v1",
                  api_key="ko_testkey", ca_file=t.env.ca_file, timeout=2,
                  jwt_key_file=t.env.keys["hs"])
    rc, obj = check_json(t, down, "api")
    t.eq(rc, 1, "api down")
    rc, obj = check_json(t, hs_conf(t, name="h.conf"), "user", "alice")
    t.eq(rc, 1, "nothing to check without api_url (the page says 1)")
    t.eq(obj["verdict"], "nothing to check", "verdict")
