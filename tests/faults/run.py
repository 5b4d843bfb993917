#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Failure injection through real libpam: for each scenario, run pamdrive
once cleanly under failinj.so to count the calls the module's entry points
make (malloc, calloc, realloc, strdup, open, openat, read, fstat,
socketpair, fork, clone3, pipe, getpwnam_r, poll, send, recv, write), then once per call N
with the N'th call failing.  Asserts for every N:
  - pamdrive exits normally (no crash, no abort, no sanitizer report);
  - a phase whose clean result is not PAM_SUCCESS never becomes
    PAM_SUCCESS, and never PAM_IGNORE unless it was PAM_IGNORE already
    (fail closed);
  - the auth phase never returns PAM_IGNORE;
  - a phase that succeeded cleanly either still succeeds (the failure was
    tolerated: reported with the failed call's caller) or fails with an
    error code.
With --leaks K, K of the N values of each scenario (evenly spread) run
with LeakSanitizer (liblsan, preloaded after failinj.so so that the
injected failures still happen) and must leak nothing: every error path
taken after a failed call frees what it allocated.  (valgrind cannot be
used here: its allocator replaces failinj's.)
Prints "faults: N passed, N failed, N skipped" (one pass per N and
scenario; a run whose failure hit nss_wrapper, the test's stand-in for the
passwd database, while it initialised is skipped)."""
import argparse
import collections
import os
import pathlib
import re
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/lib"))
sys.path.insert(0, str(ROOT / "tests/integration"))
import artest  # noqa: E402
import tokens  # noqa: E402

OK, IGNORE = "PAM_SUCCESS", "PAM_IGNORE"
LSAN = "/usr/lib/x86_64-linux-gnu/liblsan.so.0"


class Scenario:
    def __init__(self, name, user, answers, conf, phases=("auth", "account")):
        self.name, self.user, self.answers = name, user, answers
        self.conf, self.phases = conf, phases


def scenarios(t, which):
    env = t.env
    hs = env.keys["hs"]
    out = []
    tconf = t.conf(name="token.conf", jwt_key_file=hs, realm_id="rl_test",
                   require_permission="ssh")
    good = t.mint("HS256", hs, tokens.v1("alice"))
    other = t.mint("HS256", hs, tokens.v1("bob"))
    out.append(Scenario("token-ok", "alice", [good], tconf))
    out.append(Scenario("token-wrong-user", "alice", [other], tconf))
    if which == "token":
        return out
    m = env.mock
    # An injected failure that makes a request wait out its deadline looks
    # like an outage; these scenarios are about other things and must
    # not inherit a window from an earlier run.
    pconf = t.conf(name="pw.conf", api_url=m.url(1), api_key="ko_testkey",
                   ca_file=env.ca_file, jwt_key_file=hs, realm_id="rl_test",
                   mode="password", offline_timeout=0,
                   account_cache_timeout=0)
    out.append(Scenario("password-ok", "alice", ["pw-alice"], pconf))
    out.append(Scenario("password-bad", "alice", ["wrong"], pconf))
    out.append(Scenario("password-totp", "carol", ["pw-carol", "123456"],
                        pconf))
    aconf = t.conf(name="acct.conf", api_url=m.url(2), api_key="ks_testkey",
                   ca_file=env.ca_file, require_permission="ssh",
                   offline_timeout=0, account_cache_timeout=0)
    out.append(Scenario("account-ok", "alice", [], aconf, ("account",)))
    out.append(Scenario("account-inactive", "dave", [], aconf, ("account",)))
    out += outage_scenarios(t, m, hs)
    return out


def outage_scenarios(t, m, hs):
    """The outage stores: writing a verifier and an account entry after an
    online login, and logins checked against the verifier inside an
    outage window (a marker that stays open for the whole run)."""
    env = t.env
    out = []
    keys = dict(api_url=m.url(1), api_key="ko_testkey", ca_file=env.ca_file,
                jwt_key_file=hs, realm_id="rl_test", mode="password",
                cache_credentials=True, account_cache_timeout=300,
                offline_failed_login_attempts=1000)
    os.mkdir(t.tmp / "cached-cache", 0o700)
    cconf = t.conf(name="cached.conf", cache_dir=str(t.tmp / "cached-cache"),
                   **keys)
    out.append(Scenario("password-cached", "alice", ["pw-alice"], cconf))
    oconf = t.conf(name="offline.conf",
                   cache_dir=str(t.tmp / "offline-cache"), **keys)
    os.mkdir(t.tmp / "offline-cache", 0o700)
    r = t.pam("alice", ["pw-alice"], oconf)
    if r.auth != OK:
        raise RuntimeError("online login for the offline scenarios: %r" % r)
    now = int(time.time())
    marker = t.tmp / "offline-cache" / ("outage-" + artest.cache_tag(m.url(1)))
    marker.write_text("%d %d server_error\n" % (now, now + 3000))
    os.chmod(marker, 0o600)
    out.append(Scenario("offline-ok", "alice", ["pw-alice"], oconf))
    out.append(Scenario("offline-bad", "alice", ["wrong"], oconf,
                        ("auth",)))
    out.append(Scenario("account-cached", "alice", [], cconf, ("account",)))
    return out


def module_leaks(stderr):
    """LeakSanitizer reports whose allocation stack passes through the
    module (its own code or a library call it made).  Leaks left by
    OpenSSL's lazy global set-up (algorithm fetching, the name table),
    whose allocation failed half-way, are OpenSSL's own and counted
    apart: the module never holds those pointers."""
    mine, theirs = [], 0
    for block in stderr.split("\n\n"):
        if "leak of" not in block:
            continue
        if re.search(r"_fetch |OBJ_NAME_do_all|OPENSSL_init|"
                     r"CRYPTO_THREAD_run_once|ossl_", block):
            theirs += 1
        elif re.search(r"pam_authrocket\.so|/src/(?:[a-z]+/)?[a-z_]+\.c|"
                       r"pam_authrocket\.c", block):
            mine.append(block.strip())
        else:
            theirs += 1
    return mine, theirs


def parse(stdout):
    res = {}
    for line in stdout.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            if k in ("auth", "account", "setcred", "start"):
                res[k] = v
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("B", "build"))
    ap.add_argument("--paths", default="all", choices=("all", "token"))
    ap.add_argument("--funcs", default="")
    ap.add_argument("--only", dest="only_objs", default="",
                    help="count only calls made from these objects "
                    "(e.g. pam_authrocket.so)")
    ap.add_argument("--quick", action="store_true",
                    help="the subset for make check: token paths and one "
                    "password login, calls made by the module itself")
    ap.add_argument("--step", type=int, default=1, help="test every STEP'th N")
    ap.add_argument("--leaks", type=int, default=0,
                    help="run K of the N values of each scenario (evenly "
                    "spread) with LeakSanitizer preloaded")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--scenario", dest="only", default="",
                    help="scenario name")
    ap.add_argument("--n", type=int, default=0, help="only this N")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.only_objs = a.only_objs or "pam_authrocket.so"
        a.leaks = a.leaks or 1000000    # every N under LeakSanitizer
    env = artest.Env(a.build)
    build = env.build
    shim = build / "faults/failinj.so"
    wrap = build / "faults/pam_faultwrap.so"
    module = build / "pam_authrocket.so"
    passed = failed = skipped = 0
    t = artest.T(env, "faults")
    try:
        ldd = subprocess.run(["ldd", str(build / "tools/pamdrive")],
                             capture_output=True, text=True).stdout
        if "libasan" in ldd:
            # ASan's allocator and failinj's malloc cannot both own the
            # heap; the plain build covers this.
            print("SKIP faults: pamdrive is built with AddressSanitizer")
            print("faults: 0 passed, 0 failed, 1 skipped")
            return 0
        if env.nss_wrapper is None:
            print("SKIP faults: libnss-wrapper is not installed")
            print("faults: 0 passed, 0 failed, 1 skipped")
            return 0
        for sc in scenarios(t, a.paths):
            if a.only and sc.name != a.only:
                continue
            if a.quick and sc.name not in ("token-ok", "token-wrong-user",
                                           "password-ok", "password-bad",
                                           "password-cached", "offline-ok"):
                continue
            d = t.tmp / sc.name
            d.mkdir()
            stack = ("auth required %s %s config=%s\n"
                     "account required %s %s config=%s\n"
                     % (wrap, module, sc.conf, wrap, module, sc.conf))
            (d / "pam.d").mkdir()
            (d / "pam.d" / "faults").write_text(stack)
            report = d / "report.txt"
            inp = "".join(x + "\n" for x in sc.answers).encode()

            def run(n, leaks=False):
                if report.exists():
                    report.unlink()
                e = env.pam_env()
                e["LD_PRELOAD"] = e["LD_PRELOAD"] + " " + str(shim)
                if leaks:
                    e["LD_PRELOAD"] += " " + LSAN
                    e["LSAN_OPTIONS"] = ("exitcode=23:fast_unwind_on_malloc=0:"
                                           "malloc_context_size=40")
                e["FAILINJ_N"] = str(n)
                e["FAILINJ_REPORT"] = str(report)
                if a.funcs:
                    e["FAILINJ_FUNCS"] = a.funcs
                if a.only_objs:
                    e["FAILINJ_ONLY"] = a.only_objs
                argv = [str(build / "tools/pamdrive"), "--service", "faults",
                        "--confdir", str(d / "pam.d"), "--user", sc.user,
                        "--phases", ",".join(sc.phases),
                        "--log", str(d / "syslog.txt")]
                try:
                    p = subprocess.run(argv, input=inp, capture_output=True,
                                       env=e, timeout=a.timeout)
                except subprocess.TimeoutExpired as ex:
                    p = subprocess.CompletedProcess(
                        argv, -999, ex.stdout or b"",
                        (ex.stderr or b"") + b" (timed out: hang)")
                rep = report.read_text().splitlines() if report.exists() else []
                return p, parse(p.stdout.decode(errors="replace")), rep

            t0 = time.monotonic()
            p, clean, rep = run(0)
            total = 0
            for line in rep:
                for w in line.split():
                    if w.startswith("calls="):
                        total = max(total, int(w[6:]))
            if p.returncode != 0 or any(clean.get(ph) is None
                                        for ph in sc.phases):
                failed += 1
                print("FAIL faults::%s: clean run: rc=%d %r %s" % (
                    sc.name, p.returncode, clean,
                    p.stderr.decode(errors="replace")[-500:]))
                continue
            tolerated = collections.Counter()
            lib_leaks = 0
            errs = collections.Counter()
            bad = 0
            vg_set = set()
            if a.leaks > 0 and total > 0 and os.path.exists(LSAN):
                k = min(a.leaks, total)
                vg_set = {1 + (i * (total - 1)) // max(1, k - 1)
                          for i in range(k)}
            ns = [a.n] if a.n else sorted(set(range(1, total + 1, a.step)) |
                                          vg_set)
            for n in ns:
                vg = n in vg_set
                p, res, rep = run(n, vg)
                fired = [l for l in rep if "fired=-" not in l]
                if b"NWRAP_ERROR" in p.stderr:
                    # The failure hit the test's passwd stand-in while it
                    # set itself up: not the module's path.
                    skipped += 1
                    continue
                why = []
                if vg and p.returncode == 23:
                    mine, theirs = module_leaks(
                        p.stderr.decode(errors="replace"))
                    lib_leaks += theirs
                    if mine:
                        why.append("leak: " + "\n".join(mine)[:3000])
                    p = subprocess.CompletedProcess(p.args, 0, p.stdout,
                                                    p.stderr)
                if p.returncode != 0:
                    why.append("exit %d: %s" % (
                        p.returncode, p.stderr.decode(errors="replace")[-800:]))
                fired_ph = None
                if fired:
                    fired_ph = {"pam_sm_authenticate": "auth",
                                "pam_sm_acct_mgmt": "account",
                                "pam_sm_setcred": "setcred"}.get(
                                    fired[0].split()[0])
                for ph in sc.phases:
                    got, want = res.get(ph), clean[ph]
                    if got is None:
                        continue        # an earlier phase did not finish
                    if want != OK and got == OK:
                        why.append("%s became PAM_SUCCESS" % ph)
                    if got == IGNORE and want != IGNORE:
                        why.append("%s became PAM_IGNORE" % ph)
                    if ph == "auth" and got == IGNORE:
                        why.append("auth returned PAM_IGNORE")
                    if ph == fired_ph and want == OK and got == OK:
                        caller = fired[0].split("caller=")[-1]
                        func = fired[0].split("fired=")[1].split()[0]
                        tolerated["%s %s %s" % (ph, func, caller)] += 1
                    elif got != want:
                        errs[got] += 1
                if a.v and vg:
                    print("  lsan N=%d: exit %d, %s" % (
                        n, p.returncode, fired[0] if fired else "not fired"))
                if why:
                    bad += 1
                    failed += 1
                    print("FAIL faults::%s N=%d%s (%s): %s" % (
                        sc.name, n, " lsan" if vg else "",
                        fired[0] if fired else "not fired", "; ".join(why)))
                else:
                    passed += 1
            print("faults::%s: %d calls, clean %s, %d injected runs (%d "
                  "with LeakSanitizer) in %.0fs, %d bad; error codes %s" % (
                      sc.name, total, "/".join(clean[ph] for ph in sc.phases),
                      len(ns), len(vg_set & set(ns)),
                      time.monotonic() - t0, bad, dict(errs)))
            if lib_leaks:
                print("  %d leak reports wholly inside a library's own code "
                      "after its allocation failed (not the module's)"
                      % lib_leaks)
            if tolerated and a.v:
                for k, v in sorted(tolerated.items()):
                    print("  tolerated: %s x%d" % (k, v))
            elif tolerated:
                print("  tolerated (still PAM_SUCCESS): %d runs, callers: %s"
                      % (sum(tolerated.values()), ", ".join(sorted(
                          {k.split()[2].split(":")[0] for k in tolerated}))))
    finally:
        env.close()
    print("faults: %d passed, %d failed, %d skipped" % (passed, failed,
                                                      skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
