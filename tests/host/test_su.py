# SPDX-License-Identifier: BSD-3-Clause
"""pam_authrocket under the real su (util-linux), driven through a pty as a
throwaway user: the module's auth line is put at the top of /etc/pam.d/su
for the test and the file is restored byte for byte afterwards."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

ALICE, BOB = hostlib.LOCAL["alice"], hostlib.LOCAL["bob"]
# "su -" runs the su-l service, which includes su.
AUTH = "pam_authrocket(su-l:auth): "
PROMPT = "AuthRocket token: "


def setup(t):
    h = hostlib.host(t)
    h.need(t, "su", "runuser")
    if not (hostlib.PAM_DIR / "su").is_file():
        t.skip("/etc/pam.d/su does not exist")
    return h


def su_stack(h, conf):
    """/etc/pam.d/su with the module's auth line in front of everything."""
    orig = (hostlib.PAM_DIR / "su").read_text()
    return ("# %s: temporary file, restored after the test\n"
            "auth [success=done default=die] %s config=%s\n" %
            (hostlib.MARK, h.module(), conf)) + orig


def test_su_root_with_own_token_refused(t):
    h = setup(t)
    tok = h.token(t, "alice")
    # Root is below the default min_uid: not served, refused after the
    # same prompt, the token not even looked at; with min_uid 0 root is
    # served and alice's token maps to her own account, not root.
    for conf, want in ((h.conf(t), "method=- reason=uid_below_min"),
                       (h.conf(t, name="root.conf", min_uid=0),
                        "method=token reason=wrong_user")):
        with h.pam_stack(t, "su", su_stack(h, conf)):
            mark = h.log_mark()
            status, out = h.su(ALICE, "root", [(PROMPT, tok)])
            t.contains(out, PROMPT, "su showed the module's prompt")
            t.true(status != 0, "su - root succeeded: %r" % out)
            t.contains(out, "Authentication failure", "su's message")
            t.absent(out, "ran-as-", "the command did not run")
            # su sets no PAM_RHOST: the field reads "-".
            h.expect_log(t, mark, AUTH + "deny user=root rhost=- " + want,
                         absent=[AUTH + "allow"])


def test_su_to_own_account_with_own_token(t):
    # The positive control for the refusal above: the same pty driver and
    # stack let alice become the account bob's token maps to.
    h = setup(t)
    conf = h.conf(t)
    tok = h.token(t, "bob")
    with h.pam_stack(t, "su", su_stack(h, conf)):
        mark = h.log_mark()
        status, out = h.su(ALICE, BOB, [(PROMPT, tok)])
        t.eq(status, 0, "su exit status; output %r" % out)
        t.contains(out, "ran-as-%s" % BOB, "the command ran as bob")
        # The stack has only the module's auth line: the outcome line is
        # written when su ends the PAM transaction.
        h.expect_log(t, mark, AUTH + "allow user=%s rhost=- method=token "
                     "ar_user=usr_bob" % BOB)
