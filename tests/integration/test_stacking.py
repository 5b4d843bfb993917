# SPDX-License-Identifier: BSD-3-Clause
"""One prompt per stack: use_first_pass and try_first_pass take the
credential an earlier module stored in PAM_AUTHTOK; a password typed at
this module's prompt is stored there for the modules after it, a token (or
sshd's stand-in) never.  pam_exec with expose_authtok stands in for the
modules around ours: it shows exactly what PAM_AUTHTOK holds, and prompts
"Password: " itself (storing the answer) when nothing is stored."""

OK, AUTH = "PAM_SUCCESS", "PAM_AUTH_ERR"
JUNK = b"\b\n\r\177INCORRECT"


def api_conf(t, name="api.conf", **keys):
    m = t.env.mock
    return t.conf(name=name, api_url=m.url(1), api_key="ko_testkey",
                  ca_file=t.env.ca_file, jwt_key_file=t.env.keys["hs"],
                  timeout=5, **keys)


def capture(t):
    """A module that records PAM_AUTHTOK (prompting when there is none)."""
    out = t.tmp / "authtok.out"
    sh = t.write("capture.sh", "#!/bin/sh\ntr -d '\\000' > %s\n" % out,
                 0o755)
    return "pam_exec.so expose_authtok quiet %s" % sh, out


def token(t, user):
    import time
    now = int(time.time())
    return t.mint("HS256", t.env.keys["hs"],
                  {"uid": "usr_" + user, "un": user, "iat": now - 5,
                   "exp": now + 600})


def test_typed_password_is_kept_for_the_stack(t):
    cap, out = capture(t)
    stack = ("auth optional @MODULE@\nauth required %s\n"
             "account required pam_permit.so\n" % cap)
    r = t.pam("alice", ["pw-alice"], api_conf(t), stack=stack,
              phases=("auth",))
    t.eq(r.auth, OK, "auth")
    t.eq(len(r.prompts), 1, "one prompt for the whole stack")
    t.eq(out.read_text(), "pw-alice", "PAM_AUTHTOK after our prompt")
    # Stored before the answer is known: a wrong password is passed on
    # too, as pam_unix does.
    r = t.pam("alice", ["not-her-password"], api_conf(t), stack=stack,
              phases=("auth",))
    t.eq(len(r.prompts), 1, "wrong password: still one prompt")
    t.eq(out.read_text(), "not-her-password", "wrong password kept")


def test_token_never_kept(t):
    cap, out = capture(t)
    stack = ("auth optional @MODULE@\nauth required %s\n" % cap)
    r = t.pam("alice", [token(t, "alice"), "second"], api_conf(t),
              stack=stack, phases=("auth",))
    t.eq(len(r.prompts), 2, "the next module had to ask: %r" % r.prompts)
    t.eq(out.read_text(), "second", "PAM_AUTHTOK is not the token")
    # Nor sshd's stand-in.
    r = t.pam("alice", [JUNK * 2, "again"], api_conf(t), stack=stack,
              phases=("auth",))
    t.eq(len(r.prompts), 2, "stand-in: the next module asks")
    t.eq(out.read_text(), "again", "stand-in not kept")
    # Token mode: whatever is typed is a token.
    r = t.pam("alice", ["pw-alice", "third"], t.conf(
        name="tok.conf", jwt_key_file=t.env.keys["hs"]), stack=stack,
        phases=("auth",))
    t.eq(out.read_text(), "third", "token mode keeps nothing")


def test_try_first_pass_takes_the_stored_one(t):
    cap, _ = capture(t)
    m = t.env.mock
    stack = ("auth optional %s\nauth required @MODULE@\n" % cap)
    m.clear()
    r = t.pam("alice", ["pw-alice"], api_conf(t), args=("try_first_pass",),
              stack=stack, phases=("auth",))
    t.eq(r.auth, OK, "auth with the stored password")
    t.eq(r.prompts, ["Password: "], "only the earlier module asked")
    t.eq(len(m.requests()), 1, "one request")
    # A stored token works the same way (it is routed as typed).
    r = t.pam("alice", [token(t, "alice")], api_conf(t),
              args=("try_first_pass",), stack=stack, phases=("auth",))
    t.eq(r.auth, OK, "stored token")
    t.eq(len(r.prompts), 1, "stored token: one prompt")
    # Nothing stored: it asks itself.
    r = t.pam("alice", ["pw-alice"], api_conf(t), args=("try_first_pass",),
              phases=("auth",))
    t.eq(r.auth, OK, "nothing stored: asks")
    t.eq(len(r.prompts), 1, "nothing stored: our prompt")
    t.true("Password: " not in r.prompts, "our own prompt text")
    # The stored password is wrong: no second try at our prompt.
    r = t.pam("alice", ["wrong"], api_conf(t), args=("try_first_pass",),
              stack=stack, phases=("auth",))
    t.eq(r.auth, AUTH, "stored wrong password")
    t.eq(len(r.prompts), 1, "no prompt of ours after a wrong one")


def test_use_first_pass_never_prompts(t):
    cap, _ = capture(t)
    m = t.env.mock
    stack = ("auth optional %s\nauth required @MODULE@\n" % cap)
    r = t.pam("alice", ["pw-alice"], api_conf(t), args=("use_first_pass",),
              stack=stack, phases=("auth",))
    t.eq(r.auth, OK, "auth with the stored password")
    t.eq(len(r.prompts), 1, "one prompt")
    m.clear()
    r = t.pam("alice", ["pw-alice"], api_conf(t), args=("use_first_pass",),
              phases=("auth",))
    t.eq(r.auth, AUTH, "nothing stored")
    t.eq(r.prompts, [], "never a prompt")
    t.contains(r.log, "reason=no_first_pass", "reason")
    t.eq(m.requests(), [], "nothing sent")
    # Two lines of this module: the second takes what the first kept.
    stack = ("auth optional @MODULE@ min_uid=5000\n"
             "auth required @MODULE@ use_first_pass\n")
    m.clear()
    r = t.pam("alice", ["pw-alice"], api_conf(t), stack=stack,
              phases=("auth",))
    t.eq(r.auth, OK, "first line not serving alice, second one does")
    t.eq(len(r.prompts), 1, "one prompt for both lines")
    t.eq(len(m.requests()), 1, "only the serving line asked AuthRocket")
