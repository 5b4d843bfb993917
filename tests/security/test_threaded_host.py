# SPDX-License-Identifier: BSD-3-Clause
"""A threaded host that cares about SIGCHLD: 16 threads run 4 password
logins each through real libpam (tests/soak/soak.c), once while the host
reaps every ended child itself with waitpid(-1, WNOHANG) from its SIGCHLD
handler and once while it ignores SIGCHLD (the kernel reaps).  Every login
must get its own exact result, the host's SIGCHLD setting must be the same
afterwards, and the host's handler must never have reaped a child of the
module's."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "soak"))
import soakfix  # noqa: E402
from soakfix import OK, AUTH, UNKNOWN  # noqa: E402

THREADS, EACH = 16, 4


def rows():
    """Eight password cases; thread i runs case i % 8."""
    return [
        ("pw", "alice", OK, OK, "pw-alice"),
        ("pw", "bob", OK, OK, "pw-bob"),
        ("pw", "carol", OK, OK, "pw-carol", "123456"),
        ("pw2", "mallory", OK, OK, "pw-mallory"),
        ("pw", "dave", AUTH, "-", "pw-dave"),
        ("pw", "alice", AUTH, "-", "wrong"),
        ("pw2", "bob", OK, OK, "pw-bob"),
        ("pw", "erin", UNKNOWN, "-", "pw-erin"),
    ]


def run(t, chld):
    if t.env.nss_wrapper is None:
        t.skip("libnss-wrapper is not installed")
    # Generous network timeout: 16 logins at once on a busy machine.
    d = soakfix.services(t, timeout=30)
    plan = soakfix.plan(t, "threads-%s.plan" % chld, rows())
    p = soakfix.run(t, plan, d, "threads", timeout=600,
                    extra=("--threads", THREADS, "--count", EACH,
                           "--chld", chld))
    out = p.stdout + p.stderr
    t.eq(p.returncode, 0, "driver (%s): %s" % (chld, out[-3000:]))
    t.absent(p.stdout, "FAIL", "every login as planned (%s)" % chld)
    for i in range(THREADS):
        t.contains(p.stdout, "thread=%d case=" % i, "thread %d ran" % i)
        t.true("ok=%d of %d" % (EACH, EACH) in
               [l.split(" ", 2)[2] for l in p.stdout.splitlines()
                if l.startswith("thread=%d " % i)][0],
               "thread %d: every login exact (%s)" % (i, chld))
    t.contains(p.stdout, "host_reaped=0", "the host never reaped ours")
    # 64 logins, the disposition, the host's reaping, no child left.
    t.contains(p.stdout, "soak: %d passed, 0 failed" % (THREADS * EACH + 3),
               "count (%s)" % chld)


def test_host_reaps_children_itself(t):
    run(t, "handler")


def test_host_ignores_sigchld(t):
    run(t, "ignore")
