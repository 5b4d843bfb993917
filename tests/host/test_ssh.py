# SPDX-License-Identifier: BSD-3-Clause
"""pam_authrocket under the real OpenSSH server: password and
keyboard-interactive logins with tokens, password + TOTP against the mock,
refusals, and the account phase after public-key logins."""
import os
import pwd
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

ALICE, BOB, CAROL, DAVE = (hostlib.LOCAL[u] for u in
                           ("alice", "bob", "carol", "dave"))
AUTH = "pam_authrocket(%s:auth): " % hostlib.SSHD_SERVICE
ACCOUNT = "pam_authrocket(%s:account): " % hostlib.SSHD_SERVICE


def setup(t, tools=("sshd", "ssh", "ssh-keygen")):
    h = hostlib.host(t)
    h.need(t, *tools)
    return h


def test_ssh_password_hs256_token(t):
    h = setup(t, ("sshd", "ssh", "sshpass"))
    conf = h.conf(t)
    tok = h.token(t, "alice")
    with h.sshd(t, conf) as s:
        mark = h.log_mark()
        r = s.ssh(ALICE, "password", secret=tok)
        s.allowed(t, r, ALICE)
        h.expect_log(t, mark, ACCOUNT + "allow user=%s" % ALICE,
                     "rhost=127.0.0.1", "method=token", "ar_user=usr_alice")
        h.expect_log(t, mark, ACCOUNT + "allow user=%s" % ALICE)


def test_ssh_kbdint_rs256_token(t):
    h = setup(t)
    conf = h.conf(t, jwt_key_file=t.env.keys["rsa_pub"], mode="token")
    tok = h.token(t, "alice", alg="RS256")
    t.true(600 < len(tok) < 1023, "an RS256 token of %d characters fits "
           "the ssh client" % len(tok))
    with h.sshd(t, conf) as s:
        mark = h.log_mark()
        r = s.ssh(ALICE, "kbdint", answers=[("AuthRocket token", tok)])
        s.allowed(t, r, ALICE)
        t.eq(len(r.prompts), 1, "prompts %r" % r.prompts)
        t.contains(r.prompts[0], "AuthRocket token: ", "the module's prompt")
        h.expect_log(t, mark, ACCOUNT + "allow user=%s" % ALICE, "method=token")


def test_ssh_kbdint_password_and_totp(t):
    h = setup(t)
    conf = h.conf(t, api=1)
    t.env.mock.clear()
    with h.sshd(t, conf) as s:
        mark = h.log_mark()
        r = s.ssh(CAROL, "kbdint", answers=[("password", "pw-carol"),
                                            ("Verification code", "123456")])
        s.allowed(t, r, CAROL)
        t.eq(len(r.prompts), 2, "two prompts %r" % r.prompts)
        t.contains(r.prompts[0], "AuthRocket password", "first prompt")
        t.contains(r.prompts[1], "Verification code: ", "second prompt")
        paths = [(q["method"], q["path"]) for q in t.env.mock.requests()]
        t.eq(paths[:2], [("POST", "/v1/users/carol/authenticate"),
                         ("POST", "/v1/users/carol/authenticate_code")],
             "requests to AuthRocket")
        h.expect_log(t, mark, ACCOUNT + "allow user=%s" % CAROL,
                     "method=password", "ar_user=usr_carol")


def test_ssh_kbdint_wrong_totp_code_denied(t):
    h = setup(t)
    conf = h.conf(t, api=1)
    with h.sshd(t, conf) as s:
        mark = h.log_mark()
        r = s.ssh(CAROL, "kbdint", answers=[("password", "pw-carol"),
                                            ("Verification code", "000000")])
        s.denied(t, r)
        h.expect_log(t, mark, AUTH + "deny user=%s" % CAROL,
                     "reason=bad_code", absent=[AUTH + "allow"])


def test_ssh_other_users_token_denied(t):
    h = setup(t, ("sshd", "ssh", "sshpass"))
    conf = h.conf(t)
    tok = h.token(t, "bob")
    with h.sshd(t, conf) as s:
        mark = h.log_mark()
        r = s.ssh(ALICE, "password", secret=tok)
        s.denied(t, r)
        h.expect_log(t, mark, AUTH + "deny user=%s" % ALICE,
                     "method=token", "reason=wrong_user",
                     absent=[AUTH + "allow"])
        # The same token still opens bob's own account: the refusal above
        # came from the mapping, not from a broken setup.
        r = s.ssh(BOB, "password", secret=tok)
        s.allowed(t, r, BOB)


def test_ssh_expired_token_denied(t):
    h = setup(t, ("sshd", "ssh", "sshpass"))
    conf = h.conf(t)
    now = int(time.time())
    tok = h.token(t, "alice", exp=-3600, iat=now - 7200)
    with h.sshd(t, conf) as s:
        mark = h.log_mark()
        r = s.ssh(ALICE, "password", secret=tok)
        s.denied(t, r)
        h.expect_log(t, mark, AUTH + "deny user=%s" % ALICE,
                     "reason=expired", absent=[AUTH + "allow"])


def test_ssh_nonexistent_local_user_denied(t):
    h = setup(t, ("sshd", "ssh", "sshpass"))
    ghost = hostlib.PREFIX + "nobody"
    try:
        pwd.getpwnam(ghost)
        t.skip("%s exists on this machine" % ghost)
    except KeyError:
        pass
    # The token is valid and maps to exactly this name, so only the missing
    # local account stands in the way.  sshd replaces the password of an
    # unknown user with junk before PAM sees it, so the module refuses that
    # junk (its reason is about the input, not "no_local_user", which only
    # the pamdrive integration tests can reach).
    mp = t.write("ghost.map", "username:alice %s\n" % ghost, 0o600)
    conf = h.conf(t, user_map_file=mp)
    tok = h.token(t, "alice")
    with h.sshd(t, conf) as s:
        mark = h.log_mark()
        r = s.ssh(ghost, "password", secret=tok)
        s.denied(t, r)
        s.log_has(t, "Invalid user %s" % ghost)
        h.expect_log(t, mark, AUTH + "deny user=%s" % ghost,
                     absent=[AUTH + "allow"])


def test_ssh_publickey_inactive_user_denied_by_account(t):
    h = setup(t)
    conf = h.conf(t, api=1)
    t.env.mock.clear()
    with h.sshd(t, conf) as s:
        mark = h.log_mark()
        r = s.ssh(DAVE, "publickey")
        s.denied(t, r)
        s.log_has(t, "Access denied for user %s by PAM account "
                  "configuration" % DAVE)
        paths = [(q["method"], q["path"]) for q in t.env.mock.requests()]
        t.true(("GET", "/v1/users/dave") in paths, "user lookup: %r" % paths)
        h.expect_log(t, mark, ACCOUNT + "deny user=%s" % DAVE,
                     "method=api", "reason=inactive",
                     absent=[ACCOUNT + "allow"])


def test_ssh_publickey_active_user_allowed_by_account(t):
    h = setup(t)
    conf = h.conf(t, api=1)
    t.env.mock.clear()
    with h.sshd(t, conf) as s:
        mark = h.log_mark()
        r = s.ssh(ALICE, "publickey")
        s.allowed(t, r, ALICE)
        paths = [(q["method"], q["path"]) for q in t.env.mock.requests()]
        t.true(("GET", "/v1/users/alice") in paths, "user lookup: %r" % paths)
        h.expect_log(t, mark, ACCOUNT + "allow user=%s" % ALICE,
                     "method=api", "ar_user=usr_alice")


def test_ssh_publickey_v2_permission_required(t):
    h = setup(t)
    # AuthRocket 2 API; alice holds "ssh" in org_ops, bob holds nothing.
    conf = h.conf(t, api=2, require_permission="ssh")
    with h.sshd(t, conf) as s:
        mark = h.log_mark()
        r = s.ssh(ALICE, "publickey")
        s.allowed(t, r, ALICE)
        r = s.ssh(BOB, "publickey")
        s.denied(t, r)
        s.log_has(t, "Access denied for user %s by PAM account "
                  "configuration" % BOB)
        h.expect_log(t, mark, ACCOUNT + "allow user=%s" % ALICE)
        h.expect_log(t, mark, ACCOUNT + "deny user=%s" % BOB,
                     "reason=no_permission")
