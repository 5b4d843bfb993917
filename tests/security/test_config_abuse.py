# SPDX-License-Identifier: BSD-3-Clause
"""Attack catalogue: unsafe configuration and key files.  Every case is
PAM_SERVICE_ERR in both phases (never PAM_IGNORE) and answers quickly."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secutil import (IGNORE, OK, SERVICE, hs, v1)  # noqa: E402

SECRET = "jsk_" + "k" * 40


def both(t, conf, what, tok=None):
    tok = tok or hs(t, v1("alice"))
    t0 = time.monotonic()
    r = t.pam("alice", [tok], conf, timeout=20)
    t.eq(r.auth, SERVICE, what + ": auth")
    t.true(r.account not in (OK, IGNORE), what + ": account %s" % r.account)
    t.true(time.monotonic() - t0 < 5, what + ": quick")
    return r


def test_world_writable_config(t):
    conf = t.conf(jwt_key_file=t.env.keys["hs"])
    os.chmod(conf, 0o666)
    both(t, conf, "world-writable config")
    os.chmod(conf, 0o620)
    both(t, conf, "group-writable config")


def test_secret_in_readable_config(t):
    conf = t.conf(jwt_key=SECRET)
    os.chmod(conf, 0o644)
    both(t, conf, "readable inline secret", hs(t, v1("alice")))
    conf = t.conf(name="k.conf", api_url=t.env.mock.url(1),
                  api_key="ko_testkey", ca_file=t.env.ca_file)
    os.chmod(conf, 0o640)
    both(t, conf, "readable api_key")


def test_key_file_rules(t):
    key = t.write("hs.secret", SECRET + "\n", 0o644)
    both(t, t.conf(name="a.conf", jwt_key_file=key), "readable secret file")
    link = t.tmp / "hs.link"
    os.symlink(t.env.keys["hs"], link)
    both(t, t.conf(name="b.conf", jwt_key_file=link), "symlinked key file")
    both(t, t.conf(name="c.conf", jwt_key_file="/dev/zero"), "/dev/zero key")
    both(t, t.conf(name="d.conf", jwt_key_file="/dev/null"), "/dev/null key")
    empty = t.write("empty.secret", "", 0o600)
    both(t, t.conf(name="e.conf", jwt_key_file=empty), "empty key file")
    nl = t.write("nl.secret", "\n", 0o600)
    both(t, t.conf(name="f.conf", jwt_key_file=nl), "newline-only key file")
    short = t.write("short.secret", "x" * 31, 0o600)
    both(t, t.conf(name="g.conf", jwt_key_file=short), "31-byte secret")
    both(t, t.conf(name="h.conf", jwt_key_file=t.tmp), "directory as key")
    both(t, t.conf(name="i.conf", jwt_key_file=t.tmp / "missing"),
         "missing key file")
    big = t.write("big.secret", "x" * (65536 + 1), 0o600)
    both(t, t.conf(name="j.conf", jwt_key_file=big), "oversized key file")


def test_fifo_and_devices_as_config(t):
    fifo = t.tmp / "conf.fifo"
    os.mkfifo(fifo, 0o600)
    # A FIFO with no writer would block a plain open(): O_NONBLOCK.
    both(t, fifo, "FIFO as config")
    fifo_key = t.tmp / "key.fifo"
    os.mkfifo(fifo_key, 0o600)
    both(t, t.conf(name="fk.conf", jwt_key_file=fifo_key), "FIFO as key")
    both(t, "/dev/zero", "/dev/zero as config")
    both(t, t.tmp, "directory as config")
    both(t, t.tmp / "nonexistent.conf", "missing config")
    link = t.tmp / "link.conf"
    os.symlink(t.conf(name="real.conf", jwt_key_file=t.env.keys["hs"]), link)
    both(t, link, "symlinked config")


def test_nul_and_garbage_in_config(t):
    p = t.write("nul.conf", b"jwt_key_file = %s\n\x00realm_id = x\n" %
                str(t.env.keys["hs"]).encode(), 0o600)
    both(t, p, "NUL byte in config")
    p = t.write("dup.conf", "jwt_key_file = %s\njwt_key_file = /dev/null\n"
                % t.env.keys["hs"], 0o600)
    both(t, p, "repeated key")
    p = t.write("typo.conf", "jwt_key_file = %s\ntiemout = 5\n"
                % t.env.keys["hs"], 0o600)
    both(t, p, "unknown key")
    p = t.write("http.conf", "api_url = http://127.0.0.1/v1\n"
                "api_key = ko_testkey\n", 0o600)
    both(t, p, "api_url over http")


def test_secrets_refused_as_arguments(t):
    conf = t.conf(realm_id="rl_test")
    r = t.pam("alice", [hs(t, v1("alice"))], conf, args=["jwt_key=" + SECRET])
    t.eq(r.auth, SERVICE, "jwt_key as an argument")
    t.true(all(SECRET not in l for l in r.log), "argument secret not logged")
    r = t.pam("alice", ["x"], conf, args=["api_key=ko_testkey",
                                           "api_url=" + t.env.mock.url(1)])
    t.eq(r.auth, SERVICE, "api_key as an argument")


def test_config_wrong_owner(t):
    if os.geteuid() != 0:
        t.skip("needs root to chown")
    conf = t.conf(jwt_key_file=t.env.keys["hs"])
    os.chown(conf, 65534, 65534)
    both(t, conf, "config owned by nobody")
    key = t.write("nobody.secret", SECRET, 0o600)
    os.chown(key, 65534, 65534)
    both(t, t.conf(name="k.conf", jwt_key_file=key), "key owned by nobody")
