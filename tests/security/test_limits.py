# SPDX-License-Identifier: BSD-3-Clause
"""Attack catalogue: oversized input, prompt counts, resource limits."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secutil import (  # noqa: E402
    AUTH, IGNORE, OK, asan, expect, hs, hs_conf, pw_conf, v1)


def test_16mb_token(t):
    conf = hs_conf(t)
    good = hs(t, v1("alice"))
    big = good + "A" * (16 << 20)
    t0 = time.monotonic()
    expect(t, t.pam("alice", [big], conf, timeout=60), AUTH, "16 MiB token",
           "too_large")
    t.true(time.monotonic() - t0 < 10, "quick")
    h, p, s = good.split(".")
    big = h + "." + p + "A" * (16 << 20) + "." + s
    expect(t, t.pam("alice", [big], conf, timeout=60), AUTH,
           "16 MiB payload segment", "too_large")


def test_oversized_password_not_sent(t):
    # AR_MAX_INPUT (16 KiB) bounds what the module looks at: a longer
    # reply is refused as a failed login without asking AuthRocket.
    m = t.env.mock
    conf = pw_conf(t, 1)
    for n in (16385, 100000, 16 << 20):
        m.clear()
        r = t.pam("alice", ["x" * n], conf, timeout=60)
        expect(t, r, AUTH, "%d-byte password" % n)
        t.eq([q["path"] for q in m.requests() if "authenticate" in
              q.get("path", "")], [], "%d-byte password not sent" % n)


def test_at_most_two_prompts(t):
    # Every flow of the module: token, password, password + code.  The
    # recorder in secutil fails any transaction with more than two.
    r = t.pam("alice", [hs(t, v1("alice"))], hs_conf(t))
    t.eq(len(r.prompts), 1, "token: one prompt")
    r = t.pam("carol", ["pw-carol", "123456"] * 50, pw_conf(t, 1))
    t.eq(r.auth, OK, "code flow")
    t.eq(len(r.prompts), 2, "code flow: two prompts")
    r = t.pam("alice", [], hs_conf(t, name="none.conf"))
    t.eq(r.auth, "PAM_CONV_ERR", "no answer at all")


def limited(t, shell_limits, conf, answers, user="alice"):
    """Run pamdrive under ulimits set by bash."""
    confdir = t.tmp / "pam.d.lim"
    confdir.mkdir(exist_ok=True)
    mod = t.env.build / "pam_authrocket.so"
    (confdir / "lim").write_text(
        "auth required %s config=%s\naccount required %s config=%s\n"
        % (mod, conf, mod, conf))
    logf = t.tmp / "lim.log"
    if logf.exists():
        logf.unlink()
    cmd = "%s; exec %s --service lim --confdir %s --user %s --phases " \
          "auth,account --log %s" % (shell_limits, t.env.build /
                                     "tools/pamdrive", confdir, user, logf)
    p = subprocess.run(["bash", "-c", cmd], input="".join(
        a + "\n" for a in answers).encode(), capture_output=True,
        env=t.env.pam_env(), timeout=60)
    out = p.stdout.decode(errors="replace")
    res = dict(l.split("=", 1) for l in out.splitlines()
               if l.split("=", 1)[0] in ("auth", "account"))
    log = logf.read_text(errors="replace") if logf.exists() else ""
    return p.returncode, res, log


def test_ulimit_nofile(t):
    conf = hs_conf(t)
    tok = hs(t, v1("alice"))
    # Control: without limits the same login succeeds.
    rc, res, _ = limited(t, "true", conf, [tok])
    t.eq(res.get("auth"), OK, "control")
    # Three descriptors for stdio and one for the log: no room for the
    # configuration file.
    for n in (3, 4):
        rc, res, log = limited(t, "ulimit -n %d" % n, conf, [tok])
        t.true(res.get("auth") not in (OK, IGNORE),
               "ulimit -n %d: auth %s (rc %d)" % (n, res.get("auth"), rc))
        t.true("allow user=" not in log, "ulimit -n %d: no allow" % n)
    # A little more room: whatever happens, no crash and no PAM_IGNORE.
    for n in (5, 6, 7):
        rc, res, log = limited(t, "ulimit -n %d" % n, conf, [tok])
        t.eq(rc, 0, "ulimit -n %d: pamdrive exit status" % n)
        t.true(res.get("auth") not in (None, IGNORE),
               "ulimit -n %d: auth %s" % (n, res.get("auth")))
    pconf = pw_conf(t, 1)
    rc, res, log = limited(t, "ulimit -n 4", pconf, ["pw-alice"])
    t.true(res.get("auth") not in (OK, IGNORE),
           "password, ulimit -n 4: %s" % res.get("auth"))
    for n in (5, 6, 7, 8):
        rc, res, log = limited(t, "ulimit -n %d" % n, pconf, ["pw-alice"])
        t.eq(rc, 0, "password, ulimit -n %d: exit status" % n)
        t.true(res.get("auth") not in (None, IGNORE),
               "password, ulimit -n %d: %s" % (n, res.get("auth")))


def test_ulimit_memory_and_stack(t):
    if asan(t):
        t.skip("AddressSanitizer reserves terabytes of address space")
    conf = hs_conf(t)
    tok = hs(t, v1("alice"))
    # Far too little to run a login: never a success, never PAM_IGNORE
    # (a process that cannot start or crashes is a failed login too).
    for lim in ("ulimit -v 4000", "ulimit -v 6000", "ulimit -s 8"):
        rc, res, log = limited(t, lim, conf, [tok])
        t.true(res.get("auth") not in (OK, IGNORE),
               "%s: %s (rc %d)" % (lim, res.get("auth"), rc))
        t.true("allow user=" not in log, "%s: no allow" % lim)
    # Around the limit where libcrypto just fits (about 8 MB on Debian
    # 12 amd64), allocations start to fail inside the login: a normal answer
    # (success only with the allow line), never PAM_IGNORE, no signal.
    for kb in range(7600, 8401, 25):
        rc, res, log = limited(t, "ulimit -v %d" % kb, conf, [tok])
        t.true(rc >= 0, "ulimit -v %d: killed by signal %d" % (kb, -rc))
        t.true(res.get("auth") != IGNORE, "ulimit -v %d: IGNORE" % kb)
        t.true((res.get("auth") == OK) == ("allow user=alice" in log),
               "ulimit -v %d: result %s matches the log" % (kb, res.get("auth")))
    for lim in ("ulimit -s 256", "ulimit -v 200000"):
        rc, res, log = limited(t, lim, conf, [tok])
        t.eq(rc, 0, "%s: exit status" % lim)
        t.eq(res.get("auth"), OK, "%s: enough to log in" % lim)
