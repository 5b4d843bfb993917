# SPDX-License-Identifier: BSD-3-Clause
"""Guest manners: a host process (tests/soak/soak.c) with SIGCHLD ignored,
SIGPIPE at its default and an alarm handler runs token and password
transactions (including a server that hangs, one that sends an endless
reply, and a second factor) and must find its signal dispositions and
mask, descriptors, children, alarm and thread count exactly as before."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "soak"))
import secutil  # noqa: E402,F401  (records transactions)
import soakfix  # noqa: E402


def test_host_state_unchanged(t):
    if t.env.nss_wrapper is None:
        t.skip("libnss-wrapper is not installed")
    d = soakfix.services(t, timeout=2)
    plan = soakfix.plan(t, "manners.plan", soakfix.manners_rows(t))
    # SIGCHLD at its default: a child left behind would be a zombie.
    p = soakfix.run(t, plan, d, "manners-chld", timeout=120)
    t.eq(p.returncode, 0, "SIGCHLD default: %s%s" % (p.stdout[-3000:],
                                                     p.stderr[-1000:]))
    t.absent(p.stdout, "FAIL", "SIGCHLD default: every check")
    # SIGCHLD ignored: the module must still reap (and not hang on) its
    # helper.
    p = soakfix.run(t, plan, d, "manners", timeout=120)
    t.eq(p.returncode, 0, "driver exit status (a signal kills it): %s%s"
         % (p.stdout[-3000:], p.stderr[-1000:]))
    t.contains(p.stdout, "soak: ", "closing line")
    t.absent(p.stdout, "FAIL", "every check")
    # Nothing the module logged may carry a secret either.
    log = (t.tmp / "soak-manners.log").read_text(errors="replace")
    for secret in ("pw-alice", "pw-carol", "123456", "ko_testkey",
                   "ks_testkey", "eyJ"):
        t.true(secret not in log, "%s in the log" % secret)


def test_threads_no_crosstalk(t):
    if t.env.nss_wrapper is None:
        t.skip("libnss-wrapper is not installed")
    d = soakfix.services(t)
    p = soakfix.run(t, soakfix.plan(t, "threads.plan",
                                    soakfix.thread_rows(t)), d, "threads",
                    extra=("--threads", 8, "--count", 3), timeout=300)
    t.eq(p.returncode, 0, "driver: %s%s" % (p.stdout[-3000:],
                                            p.stderr[-1000:]))
    t.absent(p.stdout, "FAIL", "every transaction as planned")
    t.contains(p.stdout, "soak: 27 passed, 0 failed", "count")
