# SPDX-License-Identifier: BSD-3-Clause
"""Attack catalogue: forged and confused tokens.  Each case asserts the
exact PAM code and the deny reason."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secutil import (  # noqa: E402
    AUTH, OK, b64url, expect, hs, hs_conf, phase_log, v1, v2)


def test_key_confusion_hmac_with_public_pem(t):
    # The configured key is public: an HMAC keyed with its PEM text, under
    # any spelling of an HMAC algorithm, must not verify.
    for name in ("rsa_pub", "ec256_pub"):
        conf = t.conf(name=name + ".conf", jwt_key_file=t.env.keys[name])
        for alg in ("HS256", "hs256", "HS384", "HS512"):
            hdr = {"alg": alg, "typ": "JWT"}
            tok = t.mint("HS256", t.env.keys["hs"], v2("alice"), header=hdr,
                         extra=["--hmac-with-file", str(t.env.keys[name])])
            expect(t, t.pam("alice", [tok], conf), AUTH,
                   "%s HMAC'd with %s" % (alg, name), "alg_mismatch")


def test_key_confusion_across_asymmetric_algs(t):
    conf = t.conf(jwt_key_file=t.env.keys["ec256_pub"])
    tok = t.mint("RS256", t.env.keys["rsa"], v2("alice"))
    expect(t, t.pam("alice", [tok], conf), AUTH, "RS256 for an EC key",
           "alg_mismatch")
    tok = t.mint("ES384", t.env.keys["ec384"], v2("alice"))
    expect(t, t.pam("alice", [tok], conf), AUTH, "ES384 for a P-256 key",
           "alg_mismatch")
    # An ES256 signature by another P-256 key.
    other = t.tmp / "other-ec.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", str(other)],
                   check=True, capture_output=True)
    tok = t.mint("ES256", str(other), v2("alice"))
    expect(t, t.pam("alice", [tok], conf), AUTH, "ES256 by another key",
           "bad_signature")
    hsconf = hs_conf(t)
    tok = t.mint("RS256", t.env.keys["rsa"], v1("alice"))
    expect(t, t.pam("alice", [tok], hsconf), AUTH, "RS256 for an HMAC key",
           "alg_mismatch")


def test_alg_none_with_signature_kept(t):
    conf = hs_conf(t)
    good = hs(t, v1("alice")).split(".")
    for alg in ("none", "None", "NONE", "", None):
        hdr = {"typ": "JWT"} if alg is None else {"alg": alg, "typ": "JWT"}
        tok = ".".join((b64url(json.dumps(hdr)), good[1], good[2]))
        expect(t, t.pam("alice", [tok], conf), AUTH, "alg %r" % alg)
        tok = ".".join((b64url(json.dumps(hdr)), good[1], ""))
        expect(t, t.pam("alice", [tok], conf, args=["mode=token"]), AUTH,
               "alg %r empty signature" % alg)
    # alg given twice, the second one "none"
    hdr = '{"alg":"HS256","alg":"none"}'
    tok = hs(t, v1("alice"), header=hdr)
    expect(t, t.pam("alice", [tok], conf), AUTH, "duplicate alg",
           "bad_header")


def test_crit_header_refused(t):
    conf = hs_conf(t)
    for crit in (["exp"], [], ["b64"], "b64"):
        tok = hs(t, v1("alice"), header={"alg": "HS256", "crit": crit})
        expect(t, t.pam("alice", [tok], conf), AUTH, "crit %r" % (crit,),
               "bad_header")


def test_header_types_and_typ(t):
    conf = hs_conf(t)
    for hdr in ({"alg": "HS256", "typ": "jwt+other"}, {"alg": ["HS256"]},
                {"alg": "HS256", "typ": None}, {"alg": "HS256", "kid": 5},
                {"alg": "HS256", "kid": ""}, {"alg": "HS256", "kid": "k" * 257},
                {"alg": "HS256 "}):
        tok = hs(t, v1("alice"), header=hdr)
        expect(t, t.pam("alice", [tok], conf), AUTH, "header %r" % hdr)
    for hdr in ('["HS256"]', '"HS256"', '{"alg":"HS256"} x', 'null',
                '{"alg":"HS256"}{}'):
        tok = hs(t, v1("alice"), header=hdr)
        expect(t, t.pam("alice", [tok], conf, args=["mode=token"]), AUTH,
               "header %r" % hdr)


def jwks_conf(t, **kw):
    m = t.env.mock
    return t.conf(jwks_url=m.base + "/connect/jwks", ca_file=t.env.ca_file,
                  **kw)


def test_jwks_kid_injection(t):
    m = t.env.mock
    conf = jwks_conf(t)
    cache = t.tmp / "cache"
    good = t.mint("RS256", t.env.keys["rsa"], v2("alice"),
                  header={"alg": "RS256", "typ": "JWT", "kid": "k1"})
    expect(t, t.pam("alice", [good], conf), OK, "the real key works")
    before = sorted(os.listdir(cache))
    for kid in ("../../etc/passwd", "/etc/passwd", "k1/../k1", "k1\n",
                "k1\u0000", "..", "k1 ", "K1", "%6b1", "*"):
        tok = t.mint("RS256", t.env.keys["rsa"], v2("alice"),
                     header={"alg": "RS256", "typ": "JWT", "kid": kid})
        r = t.pam("alice", [tok], conf)
        t.true(r.auth in (AUTH, "PAM_AUTHINFO_UNAVAIL"),
               "kid %r: %s" % (kid, r.auth))
        t.absent(phase_log(r), "allow user=", "kid %r" % kid)
    t.eq(sorted(os.listdir(cache)), before, "cache names unchanged")
    for r in m.requests():
        t.true("passwd" not in r.get("path", ""), "no kid in a URL")


def test_jku_x5u_x5c_headers_ignored(t):
    m = t.env.mock
    # The attacker's own key, published through header members.
    atk = t.tmp / "attacker.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                    "rsa_keygen_bits:2048", "-out", str(atk)], check=True,
                   capture_output=True)
    der = subprocess.run(["openssl", "pkey", "-in", str(atk), "-pubout",
                          "-outform", "DER"], check=True,
                         capture_output=True).stdout
    import base64
    x5c = base64.b64encode(der).decode()
    evil = m.base + "/evil/jwks"
    hdr = {"alg": "RS256", "typ": "JWT", "kid": "k1", "jku": evil,
           "x5u": evil, "x5c": [x5c],
           "jwk": {"kty": "RSA", "n": "AQAB", "e": "AQAB"}}
    for conf in (jwks_conf(t, name="jwks.conf"),
                 t.conf(name="pem.conf", jwt_key_file=t.env.keys["rsa_pub"])):
        m.clear()
        tok = t.mint("RS256", str(atk), v2("alice"), header=hdr)
        expect(t, t.pam("alice", [tok], conf), AUTH,
               "signed by the key the header names", "bad_signature")
        # The real key's token with the same members: they are ignored.
        tok = t.mint("RS256", t.env.keys["rsa"], v2("alice"), header=hdr)
        t.eq(t.pam("alice", [tok], conf).auth, OK, "members ignored")
        t.eq([r for r in m.requests() if "/evil" in r.get("path", "")], [],
             "nothing fetched from jku/x5u")


def test_signature_from_another_realm_secret(t):
    other = t.write("other.secret", "jsk_" + "z" * 40 + "\n")
    tok = t.mint("HS256", other, v1("alice"))
    expect(t, t.pam("alice", [tok], hs_conf(t)), AUTH, "other secret",
           "bad_signature")


def test_truncated_and_padded_signatures(t):
    conf = hs_conf(t)
    h, p, s = hs(t, v1("alice")).split(".")
    for sig in (s[:-1], s + "A", s + "=", s + "==", s[:-1] + "=",
                s.upper(), s[:22]):
        tok = ".".join((h, p, sig))
        expect(t, t.pam("alice", [tok], conf, args=["mode=token"]), AUTH,
               "signature %r" % sig[-4:])
