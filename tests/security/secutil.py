# SPDX-License-Identifier: BSD-3-Clause
"""Helpers shared by the attack catalogue (tests/security/test_*.py).

Importing this module also makes every PAM transaction of the run go
through a recorder: the syslog lines, prompts, messages and answers of
each t.pam() call are kept so that test_zz_no_secrets.py can check the
whole run for leaked secrets, and no transaction may prompt more than
twice (docs/security.md, Bounded everything)."""
import json
import time

import artest
from jwtmint import b64url  # noqa: F401 (the attack tests import it)
from jwtmint import token as jwt_token

OK = "PAM_SUCCESS"
AUTH = "PAM_AUTH_ERR"
UNKNOWN = "PAM_USER_UNKNOWN"
UNAVAIL = "PAM_AUTHINFO_UNAVAIL"
SERVICE = "PAM_SERVICE_ERR"
DENIED = "PAM_PERM_DENIED"
IGNORE = "PAM_IGNORE"
CONV = "PAM_CONV_ERR"

MAX_PROMPTS = 2

# Every transaction of this run: (test name, answers, PamResult).
RECORD = []

if not getattr(artest.T, "_secutil_recording", False):
    _orig_pam = artest.T.pam

    def _recording_pam(self, user, answers=(), *a, **kw):
        res = _orig_pam(self, user, answers, *a, **kw)
        RECORD.append((self.name, list(answers), res))
        if len(res.prompts) > MAX_PROMPTS:
            raise artest.Failure("%d prompts in one transaction: %r" %
                                 (len(res.prompts), res.prompts))
        return res

    artest.T.pam = _recording_pam
    artest.T._secutil_recording = True


_ASAN = {}


def asan(t):
    """Is this run's pamdrive built with AddressSanitizer (check-asan)?"""
    b = str(t.env.build)
    if b not in _ASAN:
        import subprocess
        out = subprocess.run(["ldd", str(t.env.build / "tools/pamdrive")],
                             capture_output=True, text=True).stdout
        _ASAN[b] = "libasan" in out
    return _ASAN[b]


def now():
    return int(time.time())



def v1(user="alice", **over):
    p = {"uid": "usr_" + user, "un": user, "aud": "rl_test",
         "tk": "kss_v1" + user, "iat": now() - 5, "exp": now() + 3600,
         "m": [{"oid": "org_ops", "o": "Ops", "p": ["sudo", "ssh"]}]}
    p.update(over)
    return {k: v for k, v in p.items() if v is not None}


def v2(user="alice", **over):
    p = {"iss": "https://authrocket.com", "sub": "usr_" + user,
         "rid": "rl_test", "sid": "kss_v2" + user,
         "preferred_username": user, "email": user + "@example.com",
         "email_verified": True,
         "orgs": [{"oid": "org_ops", "perm": ["sudo", "ssh"]}],
         "iat": now() - 5, "exp": now() + 3600}
    p.update(over)
    return {k: v for k, v in p.items() if v is not None}


def hs_conf(t, name="hs.conf", **kw):
    kw.setdefault("jwt_key_file", t.env.keys["hs"])
    kw.setdefault("realm_id", "rl_test")
    return t.conf(name=name, **kw)


def hs(t, payload, header=None):
    return t.mint("HS256", t.env.keys["hs"], payload, header=header)


def pw_conf(t, version=1, name=None, **kw):
    m = t.env.mock
    keys = {"api_url": m.url(version),
            "api_key": "ko_testkey" if version == 1 else "ks_testkey",
            "ca_file": t.env.ca_file, "mode": "password", "timeout": 3}
    if version == 1:
        keys["realm_id"] = "rl_test"
    keys.update(kw)
    return t.conf(name=name or "pw%d.conf" % version, **keys)


def phase_log(res, phase="auth"):
    """The module's log lines of one phase ("auth" or "account")."""
    return [l for l in res.log if ":%s)" % phase in l]


def expect(t, res, code, what, reason=None, phase="auth"):
    t.eq(getattr(res, phase), code, what)
    if code != OK:
        t.absent(phase_log(res, phase), "allow user=",
                 what + ": no allow line")
    if reason is not None:
        t.contains(res.log, "reason=" + reason, what + ": reason")


def raw_token(header, payload, sig=b"x" * 32):
    return jwt_token(header, payload, sig)
