# SPDX-License-Identifier: BSD-3-Clause
"""Token login through the real libpam: every rule of the PAM interface,
the configuration, the token checks and the logging (docs/) that a token
can exercise, each asserting the exact PAM code and the log line."""
import base64
import json
import os
import time

import tokens

OK, AUTH, UNKNOWN, SERVICE = ("PAM_SUCCESS", "PAM_AUTH_ERR",
                              "PAM_USER_UNKNOWN", "PAM_SERVICE_ERR")


def hs(t, **kw):
    kw.setdefault("jwt_key_file", t.env.keys["hs"])
    kw.setdefault("realm_id", "rl_test")
    return t.conf(**kw)


def hs_token(t, payload, **kw):
    return t.mint("HS256", t.env.keys["hs"], payload, **kw)


def deny(t, res, reason, code=AUTH):
    t.eq(res.auth, code, "auth code")
    t.contains(res.log, "reason=" + reason, "deny reason")
    t.contains(res.log, "deny user=", "deny line")


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# -- accepted tokens -----------------------------------------------------------

def test_v1_hs256_accepted(t):
    conf = hs(t)
    tok = hs_token(t, tokens.v1("alice"))
    r = t.pam("alice", [tok], conf, rhost="198.51.100.7",
              phases=("auth", "account", "setcred"))
    t.eq(r.auth, OK, "auth")
    t.eq(r.account, OK, "account after own auth")
    t.eq(r.setcred, OK, "setcred")
    t.contains(r.log, "allow user=alice rhost=198.51.100.7 method=token "
               "ar_user=usr_alice", "allow line")
    t.eq(r.prompts, ["AuthRocket token: "], "prompt")


def test_v2_rs256_accepted(t):
    conf = t.conf(jwt_key_file=t.env.keys["rsa_pub"], realm_id="rl_test")
    tok = t.mint("RS256", t.env.keys["rsa"], tokens.v2("alice"))
    t.true(600 < len(tok) < 1023, "RS256 token length %d" % len(tok))
    r = t.pam("alice", [tok], conf)
    t.eq(r.auth, OK, "auth")
    t.contains(r.log, "ar_user=usr_alice")


def test_v2_rs256_bare_base64_key(t):
    body = "".join(l for l in t.env.keys["rsa_pub"].read_text().splitlines()
                   if "-----" not in l)
    conf = t.conf(jwt_key=body)
    tok = t.mint("RS256", t.env.keys["rsa"], tokens.v2("alice"))
    t.eq(t.pam("alice", [tok], conf).auth, OK, "auth")


def test_v2_es256_and_es384_accepted(t):
    for alg, name in (("ES256", "ec256"), ("ES384", "ec384")):
        conf = t.conf(name=name + ".conf",
                      jwt_key_file=t.env.keys[name + "_pub"])
        tok = t.mint(alg, t.env.keys[name], tokens.v2("bob"))
        r = t.pam("bob", [tok], conf)
        t.eq(r.auth, OK, alg)


def test_token_with_surrounding_blanks(t):
    tok = hs_token(t, tokens.v1("alice"))
    t.eq(t.pam("alice", ["  " + tok + " \r"], hs(t)).auth, OK, "auth")


# -- forged tokens --------------------------------------------------------------

def test_alg_none_any_spelling(t):
    conf = hs(t)
    for alg in ("none", "None", "NONE", "nOnE"):
        tok = t.mint("none", t.env.keys["hs"], tokens.v1("alice"),
                     header={"alg": alg, "typ": "JWT"})
        r = t.pam("alice", [tok], conf)
        t.eq(r.auth, AUTH, "alg " + alg)
        t.absent(r.log, "allow", "no allow for " + alg)


def test_hs256_signed_with_public_key(t):
    conf = t.conf(jwt_key_file=t.env.keys["rsa_pub"])
    tok = t.mint("HS256", t.env.keys["hs"], tokens.v2("alice"),
                 extra=["--hmac-with-file", str(t.env.keys["rsa_pub"])])
    deny(t, t.pam("alice", [tok], conf), "alg_mismatch")


def test_lowercase_and_other_hmac_alg(t):
    conf = hs(t)
    tok = t.mint("HS256", t.env.keys["hs"], tokens.v1("alice"),
                 header={"alg": "hs256", "typ": "JWT"})
    deny(t, t.pam("alice", [tok], conf), "alg_mismatch")
    tok = t.mint("HS384", t.env.keys["hs"], tokens.v1("alice"))
    deny(t, t.pam("alice", [tok], conf), "alg_mismatch")


def test_empty_or_stripped_signature(t):
    conf = hs(t)
    tok = hs_token(t, tokens.v1("alice"))
    h, p, s = tok.split(".")
    for bad in (h + "." + p + ".", h + "." + p):
        r = t.pam("alice", [bad], conf)
        t.eq(r.auth, AUTH, "stripped signature")
        t.absent(r.log, "allow")


def test_malleated_signature(t):
    conf = hs(t)
    tok = hs_token(t, tokens.v1("alice"))
    h, p, s = tok.split(".")
    flipped = s[:-2] + ("A" if s[-2] != "A" else "B") + s[-1]
    deny(t, t.pam("alice", [".".join((h, p, flipped))], conf), "bad_signature")
    # characters libjwt's decoder would skip must not be tolerated
    for junk in ("!", "=", "+", "/", " "):
        r = t.pam("alice", [".".join((h, p, s[:5] + junk + s[5:]))], conf)
        t.eq(r.auth, AUTH, "junk %r" % junk)


def test_payload_swapped_under_valid_signature(t):
    conf = hs(t)
    a = hs_token(t, tokens.v1("alice")).split(".")
    b = hs_token(t, tokens.v1("bob")).split(".")
    deny(t, t.pam("bob", [".".join((a[0], b[1], a[2]))], conf), "bad_signature")


def test_duplicate_claims(t):
    conf = hs(t)
    now = int(time.time())
    payload = ('{"uid":"usr_alice","un":"alice","un":"root","aud":"rl_test",'
               '"iat":%d,"exp":%d}' % (now, now + 600))
    r = t.pam("root", [hs_token(t, payload)], conf, args=["min_uid=0"])
    t.eq(r.auth, AUTH, "duplicate un")
    dup_header = '{"alg":"HS256","alg":"none","typ":"JWT"}'
    r = t.pam("alice", [hs_token(t, tokens.v1("alice"), header=dup_header)], conf)
    t.eq(r.auth, AUTH, "duplicate alg")


def test_wrong_claim_types(t):
    conf = hs(t)
    now = int(time.time())
    for exp in ('"%d"' % (now + 600), "%d.5" % (now + 600), "true", "null"):
        payload = ('{"uid":"usr_alice","un":"alice","aud":"rl_test",'
                   '"exp":%s}' % exp)
        deny(t, t.pam("alice", [hs_token(t, payload)], conf), "bad_claims")
    deny(t, t.pam("alice", [hs_token(t, tokens.v1("alice", un=["alice"]))],
                  conf), "bad_claims")


def test_segment_count(t):
    conf = hs(t)
    h, p, s = hs_token(t, tokens.v1("alice")).split(".")
    for bad in (h + "." + p + "." + s + "." + s, ".".join((h, p, s, s, s)),
                h + ".." + s, "." + p + "." + s):
        deny(t, t.pam("alice", [bad], conf, args=["mode=token"]), "malformed")


def test_huge_inputs_answered_quickly(t):
    conf = hs(t)
    for size in (1 << 20, 16 << 20):
        big = "eyJ" + "A" * size + ".eyJ.sig"
        t0 = time.monotonic()
        r = t.pam("alice", [big], conf, timeout=60)
        t.eq(r.auth, AUTH, "%d bytes" % size)
        t.true(time.monotonic() - t0 < 5, "answered within 5 s")
        t.contains(r.log, "reason=too_large")


# -- time, realm and issuer -------------------------------------------------------

def test_expired_and_leeway(t):
    conf = hs(t)
    deny(t, t.pam("alice", [hs_token(t, tokens.v1("alice", exp=-60))], conf),
         "expired")
    # within the default 30 s leeway
    t.eq(t.pam("alice", [hs_token(t, tokens.v1("alice", exp=-10))], conf).auth,
         OK, "inside leeway")
    conf0 = hs(t, name="l0.conf", leeway=0)
    deny(t, t.pam("alice", [hs_token(t, tokens.v1("alice", exp=-2))], conf0),
         "expired")


def test_not_yet_valid_and_future_iat(t):
    conf = hs(t)
    now = int(time.time())
    deny(t, t.pam("alice", [hs_token(t, tokens.v2("alice", nbf=now + 600))],
                  t.conf(name="v2.conf", jwt_key_file=t.env.keys["hs"])),
         "not_yet_valid")
    deny(t, t.pam("alice", [hs_token(t, tokens.v1("alice", iat=now + 600))],
                  conf), "issued_in_future")


def test_max_token_age_and_open_ended(t):
    now = int(time.time())
    old = tokens.v1("alice", iat=now - 4000)
    deny(t, t.pam("alice", [hs_token(t, old)], hs(t, max_token_age=3600)),
         "too_old")
    open_ended = tokens.v1("alice", exp=None)
    open_ended.pop("exp", None)
    deny(t, t.pam("alice", [hs_token(t, open_ended)], hs(t, name="n.conf")),
         "no_exp")
    t.eq(t.pam("alice", [hs_token(t, open_ended)],
               hs(t, name="a.conf", max_token_age=3600)).auth, OK,
         "open-ended with max_token_age")


def test_wrong_realm(t):
    deny(t, t.pam("alice", [hs_token(t, tokens.v1("alice", aud="rl_other"))],
                  hs(t)), "wrong_realm")
    deny(t, t.pam("alice", [hs_token(t, tokens.v2("alice", rid="rl_other"))],
                  hs(t, name="v2.conf")), "wrong_realm")


def test_wrong_issuer(t):
    conf = t.conf(jwt_key_file=t.env.keys["hs"])
    deny(t, t.pam("alice", [hs_token(t, tokens.v2("alice", iss="https://evil"))],
                  conf), "wrong_issuer")
    conf2 = t.conf(name="i.conf", jwt_key_file=t.env.keys["hs"],
                   issuer="https://id.example")
    deny(t, t.pam("alice", [hs_token(t, tokens.v2("alice"))], conf2),
         "wrong_issuer")
    t.eq(t.pam("alice", [hs_token(t, tokens.v2("alice",
                                               iss="https://id.example"))],
               conf2).auth, OK, "configured issuer")


# -- mapping ----------------------------------------------------------------------

def test_another_users_token(t):
    r = t.pam("bob", [hs_token(t, tokens.v1("alice"))], hs(t))
    deny(t, r, "wrong_user")
    # libpam randomises the requested 2 s by up to half either way
    t.true(r.delay is not None and 1000000 <= r.delay <= 3000000,
           "fail delay requested: %r" % r.delay)


def test_local_user_missing(t):
    r = t.pam("ghost", [hs_token(t, tokens.v1("ghost"))], hs(t))
    deny(t, r, "no_local_user", UNKNOWN)


def test_min_uid_and_root(t):
    deny(t, t.pam("lowuser", [hs_token(t, tokens.v1("lowuser"))], hs(t)),
         "uid_below_min")
    deny(t, t.pam("root", [hs_token(t, tokens.v1("root"))], hs(t)),
         "uid_below_min")
    t.eq(t.pam("root", [hs_token(t, tokens.v1("root"))], hs(t),
               args=["min_uid=0"]).auth, OK, "root allowed with min_uid=0")


def test_hostile_names(t):
    conf = hs(t)
    for name in ("al/ice", "..", "../root", "al\x1bice", "ålice", "Alice",
                 "alice\n", "-alice", "a" * 33):
        r = t.pam("alice", [hs_token(t, tokens.v1("alice", un=name))], conf)
        t.eq(r.auth, AUTH, "name %r" % name)
        t.absent(r.log, "\x1b", "escape not logged raw")


def test_map_by_email_localpart_and_file(t):
    conf = hs(t, map_by="email_localpart")
    tok = hs_token(t, tokens.v2("zed", email="alice@example.com"))
    t.eq(t.pam("alice", [tok], conf).auth, OK, "email_localpart")
    mapf = t.write("map", "# map\nid:usr_zed bob\nusername:zed alice\n", 0o644)
    conf2 = hs(t, name="m.conf", user_map_file=mapf)
    t.eq(t.pam("bob", [tok], conf2).auth, OK, "id entry wins")
    deny(t, t.pam("alice", [tok], conf2), "wrong_user")


def test_permission_and_org(t):
    tok = hs_token(t, tokens.v1("alice"))
    t.eq(t.pam("alice", [tok], hs(t, require_permission="ssh,admin")).auth, OK,
         "permission held")
    deny(t, t.pam("alice", [tok], hs(t, name="p.conf",
                                     require_permission="admin")),
         "no_permission")
    t.eq(t.pam("alice", [tok], hs(t, name="o.conf", require_org="org_ops")).auth,
         OK, "org member")
    deny(t, t.pam("alice", [tok], hs(t, name="o2.conf", require_org="org_x")),
         "no_org")
    nom = tokens.v1("alice")
    del nom["m"]
    deny(t, t.pam("alice", [hs_token(t, nom)],
                  hs(t, name="u.conf", require_permission="ssh")),
         "memberships_unknown")


def test_argument_overrides_file(t):
    conf = hs(t)
    tok = hs_token(t, tokens.v1("alice"))
    deny(t, t.pam("alice", [tok], conf, args=["require_permission=admin"]),
         "no_permission")


# -- conversation -------------------------------------------------------------------

def test_empty_input_and_no_answer(t):
    conf = hs(t)
    deny(t, t.pam("alice", [""], conf), "empty_input")
    r = t.pam("alice", [], conf)
    t.eq(r.auth, "PAM_CONV_ERR", "no answer")
    t.eq(r.setcred, None, "setcred not run")
    r = t.pam("alice", [], conf, phases=("auth", "setcred"))
    t.eq(r.setcred, "PAM_CONV_ERR", "setcred returns the stored result")


def test_setcred_without_auth(t):
    r = t.pam("alice", [], hs(t), phases=("setcred",))
    t.eq(r.setcred, OK, "setcred alone")


def test_account_without_api(t):
    stack = ("auth required pam_permit.so\n"
             "account [ignore=ignore success=done default=die] @MODULE@\n"
             "account requisite pam_debug.so acct=new_authtok_reqd\n")
    r = t.pam("alice", [], hs(t), phases=("account",), stack=stack)
    t.eq(r.account, "PAM_NEW_AUTHTOK_REQD", "account returned PAM_IGNORE")
    deny_stack = stack.replace("pam_permit.so", "@MODULE@")
    r = t.pam("bob", [hs_token(t, tokens.v1("alice"))], hs(t, name="d.conf"),
              phases=("auth", "account"), stack=deny_stack)
    t.eq(r.auth, AUTH, "auth refused")
    t.eq(r.account, "PAM_NEW_AUTHTOK_REQD", "failed auth gives no identity")


# -- configuration -------------------------------------------------------------------

def test_config_rules(t):
    tok = hs_token(t, tokens.v1("alice"))
    secret = t.env.keys["hs"].read_text().strip()
    loose = t.write("loose.conf", "jwt_key = %s\n" % secret, 0o644)
    deny(t, t.pam("alice", [tok], loose), "config", SERVICE)
    t.eq(t.pam("alice", [tok], t.write("tight.conf", "jwt_key = %s\n" % secret,
                                       0o600)).auth, OK, "0600 inline secret")
    link = t.tmp / "link.conf"
    os.symlink(t.tmp / "tight.conf", link)
    t.eq(t.pam("alice", [tok], link).auth, SERVICE, "symlink")
    r = t.pam("alice", [tok], t.write("u.conf", "jwt_key = %s\ntiemout = 3\n"
                                      % secret))
    t.eq(r.auth, SERVICE, "unknown key")
    t.contains(r.log, 'line 2: unknown key "tiemout"', "the log says why")
    t.eq(t.pam("alice", [tok], t.write("d.conf", "jwt_key = %s\nleeway = 3\n"
                                       "leeway = 4\n" % secret)).auth,
         SERVICE, "duplicate key")
    empty = t.write("empty.key", "", 0o600)
    t.eq(t.pam("alice", [tok], t.conf(name="e.conf", jwt_key_file=empty)).auth,
         SERVICE, "empty key file")
    short = t.write("short.key", "jsk_" + "x" * 27 + "\n", 0o600)
    t.eq(t.pam("alice", [tok], t.conf(name="s.conf", jwt_key_file=short)).auth,
         SERVICE, "31-byte secret")
    t.eq(t.pam("alice", [tok], hs(t, name="a.conf"), args=["bogus=1"]).auth,
         SERVICE, "unknown argument")
    t.eq(t.pam("alice", [tok], t.tmp / "missing.conf").auth, SERVICE,
         "missing config")
    r = t.pam("alice", [tok], t.tmp / "missing.conf", phases=("account",))
    t.eq(r.account, SERVICE, "account with missing config")


def test_config_wrong_owner(t):
    if os.geteuid() != 0:
        t.skip("needs root to chown")
    conf = hs(t)
    os.chown(conf, 65534, 65534)
    t.eq(t.pam("alice", [hs_token(t, tokens.v1("alice"))], conf).auth,
         SERVICE, "config owned by nobody")


def test_secrets_never_logged(t):
    conf = hs(t, debug=True)
    tok = hs_token(t, tokens.v1("alice"))
    r1 = t.pam("alice", [tok], conf)
    r2 = t.pam("bob", [tok], conf)
    secret = t.env.keys["hs"].read_text().strip()
    sig = tok.split(".")[2]
    for r in (r1, r2):
        for line in r.log:
            t.true(secret not in line and sig not in line and
                   tok.split(".")[1][:20] not in line, "secret in %r" % line)


def test_loginrocket_hint_and_silent(t):
    conf = hs(t, loginrocket_url="https://example.e2.loginrocket.com/")
    tok = hs_token(t, tokens.v1("alice"))
    r = t.pam("alice", [tok], conf)
    t.eq(r.auth, OK, "auth")
    t.contains(r.messages, "https://example.e2.loginrocket.com/", "hint shown")
    r = t.pam("alice", [tok], conf, silent=True)
    t.eq(r.auth, OK, "auth with PAM_SILENT")
    t.eq(r.messages, [], "PAM_SILENT: no informational text")


def test_account_after_user_switch(t):
    # An application that changes PAM_USER after authentication must not
    # carry alice's identity over to bob's account.
    r = t.pam("alice", [hs_token(t, tokens.v1("alice"))], hs(t),
              switch_user="bob")
    t.eq(r.auth, OK, "auth as alice")
    t.eq(r.account, "PAM_PERM_DENIED", "account for bob")
    t.contains(r.log, "reason=wrong_user")
