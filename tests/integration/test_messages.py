# SPDX-License-Identifier: BSD-3-Clause
"""People see why they are refused, but only once they have proven who
they are: the module's PAM_ERROR_MSG after a valid credential (or in the
account phase), nothing before it, nothing with PAM_SILENT."""
OK, AUTH, DENIED = "PAM_SUCCESS", "PAM_AUTH_ERR", "PAM_PERM_DENIED"


def api_conf(t, name="api.conf", **kw):
    kw.setdefault("jwt_key_file", t.env.keys["hs"])
    return t.api_conf(name=name, **kw)


def errors(r):
    return [m for m in r.messages]


def test_missing_permission_told_after_proof(t):
    conf = api_conf(t, require_permission="sudo")
    r = t.pam("bob", ["pw-bob"], conf)
    t.eq(r.auth, AUTH, "refused")
    t.contains(errors(r), "Access denied: your AuthRocket account does not "
               "hold the permission this host requires.", "told why")
    r = t.pam("bob", ["pw-bob"], conf, silent=True)
    t.eq(r.auth, AUTH, "refused, silently")
    t.eq(errors(r), [], "PAM_SILENT: nothing shown")


def test_inactive_told_after_proof(t):
    r = t.pam("dave", ["pw-dave"], api_conf(t))
    t.true(r.auth != OK, "refused")
    t.contains(errors(r), "Access denied: your AuthRocket account is "
               "inactive.", "told why")


def test_nothing_shown_before_proof(t):
    conf = api_conf(t, require_permission="sudo")
    for user, answer in (("bob", "wrong"), ("dave", "wrong"),
                         ("ghost", "pw-ghost"), ("alice", "not.a.token")):
        # An application stops at a failed authentication.
        r = t.pam(user, [answer], conf, phases=("auth",))
        t.true(r.auth != OK, "refused " + user)
        t.eq(errors(r), [], "nothing shown to an unproven %s" % user)


def test_account_phase_tells_key_logins(t):
    r = t.pam("dave", [], api_conf(t), phases=("account",))
    t.eq(r.account, DENIED, "inactive")
    t.contains(errors(r), "Access denied: your AuthRocket account is "
               "inactive.", "told why")
    r = t.pam("bob", [], api_conf(t, name="p.conf",
                                  require_permission="sudo"),
              phases=("account",))
    t.eq(r.account, DENIED, "no permission")
    t.contains(" ".join(errors(r)), "permission", "told why")


def test_outage_told_in_account_phase(t):
    conf = t.conf(api_url="https://127.0.0.1:1/v1", api_key="ko_testkey",
                  ca_file=t.env.ca_file, timeout=2,
                  jwt_key_file=t.env.keys["hs"])
    r = t.pam("alice", [], conf, phases=("account",))
    t.eq(r.account, "PAM_AUTHINFO_UNAVAIL", "unavailable")
    t.contains(errors(r), "AuthRocket could not be reached to confirm your "
               "access; try again later.", "told")
