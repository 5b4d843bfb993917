#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Latency of failed logins by kind, to see whether a caller can tell
known from unknown users by time.  Each login is one pamdrive process
(through real libpam, PAM_FAIL_DELAY recorded, not slept); prints
p50/p90/p99 in milliseconds per kind, the fail delay the module asked
for, and the messages shown.  usage: timing.py [--build DIR] [-n 200]"""
import argparse
import os
import pathlib
import statistics
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/lib"))
sys.path.insert(0, str(ROOT / "tests/soak"))
import artest  # noqa: E402
import soakfix  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


def kinds(t):
    env = t.env
    m = env.mock
    pw = t.conf(name="pw.conf", api_url=m.url(1), api_key="ko_testkey",
                realm_id="rl_test", ca_file=env.ca_file, mode="password",
                jwt_key_file=env.keys["hs"])
    tok = t.conf(name="tok.conf", jwt_key_file=env.keys["hs"],
                 realm_id="rl_test", mode="token")
    alice = soakfix.token(t, "alice")
    bad = alice[:-4] + ("AAAA" if not alice.endswith("AAAA") else "BBBB")
    return [
        ("password: known user, wrong password", "alice", ["wrong"], pw),
        ("password: unknown local user", "nosuchuser", ["wrong"], pw),
        ("password: local user unknown to AuthRocket", "erin", ["wrong"],
         pw),
        ("token: known user, bad signature", "alice", [bad], tok),
        ("token: unknown local user, valid token", "nosuchuser", [alice],
         tok),
        ("token: known user, another user's token", "bob", [alice], tok),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("B", "build"))
    ap.add_argument("-n", type=int, default=200)
    a = ap.parse_args()
    env = artest.Env(a.build)
    t = artest.T(env, "timing")
    try:
        print("%-46s %6s %8s %8s %8s  %-22s %s" % (
            "kind", "n", "p50 ms", "p90 ms", "p99 ms", "auth", "delay_us"))
        for name, user, answers, conf in kinds(t):
            times, codes, delays, shown = [], set(), set(), set()
            for _ in range(a.n):
                r = t.pam(user, answers, conf, phases=("auth",))
                times.append(r.elapsed * 1000)
                codes.add(r.auth)
                delays.add(r.delay)
                shown.add((tuple(r.prompts), tuple(r.messages)))
            print("%-46s %6d %8.1f %8.1f %8.1f  %-22s %s" % (
                name, len(times), pct(times, 50), pct(times, 90),
                pct(times, 99), ",".join(sorted(codes)),
                ",".join(str(d) for d in sorted(delays, key=str))))
            print("%-46s shown: %r  mean %.1f sd %.1f" % (
                "", sorted(shown), statistics.mean(times),
                statistics.pstdev(times)))
    finally:
        env.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
