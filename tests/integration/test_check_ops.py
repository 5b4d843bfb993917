# SPDX-License-Identifier: BSD-3-Clause
"""authrocket-check catches the misconfigurations that made logins fail
while it said "ok": each one gives the documented exit status and a
problem line that names the fix.  Also --version/--help, --args, jwks and
password."""
import json
import os
import re

import tokens
from artest import ROOT

VERSION = re.search(r'#define AR_VERSION\s+"([^"]+)"',
                    (ROOT / "src/base/ar.h").read_text()).group(1)


def check(t, conf, *args, input=None):
    argv = [t.env.build / "authrocket-check", "--json"]
    if conf is not None:
        argv += ["--config", conf]
    r = t.run(argv + list(args), input=input, env=t.env.pam_env())
    try:
        return r.returncode, json.loads(r.stdout)
    except ValueError:
        raise AssertionError("not JSON: %r %r" % (r.stdout, r.stderr))


def problems(obj):
    return " | ".join(obj.get("problems", []))


def api_conf(t, name="api.conf", **kw):
    kw.setdefault("jwt_key_file", t.env.keys["hs"])
    return t.api_conf(name=name, **kw)


def test_version_and_help(t):
    for prog in ("authrocket-check", "authrocket-helper"):
        r = t.run([t.env.build / prog, "--version"])
        t.eq(r.returncode, 0, prog + " --version exit")
        t.eq(r.stdout.strip(), "%s %s" % (prog, VERSION), prog + " version")
        r = t.run([t.env.build / prog, "--help"])
        t.eq(r.returncode, 0, prog + " --help exit")
        t.contains(r.stdout, "usage:", prog + " --help text")
        r = t.run([t.env.build / prog, "--bogus"])
        t.eq(r.returncode, 2, prog + " unknown option")
    r = t.run([t.env.build / "authrocket-check", "--help"])
    for cmd in ("config", "token", "password", "api", "jwks", "user"):
        t.contains(r.stdout, cmd, "help lists " + cmd)


def test_config_map_file_bad_line(t):
    good = t.write("map.good", "id:usr_1 alice\nusername:bob bob\n", 0o644)
    rc, obj = check(t, api_conf(t, name="g.conf", user_map_file=good), "config")
    t.eq(rc, 0, "good map file: %r" % obj)
    t.eq(obj.get("map_entries"), 2, "entries counted")
    bad = t.write("map.bad", "id:usr_1 alice\nusername:bob\n", 0o644)
    rc, obj = check(t, api_conf(t, name="b.conf", user_map_file=bad), "config")
    t.eq(rc, 2, "bad line is a configuration error: %r" % obj)
    t.eq(obj["verdict"], "configuration error", "verdict")
    t.contains(problems(obj), "user_map_file", "names the key")
    t.contains(problems(obj), "line 2", "names the line")


def test_config_map_file_group_writable(t):
    m = t.write("map.gw", "id:usr_1 alice\n", 0o664)
    rc, obj = check(t, api_conf(t, user_map_file=m), "config")
    t.eq(rc, 2, "group-writable map file: %r" % obj)
    t.contains(problems(obj), "not writable by group or others", "names the fix")


def test_config_missing_ca_file(t):
    rc, obj = check(t, api_conf(t, ca_file=t.tmp / "nope.pem"), "config")
    t.eq(rc, 2, "missing ca_file: %r" % obj)
    t.contains(problems(obj), "ca_file", "names the key")
    notpem = t.write("ca.txt", "hello\n", 0o644)
    rc, obj = check(t, api_conf(t, name="c2.conf", ca_file=notpem), "config")
    t.eq(rc, 2, "ca_file without certificates")
    t.contains(problems(obj), "BEGIN CERTIFICATE", "says what is missing")
    rc, obj = check(t, api_conf(t, name="c3.conf", ca_dir=t.tmp / "nodir"),
                    "config")
    t.eq(rc, 2, "missing ca_dir")
    t.contains(problems(obj), "ca_dir", "names ca_dir")


def test_config_jwt_key_without_prefix(t):
    secret = t.env.keys["hs"].read_text().strip()
    t.true(secret.startswith("jsk_"), "fixture secret has the prefix")
    bare = t.write("hs.bare", secret[4:] + "\n", 0o600)
    conf = t.conf(jwt_key_file=bare, realm_id="rl_test")
    rc, obj = check(t, conf, "config")
    t.eq(rc, 1, "likely paste mistake: %r" % obj)
    t.contains(problems(obj), "jsk_", "names the prefix")
    good = t.mint("HS256", t.env.keys["hs"], tokens.v1("alice"))
    rc, obj = check(t, conf, "token", "alice", input=good)
    t.eq(rc, 1, "token refused")
    t.eq(obj.get("reason"), "bad_signature", "reason")
    t.contains(problems(obj), "jsk_ included", "token check says why")
    rc, obj = check(t, t.conf(name="ok.conf", jwt_key_file=t.env.keys["hs"],
                              realm_id="rl_test"), "token", "alice", input=good)
    t.eq(rc, 0, "the full secret works")
    t.eq(obj.get("problems"), None, "no problem shown")


def test_api_key_in_quotes(t):
    conf = api_conf(t, api_key='"ko_testkey"')
    rc, obj = check(t, conf, "config")
    t.eq(rc, 1, "quoted key flagged by config: %r" % obj)
    t.contains(problems(obj), "quotes", "config names the quotes")
    rc, obj = check(t, conf, "api")
    t.eq(rc, 1, "api refused")
    t.eq(obj.get("reason"), "api_key_rejected", "reason")
    t.contains(problems(obj), "remove them", "api says to remove the quotes")


def test_api_wrong_realm(t):
    rc, obj = check(t, api_conf(t, realm_id="rl_other"), "api")
    t.eq(rc, 1, "wrong realm: %r" % obj)
    t.eq(obj.get("reason"), "realm_not_found", "reason")
    t.contains(problems(obj), "realm_id", "names the key")


def test_api_clock_skew(t):
    m = t.env.mock
    conf = api_conf(t)
    try:
        m.control({"date_offset": -3600})
        rc, obj = check(t, conf, "api")
        t.eq(rc, 1, "skew beyond leeway fails: %r" % obj)
        t.true(abs(obj.get("clock_skew_s", 0) - 3600) < 5, "skew reported")
        t.contains(problems(obj), "leeway", "names leeway")
        t.contains(problems(obj), "NTP", "names the fix")
        m.control({"date_offset": 10})
        rc, obj = check(t, conf, "api")
        t.eq(rc, 0, "skew within leeway is fine: %r" % obj)
    finally:
        m.control({"date_offset": 0})


def test_jwks_command(t):
    m = t.env.mock
    conf = t.conf(loginrocket_url=m.base, realm_id="rl_test",
                  ca_file=t.env.ca_file)
    rc, obj = check(t, conf, "jwks")
    t.eq(rc, 0, "jwks fetched: %r" % obj)
    t.eq(obj.get("usable_keys"), 1, "one key")
    t.contains(" ".join(obj.get("keys", [])), "kid k1", "kid described")
    wrong = t.conf(name="w.conf", loginrocket_url=m.base + "/nowhere",
                   realm_id="rl_test", ca_file=t.env.ca_file)
    rc, obj = check(t, wrong, "jwks")
    t.eq(rc, 1, "wrong loginrocket_url: %r" % obj)
    t.contains(problems(obj), "loginrocket_url", "names the key")
    rc, obj = check(t, t.conf(name="n.conf", jwt_key_file=t.env.keys["hs"]),
                    "jwks")
    t.eq(rc, 2, "nothing to fetch")


def test_user_root_names_min_uid(t):
    rc, obj = check(t, api_conf(t), "user", "root")
    t.eq(rc, 1, "nothing decided is exit 1: %r" % obj)
    t.contains(obj.get("note", ""), "min_uid", "names min_uid")
    t.absent(obj.get("note", ""), "no api_url", "not the api_url note")


def test_args_apply_like_a_stack_line(t):
    conf = api_conf(t)
    rc, obj = check(t, conf, "--args", "min_uid=0 timeout=3", "config")
    t.eq(rc, 0, "args applied: %r" % obj)
    t.eq(obj["min_uid"], 0, "min_uid from args")
    t.eq(obj["timeout"], 3, "timeout from args")
    rc, obj = check(t, conf, "--args", "tiemout=3", "config")
    t.eq(rc, 2, "unknown key in args")
    rc, obj = check(t, conf, "--args", "min_uid=0", "user", "root")
    t.eq(obj.get("reason"), "unknown_user",
         "with min_uid=0 root is looked up: %r" % obj)


def test_password_command(t):
    conf = api_conf(t)
    rc, obj = check(t, conf, "password", "alice", input="pw-alice\n")
    t.eq(rc, 0, "password login: %r" % obj)
    t.eq(obj.get("ar_user"), "usr_alice", "identity shown")
    t.eq(obj.get("phase"), "account", "went through the account phase")
    rc, obj = check(t, conf, "password", "alice", input="wrong\n")
    t.eq(rc, 1, "wrong password")
    t.eq(obj.get("reason"), "auth_failed", "reason")
    rc, obj = check(t, conf, "password", "dave", input="pw-dave\n")
    t.eq(rc, 1, "inactive user refused: %r" % obj)


def test_config_helper_checked_when_needed(t):
    missing = t.tmp / "no-helper"
    rc, obj = check(t, api_conf(t, helper=missing), "config")
    t.eq(rc, 2, "API configured, helper missing: %r" % obj)
    t.contains(problems(obj), "helper", "names the helper")
    rc, obj = check(t, t.conf(name="tok.conf", helper=missing,
                              jwt_key_file=t.env.keys["hs"]), "config")
    t.eq(rc, 0, "token-only configuration needs no helper: %r" % obj)
