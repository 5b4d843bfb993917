# SPDX-License-Identifier: BSD-3-Clause
"""Attack catalogue: hostile or broken AuthRocket replies in password mode.
The mock's special user names choose the reply (tests/mock/armock.py)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secutil import (  # noqa: E402
    AUTH, OK, UNAVAIL, UNKNOWN, expect, phase_log, pw_conf)


def test_reply_about_another_user(t):
    for v in (1, 2):
        conf = pw_conf(t, v, jwt_key_file=t.env.keys["hs"]) if v == 1 else \
            pw_conf(t, v)
        r = t.pam("otheruser", ["pw-otheruser"], conf)
        t.true(r.auth in (AUTH, UNAVAIL), "v%d otheruser: %s" % (v, r.auth))
        t.absent(phase_log(r), "allow user=", "v%d" % v)


def test_unavailable_replies(t):
    for v in (1, 2):
        # Each reply judged on its own: no outage window between them.
        conf = pw_conf(t, v, offline_timeout=0)
        for name, reason in (("badjson", "bad_json"), ("html", None),
                             ("deep", None), ("huge", None),
                             ("redirect-http", "redirect"),
                             ("redirect-self", "redirect"),
                             ("status429", "rate_limited"),
                             ("status500", "server_error"),
                             ("status402", None), ("status403", None)):
            t0 = time.monotonic()
            r = t.pam(name, ["pw-" + name], conf)
            expect(t, r, UNAVAIL, "v%d %s" % (v, name), reason)
            t.true(time.monotonic() - t0 < 10, "v%d %s in time" % (v, name))


def test_hang_times_out(t):
    conf = pw_conf(t, 1, timeout=2)
    t0 = time.monotonic()
    r = t.pam("hang", ["pw-hang"], conf)
    el = time.monotonic() - t0
    expect(t, r, UNAVAIL, "hang")
    t.true(el < 6, "deadline kept: %.1fs" % el)


def test_escape_sequences_from_server(t):
    for v in (1, 2):
        r = t.pam("escape", ["pw-escape"], pw_conf(t, v))
        t.true(r.auth in (AUTH, UNAVAIL), "v%d escape: %s" % (v, r.auth))
        for line in r.log:
            t.true("\x1b" not in line and "\n" not in line and
                   "\r" not in line, "escaped log line %r" % line)
            t.true(not line.startswith("injected"), "no injected line")
        for msg in r.messages:
            t.true("\x1b" not in msg, "escaped message %r" % msg)
        t.eq(sum(1 for l in r.log if "allow user=root" in l and
                 "\\x" not in l), 0, "v%d injected allow line" % v)


def test_inactive_and_non_human(t):
    for v in (1, 2):
        conf = pw_conf(t, v)
        expect(t, t.pam("dave", ["pw-dave"], conf), AUTH, "v%d inactive" % v,
               "inactive")
    expect(t, t.pam("apibot", ["pw-apibot"], pw_conf(t, 1)), AUTH,
           "api user", "not_human")


def test_unknown_and_wrong(t):
    conf = pw_conf(t, 1)
    expect(t, t.pam("alice", ["wrong"], conf), AUTH, "wrong password",
           "auth_failed")
    expect(t, t.pam("erin", ["pw-erin"], conf), UNKNOWN,
           "unknown to AuthRocket", "unknown_user")
    t.eq(t.pam("alice", ["pw-alice"], conf).auth, OK, "control")


def test_token_never_sent_to_api(t):
    m = t.env.mock
    conf = pw_conf(t, 1)
    tok = t.mint("HS256", t.env.keys["hs"], {"uid": "usr_alice"})
    m.clear()
    expect(t, t.pam("alice", [tok], conf), AUTH, "token in password mode",
           "token_in_password_mode")
    sent = [q for q in m.requests() if tok in q.get("body", "") or
            tok[:40] in q.get("path", "") or "authenticate" in q["path"]]
    t.eq(sent, [], "the token went nowhere")


def test_second_code_prompt_bounded(t):
    # carol needs a code; a wrong code ends the transaction, no retry loop.
    conf = pw_conf(t, 1)
    r = t.pam("carol", ["pw-carol", "000000", "123456", "123456"], conf)
    expect(t, r, AUTH, "wrong code", "bad_code")
    t.eq(len(r.prompts), 2, "exactly two prompts")
    r = t.pam("carol", ["pw-carol", "123456"], conf)
    t.eq(r.auth, OK, "right code")
    t.eq(len(r.prompts), 2, "two prompts")
