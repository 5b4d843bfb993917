# SPDX-License-Identifier: BSD-3-Clause
"""authrocket-sync against the mock: what becomes an account, under which
name and uid, and that a failed or suspicious run changes nothing."""
import json
import os
import pathlib
import re

SUMMARY = re.compile(r"^(\d+) users, \+(\d+) -(\d+) ~(\d+), [0-9.]+ s$")


def sync_conf(t, m=None, name="sync.conf", version=2, **kw):
    m = m or t.env.start_mock()
    key = "ks_testkey" if version == 2 else "ko_testkey"
    kw.setdefault("timeout", 5)
    return t.conf(name=name, api_url=m.url(version), api_key=key,
                  ca_file=t.env.ca_file, realm_id="rl_test", **kw), m


def sync(t, conf, out, *args):
    r = t.run([t.env.build / "authrocket-sync", "--config", conf,
               "--output", out, *args], timeout=120)
    return r


def snapshot(d):
    d = pathlib.Path(d)
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())
            if p.is_file()} if d.exists() else {}


def state(d):
    return json.loads((pathlib.Path(d) / "state").read_text())


def served(d):
    return {u["name"]: u for u in state(d)["users"]}


def summary(t, r):
    lines = r.stdout.strip().splitlines()
    t.true(lines, "no output: " + r.stderr)
    mt = SUMMARY.match(lines[-1])
    t.true(mt is not None, "summary line: %r" % lines[-1])
    return tuple(int(x) for x in mt.groups())


def fresh(t, m, **ctl):
    ctl.setdefault("list_static", False)
    m.control(dict(reset=True, **ctl))


def test_first_sync_serves_active_humans(t):
    conf, m = sync_conf(t, group_map="sudo:arsudo,ssh:users")
    fresh(t, m, list_users=[
        {"id": "usr_a1", "username": "ann", "name": "Ann: A,\x07nn",
         "memberships": [["org_x", "X", ["sudo"]]]},
        {"id": "usr_a2", "username": "ben", "state": "inactive"},
        {"id": "usr_a4", "username": "Bad Name"},
        {"id": "usr_a5", "username": "dee", "memberships": [["org_y", "Y",
                                                             ["ssh"]]]}])
    out = t.tmp / "dir"
    r = sync(t, conf, out)
    t.eq(r.returncode, 0, "exit: " + r.stderr)
    t.eq(summary(t, r)[:4], (2, 2, 0, 0), "summary")
    s = served(out)
    t.eq(sorted(s), ["ann", "dee"], "served names")
    t.eq(s["ann"]["gecos"], "Ann Ann", "gecos sanitised")
    t.eq(s["ann"]["home"], "/home/ann", "home")
    t.eq(s["ann"]["shell"], "/bin/bash", "shell")
    lo, hi = 1879048192, 2147352575
    t.true(lo <= s["ann"]["uid"] <= hi, "uid in range")
    t.contains(r.stderr, "Bad Name", "invalid name logged")
    st = os.stat(out / "state")
    t.eq(st.st_mode & 0o777, 0o600, "state is 0600")
    t.eq(os.stat(out / "directory").st_mode & 0o777, 0o644, "directory 0644")
    groups = {g["name"]: g for g in state(out)["groups"]}
    t.eq(groups["arsudo"]["members"], ["ann"], "sudo group members")
    t.eq(s["ann"]["gids"], [groups["arsudo"]["gid"]], "ann's groups")
    # "users" exists in /etc/group: its gid, no directory group
    users_gid = [l.split(":")[2] for l in open("/etc/group")
                 if l.startswith("users:")]
    t.eq(s["dee"]["gids"], [int(users_gid[0])], "local group by name")
    t.true("users" not in groups, "no directory group shadows a local one")
    reqs = [q["path"] for q in m.requests()]
    t.eq(reqs, ["/v2/users?max_results=100",
                "/v2/memberships?max_results=100"], "two list requests")
    # a second run changes nothing
    before = snapshot(out)
    r = sync(t, conf, out)
    t.eq(summary(t, r)[:4], (2, 0, 0, 0), "nothing to do")
    t.eq(snapshot(out), before, "files unchanged")


def fnv(s):
    h = 0xcbf29ce484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


def test_v1_users_unverified_email_and_api_users(t):
    conf, m = sync_conf(t, version=1, map_by="email_localpart")
    fresh(t, m, list_users=[
        {"id": "usr_v1", "username": "x1", "email": "vera@example.com"},
        {"id": "usr_v2", "username": "x2", "email": "walt@example.com",
         "email_verified": False},
        {"id": "usr_v3", "username": "x3", "email": "bot@example.com",
         "user_type": "api"}])
    out = t.tmp / "dir"
    r = sync(t, conf, out)
    t.eq(r.returncode, 0, "exit: " + r.stderr)
    t.eq(sorted(served(out)), ["vera"], "verified human only")
    t.contains(r.stderr, "usr_v2", "unverified address logged as unmapped")
    t.eq([q["headers"].get("x-authrocket-api-key") for q in m.requests()],
         ["ko_testkey", "ko_testkey"], "v1 key header on every page")


def test_uids_identical_across_hosts_and_stable(t):
    conf, m = sync_conf(t)
    fresh(t, m, generate=250)
    a, b = t.tmp / "a", t.tmp / "b"
    for d in (a, b):
        r = sync(t, conf, d, "--quiet")
        t.eq(r.returncode, 0, "exit: " + r.stderr)
        t.eq(r.stdout, "", "--quiet prints nothing")
    t.eq(snapshot(a), snapshot(b), "same users, same bytes")
    t.eq(len(served(a)), 250, "all served")
    t.eq(len({u["uid"] for u in served(a).values()}), 250, "distinct uids")
    pages = [q["path"] for q in m.requests() if "users?" in q["path"]]
    t.eq(len(pages), 6, "three pages per run")
    t.contains(pages[1], "after=usr_gen000099", "cursor is the last id")
    uid = served(a)["user000007"]["uid"]
    m.control({"delete": ["usr_gen000007"]})
    t.eq(sync(t, conf, a).returncode, 0, "removed")
    t.true("user000007" not in served(a), "gone")
    m.control({"list_users": [{"id": "usr_gen000007",
                               "username": "user000007"}]})
    r = sync(t, conf, a)
    t.eq(summary(t, r)[:2], (250, 1), "added back")
    t.eq(served(a)["user000007"]["uid"], uid, "the same uid again")


def test_collisions_earlier_user_keeps_the_slot(t):
    ids = ["usr_c%d" % i for i in range(40)]
    same = [i for i in ids if fnv(i) % 2 == fnv(ids[0]) % 2][:2]
    x, y = sorted(same)
    lo = 3000000
    conf, m = sync_conf(t, uid_range="%d-%d" % (lo, lo + 1))
    # y is older: it keeps the computed slot although its id is larger
    fresh(t, m, list_users=[
        {"id": x, "username": "xx", "created_at": 1700000500},
        {"id": y, "username": "yy", "created_at": 1700000100}])
    out = t.tmp / "dir"
    t.eq(sync(t, conf, out).returncode, 0, "synced")
    slot = lo + fnv(x) % 2
    t.eq(served(out)["yy"]["uid"], slot, "older user keeps the slot")
    t.eq(served(out)["xx"]["uid"], lo + 1 - (slot - lo), "next free, wrapped")
    m.control({"list_users": [{"id": "usr_c99", "username": "zz"}]})
    r = sync(t, conf, out)
    t.eq(r.returncode, 0, "full range is no failure")
    t.contains(r.stderr, "uid_range is full", "logged")
    t.true("zz" not in served(out), "skipped")
    # same created_at: the smaller id wins
    out2 = t.tmp / "dir2"
    fresh(t, m, list_users=[{"id": x, "username": "xx"},
                            {"id": y, "username": "yy"}])
    t.eq(sync(t, conf, out2).returncode, 0, "synced")
    t.eq(served(out2)["xx"]["uid"], slot, "smaller id keeps the slot")


def test_two_users_one_name_both_skipped(t):
    conf, m = sync_conf(t)
    fresh(t, m, list_users=[{"id": "usr_d1", "username": "dup"},
                            {"id": "usr_d2", "username": "dup"},
                            {"id": "usr_d3", "username": "solo"}])
    out = t.tmp / "dir"
    r = sync(t, conf, out)
    t.eq(r.returncode, 0, "exit")
    t.eq(sorted(served(out)), ["solo"], "both skipped")
    t.contains(r.stderr, "usr_d1 (dup): another AuthRocket user", "logged 1")
    t.contains(r.stderr, "usr_d2 (dup): another AuthRocket user", "logged 2")


def test_local_names_and_uids_never_shadowed(t):
    conf, m = sync_conf(t, uid_attr="custom:uid")
    fresh(t, m, list_users=[
        {"id": "usr_l1", "username": "daemon"},
        {"id": "usr_l2", "username": "users"},
        {"id": "usr_l3", "username": "nobody"},
        {"id": "usr_l4", "username": "ulocal", "custom": {"uid": 65534}},
        {"id": "usr_l5", "username": "uattr", "custom": {"uid": "4000123"}},
        {"id": "usr_l6", "username": "ulow", "custom": {"uid": 5}}])
    out = t.tmp / "dir"
    r = sync(t, conf, out)
    t.eq(r.returncode, 0, "exit: " + r.stderr)
    s = served(out)
    t.eq(sorted(s), ["uattr", "ulocal", "ulow"], "local names skipped")
    t.contains(r.stderr, "(daemon): a local account has this name", "logged")
    t.contains(r.stderr, "(users): a local group has this name", "logged")
    t.eq(s["uattr"]["uid"], 4000123, "uid_attr used")
    t.true(s["ulocal"]["uid"] != 65534 and s["ulocal"]["uid"] >= 1879048192,
           "a local uid is never given")
    t.true(s["ulow"]["uid"] >= 1879048192, "below min_uid: computed")
    # adopt_local: nobody (65534 >= min_uid) is recorded, not served
    conf2, _ = sync_conf(t, m, name="adopt.conf", adopt_local=True)
    out2 = t.tmp / "dir2"
    r = sync(t, conf2, out2)
    e = served(out2)["nobody"]
    t.eq((e["adopted"], e["uid"], e["ar_id"]), (True, 0, "usr_l3"), "adopted")
    t.true("daemon" not in served(out2), "uid below min_uid: not adopted")
    t.eq(summary(t, r)[0], 3, "adoptions are not served")


def test_map_file_entry_adopts_a_local_account(t):
    mp = t.write("map", "id:usr_m1 nobody\n", 0o644)
    conf, m = sync_conf(t, user_map_file=mp)
    fresh(t, m, list_users=[{"id": "usr_m1", "username": "whoever"}])
    out = t.tmp / "dir"
    t.eq(sync(t, conf, out).returncode, 0, "exit")
    t.eq(served(out)["nobody"]["adopted"], True, "adopted by the map file")


def test_failing_page_leaves_everything_as_it_was(t):
    conf, m = sync_conf(t)
    fresh(t, m, generate=250)
    out = t.tmp / "dir"
    t.eq(sync(t, conf, out).returncode, 0, "first sync")
    m.control({"set_state": {"usr_gen000003": "inactive"},
               "delete": ["usr_gen000004"]})
    before = snapshot(out)
    for lst, page, kind in (("users", 2, "500"), ("users", 3, "badjson"),
                            ("users", 2, "malformed"),
                            ("users", 2, "noprogress"),
                            ("users", 3, "empty"),
                            ("memberships", 2, "500"),
                            ("memberships", 2, "noprogress")):
        m.control({"fail_page": {"list": lst, "page": page, "kind": kind}})
        m.clear()
        r = sync(t, conf, out)
        t.eq(r.returncode, 1, "%s page %d %s: exit" % (lst, page, kind))
        t.eq(r.stdout, "", "no summary on failure")
        t.eq(snapshot(out), before, "%s %s: bytes unchanged" % (lst, kind))
        t.contains(r.stderr, "sync failed", "failure logged")
        t.eq(sorted(os.listdir(out)), ["directory", "state"],
             "no temporary file left")
        if kind == "noprogress":
            t.contains(r.stderr, "no_progress", "named as no progress")
    m.control({"fail_page": None})
    r = sync(t, conf, out)
    t.eq(summary(t, r)[:4], (248, 0, 2, 0), "then the change goes through")


def test_rate_limit_waits_within_budget(t):
    conf, m = sync_conf(t)
    fresh(t, m, generate=150, fail_page={"list": "users", "page": 2,
                                          "kind": "429", "retry_after": 1})
    out = t.tmp / "dir"
    r = sync(t, conf, out)
    t.eq(r.returncode, 0, "waited and went on: " + r.stderr)
    t.contains(r.stderr, "rate limited, waiting 1 s", "logged")
    paths = [q["path"] for q in m.requests() if "users?" in q["path"]]
    t.eq(len(paths), 3, "page 2 asked again")
    t.eq(paths[1], paths[2], "the same page")
    m.control({"fail_page": {"list": "memberships", "page": 1,
                             "kind": "429", "retry_after": 301}})
    before = snapshot(out)
    m.control({"delete": ["usr_gen000001"]})
    r = sync(t, conf, out)
    t.eq(r.returncode, 1, "beyond five minutes: fail at once")
    t.contains(r.stderr, "rate_limited", "reason")
    t.eq(snapshot(out), before, "unchanged")


def test_mass_drop_guard_and_force(t):
    conf, m = sync_conf(t)
    fresh(t, m, generate=10)
    out = t.tmp / "dir"
    t.eq(sync(t, conf, out).returncode, 0, "first sync")
    before = snapshot(out)
    m.control({"delete": ["usr_gen000001", "usr_gen000002"],
               "set_state": {"usr_gen000003": "inactive"}})
    r = sync(t, conf, out)
    t.eq(r.returncode, 1, "30% > 20%: refused")
    t.contains(r.stderr, "mass_drop", "reason")
    t.contains(r.stderr, "--force", "says how to go on")
    t.eq(snapshot(out), before, "unchanged")
    r = sync(t, conf, out, "--force")
    t.eq(r.returncode, 0, "--force: " + r.stderr)
    t.eq(summary(t, r)[:4], (7, 0, 3, 0), "dropped")
    # a single departure always goes through, even of two entries
    conf2, m2 = sync_conf(t, name="two.conf")
    fresh(t, m2, generate=2)
    out2 = t.tmp / "dir2"
    t.eq(sync(t, conf2, out2).returncode, 0, "two users")
    m2.control({"delete": ["usr_gen000000"]})
    r = sync(t, conf2, out2)
    t.eq(r.returncode, 0, "one of two (50%) goes through")


def test_mass_drop_ignores_adoptions(t):
    conf, m = sync_conf(t, adopt_local=True)
    fresh(t, m, generate=10, list_users=[{"id": "usr_n", "username":
                                          "nobody"}])
    out = t.tmp / "dir"
    t.eq(sync(t, conf, out).returncode, 0, "first sync")
    m.control({"delete": ["usr_gen000001", "usr_n"]})
    r = sync(t, conf, out)
    t.eq(r.returncode, 0, "one served entry and one adoption: " + r.stderr)


def test_dry_run_changes_nothing(t):
    conf, m = sync_conf(t)
    fresh(t, m, generate=5)
    out = t.tmp / "dir"
    r = sync(t, conf, out, "--dry-run")
    t.eq(r.returncode, 0, "exit")
    t.true(not out.exists(), "nothing created")
    t.contains(r.stdout, "+ user000001 usr_gen000001 uid ", "shows additions")
    t.eq(summary(t, r)[:2], (5, 5), "summary")
    t.eq(sync(t, conf, out).returncode, 0, "real run")
    before = snapshot(out)
    m.control({"delete": ["usr_gen000002"],
               "list_users": [{"id": "usr_gen000003",
                               "username": "user000003", "name": "New"}]})
    r = sync(t, conf, out, "--dry-run")
    t.contains(r.stdout, "- user000002 usr_gen000002", "shows removal")
    t.contains(r.stdout, "~ user000003 usr_gen000003", "shows change")
    t.eq(snapshot(out), before, "bytes unchanged")


def test_user_option_touches_one_entry(t):
    conf, m = sync_conf(t)
    fresh(t, m, generate=5)
    out = t.tmp / "dir"
    t.eq(sync(t, conf, out).returncode, 0, "first sync")
    others = {k: v for k, v in served(out).items() if k != "user000002"}
    m.control({"list_users": [{"id": "usr_new", "username": "newbie",
                               "memberships": [["org_x", "X", ["ssh"]]]}],
               "set_state": {"usr_gen000001": "inactive"}})
    m.clear()
    r = sync(t, conf, out, "--user", "newbie")
    t.eq(r.returncode, 0, "exit: " + r.stderr)
    t.eq(summary(t, r)[:4], (6, 1, 0, 0), "one added, the inactive one kept: " + r.stderr)
    t.eq([q["path"] for q in m.requests()],
         ["/v2/users/newbie",
          "/v2/memberships?user_id=usr_new&max_results=100"],
         "only that user asked for")
    r = sync(t, conf, out, "--user", "user000001")
    t.eq(summary(t, r)[:4], (5, 0, 1, 0), "deactivated: removed")
    m.control({"delete": ["usr_gen000002"]})
    r = sync(t, conf, out, "--user", "user000002")
    t.eq(r.returncode, 0, "deleted user: " + r.stderr)
    t.eq(summary(t, r)[:4], (4, 0, 1, 0), "deleted: removed")
    m.control({"delete": ["usr_gen000004"]})
    r = sync(t, conf, out, "--user", "usr_gen000004")
    t.eq(summary(t, r)[:4], (3, 0, 1, 0), "deleted, named by id: removed")
    now = served(out)
    for k, v in others.items():
        if k == "user000004":
            continue
        if k != "user000001":
            t.eq(now[k], v, "untouched " + k)


def test_user_option_refuses_a_reply_without_one_user(t):
    conf, m = sync_conf(t)
    fresh(t, m, generate=2)
    out = t.tmp / "dir"
    t.eq(sync(t, conf, out).returncode, 0, "first sync")
    before = snapshot(out)
    r = sync(t, conf, out, "--user", "emptybody")
    t.eq(r.returncode, 1, "a 200 without a user is a failure: " + r.stderr)
    t.contains(r.stderr, "bad_reply", "named as a bad reply")
    t.eq(snapshot(out), before, "nothing written")


def test_exit_codes_and_usage(t):
    b = t.env.build / "authrocket-sync"
    out = t.tmp / "dir"
    t.eq(t.run([b, "--bogus"]).returncode, 2, "unknown option")
    t.eq(t.run([b, "extra"]).returncode, 2, "operand")
    t.eq(t.run([b, "--output", "relative"]).returncode, 2, "relative dir")
    r = t.run([b, "--version"])
    t.eq((r.returncode, r.stdout.split()[0]), (0, "authrocket-sync"), "ver")
    t.eq(t.run([b, "--help"]).returncode, 0, "help")
    nokey = t.conf(name="nokey.conf", jwt_key_file=t.env.keys["hs"])
    r = sync(t, nokey, out)
    t.eq(r.returncode, 2, "no api_url")
    t.contains(r.stderr, "api_url and api_key", "says what is missing")
    conf, m = sync_conf(t, name="sh.conf", shell="/bin/nosuchshell")
    t.eq(sync(t, conf, out).returncode, 2, "shell not in /etc/shells")
    t.eq(sync(t, t.tmp / "missing.conf", out).returncode, 2, "no config")
    down = t.conf(name="down.conf", api_url="https://127.0.0.1:1/v2",
                  api_key="ks_testkey", ca_file=t.env.ca_file, timeout=2)
    r = sync(t, down, out)
    t.eq(r.returncode, 1, "unreachable")
    t.eq(snapshot(out), {}, "nothing written")
    badmap = t.write("badmap", "nonsense\n", 0o644)
    conf, m = sync_conf(t, name="bm.conf", user_map_file=badmap)
    fresh(t, m, generate=1)
    t.eq(sync(t, conf, out).returncode, 2, "broken map file")


def test_install_puts_sync_units_and_man_page_in_place(t):
    import subprocess
    from artest import ROOT
    dest = t.tmp / "dest"
    r = subprocess.run(["make", "-s", "--no-print-directory", "-C", str(ROOT),
                        "B=%s" % t.env.build, "install", "DESTDIR=%s" % dest],
                       capture_output=True, text=True, timeout=300)
    t.eq(r.returncode, 0, "make install: " + r.stdout + r.stderr)
    for path, mode in (("usr/sbin/authrocket-sync", 0o755),
                       ("usr/share/man/man8/authrocket-sync.8", 0o644),
                       ("lib/systemd/system/authrocket-sync.service", 0o644),
                       ("lib/systemd/system/authrocket-sync.timer", 0o644)):
        p = dest / path
        t.true(p.exists(), "installed " + path)
        t.eq(oct(p.stat().st_mode & 0o777), oct(mode), "mode of " + path)
    unit = (dest / "lib/systemd/system/authrocket-sync.service").read_text()
    for line in ("NoNewPrivileges=yes", "ProtectSystem=strict",
                 "ReadWritePaths=/var/lib/pam_authrocket", "PrivateTmp=yes",
                 "ProtectHome=read-only"):
        t.contains(unit, line, "hardened unit")
    timer = (dest / "lib/systemd/system/authrocket-sync.timer").read_text()
    for line in ("OnBootSec=", "OnUnitActiveSec=5min", "RandomizedDelaySec="):
        t.contains(timer, line, "timer")
    if subprocess.run(["sh", "-c", "command -v systemd-analyze"],
                      capture_output=True).returncode == 0:
        # the targets the units name, from this host, beside them
        import glob
        import shutil
        for f in glob.glob("/lib/systemd/system/*.target"):
            shutil.copy(f, dest / "lib/systemd/system")
        r = subprocess.run(["systemd-analyze", "verify", "--root=%s" % dest,
                            "authrocket-sync.service", "authrocket-sync.timer"],
                           capture_output=True, text=True, timeout=60)
        bad = [l for l in (r.stdout + r.stderr).splitlines()
               if l.strip() and "man " not in l and "Documentation" not in l]
        t.eq(bad, [], "systemd-analyze verify")


def test_synced_directory_served_through_nss(t):
    import test_nss
    conf, m = sync_conf(t, group_map="sudo:arsudo")
    fresh(t, m, list_users=[
        {"id": "usr_s1", "username": "sam", "name": "Sam Sync",
         "memberships": [["org_x", "X", ["sudo"]]]},
        {"id": "usr_s2", "username": "tia"}])
    d = test_nss.nss_dir(t)
    for f in ("directory", "state"):
        if (d / f).exists():
            (d / f).unlink()
    r = sync(t, conf, d)
    t.eq(r.returncode, 0, "sync: " + r.stderr)
    s = served(d)
    g = {x["name"]: x for x in state(d)["groups"]}["arsudo"]
    r = test_nss.getent(t, "passwd", "sam")
    t.eq(r.stdout, "sam:*:%d:%d:Sam Sync:/home/sam:/bin/bash\n" %
         (s["sam"]["uid"], s["sam"]["uid"]), "getent passwd")
    r = test_nss.getent(t, "group", "arsudo")
    t.eq(r.stdout, "arsudo:*:%d:sam\n" % g["gid"], "getent group")
    r = test_nss.getent(t, "initgroups", "sam")
    t.contains(r.stdout, str(g["gid"]), "initgroups")
    m.control({"delete": ["usr_s1"]})
    r = sync(t, conf, d)
    t.eq(r.returncode, 0, "one of two removed: " + r.stderr)
    t.eq(test_nss.getent(t, "passwd", "sam").returncode, 2, "gone from NSS")
    (d / "state").unlink()


def test_server_text_is_escaped_in_output(t):
    conf, m = sync_conf(t)
    evil = "usr_\x1b[31mx\ninjected: + root 0"
    fresh(t, m, list_users=[{"id": evil, "username": "eve"}])
    r = sync(t, conf, t.tmp / "dir", "--dry-run")
    t.eq(r.returncode, 0, "exit: " + r.stderr)
    t.absent(r.stdout, "\x1b", "no raw escape sequence")
    t.absent(r.stdout, "\ninjected", "no line of the server's making")
    t.contains(r.stdout, "+ eve usr_\\x1b[31mx\\x0ainjected", "escaped id")
