#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the small seed corpora under tests/fuzz/corpus/ (run once; the
files are committed; the keys are fresh each run, so rerunning changes
them).  Needs the openssl CLI.  Inputs follow the framing
of each target (see the comment at the top of each fuzz_*.c)."""
import base64
import json
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
SECRET = b"jsk_fuzz0123456789abcdef0123456789abcdef"
NOW = 1700000000


sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
from jwtmint import b64url, hs256  # noqa: E402


def put(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


def hs_token(header, payload):
    return hs256(SECRET, header, payload)


V1 = {"uid": "usr_alice", "un": "alice", "aud": "rl_test", "tk": "kss_1",
      "iat": NOW - 5, "exp": NOW + 3600,
      "m": [{"oid": "org_ops", "o": "Ops", "p": ["sudo", "ssh"]}],
      "cs": {"unix": "alice"}, "fn": "Alice", "ln": None}
V2 = {"iss": "https://authrocket.com", "sub": "usr_alice", "rid": "rl_test",
      "sid": "kss_2", "preferred_username": "alice",
      "email": "alice@example.com", "email_verified": True, "ref": "alice",
      "cs": {"unix": "alice"}, "iat": NOW - 5, "exp": NOW + 3600,
      "orgs": [{"oid": "org_ops", "mid": "mb_1", "name": "Ops",
                "perm": ["sudo"], "selected": False}]}
HDR = {"alg": "HS256", "typ": "JWT"}


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True,
                          capture_output=True).stdout


def keys(tmp):
    out = {}
    for name, opts in (("rsa2048", ["-algorithm", "RSA", "-pkeyopt",
                                    "rsa_keygen_bits:2048"]),
                       ("rsa1024", ["-algorithm", "RSA", "-pkeyopt",
                                    "rsa_keygen_bits:1024"]),
                       ("ec256", ["-algorithm", "EC", "-pkeyopt",
                                  "ec_paramgen_curve:P-256"]),
                       ("ec384", ["-algorithm", "EC", "-pkeyopt",
                                  "ec_paramgen_curve:P-384"]),
                       ("ec521", ["-algorithm", "EC", "-pkeyopt",
                                  "ec_paramgen_curve:P-521"]),
                       ("ed25519", ["-algorithm", "ED25519"])):
        k = tmp / (name + ".pem")
        openssl("genpkey", *opts, "-out", str(k))
        out[name] = openssl("pkey", "-in", str(k), "-pubout", "-outform",
                            "DER")
        if name == "ec256":
            out["ec256c"] = openssl("pkey", "-in", str(k), "-pubout",
                                    "-outform", "DER", "-ec_conv_form",
                                    "compressed")
            crt = tmp / "c.pem"
            openssl("req", "-x509", "-new", "-key", str(k), "-subj", "/CN=x",
                    "-days", "1", "-out", str(crt))
            out["cert"] = openssl("x509", "-in", str(crt), "-outform", "DER")
        if name == "rsa2048":
            mod = openssl("rsa", "-in", str(k), "-modulus", "-noout")
            out["rsa_n"] = bytes.fromhex(
                mod.decode().split("=", 1)[1].strip())
    return out


def main():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="arseeds."))
    # -- token: mode byte even = raw token, odd = "HEADER\nPAYLOAD" signed
    put("token", "v1", b"\x00" + hs_token(HDR, V1).encode())
    put("token", "v2", b"\x00" + hs_token(HDR, V2).encode())
    put("token", "v1_kid", b"\x00" + hs_token(dict(HDR, kid="k1"), V1).encode())
    put("token", "none", b"\x00" + (b64url(b'{"alg":"none"}') + "." +
                                    b64url(json.dumps(V1).encode()) + ".").encode())
    put("token", "two_seg", b"\x00eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOiJ4In0")
    put("token", "signed_v1", b"\x01" + json.dumps(HDR).encode() + b"\n" +
        json.dumps(V1).encode())
    put("token", "signed_v2", b"\x09" + json.dumps(HDR).encode() + b"\n" +
        json.dumps(V2).encode())
    put("token", "signed_dup", b"\x01" + b'{"alg":"HS256","typ":"JWT"}\n'
        b'{"uid":"usr_a","un":"a","un":"root","exp":1700003600}')
    put("token", "signed_crit", b"\x01" +
        b'{"alg":"HS256","crit":["exp"],"jku":"https://x"}\n' +
        json.dumps(V1).encode())
    put("token", "signed_hugeexp", b"\x01" + json.dumps(HDR).encode() + b"\n" +
        b'{"uid":"usr_a","exp":1e300,"iat":-9223372036854775808}')
    # -- claims: byte 0: 0xc0|n header (n picks alg), 0x80 json check,
    #    otherwise payload with config bits
    put("claims", "v1", b"\x00" + json.dumps(V1).encode())
    put("claims", "v2", b"\x08" + json.dumps(V2).encode())
    put("claims", "v1_norealm", b"\x06" + json.dumps(V1).encode())
    put("claims", "hdr", b"\xc0" + json.dumps(dict(HDR, kid="k1")).encode())
    put("claims", "hdr_any", b"\xc3" + b'{"alg":"ES384","typ":"JWT"}')
    put("claims", "hdr_crit", b"\xc0" + b'{"alg":"HS256","crit":["b64"]}')
    put("claims", "check", b"\x80" + b'{"a":[1,{"b":null}],"c":"\\u00e9"}')
    put("claims", "nul", b"\x00" + b'{"uid":"usr_a\\u0000x","un":"alice",'
        b'"aud":"rl_test","exp":1700000100}')
    put("claims", "memb_odd", b"\x04" + json.dumps(dict(
        V1, m=[{"oid": "o", "p": ["a"] * 40}, {"oid": None}, {}])).encode())
    put("claims", "times", b"\x03" + b'{"sub":"usr_a","exp":9223372036854775807,'
        b'"nbf":-9223372036854775807,"iat":1700000000.0}')
    put("claims", "deep", b"\x00" + b'{"uid":"u","x":' + b"[" * 20 + b"]" * 20 + b"}")
    # -- conf
    kd = "/tmp/arfuzz-keys"
    put("conf", "token", "jwt_key_file = %s/hs\nrealm_id = rl_test\n"
        "leeway = 10\nmode = token\n" % kd)
    put("conf", "password", "api_url = https://127.0.0.1:8443/v1\n"
        "api_key = ko_abcdefghijklmnopqrstuv\nrealm_id = rl_test\n"
        "ca_file = /etc/ssl/certs/ca-certificates.crt\ntimeout = 5\n"
        "require_permission = sudo, ssh\nrequire_org = org_ops\n"
        "map_by = custom:unix\nmin_uid = 1000\n")
    put("conf", "v2_pub", "api_url = https://example.authrocket.com/v2\n"
        "jwt_key_file = %s/pub\nverify_session = yes\nissuer = https://x\n"
        "loginrocket_url = https://login.example.com\nmax_token_age = 600\n" % kd)
    put("conf", "args", "ARGS: debug mode=auto map_by=email_localpart "
        "user_map_file=/nonexistent\n# comment\n\njwt_key = "
        "jsk_0123456789abcdef0123456789abcdef\n")
    put("conf", "bad", "tiemout = 5\napi_url = http://x/v1\n = \n\x01\n")
    put("conf", "quoted", 'prompt = "Token please: "\nproxy = https://p:3128\n'
        "jwks_url = https://example.com/connect/jwks\r\n")
    # -- map: byte 0 picks map_by (low 3 bits), no file when 0x80
    put("map", "basic", b"\x00# users\nid:usr_alice alice\n"
        b"username:bob\tbob\nemail:carol@example.com carol\n")
    put("map", "dup", b"\x05id:usr_alice alice\nid:usr_alice root\n")
    put("map", "root", b"\x00username:alice root\n")
    put("map", "crlf", b"\x01  email:alice@example.com   alice.x  \r\n\r\n")
    put("map", "bad", b"\x02id: alice\nnope\nusername:a B\n")
    put("map", "custom", b"\x84")
    put("map", "ctl", b"\x00username:al\x01ice alice\n")
    # -- api: byte 0: bit0 v2; bits1-3 parser (0/1 login, 2 user, 3 memb,
    #    4/5 status with byte 1 = status index << 4 | kind, 6/7 escape)
    uobj = {"object": "user", "id": "usr_alice", "username": "alice",
            "email": "alice@example.com", "state": "active",
            "user_type": "human", "reference": "alice",
            "custom": {"unix": "alice", "n": 5}, "first_name": None}
    put("api", "login_v1", b"\x00\x00" + json.dumps(dict(uobj, token=hs_token(HDR, V1))).encode())
    put("api", "login_v1_kli", b"\x00\x00" + json.dumps(dict(uobj, token="kli_abc")).encode())
    put("api", "login_v2", b"\x01\x00" + json.dumps(
        {"object": "session", "id": "kss_1", "token": hs_token(HDR, V2),
         "user_id": "usr_alice"}).encode())
    put("api", "login_v2_tmf", b"\x03\x00" + b'{"object":"token","token":"tmf:abc"}')
    put("api", "user_v1", b"\x04\x00" + json.dumps(uobj).encode())
    put("api", "user_v2", b"\x05\x00" + json.dumps(uobj).encode())
    put("api", "memb", b"\x06\x00" + json.dumps(
        {"collection": [{"org_id": "org_ops", "user_id": "usr_alice",
                         "permissions": ["ssh"],
                         "expires_at": "2025-01-31T12:00:00.5+01:00"},
                        {"org_id": "org_b", "user_id": "usr_alice",
                         "permissions": None, "expires_at": 1700000000}],
         "more_results": False}).encode())
    put("api", "status_401", b"\x08\x60" + b'{"errors":{"base":["Login \\u001b[31mfailed"]}}')
    put("api", "status_404", b"\x09\x92" + b'{"errors":["User not found"]}')
    put("api", "status_500", b"\x0a\xd0" + b"<html>down</html>")
    put("api", "escape", b"\x0c\x00" + b"../etc/passwd")
    put("api", "escape2", b"\x0e\x00" + b"alice@example.com")
    # -- jwks: byte 0 picks the kid (0 none, 1 k1, 2 k2, 3 traversal)
    k = keys(tmp)
    x5c = base64.b64encode(k["rsa2048"]).decode()
    put("jwks", "x5c", b"\x01" + json.dumps({"keys": [
        {"kid": "k1", "kty": "RSA", "alg": "RS256", "use": "sig",
         "x5c": [x5c]}]}).encode())
    put("jwks", "cert", b"\x00" + json.dumps({"keys": [
        {"kid": "k1", "kty": "EC", "alg": "ES256",
         "x5c": [base64.b64encode(k["cert"]).decode()]}]}).encode())
    put("jwks", "ne", b"\x02" + json.dumps({"keys": [
        {"kid": "k1", "kty": "RSA", "n": b64url(k["rsa_n"]), "e": "AQAB"},
        {"kid": "k2", "kty": "RSA", "alg": "RS256", "n": b64url(k["rsa_n"]),
         "e": "AQAB"}]}).encode())
    put("jwks", "ec", b"\x01" + json.dumps({"keys": [
        {"kid": "k1", "kty": "EC", "crv": "P-384",
         "x5c": [base64.b64encode(k["ec384"]).decode()]}]}).encode())
    put("jwks", "dupkid", b"\x01" + json.dumps({"keys": [
        {"kid": "k1", "kty": "RSA", "x5c": [x5c]},
        {"kid": "k1", "kty": "RSA", "x5c": [x5c]}]}).encode())
    put("jwks", "empty", b"\x00" + b'{"keys":[]}')
    put("jwks", "traversal", b"\x03" + json.dumps({"keys": [
        {"kid": "../../etc/passwd", "kty": "RSA", "x5c": [x5c],
         "x5u": "https://evil.example/k"}]}).encode())
    # -- spki: raw DER
    for name in ("rsa2048", "rsa1024", "ec256", "ec256c", "ec384", "ec521",
                 "ed25519", "cert"):
        put("spki", name, k[name])
    put("spki", "trunc", k["rsa2048"][:100])
    put("spki", "longlen", b"\x30\x84\xff\xff\xff\xff" + k["ec256"][2:])
    # -- proto
    def msg(*fields):
        out = b""
        for n, v in fields:
            v = v if isinstance(v, bytes) else v.encode()
            out += n.encode() + b" " + str(len(v)).encode() + b"\n" + v + b"\n"
        return out + b"end 0\n\n"
    put("proto", "request", msg(("method", "POST"),
                                ("url", "https://127.0.0.1/v1/users/a/authenticate"),
                                ("header", "Accept: application/json"),
                                ("header", "X-Authrocket-Api-Key: ko_x"),
                                ("body", '{"password":"x"}'),
                                ("timeout_ms", "9750")))
    put("proto", "reply", msg(("status", "200"), ("date", "Tue, 14 Nov 2023"),
                              ("tls", "TLSv1.3"), ("time_ms", "12"),
                              ("body", b'{"a":1}\x00\n\xff')))
    put("proto", "error", msg(("status", "0"), ("error", "timeout"),
                              ("detail", "connect timed out")))
    put("proto", "empty", b"end 0\n\n")
    put("proto", "bad", b"status 007\n200\nend 0\n\n")
    put("proto", "trailing", msg(("a", "b")) + b"x")
    subprocess.run(["rm", "-rf", str(tmp)])
    listpage_seeds()


def listpage_seeds():
    """listpage: selector byte (bit 0 v2, bit 1 memberships, bit 2
    uid_attr, bit 3 ssh_keys_attr), then the page body."""
    user = {"object": "user", "id": "usr_a", "username": "ann",
            "email": "ann@example.com", "email_verified": True,
            "state": "active", "name": "Ann", "created_at": 1700000000.5,
            "custom": {"uid": "4000123", "ssh": ["ssh-ed25519 AAAA a",
                                                "no key"]}}
    v1 = dict(user, user_type="human", email_verification="verified")
    del v1["email_verified"]
    page = {"collection": [user, dict(user, id="usr_b", custom={"uid": 7})],
            "more_results": True}
    put("listpage", "users_v2", b"\x0d" + json.dumps(page).encode())
    put("listpage", "users_v1", b"\x0c" + json.dumps(
        {"collection": [v1], "more_results": False}).encode())
    put("listpage", "users_empty", b"\x01" +
        b'{"collection":[],"more_results":false}')
    put("listpage", "users_bad", b"\x01" +
        b'{"collection":[{"object":"user"}],"more_results":true}')
    memb = {"object": "membership", "id": "mb_1", "org_id": "org_x",
            "user_id": "usr_a", "permissions": ["sudo", "ssh"],
            "expires_at": "2030-01-01T00:00:00Z"}
    put("listpage", "memb", b"\x03" + json.dumps(
        {"collection": [memb, dict(memb, id="mb_2", expires_at=None)],
         "more_results": True}).encode())
    put("listpage", "memb_noid", b"\x03" +
        b'{"collection":[{"user_id":"usr_a"}],"more_results":false}')


if __name__ == "__main__":
    main()
