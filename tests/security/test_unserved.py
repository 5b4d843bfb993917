# SPDX-License-Identifier: BSD-3-Clause
"""Nothing typed leaves the host for an account the module does not serve:
no local account, a uid below min_uid (root included), and sshd's stand-in
for what was typed ("\\b\\n\\r\\177INCORRECT" repeated or cut to the typed
length).  The prompt is the same as for everyone else; the answer comes
after local work only, with the exact code and reason, and the mock
receives no request at all."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secutil import AUTH, OK, UNKNOWN, hs, v1  # noqa: E402

JUNK = b"\b\n\r\177INCORRECT"


def stand_in(n):
    return (JUNK * (n // len(JUNK) + 1))[:n]


def api_conf(t, name="api.conf", version=1, **keys):
    m = t.env.mock
    key = "ko_testkey" if version == 1 else "ks_testkey"
    return t.conf(name=name, api_url=m.url(version), api_key=key,
                  ca_file=t.env.ca_file, timeout=5, **keys)


def nothing_sent(t, user, answer, conf, code, reason, what):
    m = t.env.mock
    m.clear()
    r = t.pam(user, [answer], conf, phases=("auth",))
    t.eq(r.auth, code, what)
    t.contains(r.log, "reason=" + reason, what + ": reason")
    t.eq(m.requests(), [], what + ": nothing reached AuthRocket")
    return r


def test_same_prompt_for_everyone(t):
    conf = api_conf(t)
    served = t.pam("alice", ["pw-alice"], conf, phases=("auth",))
    t.eq(served.auth, OK, "a served account logs in")
    for user in ("nosuchuser", "root", "lowuser"):
        r = t.pam(user, ["pw-" + user], conf, phases=("auth",))
        t.eq(r.prompts, served.prompts, "the prompt for " + user)
        t.eq(r.messages, served.messages, "messages for " + user)


def test_no_local_account(t):
    for version in (1, 2):
        c = api_conf(t, "v%d.conf" % version, version)
        nothing_sent(t, "nosuchuser", "pw-nosuchuser", c, UNKNOWN,
                     "no_local_user", "v%d: no local account" % version)
    # A token for an account that is not there is not looked at either.
    c = t.conf(name="tok.conf", jwt_key_file=t.env.keys["hs"])
    nothing_sent(t, "nosuchuser", hs(t, v1("alice")), c, UNKNOWN,
                 "no_local_user", "token for no local account")


def test_below_min_uid(t):
    c = api_conf(t)
    nothing_sent(t, "root", "rootpassword", c, AUTH, "uid_below_min",
                 "root's password")
    nothing_sent(t, "lowuser", "pw-lowuser", c, AUTH, "uid_below_min",
                 "uid 500")
    # min_uid = 0 serves root again: then its password is asked about.
    m = t.env.mock
    m.clear()
    r = t.pam("root", ["rootpassword"], api_conf(t, "r.conf", min_uid=0),
              phases=("auth",))
    t.true(r.auth != OK, "root with min_uid 0: %s" % r.auth)
    t.eq(len(m.requests()), 1, "root with min_uid 0 is served")
    # The account phase leaves unserved accounts to the stack.
    m.clear()
    r = t.pam("root", [], c, phases=("account",), args=("debug",),
              stack="account required @MODULE@\n"
                    "account required pam_permit.so\n")
    t.eq(r.account, OK, "account phase, root: the rest of the stack")
    t.contains(r.log, "root is below min_uid: nothing to check",
               "account phase, root: PAM_IGNORE")
    t.eq(m.requests(), [], "account phase, root: nothing asked")


def test_sshd_stand_in(t):
    for version in (1, 2):
        c = api_conf(t, "s%d.conf" % version, version)
        for n in (1, 4, 12, 13, 40, 255):
            nothing_sent(t, "alice", stand_in(n), c, AUTH, "sshd_stand_in",
                         "v%d: stand-in of %d bytes" % (version, n))
    # A password that merely contains the word is still a password.
    m = t.env.mock
    m.clear()
    r = t.pam("alice", ["INCORRECT"], api_conf(t), phases=("auth",))
    t.eq(r.auth, AUTH, "INCORRECT as a password")
    t.eq(len(m.requests()), 1, "INCORRECT is asked about")
    # Token mode: the stand-in is refused as such, not parsed.
    c = t.conf(name="tok.conf", jwt_key_file=t.env.keys["hs"])
    r = t.pam("alice", [stand_in(20)], c, phases=("auth",))
    t.eq(r.auth, AUTH, "token mode")
    t.contains(r.log, "reason=sshd_stand_in", "token mode: reason")
