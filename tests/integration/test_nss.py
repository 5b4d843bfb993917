# SPDX-License-Identifier: BSD-3-Clause
"""libnss_authrocket.so.2: passwd, group and initgroups from the directory
file, through real glibc (getent -s authrocket, and a tool that configures
the lookup the same way) and through nss_wrapper's module loading.  The
test copy of the module reads build/nss-test/dir; the installed one reads
only /var/lib/pam_authrocket."""
import os
import shutil
import subprocess

SPEC = (
    "u\talice\tusr_alice\talice@example.com\t1879048200\t0\tAlice Liddell"
    "\t/home/alice\t/bin/bash\t27,1879050000\tssh-ed25519 AAAA a\n"
    "u\tbob\tusr_bob\t-\t1879048201\t0\t-\t/home/bob\t/bin/sh\t-\t-\n"
    "u\tcarol\tusr_carol\tcarol\t0\t1\tCarol\t/home/carol\t/bin/bash\t27\t-\n"
    "g\tdevs\t1879050000\talice,bob,carol\n"
    "g\tempty\t1879050001\t-\n")


def nss_dir(t):
    d = t.env.build / "nss-test" / "dir"
    d.mkdir(parents=True, exist_ok=True)
    return d


def write_dir(t, spec=SPEC):
    d = nss_dir(t)
    r = t.run([t.env.build / "tools/ardir", "write", d], input=spec)
    if r.returncode != 0:
        raise RuntimeError("ardir: " + r.stderr)
    return d / "directory"


def env(t):
    e = dict(os.environ)
    e["LD_LIBRARY_PATH"] = str(t.env.build / "nss-test")
    return t.env.san_env(e)


def needed(t, path):
    """NEEDED libraries, the sanitizers' runtimes of a sanitized build
    left out."""
    dyn = t.run(["readelf", "-d", path]).stdout
    return [l.split("[")[1].rstrip("]") for l in dyn.splitlines()
            if "(NEEDED)" in l and "libasan" not in l and "libubsan" not in l]


def getent(t, *args):
    return t.run(["getent", "-s", "authrocket"] + list(args), env=env(t))


def status(t, kind, key):
    r = t.run([t.env.build / "tools/nsstool", "status", kind, key], env=env(t))
    return r.stdout.strip()


def test_nss_passwd_by_name_and_uid(t):
    write_dir(t)
    r = getent(t, "passwd", "alice")
    t.eq(r.returncode, 0, "alice found")
    t.eq(r.stdout, "alice:*:1879048200:1879048200:Alice Liddell:/home/alice:"
         "/bin/bash\n", "alice's entry")
    r = getent(t, "passwd", "1879048201")
    t.eq(r.stdout, "bob:*:1879048201:1879048201::/home/bob:/bin/sh\n", "by uid")
    # Adopted: a local account, served by the local files only.
    t.eq(getent(t, "passwd", "carol").returncode, 2, "adopted not served")
    t.eq(getent(t, "passwd", "0").returncode, 2, "uid 0 not served")
    t.eq(getent(t, "passwd", "dave").returncode, 2, "unknown")
    t.eq(status(t, "pwnam", "dave"), "status=NOTFOUND errno=2", "not found")
    t.eq(status(t, "pwnam", "carol"), "status=NOTFOUND errno=2", "adopted")
    t.eq(status(t, "pwuid", "1879048200"), "status=SUCCESS errno=0", "uid")


def test_nss_groups(t):
    write_dir(t)
    t.eq(getent(t, "group", "devs").stdout,
         "devs:*:1879050000:alice,bob,carol\n", "directory group")
    t.eq(getent(t, "group", "1879050001").stdout, "empty:*:1879050001:\n",
         "by gid")
    t.eq(getent(t, "group", "alice").stdout, "alice:*:1879048200:\n",
         "primary group by name")
    t.eq(getent(t, "group", "1879048201").stdout, "bob:*:1879048201:\n",
         "primary group by gid")
    t.eq(getent(t, "group", "carol").returncode, 2, "adopted: no group")
    t.eq(getent(t, "group", "27").returncode, 2, "local group not ours")


def test_nss_enumeration(t):
    write_dir(t)
    t.eq(getent(t, "passwd").stdout,
         "alice:*:1879048200:1879048200:Alice Liddell:/home/alice:/bin/bash\n"
         "bob:*:1879048201:1879048201::/home/bob:/bin/sh\n", "served users")
    t.eq(getent(t, "group").stdout,
         "devs:*:1879050000:alice,bob,carol\nempty:*:1879050001:\n"
         "alice:*:1879048200:\nbob:*:1879048201:\n", "groups")


def test_nss_initgroups(t):
    write_dir(t)
    r = getent(t, "initgroups", "alice")
    t.eq(r.stdout.split(), ["alice", "27", "1879050000"], "alice's groups")
    t.eq(getent(t, "initgroups", "bob").stdout.split(), ["bob"], "no groups")
    t.eq(status(t, "initgroups", "carol"), "status=NOTFOUND errno=2",
         "adopted")


def test_nss_missing_or_damaged_is_unavail(t):
    path = write_dir(t)
    good = path.read_bytes()
    path.unlink()
    t.eq(status(t, "pwnam", "alice"), "status=UNAVAIL errno=2", "missing")
    t.eq(getent(t, "passwd", "alice").returncode, 2, "missing: getent")
    cases = {
        "garbage": (b"not a directory file\n" * 10, 0o644),
        "truncated": (good[:len(good) // 2], 0o644),
        "empty": (b"", 0o644),
        "group-writable": (good, 0o664),
        "world-writable": (good, 0o646),
    }
    for what, (data, mode) in cases.items():
        path.write_bytes(data)
        os.chmod(path, mode)
        for kind, key in (("pwnam", "alice"), ("pwuid", "1879048200"),
                          ("grnam", "devs"), ("grgid", "1879050000"),
                          ("initgroups", "alice")):
            t.eq(status(t, kind, key), "status=UNAVAIL errno=2",
                 "%s %s %s" % (what, kind, key))
        t.eq(getent(t, "passwd").stdout, "", what + ": enumeration")
    path.unlink()
    os.symlink("elsewhere", path)
    (path.parent / "elsewhere").write_bytes(good)
    t.eq(status(t, "pwnam", "alice"), "status=UNAVAIL errno=2", "symlink")
    path.unlink()
    (path.parent / "elsewhere").unlink()
    write_dir(t)
    t.eq(status(t, "pwnam", "alice"), "status=SUCCESS errno=0", "restored")


def test_nss_erange(t):
    write_dir(t)
    r = t.run([t.env.build / "tools/nsstool", "erange", "alice", "devs"],
              env=env(t))
    t.eq(r.returncode, 0, "ERANGE handling: " + r.stdout + r.stderr)
    t.contains(r.stdout, "ok getpwent_r retried after ERANGE: alice")


def test_nss_threads_while_the_file_is_replaced(t):
    r = t.run([t.env.build / "tools/nsstool", "threads", nss_dir(t), "2000",
               "3"], env=env(t), timeout=60)
    t.eq(r.returncode, 0, "threads: " + r.stdout + r.stderr)
    t.contains(r.stdout, "lookups by 8 threads")


def test_nss_no_descriptor_left_open(t):
    write_dir(t)
    r = t.run([t.env.build / "tools/nsstool", "fds", "alice"], env=env(t))
    t.eq(r.returncode, 0, "fds: " + r.stdout + r.stderr)


def test_nss_links_libc_only_and_exports_entry_points(t):
    for so in (t.env.build / "libnss_authrocket.so.2",
               t.env.build / "nss-test/libnss_authrocket.so.2"):
        dyn = t.run(["readelf", "-d", so]).stdout
        t.eq(needed(t, so), ["libc.so.6"], "NEEDED of " + str(so))
        t.contains(dyn, "BIND_NOW")
        t.contains(dyn, "libnss_authrocket.so.2", "soname")
        out = t.run(["nm", "-D", "--defined-only", so]).stdout
        syms = sorted(l.split()[-1] for l in out.splitlines()
                      if len(l.split()) >= 3)
        t.eq(syms, sorted("_nss_authrocket_" + n for n in (
            "endgrent", "endpwent", "getgrent_r", "getgrgid_r",
            "getgrnam_r", "getpwent_r", "getpwnam_r", "getpwuid_r",
            "initgroups_dyn", "setgrent", "setpwent")), "exports")
    prod = (t.env.build / "libnss_authrocket.so.2").read_bytes()
    t.true(b"/var/lib/pam_authrocket\0" in prod, "production path")
    t.true(b"nss-test" not in prod, "no test path in the production copy")


def test_nss_through_nss_wrapper(t):
    if t.env.nss_wrapper is None:
        t.skip("libnss-wrapper is not installed (make deps)")
    write_dir(t)
    e = t.env.san_env(t.env.pam_env())
    e["NSS_WRAPPER_MODULE_SO_PATH"] = str(
        t.env.build / "nss-test/libnss_authrocket.so.2")
    e["NSS_WRAPPER_MODULE_FN_PREFIX"] = "authrocket"
    r = t.run(["getent", "passwd", "alice", "bob", "erin"], env=e)
    t.eq(r.stdout.splitlines(), [
        "alice:x:2001:2001::/nonexistent:/usr/sbin/nologin",
        "bob:x:2002:2002::/nonexistent:/usr/sbin/nologin",
        "erin:x:2009:2009::/nonexistent:/usr/sbin/nologin"],
        "the local files come first")
    # Names only the directory knows.
    spec = SPEC.replace("alice", "zoe").replace("\tbob\t", "\tyann\t")
    spec = spec.replace(",bob,", ",yann,")
    write_dir(t, spec)
    r = t.run(["getent", "passwd", "zoe", "1879048201"], env=e)
    t.eq(r.stdout.splitlines(), [
        "zoe:*:1879048200:1879048200:Alice Liddell:/home/zoe:/bin/bash",
        "yann:*:1879048201:1879048201::/home/bob:/bin/sh"], "module users")
    r = t.run(["getent", "group", "devs"], env=e)
    t.eq(r.stdout, "devs:*:1879050000:zoe,yann,carol\n", "module group")
    r = t.run(["id", "zoe"], env=e)
    t.contains(r.stdout, "uid=1879048200(zoe) gid=1879048200(zoe)", "id")
    t.contains(r.stdout, "1879050000(devs)", "id shows the directory group")
