# SPDX-License-Identifier: BSD-3-Clause
"""User enumeration: whatever is wrong (password, local account, the
AuthRocket user, the token's owner), the person at the prompt sees the
same prompts and messages, and the module asks for the same fail delay.
Latency figures: tests/soak/timing.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secutil import hs, hs_conf, pw_conf, v1  # noqa: E402


def same_view(t, results, what):
    base = results[0][1]
    for name, r in results[1:]:
        t.eq(r.prompts, base.prompts, "%s: prompts of %s" % (what, name))
        t.eq(r.messages, base.messages, "%s: messages of %s" % (what, name))
    # libpam randomises the 2 s the module asks for (by up to half).
    for name, r in results:
        t.true(r.delay is not None and 1000000 <= r.delay <= 3000000,
               "%s: fail delay of %s: %r" % (what, name, r.delay))


def test_password_mode_failures_look_alike(t):
    for v in (1, 2):
        conf = pw_conf(t, v)
        res = [(name, t.pam(user, answers, conf, phases=("auth",)))
               for name, user, answers in (
                   ("wrong password", "alice", ["wrong"]),
                   ("unknown local user", "nosuchuser", ["wrong"]),
                   ("unknown to AuthRocket", "erin", ["wrong"]),
                   # With the right password dave has proven who he
                   # is and is told why he is refused (test_messages).
                   ("inactive, wrong password", "dave", ["wrong"]),
                   ("unavailable", "status500", ["x"]))]
        for name, r in res:
            t.true(r.auth != "PAM_SUCCESS", "v%d %s fails" % (v, name))
        same_view(t, res, "v%d" % v)


def test_token_mode_failures_look_alike(t):
    conf = hs_conf(t, mode="token")
    alice = hs(t, v1("alice"))
    bad = alice[:-4] + ("AAAA" if not alice.endswith("AAAA") else "BBBB")
    res = [(name, t.pam(user, answers, conf, phases=("auth",)))
           for name, user, answers in (
               ("bad signature", "alice", [bad]),
               ("unknown local user", "nosuchuser", [alice]),
               ("another user's token", "bob", [alice]),
               ("expired", "alice", [hs(t, v1("alice", exp=1))]),
               ("garbage", "alice", ["not a token"]))]
    for name, r in res:
        t.true(r.auth != "PAM_SUCCESS", "%s fails" % name)
    same_view(t, res, "token")
