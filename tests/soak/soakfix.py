# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures for the soak driver (tests/soak/soak.c): a PAM config dir with
one service per configuration, plan files, and the driver binary itself
(compiled on demand so that make check needs no extra target)."""
import os
import pathlib
import subprocess
import time

HERE = pathlib.Path(__file__).resolve().parent

OK, AUTH, UNKNOWN, UNAVAIL = ("PAM_SUCCESS", "PAM_AUTH_ERR",
                              "PAM_USER_UNKNOWN", "PAM_AUTHINFO_UNAVAIL")


def driver(t):
    """Path of a soak binary no older than its source."""
    out = t.env.build / "soak" / "soak"
    src = HERE / "soak.c"
    lib = HERE.parent / "lib"
    newest = max(p.stat().st_mtime for p in
                 (src, lib / "pamlib.c", lib / "pamlib.h"))
    if not out.exists() or out.stat().st_mtime < newest:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name("soak.%d" % os.getpid())
        # An ASan-built module needs an ASan-built host (make check-asan).
        ldd = subprocess.run(["ldd", str(t.env.build / "tools/pamdrive")],
                             capture_output=True, text=True).stdout
        san = ["-fsanitize=address,undefined"] if "libasan" in ldd else []
        subprocess.run(["cc", "-std=gnu11", "-O2", "-g", "-Wall", "-Wextra",
                        "-D_GNU_SOURCE", "-rdynamic"] + san +
                       ["-I", str(lib), "-o", str(tmp), str(src),
                        str(lib / "pamlib.c"), "-lpam", "-lpthread", "-ldl",
                        # see the pamdrive rule in the Makefile
                        "-Wl,--no-as-needed", "-lcrypt", "-Wl,--as-needed"],
                       check=True)
        os.replace(tmp, out)
    return out


def v1(user, uid=None):
    now = int(time.time())
    return {"uid": uid or "usr_" + user.replace(".", "_"), "un": user,
            "aud": "rl_test", "tk": "kss_s" + user.replace(".", "_"),
            "iat": now - 5, "exp": now + 6 * 3600,
            "m": [{"oid": "org_ops", "p": ["ssh"]}]}


def services(t, timeout=3):
    """Write the PAM services tok, pw (v1), pw2 (v2) and return the dir.
    The plans mix hanging and failing users with good ones on one API
    URL, each with its own expected result: no outage window, no account
    cache between them."""
    env = t.env
    m = env.mock
    mod = env.build / "pam_authrocket.so"
    confs = {
        "tok": t.conf(name="soak-tok.conf", jwt_key_file=env.keys["hs"],
                      realm_id="rl_test"),
        "pw": t.conf(name="soak-pw.conf", api_url=m.url(1),
                     api_key="ko_testkey", realm_id="rl_test",
                     ca_file=env.ca_file, jwt_key_file=env.keys["hs"],
                     timeout=timeout, offline_timeout=0,
                     account_cache_timeout=0),
        "pw2": t.conf(name="soak-pw2.conf", api_url=m.url(2),
                      api_key="ks_testkey", ca_dir=env.ca_dir,
                      timeout=timeout, offline_timeout=0,
                      account_cache_timeout=0),
    }
    d = t.tmp / "soak.pam.d"
    d.mkdir(exist_ok=True)
    for name, conf in confs.items():
        (d / name).write_text("auth required %s config=%s\n"
                              "account required %s config=%s\n"
                              % (mod, conf, mod, conf))
    return d


def token(t, user):
    return t.mint("HS256", t.env.keys["hs"], v1(user))


def plan(t, name, rows):
    """rows: (service, user, auth, account, answers...)"""
    p = t.tmp / name
    p.write_text("".join("\t".join(r) + "\n" for r in rows))
    return p


def manners_rows(t):
    alice, bob = token(t, "alice"), token(t, "bob")
    return [
        ("tok", "alice", OK, OK, alice),
        ("tok", "bob", OK, OK, bob),
        ("tok", "alice", AUTH, "-", bob),
        ("pw", "alice", OK, OK, "pw-alice"),
        ("pw", "carol", OK, OK, "pw-carol", "123456"),
        ("pw", "alice", AUTH, "-", "wrong"),
        ("pw", "erin", UNKNOWN, "-", "pw-erin"),
        ("pw", "huge", UNAVAIL, "-", "pw-huge"),
        ("pw", "hang", UNAVAIL, "-", "pw-hang"),
        ("pw", "badjson", UNAVAIL, "-", "pw-badjson"),
        ("pw2", "bob", OK, OK, "pw-bob"),
        ("pw2", "carol", OK, OK, "pw-carol", "123456"),
    ]


def thread_rows(t):
    """Eight cases, each for a different local user."""
    return [
        ("tok", "alice", OK, OK, token(t, "alice")),
        ("tok", "erin", OK, OK, token(t, "erin")),
        ("tok", "mail.user", OK, OK, token(t, "mail.user")),
        ("tok", "otheruser", OK, OK, token(t, "otheruser")),
        ("pw", "bob", OK, OK, "pw-bob"),
        ("pw", "carol", OK, OK, "pw-carol", "123456"),
        ("pw2", "mallory", OK, OK, "pw-mallory"),
        ("pw", "dave", AUTH, "-", "pw-dave"),
    ]


def soak_rows(t):
    """Mostly tokens, some passwords and failures."""
    alice, bob = token(t, "alice"), token(t, "bob")
    rows = [("tok", "alice", OK, OK, alice), ("tok", "bob", OK, OK, bob),
            ("tok", "alice", AUTH, "-", bob),
            ("tok", "alice", AUTH, "-", "eyJ.bad.token"),
            ("tok", "nosuchuser", UNKNOWN, "-", alice)]
    return rows * 9 + [("pw", "alice", OK, OK, "pw-alice"),
                       ("pw", "alice", AUTH, "-", "wrong"),
                       ("pw2", "carol", OK, OK, "pw-carol", "123456"),
                       ("pw", "erin", UNKNOWN, "-", "pw-erin"),
                       ("pw", "status500", UNAVAIL, "-", "x")]


def run(t, plan_path, confdir, mode, extra=(), timeout=600, wrap=()):
    argv = list(wrap) + [str(driver(t)), "--confdir", str(confdir),
                         "--plan", str(plan_path), "--mode", mode,
                         "--log", str(t.tmp / ("soak-%s.log" % mode))]
    argv += [str(a) for a in extra]
    p = subprocess.run(argv, capture_output=True, text=True,
                       env=t.env.pam_env(), timeout=timeout)
    return p
