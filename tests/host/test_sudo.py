# SPDX-License-Identifier: BSD-3-Clause
"""pam_authrocket under the real sudo: /etc/pam.d/sudo is replaced for each
test and restored byte for byte; the throwaway accounts get ALL=(ALL) ALL
through a temporary sudoers drop-in."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

ALICE, DAVE = hostlib.LOCAL["alice"], hostlib.LOCAL["dave"]
AUTH = "pam_authrocket(sudo:auth): "
ACCOUNT = "pam_authrocket(sudo:account): "


def setup(t):
    h = hostlib.host(t)
    h.need(t, "sudo", "visudo", "runuser")
    return h


def cold(h, user):
    """Forget the user's sudo timestamp so the next sudo must authenticate."""
    r = h.run([hostlib.which("runuser"), "-u", user, "--",
               hostlib.which("sudo"), "-K"])
    if r.returncode != 0:
        raise hostlib.artest.Failure("sudo -K: %s" % r.stderr)


def sudo_ok(t, r, what):
    t.eq(r.returncode, 0, "%s: sudo exit status (stderr %r)" % (what,
                                                                 r.stderr))
    t.eq(r.stdout.strip(), "root", "%s: command ran as root" % what)


def sudo_refused(t, r, what):
    t.true(r.returncode != 0, "%s: sudo succeeded: stdout %r" %
           (what, r.stdout))
    t.eq(r.stdout.strip(), "", "%s: nothing ran" % what)


def test_sudo_hs256_token(t):
    h = setup(t)
    conf = h.conf(t)
    tok = h.token(t, "alice")
    with h.sudoers(t), h.pam_stack(t, "sudo", h.stack(conf)):
        cold(h, ALICE)
        mark = h.log_mark()
        r = h.sudo(ALICE, tok)
        sudo_ok(t, r, "token")
        # sudo sets no PAM_RHOST: the field reads "-".
        h.expect_log(t, mark, ACCOUNT + "allow user=%s rhost=- method=token "
                     "ar_user=usr_alice" % ALICE)
        h.expect_log(t, mark, ACCOUNT + "allow user=%s" % ALICE)


def test_sudo_wrong_token_refused(t):
    h = setup(t)
    conf = h.conf(t)
    # Signed with another secret of the right length.
    other = t.write("other.secret", "jsk_" + "x" * 40, 0o600)
    tok = t.mint("HS256", other, hostlib.tokens.v1("alice"))
    with h.sudoers(t), h.pam_stack(t, "sudo", h.stack(conf)):
        cold(h, ALICE)
        mark = h.log_mark()
        r = h.sudo(ALICE, tok)
        sudo_refused(t, r, "forged token")
        h.expect_log(t, mark, AUTH + "deny user=%s" % ALICE,
                     "reason=bad_signature", absent=[AUTH + "allow"])


def test_sudo_other_users_token_refused(t):
    h = setup(t)
    conf = h.conf(t)
    tok = h.token(t, "bob")
    with h.sudoers(t), h.pam_stack(t, "sudo", h.stack(conf)):
        cold(h, ALICE)
        mark = h.log_mark()
        r = h.sudo(ALICE, tok)
        sudo_refused(t, r, "bob's token")
        h.expect_log(t, mark, AUTH + "deny user=%s" % ALICE,
                     "reason=wrong_user", absent=[AUTH + "allow"])


def test_sudo_password_mode(t):
    h = setup(t)
    conf = h.conf(t, api=1, mode="password")
    t.env.mock.clear()
    with h.sudoers(t), h.pam_stack(t, "sudo", h.stack(conf)):
        cold(h, ALICE)
        mark = h.log_mark()
        r = h.sudo(ALICE, "pw-alice")
        sudo_ok(t, r, "password")
        paths = [(q["method"], q["path"]) for q in t.env.mock.requests()]
        t.eq(paths, [("POST", "/v1/users/alice/authenticate")],
             "the password went to AuthRocket as alice, once")
        h.expect_log(t, mark, ACCOUNT + "allow user=%s" % ALICE,
                     "method=password", "ar_user=usr_alice")


def test_sudo_wrong_password_refused(t):
    h = setup(t)
    conf = h.conf(t, api=1, mode="password")
    with h.sudoers(t), h.pam_stack(t, "sudo", h.stack(conf)):
        cold(h, ALICE)
        mark = h.log_mark()
        r = h.sudo(ALICE, "pw-wrong")
        sudo_refused(t, r, "wrong password")
        h.expect_log(t, mark, AUTH + "deny user=%s" % ALICE,
                     "reason=auth_failed", absent=[AUTH + "allow"])


def test_sudo_password_inactive_user_refused(t):
    h = setup(t)
    conf = h.conf(t, api=1, mode="password")
    with h.sudoers(t), h.pam_stack(t, "sudo", h.stack(conf)):
        cold(h, DAVE)
        mark = h.log_mark()
        r = h.sudo(DAVE, "pw-dave")
        sudo_refused(t, r, "inactive AuthRocket user")
        h.expect_log(t, mark, AUTH + "deny user=%s" % DAVE,
                     "method=password", "reason=inactive",
                     absent=[AUTH + "allow"])


def test_sudo_password_unknown_authrocket_user_refused(t):
    h = setup(t)
    mp = t.write("ghost.map", "username:ghost %s\n" % DAVE, 0o600)
    conf = h.conf(t, api=1, mode="password", user_map_file=mp)
    t.env.mock.clear()
    with h.sudoers(t), h.pam_stack(t, "sudo", h.stack(conf)):
        cold(h, DAVE)
        mark = h.log_mark()
        r = h.sudo(DAVE, "pw-ghost")
        sudo_refused(t, r, "no such AuthRocket user")
        paths = [(q["method"], q["path"]) for q in t.env.mock.requests()]
        t.eq(paths, [("POST", "/v1/users/ghost/authenticate")],
             "the mapped AuthRocket name was asked")
        h.expect_log(t, mark, AUTH + "deny user=%s" % DAVE,
                     "reason=unknown_user", absent=[AUTH + "allow"])


def test_sudo_long_rs256_token_refused(t):
    h = setup(t)
    conf = h.conf(t, jwt_key_file=t.env.keys["rsa_pub"], mode="token")
    tok = h.token(t, "alice", alg="RS256")
    t.true(len(tok) > 511, "the RS256 token is longer than sudo's 511 "
           "characters (%d)" % len(tok))
    with h.sudoers(t), h.pam_stack(t, "sudo", h.stack(conf)):
        cold(h, ALICE)
        mark = h.log_mark()
        r = h.sudo(ALICE, tok)
        sudo_refused(t, r, "token over 511 characters")
        # sudo fails the conversation itself; the module never sees a
        # (cut) token.
        h.expect_log(t, mark, AUTH + "deny user=%s" % ALICE,
                     "reason=conversation",
                     absent=[AUTH + "allow", ACCOUNT + "allow"])


def test_sudo_noninteractive_contacts_nobody(t):
    h = setup(t)
    conf = h.conf(t, api=1)
    with h.sudoers(t), h.pam_stack(t, "sudo", h.stack(conf)):
        cold(h, ALICE)
        t.env.mock.clear()
        mark = h.log_mark()
        r = h.sudo(ALICE, None, flags=("-n",))
        sudo_refused(t, r, "sudo -n with a cold timestamp")
        t.contains(r.stderr, "password is required", "sudo -n's reason")
        t.eq(t.env.mock.requests(), [], "requests to AuthRocket")
        h.expect_log(t, mark, absent=[AUTH, ACCOUNT])


def test_sudo_cached_timestamp_still_checks_account(t):
    h = setup(t)
    # Without the account cache, which would answer from the first check.
    conf = h.conf(t, api=1, account_cache_timeout=0)
    tok = h.token(t, "alice")
    with h.sudoers(t), h.pam_stack(t, "sudo", h.stack(conf)):
        cold(h, ALICE)
        sudo_ok(t, h.sudo(ALICE, tok, flags=("-S",)),
                "first sudo with a token")
        # The timestamp is warm now: sudo skips auth, but the account
        # phase asks AuthRocket whether alice is still allowed.
        t.env.mock.clear()
        mark = h.log_mark()
        r = h.sudo(ALICE, None, flags=("-n",))
        sudo_ok(t, r, "sudo -n with a warm timestamp")
        paths = [(q["method"], q["path"]) for q in t.env.mock.requests()]
        t.eq(paths, [("GET", "/v1/users/alice")], "requests to AuthRocket")
        h.expect_log(t, mark, ACCOUNT + "allow user=%s" % ALICE,
                     "method=api", absent=[AUTH])
        cold(h, ALICE)
