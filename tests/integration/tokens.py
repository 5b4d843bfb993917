# SPDX-License-Identifier: BSD-3-Clause
"""Token payload builders shared by the integration tests."""
import time


def v1(user="alice", uid=None, exp=3600, **over):
    now = int(time.time())
    p = {"uid": uid or "usr_" + user.replace(".", "_"), "un": user,
         "aud": "rl_test", "tk": "kss_v1" + user.replace(".", "_"),
         "iat": now - 5, "exp": None if exp is None else now + exp,
         "m": [{"oid": "org_ops", "o": "Ops", "p": ["sudo", "ssh"]}]}
    p.update(over)
    return {k: v for k, v in p.items() if v is not None}


def v2(user="alice", uid=None, exp=3600, **over):
    now = int(time.time())
    p = {"iss": "https://authrocket.com", "sub": uid or "usr_" + user,
         "rid": "rl_test", "sid": "kss_v2" + user,
         "preferred_username": user, "email": user + "@example.com",
         "email_verified": True,
         "orgs": [{"oid": "org_ops", "mid": "mb_1", "name": "Ops",
                   "perm": ["sudo", "ssh"]}],
         "iat": now - 5, "exp": None if exp is None else now + exp}
    p.update(over)
    return {k: v for k, v in p.items() if v is not None}
