#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make demo: the whole module on this machine without an AuthRocket account.

Starts the test HTTPS mock of AuthRocket on 127.0.0.1 (a throwaway CA), writes
a demo configuration under build/, mints tokens and runs real PAM transactions
through libpam for the invoking local user.  Changes nothing outside build/.
"""
import os
import pwd
import sys
import time
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests/lib"))
sys.path.insert(0, str(ROOT / "tests/integration"))
import artest  # noqa: E402
import tokens  # noqa: E402


def main():
    user = os.environ.get("SUDO_USER") or pwd.getpwuid(os.getuid()).pw_name
    uid = pwd.getpwnam(user).pw_uid
    os.environ["KEEP_TMP"] = "1"    # leave the demo configuration to look at
    env = artest.Env(os.environ.get("B", "build"))
    t = artest.T(env, "demo")
    real = dict(os.environ)     # the real passwd database, not the test one
    ok = True
    print("pam_authrocket demo for local user %r (uid %d)" % (user, uid))
    print("  demo configuration under %s; min_uid lowered to %d for the demo"
          % (t.tmp, min(uid, 1000)))
    try:
        mock = env.mock
        mapf = t.write("users.map", "username:carol %s\nusername:alice %s\n"
                       % (user, user), 0o644)
        common = dict(realm_id="rl_test", min_uid=min(uid, 1000),
                      ca_file=env.ca_file, user_map_file=mapf)
        hs = t.conf(name="token.conf", jwt_key_file=env.keys["hs"], **common)
        rs = t.conf(name="rs256.conf", jwt_key_file=env.keys["rsa_pub"], **common)
        api = t.conf(name="password.conf", jwt_key_file=env.keys["hs"],
                     api_url=mock.url(1), api_key="ko_testkey", **common)
        down = t.conf(name="down.conf", jwt_key_file=env.keys["hs"],
                      api_url="https://127.0.0.1:%d/v1" % artest.free_port(),
                      api_key="ko_testkey", timeout=3, **common)

        def case(label, want, conf, answers, payload_user=None):
            nonlocal ok
            r = t.pam(user, answers, conf, env=real, phases=("auth",))
            good = r.auth == want
            ok = ok and good
            word = {"PAM_SUCCESS": "accepted", "PAM_AUTH_ERR": "refused",
                    "PAM_AUTHINFO_UNAVAIL": "unavailable"}.get(r.auth, r.auth)
            why = ""
            for line in r.log:
                if "reason=" in line:
                    why = " (" + line.split("reason=", 1)[1].split()[0] + ")"
            print("  %-44s %-12s %s%s%s" % (label, word, r.auth, why,
                                            "" if good else "  <-- UNEXPECTED"))

        own = t.mint("HS256", env.keys["hs"], tokens.v1(user))
        other = t.mint("HS256", env.keys["hs"], tokens.v1("someone-else"))
        expired = t.mint("HS256", env.keys["hs"], tokens.v1(user, exp=-600))
        forged = t.mint("HS256", env.keys["hs"], tokens.v2(user),
                        extra=["--hmac-with-file", str(env.keys["rsa_pub"])])
        case("own token (HS256)", "PAM_SUCCESS", hs, [own])
        case("another user's token", "PAM_AUTH_ERR", hs, [other])
        case("expired token", "PAM_AUTH_ERR", hs, [expired])
        case("forged token (HS256 signed with RS256 key)", "PAM_AUTH_ERR", rs,
             [forged])
        case("password + TOTP code", "PAM_SUCCESS", api, ["pw-carol", "123456"])
        case("wrong password", "PAM_AUTH_ERR", api, ["not-the-password"])
        case("AuthRocket down", "PAM_AUTHINFO_UNAVAIL", down, ["pw-alice"])
    finally:
        env.close()
    print("demo: %s" % ("all cases behaved as expected" if ok else "UNEXPECTED RESULTS"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
