# SPDX-License-Identifier: BSD-3-Clause
"""Runs last (file order): no syslog line of the whole run holds a secret.
Covers every transaction of the security suite (recorded by secutil with
the answers given) and the last transaction of every other test whose
syslog capture is still in the run's temporary directory."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import secutil  # noqa: E402

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
FIXED = ["ko_testkey", "ks_testkey", "kli_", "tmf:"]


def secrets(t):
    out = set(FIXED)
    hs = t.env.keys["hs"].read_text().strip()
    out.add(hs)
    out.add(hs[4:20])       # any sizeable part of the secret
    for user in ("alice", "bob", "carol", "dave", "mallory", "erin",
                 "otheruser", "apibot", "mail"):
        out.add("pw-" + user)
    return out


def check_lines(t, lines, answers, where):
    bad = []
    words = set(secrets(t))
    for a in answers:
        if isinstance(a, bytes):
            a = a.decode("utf-8", "replace")
        # Every answer is a secret: password, code or token.  Short
        # answers ("x") would match anything; require some substance.
        if len(a) >= 6:
            words.add(a[:64])
    for line in lines:
        if JWT.search(line):
            bad.append(("jwt", line))
        for w in words:
            if w in line:
                bad.append((w[:12], line))
        if re.search(r"(?<![0-9])123456(?![0-9])", line):
            bad.append(("totp", line))
    t.eq(bad[:5], [], "secrets in the syslog of %s" % where)


def test_recorded_transactions(t):
    n = 0
    for name, answers, res in secutil.RECORD:
        check_lines(t, res.log, answers, name)
        n += 1
    if n == 0:
        t.skip("no transaction of the security suite ran before this one")


def test_leftover_syslog_captures(t):
    n = 0
    for root, _, files in os.walk(t.env.work):
        for f in files:
            if f.endswith(".txt") and "syslog" in f or f.endswith(".log") \
                    and f.startswith(("soak", "lim")):
                p = os.path.join(root, f)
                with open(p, errors="replace") as fh:
                    check_lines(t, fh.read().splitlines(), [], p)
                n += 1
    t.true(n > 0, "syslog captures found (%d)" % n)


def test_cache_stores_hold_no_secrets(t):
    # The outage stores (verifiers, account answers, outage markers) of
    # every test of the run: a verifier, never a password, key or token.
    n = 0
    words = secrets(t)
    for root, _, files in os.walk(t.env.work):
        for f in files:
            if not f.startswith(("cred-", "acct-", "outage-")):
                continue
            p = os.path.join(root, f)
            with open(p, errors="replace") as fh:
                text = fh.read()
            bad = [w[:12] for w in words if w in text]
            if JWT.search(text):
                bad.append("jwt")
            t.eq(bad, [], "secrets in %s" % p)
            n += 1
    if n == 0:
        t.skip("no outage store was written earlier in this run")
