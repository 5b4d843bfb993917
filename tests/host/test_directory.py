# SPDX-License-Identifier: BSD-3-Clause
"""AuthRocket people as accounts of a real host: after one authrocket-sync
a person who exists only in AuthRocket logs in over the real sshd (token;
password + verification code), gets a home from pam_mkhomedir, has the
group_map groups, and sudo works through the directory group; after they
are deactivated and the next sync, NSS no longer knows them and ssh
refuses.  nsswitch.conf, the NSS library, /var/lib/pam_authrocket and
lastlog are put back exactly as they were."""
import contextlib
import os
import pathlib
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

NSSWITCH = pathlib.Path("/etc/nsswitch.conf")
DIRECTORY = pathlib.Path("/var/lib/pam_authrocket")
LASTLOG = pathlib.Path("/var/log/lastlog")
CAROL, ALICE = "artest-dcarol", "artest-dalice"
SUDO_GROUP, SSH_GROUP = "artest-dsudo", "artest-dssh"


def nss_lib():
    arch = subprocess.run(["gcc", "-print-multiarch"], capture_output=True,
                          text=True).stdout.strip() or "x86_64-linux-gnu"
    return pathlib.Path("/lib") / arch / "libnss_authrocket.so.2"


@contextlib.contextmanager
def kept_times(t, *paths):
    """Put the modification and access times of paths back afterwards."""
    st = {p: os.stat(p) for p in paths if os.path.exists(p)}
    try:
        yield
    finally:
        for p, s in st.items():
            os.utime(p, ns=(s.st_atime_ns, s.st_mtime_ns))


@contextlib.contextmanager
def installed_nss(t, build):
    lib = nss_lib()
    if os.path.lexists(lib):
        t.skip("%s is installed on this host already" % lib)
    with kept_times(t, lib.parent):
        shutil.copy(build / "libnss_authrocket.so.2", lib)
        os.chmod(lib, 0o644)
        try:
            yield lib
        finally:
            os.unlink(lib)
    t.true(not os.path.lexists(lib), "NSS library removed")


@contextlib.contextmanager
def empty_directory(t):
    """/var/lib/pam_authrocket without directory files for the block (an
    empty one may exist); afterwards as it was."""
    existed = os.path.isdir(DIRECTORY) and not os.path.islink(DIRECTORY)
    if os.path.lexists(DIRECTORY) and (not existed or os.listdir(DIRECTORY)):
        t.skip("%s holds files on this host already" % DIRECTORY)
    with kept_times(t, DIRECTORY.parent, *([DIRECTORY] if existed else [])):
        try:
            yield DIRECTORY
        finally:
            if existed:
                for f in os.listdir(DIRECTORY):
                    os.unlink(DIRECTORY / f)
            else:
                shutil.rmtree(DIRECTORY, ignore_errors=True)
    t.eq(os.path.isdir(DIRECTORY) and os.listdir(DIRECTORY),
         [] if existed else False, "directory as it was")


@contextlib.contextmanager
def kept_lastlog(t):
    """sshd records logins in lastlog at offset uid * record size: cut the
    (sparse) growth off again and restore the bytes and times."""
    if not LASTLOG.exists():
        yield
        return
    st = os.stat(LASTLOG)
    data = LASTLOG.read_bytes()
    try:
        yield
    finally:
        with open(LASTLOG, "r+b") as f:
            f.truncate(st.st_size)
            f.seek(0)
            f.write(data)
        os.utime(LASTLOG, ns=(st.st_atime_ns, st.st_mtime_ns))
    t.eq(LASTLOG.read_bytes(), data, "lastlog restored")


def with_authrocket(text):
    out = []
    for line in text.splitlines(True):
        key = line.split(":", 1)[0].strip()
        if key in ("passwd", "group") and "authrocket" not in line:
            line = line.rstrip("\n") + " authrocket\n"
        out.append(line)
    return "".join(out)


@contextlib.contextmanager
def mkhomedir_stacks(h):
    """The stacks written meanwhile make homes in the session phase."""
    plain = h.stack

    def stack(conf, auth=True, account=True):
        return plain(conf, auth, account).replace(
            "session  required pam_permit.so",
            "session  required pam_mkhomedir.so umask=0077")
    h.stack = stack
    try:
        yield
    finally:
        h.stack = plain


def getent(*args):
    return subprocess.run(["getent", *args], capture_output=True, text=True)


def test_authrocket_person_becomes_an_account(t):
    h = hostlib.host(t)
    h.need(t, "sshd", "ssh", "ssh-keygen", "sudo", "runuser")
    for name in (CAROL, ALICE, SUDO_GROUP, SSH_GROUP):
        if getent("passwd", name).returncode == 0 or \
                getent("group", name).returncode == 0:
            t.skip("%s is known on this host already" % name)
    m = t.env.start_mock()
    m.control({"reset": True})
    mp = t.write("dir.map", "username:carol %s\nusername:alice %s\n" %
                 (CAROL, ALICE), 0o600)
    homes = h.dir / "dirhome"
    homes.mkdir(mode=0o755, exist_ok=True)
    conf = h.conf(t, name="dir.conf", api_url=m.url(1),
                  api_key="ko_testkey", ca_file=t.env.ca_file,
                  user_map_file=mp, map_by="file", directory=True,
                  uid_range="3000000-3999999", home_dir=str(homes) + "/%u",
                  group_map="sudo:%s,ssh:%s" % (SUDO_GROUP, SSH_GROUP))
    sync = [str(t.env.build / "authrocket-sync"), "--config", str(conf)]
    orig = NSSWITCH.read_bytes()
    with installed_nss(t, t.env.build), empty_directory(t), \
            kept_lastlog(t), \
            h.replaced_file(t, NSSWITCH, with_authrocket(orig.decode())):
        t.eq(getent("passwd", CAROL).returncode, 2, "unknown before sync")
        r = subprocess.run(sync, capture_output=True, text=True, timeout=60)
        t.eq(r.returncode, 0, "first sync: " + r.stderr)
        t.contains(r.stdout, "2 users, +2 -0 ~0", "summary")
        pw = getent("passwd", CAROL)
        t.eq(pw.returncode, 0, "getent knows carol")
        uid = int(pw.stdout.split(":")[2])
        t.true(3000000 <= uid <= 3999999, "uid from uid_range")
        with mkhomedir_stacks(h), h.sshd(t, conf) as s:
            r = s.ssh(ALICE, "kbdint", command="id",
                      answers=[("AuthRocket", h.token(t, "alice"))])
            t.eq(r.returncode, 0, "token login: %r%s" % (r.stderr,
                                                          s.diag()))
            t.contains(r.stdout, "uid=%s(%s)" % (
                getent("passwd", ALICE).stdout.split(":")[2], ALICE), "id")
            t.contains(r.stdout, SUDO_GROUP, "id shows the sudo group")
            t.contains(r.stdout, SSH_GROUP, "and the ssh group")
            home = homes / ALICE
            t.true(home.is_dir(), "pam_mkhomedir made the home")
            t.eq(home.stat().st_uid, int(getent("passwd", ALICE).stdout
                                         .split(":")[2]), "home owned")
            r = s.ssh(CAROL, "kbdint", command="id -un",
                      answers=[("password", "pw-carol"),
                               ("Verification code", "123456")])
            s.allowed(t, r, CAROL)
            t.eq(len(r.prompts), 2, "password and code prompts")
            with h.sudoers(t, users=["%" + SUDO_GROUP]), \
                    h.pam_stack(t, "sudo", h.stack(conf)):
                r = h.sudo(ALICE, h.token(t, "alice"))
                t.eq((r.returncode, r.stdout.strip()), (0, "root"),
                     "sudo through the directory group: %r" % r.stderr)
                r = h.sudo(CAROL, h.token(t, "carol"))
                t.true(r.returncode != 0, "carol is not in the sudo group")
            m.control({"set_state": {"usr_carol": "inactive"}})
            r = subprocess.run(sync, capture_output=True, text=True,
                               timeout=60)
            t.eq(r.returncode, 0, "second sync: " + r.stderr)
            t.contains(r.stdout, "1 users, +0 -1 ~0", "carol removed")
            t.eq(getent("passwd", CAROL).returncode, 2, "getent forgot her")
            r = s.ssh(CAROL, "kbdint", command="id -un",
                      answers=[("password", "pw-carol"),
                               ("Verification code", "123456")])
            s.denied(t, r)
    t.eq(NSSWITCH.read_bytes(), orig, "nsswitch.conf byte for byte")
    t.eq(getent("passwd", ALICE).returncode, 2, "nothing served afterwards")
