# SPDX-License-Identifier: BSD-3-Clause
"""authrocket-keys USER (sshd's AuthorizedKeysCommand): the user's key
lines from the directory, options and unknown types dropped whole; exit 0
for a directory user, 1 for anyone else, 2 for usage.  The test copy
reads build/nss-test/dir."""
import os
import re

ED = "AAAAC3NzaC1lZDI1NTE5AAAAIN4Exy/MIMRb9FD1NslSdt7knZk6tlrltgSPEAvmwY7a"
RSA = "AAAAB3NzaC1yc2EAAAADAQABAAAAgQC5emrx2wG7ur6l6KMXOZMa"
KEYS = "\\n".join([
    "ssh-ed25519 %s alice@laptop" % ED,
    'command="/bin/sh" ssh-ed25519 %s forced' % ED,
    "ssh-dss %s old" % RSA,
    "from=\"10.0.0.0/8\" ssh-rsa %s" % RSA,
    "  ssh-rsa %s  work key " % RSA,
    "ssh-rsa %s" % ED,
    "# a comment",
    "",
])
SPEC = (
    "u\talice\tusr_alice\talice\t1879048200\t0\t-\t/home/alice\t/bin/bash"
    "\t-\t" + KEYS + "\n"
    "u\tbob\tusr_bob\t-\t1879048201\t0\t-\t/home/bob\t/bin/sh\t-\t-\n"
    "u\tcarol\tusr_carol\t-\t0\t1\t-\t/home/carol\t/bin/sh\t-\t"
    "ssh-ed25519 " + ED + " carol\n")


def keys(t, *args):
    return t.run([t.env.build / "nss-test/authrocket-keys"] + list(args))


def write_dir(t):
    d = t.env.build / "nss-test" / "dir"
    d.mkdir(parents=True, exist_ok=True)
    r = t.run([t.env.build / "tools/ardir", "write", d], input=SPEC)
    if r.returncode != 0:
        raise RuntimeError("ardir: " + r.stderr)
    return d / "directory"


def test_keys_prints_only_plain_key_lines(t):
    write_dir(t)
    r = keys(t, "alice")
    t.eq(r.returncode, 0, "alice is a directory user")
    t.eq(r.stdout, "ssh-ed25519 %s alice@laptop\nssh-rsa %s work key\n"
         % (ED, RSA), "filtered keys")
    t.eq(r.stderr, "", "nothing on stderr")


def test_keys_directory_user_without_keys_and_adopted(t):
    write_dir(t)
    r = keys(t, "bob")
    t.eq((r.returncode, r.stdout), (0, ""), "bob: no keys, still exit 0")
    r = keys(t, "carol")
    t.eq((r.returncode, r.stdout), (0, "ssh-ed25519 %s carol\n" % ED),
         "adopted account: the person's keys")


def test_keys_anyone_else_exit_1(t):
    path = write_dir(t)
    for who in ("dave", "root", "alice2", "ALICE"):
        r = keys(t, who)
        t.eq((r.returncode, r.stdout), (1, ""), who)
    path.unlink()
    r = keys(t, "alice")
    t.eq((r.returncode, r.stdout), (1, ""), "no directory yet")
    t.contains(r.stderr, "authrocket-sync", "missing file names the sync")
    path.write_bytes(b"ARDIRECT" + b"\0" * 200)
    os.chmod(path, 0o644)
    r = keys(t, "alice")
    t.eq((r.returncode, r.stdout), (1, ""), "damaged")
    t.contains(r.stderr, "damaged")
    write_dir(t)
    os.chmod(path, 0o666)
    r = keys(t, "alice")
    t.eq((r.returncode, r.stdout), (1, ""), "world-writable file refused")
    write_dir(t)


def test_keys_usage_help_version(t):
    for argv in ([], ["alice", "bob"], ["-x"], ["--user"], [""]):
        r = keys(t, *argv)
        t.eq((r.returncode, r.stdout), (2, ""), "usage %r" % argv)
        t.contains(r.stderr, "usage: authrocket-keys USER")
    r = keys(t, "--help")
    t.eq(r.returncode, 0, "--help")
    t.contains(r.stdout, "usage: authrocket-keys USER")
    ver = re.search(r'#define AR_VERSION\s+"([^"]+)"',
                    (t.env.root / "src/base/ar.h").read_text()).group(1)
    r = keys(t, "--version")
    t.eq((r.returncode, r.stdout), (0, "authrocket-keys %s\n" % ver),
         "--version")


def test_keys_links_libc_only(t):
    for exe in (t.env.build / "authrocket-keys",
                t.env.build / "nss-test/authrocket-keys"):
        dyn = t.run(["readelf", "-d", exe]).stdout
        needed = [l.split("[")[1].rstrip("]") for l in dyn.splitlines()
                  if "(NEEDED)" in l and "libasan" not in l and
                  "libubsan" not in l]
        t.eq(needed, ["libc.so.6"], "NEEDED of " + str(exe))
        t.contains(dyn, "BIND_NOW")
    prod = (t.env.build / "authrocket-keys").read_bytes()
    t.true(b"/var/lib/pam_authrocket\0" in prod, "production path")
    t.true(b"nss-test" not in prod, "no test path in the production copy")
