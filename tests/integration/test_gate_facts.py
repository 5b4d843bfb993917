# SPDX-License-Identifier: BSD-3-Clause
"""The facts a decision rests on, through the real libpam and the mock:
unverified email addresses map nothing, memberships that ended (at any
time, 0 included) grant nothing, and a requirement named only on the
account line is checked against memberships fetched for it."""
import tokens

OK, AUTH, DENIED = "PAM_SUCCESS", "PAM_AUTH_ERR", "PAM_PERM_DENIED"


def hs(t, **kw):
    kw.setdefault("jwt_key_file", t.env.keys["hs"])
    kw.setdefault("realm_id", "rl_test")
    return t.conf(**kw)


def api(t, v=1, **kw):
    """Password mode; without jwt_key the user object is the identity."""
    m = t.env.mock
    kw.setdefault("api_url", m.url(v))
    kw.setdefault("api_key", "ko_testkey" if v == 1 else "ks_testkey")
    kw.setdefault("realm_id", "rl_test")
    kw.setdefault("ca_file", t.env.ca_file)
    kw.setdefault("timeout", 5)
    return t.conf(**kw)


def deny(t, res, reason, code=AUTH, phase="auth"):
    t.eq(getattr(res, phase), code, phase + " code")
    lines = [l for l in res.log if ":%s): " % phase in l]
    t.contains(lines, "deny user=", "deny line")
    t.contains(lines, "reason=" + reason, "deny reason")
    t.absent(lines, "allow user=", "no allow line")


def memberships_asked(t):
    return [q for q in t.env.mock.requests()
            if q["method"] == "GET" and "/memberships" in q["path"]]


# -- unverified email addresses --------------------------------------------

def test_v2_token_unverified_email_maps_nothing(t):
    conf = hs(t, map_by="email_localpart")
    for verified in (False, None):
        tok = t.mint("HS256", t.env.keys["hs"],
                     tokens.v2("zed", email="alice@example.com",
                               email_verified=verified))
        deny(t, t.pam("alice", [tok], conf), "email_unverified")
    tok = t.mint("HS256", t.env.keys["hs"],
                 tokens.v2("zed", email="alice@example.com",
                           email_verified=True))
    t.eq(t.pam("alice", [tok], conf).auth, OK, "verified address maps")


def test_v2_token_unverified_email_entry_maps_nothing(t):
    mapf = t.write("map", "email:alice@example.com alice\n", 0o644)
    conf = hs(t, map_by="file", user_map_file=mapf)
    tok = t.mint("HS256", t.env.keys["hs"],
                 tokens.v2("zed", email="alice@example.com",
                           email_verified=False))
    deny(t, t.pam("alice", [tok], conf), "email_unverified")
    # A string is not JSON true: the token is refused outright.
    tok = t.mint("HS256", t.env.keys["hs"],
                 tokens.v2("zed", email="alice@example.com",
                           email_verified="true"))
    deny(t, t.pam("alice", [tok], conf), "bad_claims")
    tok = t.mint("HS256", t.env.keys["hs"],
                 tokens.v2("zed", email="alice@example.com"))
    t.eq(t.pam("alice", [tok], conf).auth, OK, "verified entry maps")


def test_api_user_unverified_email_maps_nothing(t):
    """v1 user objects say email_verification; v2 tokens email_verified."""
    mapf = t.write("map", "email:unverified@example.com bob\n"
                   "email:bob@example.com erin\n", 0o644)
    for v in (1, 2):
        kw = {} if v == 1 else {"jwt_key_file": t.env.keys["rsa_pub"]}
        conf = api(t, v, name="v%d.conf" % v, map_by="file",
                   user_map_file=mapf, **kw)
        deny(t, t.pam("bob", ["pw-unverified"], conf), "email_unverified")
        t.eq(t.pam("erin", ["pw-bob"], conf).auth, OK,
             "v%d verified address maps" % v)


# -- memberships that ended ------------------------------------------------

def test_membership_expired_at_zero_grants_nothing(t):
    """The mock's user "expired" holds sudo in two memberships, one with
    expires_at 0 and one that ended in 2020."""
    mapf = t.write("map", "username:expired alice\n", 0o644)
    conf = api(t, user_map_file=mapf, require_permission="sudo")
    t.env.mock.clear()
    r = t.pam("alice", ["pw-expired"], conf, phases=("auth",))
    deny(t, r, "membership_expired")
    t.eq(len(memberships_asked(t)), 1, "memberships were fetched")
    # The account line judges them the same way.
    stack = ("auth required @MODULE@\n"
             "account required @MODULE@ require_permission=sudo\n")
    conf2 = api(t, name="plain.conf", user_map_file=mapf)
    r = t.pam("alice", ["pw-expired"], conf2, stack=stack)
    t.eq(r.auth, OK, "auth without requirement")
    deny(t, r, "membership_expired", DENIED, "account")


# -- a requirement only on the account line --------------------------------

def test_requirement_only_on_account_line(t):
    stack = ("auth required @MODULE@\n"
             "account required @MODULE@ require_permission=sudo\n")
    conf = api(t)
    m = t.env.mock
    m.clear()
    r = t.pam("alice", ["pw-alice"], conf, stack=stack)
    t.eq(r.auth, OK, "auth")
    t.eq(r.account, OK, "account: alice holds sudo")
    asked = memberships_asked(t)
    t.eq(len(asked), 1, "memberships fetched for the account line")
    t.contains(asked[0]["path"], "user_id=usr_alice", "for alice")
    # Someone without the permission is denied for that, not for lack
    # of knowledge.
    r = t.pam("bob", ["pw-bob"], conf, stack=stack)
    t.eq(r.auth, OK, "auth")
    deny(t, r, "no_permission", DENIED, "account")
