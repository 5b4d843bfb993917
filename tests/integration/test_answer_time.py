# SPDX-License-Identifier: BSD-3-Clause
"""The clock is read when the answer arrives, through the real libpam: a
prompt may stand open for minutes (su has no timeout), and a token is
judged at the moment it was typed, not when the module started."""
import time

import tokens

OK, AUTH = "PAM_SUCCESS", "PAM_AUTH_ERR"
HOLD = 5            # seconds the driver waits before answering
SOON = 3            # a token time this far ahead of "now"


def conf(t):
    return t.conf(jwt_key_file=t.env.keys["hs"], realm_id="rl_test",
                  leeway=0)


def test_token_expiring_while_prompt_open(t):
    now = int(time.time())
    tok = t.mint("HS256", t.env.keys["hs"],
                 tokens.v1("alice", iat=now - 5, exp=None) |
                 {"exp": now + SOON})
    r = t.pam("alice", [tok], conf(t), answer_delays_ms=[HOLD * 1000])
    t.true(r.elapsed >= HOLD, "the prompt stood open %.1f s" % r.elapsed)
    t.eq(r.auth, AUTH, "auth")
    t.contains(r.log, "reason=expired", "deny reason")
    t.absent(r.log, "allow user=", "no allow")


def test_token_issued_after_prompt_appeared(t):
    now = int(time.time())
    tok = t.mint("HS256", t.env.keys["hs"],
                 tokens.v1("alice", iat=now + SOON))
    r = t.pam("alice", [tok], conf(t), answer_delays_ms=[HOLD * 1000])
    t.eq(r.auth, OK, "auth")
    t.absent(r.log, "issued_in_future", "not from the future")
    t.contains(r.log, "allow user=alice", "allow line")


def test_token_valid_at_answer_without_delay(t):
    """The control case: the same token answered at once is fine."""
    now = int(time.time())
    tok = t.mint("HS256", t.env.keys["hs"],
                 tokens.v1("alice", iat=now - 5, exp=None) |
                 {"exp": now + 60})
    t.eq(t.pam("alice", [tok], conf(t)).auth, OK, "auth")
