# SPDX-License-Identifier: BSD-3-Clause
"""Attack catalogue: identities that try to become another local account."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secutil import (  # noqa: E402
    AUTH, OK, UNKNOWN, expect, hs, hs_conf, phase_log, v1, v2)


def test_username_root(t):
    conf = hs_conf(t)
    tok = hs(t, v1("root"))
    expect(t, t.pam("root", [tok], conf), AUTH, "root below min_uid",
           "uid_below_min")
    # min_uid=0 is the administrator's explicit choice, also for root.
    t.eq(t.pam("root", [tok], conf, args=["min_uid=0"]).auth, OK,
         "root with min_uid=0")
    # A token for alice never opens root, whatever min_uid says.
    expect(t, t.pam("root", [hs(t, v1("alice"))], conf, args=["min_uid=0"]),
           AUTH, "alice's token for root", "wrong_user")


def test_uid0_through_map_file(t):
    mp = t.write("users.map", "id:usr_alice root\n", 0o644)
    conf = hs_conf(t, user_map_file=mp)
    tok = hs(t, v1("alice"))
    expect(t, t.pam("root", [tok], conf), AUTH, "mapped to root",
           "uid_below_min")
    expect(t, t.pam("alice", [tok], conf), AUTH,
           "alice no longer maps to alice", "wrong_user")


def test_map_entry_for_another_account(t):
    mp = t.write("users.map", "id:usr_alice bob\nusername:bob alice\n", 0o644)
    conf = hs_conf(t, user_map_file=mp)
    alice = hs(t, v1("alice"))
    expect(t, t.pam("alice", [alice], conf), AUTH, "alice maps to bob",
           "wrong_user")
    t.eq(t.pam("bob", [alice], conf).auth, OK, "the map is the admin's word")
    # id entries win over username entries: bob's token with alice's
    # username still maps by id when an id entry exists.
    mp2 = t.write("users2.map", "id:usr_bob bob\nusername:alice bob\n", 0o644)
    conf2 = hs_conf(t, name="m2.conf", user_map_file=mp2)
    tok = hs(t, v1("bob", un="alice"))
    t.eq(t.pam("bob", [tok], conf2).auth, OK, "id entry first")
    expect(t, t.pam("alice", [tok], conf2), AUTH, "not alice", "wrong_user")


def test_map_file_unsafe(t):
    tok = hs(t, v1("alice"))
    mp = t.write("ww.map", "id:usr_alice alice\n", 0o666)
    os.chmod(mp, 0o666)
    expect(t, t.pam("alice", [tok], hs_conf(t, user_map_file=mp)),
           "PAM_SERVICE_ERR", "world-writable map file")
    link = t.tmp / "link.map"
    os.symlink(t.write("real.map", "id:usr_alice alice\n", 0o644), link)
    expect(t, t.pam("alice", [tok], hs_conf(t, name="l.conf",
                                             user_map_file=link)),
           "PAM_SERVICE_ERR", "symlinked map file")
    dup = t.write("dup.map", "id:usr_alice alice\nid:usr_alice root\n", 0o644)
    expect(t, t.pam("alice", [tok], hs_conf(t, name="d.conf",
                                             user_map_file=dup)),
           "PAM_SERVICE_ERR", "a key listed twice")


def test_hostile_pam_user(t):
    conf = hs_conf(t)
    tok = hs(t, v1("alice"))
    for user in ("alice\n", "alice ", "../alice", "ALICE", "-alice",
                 "alice:x", "a" * 33):
        r = t.pam(user, [tok], conf)
        t.true(r.auth in (AUTH, UNKNOWN), "user %r: %s" % (user, r.auth))
        t.absent(phase_log(r), "allow user=", "user %r" % user)


def test_low_uid_account(t):
    conf = hs_conf(t)
    expect(t, t.pam("lowuser", [hs(t, v1("lowuser"))], conf), AUTH,
           "uid 500", "uid_below_min")


def test_custom_and_email_sources(t):
    # map_by email_localpart: a plus address is not a valid local name,
    # so it never lands on "alice" or anyone else.
    conf = hs_conf(t, map_by="email_localpart")
    tok = hs(t, v2("mallory", email="alice+x@evil.example"))
    expect(t, t.pam("alice", [tok], conf), AUTH, "alice+x", "bad_local_name")
    tok = hs(t, v2("mallory", email="alice@evil@example"))
    expect(t, t.pam("alice", [tok], conf), AUTH, "two @", "no_mapping")
    conf2 = hs_conf(t, name="c.conf", map_by="custom:unix")
    tok = hs(t, v1("mallory", cs={"unix": "root"}))
    expect(t, t.pam("root", [tok], conf2), AUTH, "custom attr says root",
           "uid_below_min")
    tok = hs(t, v1("mallory", cs={"unix": 0}))
    r = t.pam("root", [tok], conf2, args=["min_uid=0"])
    t.eq(r.auth, AUTH, "non-string custom value")
