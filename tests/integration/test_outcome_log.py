# SPDX-License-Identifier: BSD-3-Clause
"""One outcome line per login: auth refusals are logged by auth, a
successful authentication by the account phase (or at pam_end when the
account phase of this module never ran), AuthRocket being unreachable is
"unavailable" and not "deny", and the reasons that misled now say what
happened."""
import json
import ssl
import urllib.request

import tokens

OK, AUTH, UNAVAIL = "PAM_SUCCESS", "PAM_AUTH_ERR", "PAM_AUTHINFO_UNAVAIL"
VERBS = ("allow ", "deny ", "unavailable ")


def outcomes(log):
    return [l for l in log if l.split(": ", 1)[-1].startswith(VERBS)]


def api_conf(t, v=1, name="api.conf", **kw):
    return t.api_conf(v=v, name=name, **kw)


def test_token_login_one_line_from_account(t):
    conf = t.conf(jwt_key_file=t.env.keys["hs"], realm_id="rl_test")
    tok = t.mint("HS256", t.env.keys["hs"], tokens.v1("alice"))
    r = t.pam("alice", [tok], conf, rhost="198.51.100.7", service="sshd")
    t.eq((r.auth, r.account), (OK, OK), "login")
    lines = outcomes(r.log)
    t.eq(len(lines), 1, "one outcome line: %r" % r.log)
    line = lines[0]
    t.contains(line, "(sshd:account): allow user=alice", "logged by account")
    for field in ("rhost=198.51.100.7", "method=token", "ar_user=usr_alice",
                  "ar_name=alice", "service=sshd"):
        t.contains(line, field, field)


def test_password_login_names_session(t):
    r = t.pam("alice", ["pw-alice"], api_conf(t, jwt_key_file=t.env.keys["hs"]))
    t.eq((r.auth, r.account), (OK, OK), "login")
    lines = outcomes(r.log)
    t.eq(len(lines), 1, "one outcome line: %r" % r.log)
    t.contains(lines[0], "method=password", "method")
    t.contains(lines[0], "session=kss_", "session id")
    t.contains(lines[0], "ar_name=alice", "AuthRocket name")


def test_auth_refusal_logged_once_by_auth(t):
    conf = t.conf(jwt_key_file=t.env.keys["hs"], realm_id="rl_test")
    tok = t.mint("HS256", t.env.keys["hs"], tokens.v1("alice", exp=-600))
    r = t.pam("alice", [tok], conf)
    t.eq(r.auth, AUTH, "expired")
    lines = outcomes(r.log)
    t.eq(len(lines), 1, "one outcome line: %r" % r.log)
    t.contains(lines[0], "(artest:auth): deny user=alice", "auth logs it")
    t.contains(lines[0], "reason=expired", "reason")


def test_account_refusal_after_auth_is_the_outcome(t):
    # dave's token is valid; AuthRocket says dave is inactive.
    conf = api_conf(t, jwt_key_file=t.env.keys["hs"])
    tok = t.mint("HS256", t.env.keys["hs"], tokens.v1("dave"))
    r = t.pam("dave", [tok], conf)
    t.eq((r.auth, r.account), (OK, "PAM_PERM_DENIED"), "refused at account")
    lines = outcomes(r.log)
    t.eq(len(lines), 1, "one outcome line: %r" % r.log)
    t.contains(lines[0], "(artest:account): deny user=dave", "account")
    t.contains(lines[0], "method=token", "the login's method")
    t.contains(lines[0], "reason=inactive", "reason")


def test_auth_only_stack_logs_at_pam_end(t):
    conf = t.conf(jwt_key_file=t.env.keys["hs"], realm_id="rl_test")
    tok = t.mint("HS256", t.env.keys["hs"], tokens.v1("alice"))
    r = t.pam("alice", [tok], conf, phases=("auth",))
    t.eq(r.auth, OK, "auth")
    lines = outcomes(r.log)
    t.eq(len(lines), 1, "one outcome line without an account phase: %r"
         % r.log)
    t.contains(lines[0], "pam_authrocket(artest:auth): allow user=alice",
               "allow, naming the module")
    t.contains(lines[0], "ar_user=usr_alice", "who")


def test_fall_through_is_unavailable_not_deny(t):
    conf = t.conf(api_url="https://127.0.0.1:1/v1", api_key="ko_testkey",
                  ca_file=t.env.ca_file, timeout=2,
                  jwt_key_file=t.env.keys["hs"])
    stack = ("auth [success=done authinfo_unavail=ignore default=die] "
             "@MODULE@\nauth required pam_permit.so\n"
             "account required pam_permit.so\n")
    r = t.pam("alice", ["pw-alice"], conf, stack=stack)
    t.eq(r.auth, OK, "the next module let the login in")
    lines = outcomes(r.log)
    t.eq(len(lines), 1, "one line: %r" % r.log)
    t.contains(lines[0], "unavailable user=alice", "unavailable")
    t.contains(lines[0], "reason=connect", "why")
    t.absent(r.log, "deny ", "no deny")


def jwks_doc(t):
    m = t.env.mock
    ctx = ssl.create_default_context(cafile=str(t.env.ca_file))
    with urllib.request.urlopen(m.base + "/connect/jwks", context=ctx,
                                timeout=10) as f:
        return json.loads(f.read())


def test_password_login_token_with_unknown_kid(t):
    m = t.env.mock
    doc = jwks_doc(t)
    for k in doc["keys"]:
        k["kid"] = "k9"
    conf = api_conf(t, v=2, jwks_url=m.base + "/connect/jwks")
    try:
        m.control({"jwks_kid": ["k2"], "jwks_body": json.dumps(doc)})
        r = t.pam("alice", ["pw-alice"], conf)
    finally:
        m.control({"jwks_kid": ["k1"], "jwks_body": None})
    t.eq(r.auth, UNAVAIL, "not a login, not the user's fault")
    t.contains(r.log, "reason=unknown_kid", "key rotation named")



def test_failed_conversation_under_sudo_names_the_limit(t):
    conf = t.conf(jwt_key_file=t.env.keys["hs"], realm_id="rl_test")
    r = t.pam("alice", [], conf, service="sudo", phases=("auth",))
    t.eq(r.auth, "PAM_CONV_ERR", "no reply")
    t.contains(r.log, "reason=conversation", "reason")
    t.contains(r.log, "512 characters", "names sudo's limit")
    r = t.pam("alice", [], conf, service="sshd", phases=("auth",))
    t.absent(r.log, "512 characters", "only under sudo")
