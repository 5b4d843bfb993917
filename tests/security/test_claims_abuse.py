# SPDX-License-Identifier: BSD-3-Clause
"""Attack catalogue: validly signed tokens with hostile claims."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secutil import (  # noqa: E402
    AUTH, OK, expect, hs, hs_conf, now, phase_log, v1, v2)


def test_huge_membership_arrays(t):
    conf = hs_conf(t, require_permission="ssh")
    # As many memberships as fit the 8 KiB token limit, none granting ssh.
    many = [{"oid": "o%d" % i, "p": ["x"]} for i in range(200)]
    tok = hs(t, v1("alice", m=many))
    t.true(len(tok) <= 8192, "token fits: %d" % len(tok))
    expect(t, t.pam("alice", [tok], conf), AUTH, "no ssh in 200", "no_permission")
    tok = hs(t, v1("alice", m=many[:199] + [{"oid": "o", "p": ["ssh"]}]))
    t.eq(t.pam("alice", [tok], conf).auth, OK, "ssh in the last one")
    perms = [{"oid": "org_ops", "p": ["p%d" % i for i in range(700)]}]
    tok = hs(t, v1("alice", m=perms))
    expect(t, t.pam("alice", [tok], conf), AUTH, "700 permissions",
           "no_permission")
    # Larger than the token limit: refused before anything is parsed.
    tok = hs(t, v1("alice", m=[{"oid": "o%d" % i, "p": ["ssh"]}
                               for i in range(2000)]))
    expect(t, t.pam("alice", [tok], conf), AUTH, "over 8 KiB", "too_large")


def test_deep_nesting(t):
    conf = hs_conf(t)
    for depth in (17, 64, 1000):
        payload = json.dumps(v1("alice"))[:-1] + ', "x": ' + \
            "[" * depth + "]" * depth + "}"
        tok = hs(t, payload)
        if len(tok) > 8192:
            expect(t, t.pam("alice", [tok], conf), AUTH,
                   "depth %d" % depth, "too_large")
        else:
            expect(t, t.pam("alice", [tok], conf), AUTH,
                   "depth %d" % depth, "bad_claims")
    # Deep inside a claim that is read.
    tok = hs(t, v1("alice", m=[[[[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]]]]))
    expect(t, t.pam("alice", [tok], conf), AUTH, "deep m", "bad_claims")
    tok = hs(t, v1("alice", cs={"a": {"b": {"c": "d"}}}))
    r = t.pam("alice", [tok], conf)
    t.true(r.auth in (OK, AUTH), "nested custom attribute handled: %s" % r.auth)


def test_unicode_lookalike_usernames(t):
    conf = hs_conf(t)
    for un in ("\u0430lice",          # Cyrillic a
               "alice\u200b",         # zero-width space
               "\uff41lice",          # fullwidth a
               "ALICE", "Alice",      # no case folding
               "alice ", " alice", "alice\n", "alic\u0435",
               "al\u0131ce"):         # dotless i
        tok = hs(t, v1("alice", un=un))
        r = t.pam("alice", [tok], conf)
        t.eq(r.auth, AUTH, "un %r" % un)
        t.absent(phase_log(r), "allow user=", "un %r" % un)
        t.true(any("reason=bad_local_name" in l or "reason=wrong_user" in l
                   for l in r.log), "un %r reason: %r" % (un, r.log))
    # The PAM user itself spelt with a lookalike is not our account.
    tok = hs(t, v1("alice", un="\u0430lice"))
    r = t.pam("\u0430lice", [tok], conf)
    t.true(r.auth in (AUTH, "PAM_USER_UNKNOWN"), "lookalike PAM_USER: %s" % r.auth)
    t.absent(phase_log(r), "allow user=")


def test_nul_in_strings(t):
    conf = hs_conf(t)
    for over in ({"un": "alice\u0000root"}, {"un": "root\u0000alice"},
                 {"uid": "usr_alice\u0000x"}, {"aud": "rl_test\u0000x"},
                 {"tk": "kss\u0000"}, {"cs": {"unix": "alice\u0000"}},
                 {"m": [{"oid": "org_ops", "p": ["ssh\u0000"]}]}):
        tok = hs(t, v1("alice", **over))
        expect(t, t.pam("alice", [tok], conf), AUTH,
               "NUL in %s" % list(over)[0], "bad_claims")


def test_integer_overflow_times(t):
    conf = hs_conf(t)
    base = json.dumps(v1("alice", exp=None, iat=None))[:-1]

    def tok_with(extra):
        return hs(t, base + ", " + extra + "}")
    for extra in ('"exp": 1e300', '"exp": 9223372036854775808',
                  '"exp": 18446744073709551616', '"exp": -1e300',
                  '"exp": 1700000000.0', '"exp": "never"',
                  '"exp": %d, "iat": 1e300' % (now() + 600),
                  '"exp": %d, "nbf": 9223372036854775808' % (now() + 600)):
        expect(t, t.pam("alice", [tok_with(extra)], conf), AUTH,
               extra, "bad_claims")
    # In range but extreme: the arithmetic with the leeway must not wrap.
    expect(t, t.pam("alice", [tok_with('"exp": -9223372036854775808')], conf),
           AUTH, "exp INT64_MIN", "expired")
    expect(t, t.pam("alice", [tok_with('"exp": -1')], conf), AUTH,
           "negative exp", "expired")
    expect(t, t.pam("alice", [tok_with('"exp": 0')], conf), AUTH,
           "exp 0", "expired")
    expect(t, t.pam("alice", [tok_with(
        '"exp": %d, "nbf": 9223372036854775807' % (now() + 600))], conf),
        AUTH, "nbf INT64_MAX", "not_yet_valid")
    expect(t, t.pam("alice", [tok_with(
        '"exp": %d, "iat": 9223372036854775807' % (now() + 600))], conf),
        AUTH, "iat INT64_MAX", "issued_in_future")
    t.eq(t.pam("alice", [tok_with('"exp": 9223372036854775807')], conf).auth,
         OK, "exp INT64_MAX is simply far away")
    t.eq(t.pam("alice", [tok_with('"exp": %d, "nbf": -9223372036854775808'
                                  % (now() + 600))], conf).auth,
         OK, "nbf INT64_MIN is simply long ago")
    aged = hs_conf(t, name="aged.conf", max_token_age=600)
    expect(t, t.pam("alice", [tok_with(
        '"exp": %d, "iat": -9223372036854775808' % (now() + 600))], aged),
        AUTH, "iat INT64_MIN with max_token_age", "too_old")


def test_claim_type_confusion(t):
    conf = hs_conf(t)
    for over in ({"uid": 123}, {"uid": None}, {"uid": ["usr_alice"]},
                 {"un": {"x": "alice"}}, {"aud": [1, "rl_test"]}, {"aud": [None]},
                 {"m": {"oid": "org_ops"}}, {"m": [{"oid": 1}]},
                 {"m": [{"oid": "org_ops", "p": "ssh"}]},
                 {"cs": ["unix"]}, {"exp": True}):
        tok = hs(t, v1("alice", **over))
        expect(t, t.pam("alice", [tok], conf), AUTH, repr(over), "bad_claims")
    v2conf = t.conf(name="v2.conf", jwt_key_file=t.env.keys["hs"])
    for over in ({"sub": 5}, {"orgs": [{"oid": "o", "perm": "ssh"}]},
                 {"iss": ["https://authrocket.com"]}, {"rid": 1}):
        tok = hs(t, v2("alice", **over))
        expect(t, t.pam("alice", [tok], v2conf), AUTH, repr(over),
               "bad_claims")


def test_generation_confusion(t):
    # "sub" makes it v2: a v1 token cannot smuggle a v2 identity in.
    conf = hs_conf(t)
    tok = hs(t, v1("bob", sub="usr_alice", preferred_username="alice"))
    r = t.pam("alice", [tok], conf)
    t.eq(r.auth, AUTH, "v1 with sub")
    t.absent(phase_log(r), "allow user=")
