# SPDX-License-Identifier: BSD-3-Clause
"""Shared pieces of the host end-to-end tests (real sshd, sudo and su).

Everything a host test changes on the machine goes through this module so
that it is undone even when a test fails: throwaway local accounts named
artest-*, /etc/pam.d files written for one test and restored byte for byte,
a sudoers drop-in, a private sshd, a capture of syslog on /dev/log when no
syslog daemon owns it, and the failed-login records the tests cause.
Per-test changes are undone in try/finally; per-run ones by an atexit hook
(also reached on SIGTERM, SIGHUP and SIGINT).
"""
import atexit
import base64
import contextlib
import errno
import fcntl
import grp
import hashlib
import json
import os
import pathlib
import pwd
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import termios
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lib"))
sys.path.insert(0, str(HERE.parent / "integration"))
import artest  # noqa: E402
import tokens  # noqa: E402

MARK = "pam_authrocket host test"
PREFIX = "artest-"
AR_USERS = ("alice", "bob", "carol", "dave")
LOCAL = dict((u, PREFIX + u) for u in AR_USERS)
SSHD_SERVICE = "sshd-artest"
PAM_DIR = pathlib.Path("/etc/pam.d")
SUDOERS_DROPIN = pathlib.Path("/etc/sudoers.d/artest")
LOCK_FILE = "/tmp/pam_authrocket-host-tests.lock"
FIXTURE_PARENT = "/run"
FIXTURE_PREFIX = "pam_authrocket-host."
DEV_LOG = "/dev/log"
RUN_SSHD = "/run/sshd"
SUDO_TS = "/run/sudo/ts"
SUDO_LECTURED = "/var/lib/sudo/lectured"
UTMP_FILES = ("/var/log/btmp", "/var/log/wtmp")
# Written by useradd/userdel: put back byte for byte when the main files
# are the same as before the run (the "-" copies are the tools' backups).
ACCOUNT_FILES = ("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow")
# Directories whose mtime the run changes by adding and removing entries.
TOUCHED_DIRS = ("/etc", "/etc/pam.d", "/etc/sudoers.d", "/run", "/run/sudo",
                "/var/lib/sudo")
UTMP_SIZE = 384		# struct utmp on Linux (x86_64 and aarch64)
UTMP_USER = (44, 76)
UTMP_LINE = (8, 40)
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

TOOLS = {"sshd": "/usr/sbin/sshd", "ssh": "ssh", "ssh-keygen": "ssh-keygen",
         "sshpass": "sshpass", "sudo": "sudo", "visudo": "visudo",
         "su": "su", "runuser": "runuser", "useradd": "useradd",
         "userdel": "userdel"}


def which(name):
    p = TOOLS.get(name, name)
    if os.path.isabs(p):
        return p if os.access(p, os.X_OK) else None
    return shutil.which(p, path=PATH)


def host(t):
    """The run's Host (set up on first use); skips the test when not root."""
    if os.geteuid() != 0:
        t.skip("needs root")
    if sanitized(t.env.build / "pam_authrocket.so"):
        t.skip("the module is built with sanitizers: sshd, sudo and su "
               "cannot load it (the normal build runs these tests)")
    h = getattr(t.env, "_artest_host", None)
    if h is None:
        try:
            h = Host(t.env)
            # Undo the host changes before the run's directories go away
            # (atexit stays as the fallback).
            env_close = t.env.close

            def close_both(h=h, env_close=env_close):
                try:
                    h.close()
                finally:
                    env_close()
            t.env.close = close_both
        except artest.Skip as e:
            h = Unusable("skip", str(e))
        except Exception as e:
            h = Unusable("fail", "host setup failed: %s" % e)
        t.env._artest_host = h
    if isinstance(h, Unusable):
        if h.kind == "skip":
            t.skip(h.why)
        raise artest.Failure(h.why)
    return h


def sanitized(path):
    """Does this shared object need the ASan/UBSan runtime?  (A program
    that was not started with it cannot load such a module.)"""
    try:
        data = pathlib.Path(path).read_bytes()
    except OSError:
        return False
    return b"libasan.so" in data or b"libubsan.so" in data


class Unusable:
    def __init__(self, kind, why):
        self.kind, self.why = kind, why


def _proc_ids(pid):
    """(ppid, real uid, effective uid) of a process, or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            st = f.read()
    except OSError:
        return None
    ppid = uid = euid = None
    for line in st.splitlines():
        if line.startswith("PPid:"):
            ppid = int(line.split()[1])
        elif line.startswith("Uid:"):
            parts = line.split()
            uid, euid = int(parts[1]), int(parts[2])
    return ppid, uid, euid


def _pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def children_of(pid):
    out = []
    for p in _pids():
        ids = _proc_ids(p)
        if ids is not None and ids[0] == pid:
            out.append(p)
    return out


def _kill(pid, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def tail(path, n=60):
    try:
        lines = pathlib.Path(path).read_text(errors="replace").splitlines()
    except OSError as e:
        return "(%s unreadable: %s)" % (path, e)
    return "\n".join(lines[-n:])


class Syslog:
    """Reads datagrams sent to /dev/log while no syslog daemon owns it.
    The socket's inode is handed to note() so that a run killed before it
    could remove the socket lets the next run remove it."""

    def __init__(self, note, path=DEV_LOG):
        self.path = path
        self.ok = False
        self.why = ""
        self.sock = None
        self.lines = []
        self.cond = threading.Condition()
        self.seq = 0
        self.synced = set()
        self.stop = threading.Event()
        if os.path.lexists(path):
            self.why = ("%s exists (a syslog daemon owns it): log assertions "
                        "are not made" % path)
            return
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            s.bind(path)
        except OSError as e:
            s.close()
            self.why = "cannot bind %s: %s" % (path, e)
            return
        os.chmod(path, 0o666)
        self.ino = os.lstat(path).st_ino
        note(self.ino)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock = s
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        self.ok = True

    def _loop(self):
        while not self.stop.is_set():
            try:
                r, _, _ = select.select([self.sock], [], [], 0.2)
                if not r:
                    continue
                data = self.sock.recv(65536)
            except OSError:
                return
            text = data.decode("utf-8", "replace").rstrip("\n\0")
            with self.cond:
                if text.startswith("artest-sync "):
                    self.synced.add(text)
                else:
                    self.lines.append(text)
                self.cond.notify_all()

    def sync(self):
        """Wait until everything sent before now has been read."""
        if not self.ok:
            return
        with self.cond:
            self.seq += 1
            msg = "artest-sync %d" % self.seq
        c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            c.sendto(msg.encode(), self.path)
        finally:
            c.close()
        with self.cond:
            self.cond.wait_for(lambda: msg in self.synced, timeout=10)

    def mark(self):
        self.sync()
        with self.cond:
            return len(self.lines)

    def since(self, mark):
        """The pam_authrocket lines (from "pam_authrocket(" on) after mark."""
        self.sync()
        with self.cond:
            raw = self.lines[mark:]
        out = []
        for line in raw:
            i = line.find("pam_authrocket(")
            if i >= 0:
                out.append(line[i:])
        return out

    def close(self):
        if not self.ok:
            return
        self.stop.set()
        self.thread.join(2)
        try:
            st = os.lstat(self.path)
            if st.st_ino == self.ino:
                os.unlink(self.path)
        except OSError:
            pass
        self.sock.close()
        self.ok = False

    @staticmethod
    def remove_dead(ino, path=DEV_LOG):
        """Remove a /dev/log socket left by a killed run: the inode noted
        then, and nobody reading it."""
        try:
            st = os.lstat(path)
            if st.st_ino == ino and (st.st_mode & 0o170000) == 0o140000:
                c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                try:
                    c.connect(path)
                    return		# somebody reads it: leave it alone
                except ConnectionRefusedError:
                    os.unlink(path)
                finally:
                    c.close()
        except OSError:
            pass


class Host:
    """What one run of the host tests sets up once and undoes at exit.

    Before changing anything the run notes in build/host-recovery/state.json
    what it is about to change (and the times and bytes to put back), so a
    run that was killed outright is undone by the next one.
    """

    def __init__(self, env):
        self.env = env
        self.root = self.dir = None	# made once the run holds the lock
        self.recovery = env.build / "host-recovery"
        self.state_path = self.recovery / "state.json"
        self.procs = []			# Popen objects of ours still to stop
        self.pids = set()		# plain pids of ours (pty children)
        self.secret_snap = {}		# shadow files: kept in memory only
        self.st = None			# the noted state (see _snapshot)
        self.closed = False
        self.cleanup_errors = []
        self.lock = None
        self.syslog = None
        self.host_key = self.client_key = None
        for name in ("useradd", "userdel"):
            if which(name) is None:
                raise artest.Skip("%s is not installed" % name)
        self._take_lock()
        atexit.register(self.close)
        self._install_signal_handlers()
        try:
            if self.state_path.exists():
                # An earlier run was killed: undo what it noted.
                self.st = json.loads(self.state_path.read_text())
                self._undo()
                if self.cleanup_errors:
                    raise artest.Failure("undoing an interrupted run: %s" %
                                         "; ".join(self.cleanup_errors))
            self._check_leftovers()
            self.st = self._snapshot()
            # Made after the snapshot, so /run's listing and times are
            # put back exactly once it is gone again.
            self._make_fixture_dir()
            self.st["fixture_root"] = str(self.root)
            self.st["home_root"] = str(self.dir / "home")
            self._save()
            self._make_users()
            self._make_keys()
            self.syslog = Syslog(self._note_dev_log)
            self._make_askpass()
            if not os.path.isdir(RUN_SSHD):
                self.st["made_run_sshd"] = True
                self._save()
                os.mkdir(RUN_SSHD, 0o755)
        except BaseException:
            self.close()
            raise

    # -- the run's lifetime ------------------------------------------------
    def _make_fixture_dir(self):
        """Keys, authorized_keys, homes and helper scripts live outside
        the checkout, which may sit under a 0700 /root where the throwaway
        users (and sshd acting as them) cannot reach: a fresh directory
        under /run, every level 0755, removed when the run is undone."""
        self.root = pathlib.Path(tempfile.mkdtemp(prefix=FIXTURE_PREFIX,
                                                  dir=FIXTURE_PARENT))
        os.chmod(self.root, 0o755)
        self.dir = self.root / "host"
        self.dir.mkdir(mode=0o755)
        os.chmod(self.dir, 0o755)

    def _take_lock(self):
        fd = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW |
                     os.O_CLOEXEC, 0o600)
        deadline = time.monotonic() + 300
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise artest.Failure("another run of the host tests "
                                         "holds %s" % LOCK_FILE)
                time.sleep(0.5)
        self.lock = fd

    def _install_signal_handlers(self):
        def handler(signum, frame):
            raise SystemExit(128 + signum)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            try:
                if signal.getsignal(sig) in (signal.SIG_DFL, None):
                    signal.signal(sig, handler)
            except (ValueError, OSError):
                pass

    def _save(self):
        self.recovery.mkdir(mode=0o700, exist_ok=True)
        tmp = self.recovery / "state.json.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC |
                     os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(self.st, f)
        os.replace(tmp, self.state_path)

    def _note_dev_log(self, ino):
        self.st["dev_log_ino"] = ino
        self._save()

    @staticmethod
    def _times(st):
        return [st.st_mode, st.st_uid, st.st_gid, st.st_atime_ns,
                st.st_mtime_ns]

    def _snapshot(self):
        """What the run may change, noted before it changes it.  Shadow
        files are compared and restored from memory only: no copy of
        password hashes is written anywhere."""
        s = {"users": [], "sshd": [], "ptys": [], "made_run_sshd": False,
             "dev_log_ino": None, "home_root": None, "fixture_root": None,
             "sudo_ts_existed": os.path.isdir(SUDO_TS),
             "utmp": {}, "files": {}, "dirs": {}}
        for f in UTMP_FILES:
            if os.path.isfile(f):
                st = os.stat(f)
                s["utmp"][f] = [st.st_size, st.st_atime_ns, st.st_mtime_ns]
        for f in ACCOUNT_FILES:
            for g in (f, f + "-"):
                if not os.path.isfile(g) or os.path.islink(g):
                    continue
                with open(g, "rb") as fh:
                    data = fh.read()
                    st = os.fstat(fh.fileno())
                entry = {"meta": self._times(st),
                         "sha256": hashlib.sha256(data).hexdigest()}
                if "shadow" in g:
                    self.secret_snap[g] = data
                else:
                    entry["data"] = base64.b64encode(data).decode()
                s["files"][g] = entry
        for d in TOUCHED_DIRS:
            if os.path.isdir(d):
                st = os.stat(d)
                s["dirs"][d] = [sorted(os.listdir(d)), st.st_atime_ns,
                                st.st_mtime_ns]
        return s

    def _check_leftovers(self):
        """Things of ours that no noted state explains (the state file was
        lost): remove them if they carry our mark, else refuse to run."""
        for name in ("sudo", "su"):
            p = PAM_DIR / name
            if p.is_file() and MARK in p.read_text(errors="replace"):
                raise artest.Failure(
                    "%s holds a stack of an interrupted run and no copy of "
                    "the original is left: restore it by hand" % p)
        for p in (PAM_DIR / SSHD_SERVICE, SUDOERS_DROPIN):
            if os.path.lexists(p):
                if p.is_file() and not p.is_symlink() and \
                        MARK in p.read_text(errors="replace"):
                    p.unlink()
                else:
                    raise artest.Skip("%s exists and was not written by "
                                      "these tests" % p)
        for ar in AR_USERS:
            name = LOCAL[ar]
            try:
                pw = pwd.getpwnam(name)
            except KeyError:
                try:
                    grp.getgrnam(name)
                except KeyError:
                    continue
                raise artest.Skip("group %s exists without its user" % name)
            if pw.pw_gecos != MARK:
                raise artest.Skip("local user %s exists and was not made by "
                                  "these tests" % name)
            self._remove_user(name, pw.pw_dir)

    def close(self):
        """Undo everything; safe to call twice."""
        if self.closed:
            return
        self.closed = True
        for p in list(self.procs):
            try:
                stop_process(p)
            except Exception as e:
                self.cleanup_errors.append("stop %d: %s" % (p.pid, e))
        for pid in list(self.pids):
            _kill(pid)
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        if self.syslog is not None:
            self.syslog.close()
            try:
                (self.env.work / "host-syslog.txt").write_text(
                    "".join(line + "\n" for line in self.syslog.lines))
            except OSError:
                pass
        if self.st is not None:
            self._undo()
        if self.lock is not None:
            os.close(self.lock)
            self.lock = None
        if self.cleanup_errors:
            sys.stderr.write("host tests: cleanup problems: %s\n" %
                             "; ".join(self.cleanup_errors))

    def _undo(self):
        """Put back everything self.st notes; the state file goes last."""
        s, errs = self.st, self.cleanup_errors
        for pid, cfg in s.get("sshd", []):
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    if cfg.encode() in f.read():
                        for c in children_of(pid):
                            _kill(c)
                        _kill(pid)
            except OSError:
                pass
        for p in (PAM_DIR / SSHD_SERVICE, SUDOERS_DROPIN):
            try:
                if p.is_file() and MARK in p.read_text(errors="replace"):
                    p.unlink()
            except OSError as e:
                errs.append("remove %s: %s" % (p, e))
        for name in ("sudo", "su"):
            saved = self.recovery / name
            p = PAM_DIR / name
            try:
                if saved.is_file() and MARK in p.read_text(errors="replace"):
                    self._put(p, saved.read_bytes(), saved.stat())
                if saved.is_file():
                    saved.unlink()
            except OSError as e:
                errs.append("restore %s: %s" % (p, e))
        for name in list(s.get("users", [])):
            try:
                pw = pwd.getpwnam(name)
            except KeyError:
                continue
            try:
                self._remove_user(name, pw.pw_dir)
            except Exception as e:
                errs.append("remove user %s: %s" % (name, e))
        root = s.get("fixture_root")
        if root and os.path.dirname(root) == FIXTURE_PARENT and \
                os.path.basename(root).startswith(FIXTURE_PREFIX):
            shutil.rmtree(root, ignore_errors=True)
            if os.path.lexists(root):
                errs.append("remove %s: still there" % root)
        if s.get("dev_log_ino"):
            Syslog.remove_dead(s["dev_log_ino"])
        if s.get("made_run_sshd"):
            try:
                os.rmdir(RUN_SSHD)
            except OSError:
                pass
        if not s.get("sudo_ts_existed", True):
            try:
                os.rmdir(SUDO_TS)
            except OSError:
                pass
        self._restore_utmp()
        self._restore_files()
        if not errs:
            try:
                self.state_path.unlink()
            except OSError:
                pass
            try:
                self.recovery.rmdir()
            except OSError:
                pass
        self.st = None

    # -- accounts ------------------------------------------------------------
    def _make_users(self):
        home = pathlib.Path(self.st["home_root"])
        skel = self.dir / "skel"
        home.mkdir(mode=0o755, exist_ok=True)
        skel.mkdir(mode=0o755, exist_ok=True)
        for ar in AR_USERS:
            name = LOCAL[ar]
            self.st["users"].append(name)
            self._save()
            r = subprocess.run(
                [which("useradd"), "-d", str(home / name), "-m", "-k",
                 str(skel), "-s", "/bin/sh", "-c", MARK, "-U",
                 "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", name],
                capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError("useradd %s: %s" % (name, r.stderr.strip()))

    def _kill_uid(self, uid):
        for p in _pids():
            ids = _proc_ids(p)
            if ids is not None and uid in (ids[1], ids[2]):
                _kill(p)

    def _remove_user(self, name, home):
        pw = pwd.getpwnam(name)
        if pw.pw_gecos != MARK:
            raise RuntimeError("%s is not ours" % name)
        self._kill_uid(pw.pw_uid)
        for d in (SUDO_TS, SUDO_LECTURED):
            f = os.path.join(d, name)
            if os.path.lexists(f):
                os.unlink(f)
        mine = os.path.basename(os.path.dirname(home)) == "home" and \
            os.path.basename(os.path.dirname(os.path.dirname(home))) == "host"
        argv = [which("userdel")] + (["-r"] if mine and os.path.isdir(home)
                                     else []) + [name]
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode not in (0, 12):
            raise RuntimeError("userdel: " + r.stderr.strip())
        if mine and os.path.isdir(home):
            shutil.rmtree(home, ignore_errors=True)

    # -- put back what the tools changed ---------------------------------------
    def _restore_utmp(self):
        """Take back the btmp/wtmp records our logins added, only if every
        added record is ours (an artest-* user or one of our ptys)."""
        ptys = set(self.st.get("ptys", []))
        for f, (size, atime, mtime) in self.st.get("utmp", {}).items():
            try:
                now = os.path.getsize(f)
                if now == size:
                    os.utime(f, ns=(atime, mtime))
                if now <= size or (now - size) % UTMP_SIZE:
                    continue
                with open(f, "rb") as fh:
                    fh.seek(size)
                    added = fh.read()
                for i in range(0, len(added), UTMP_SIZE):
                    rec = added[i:i + UTMP_SIZE]
                    user = rec[UTMP_USER[0]:UTMP_USER[1]].split(b"\0")[0]
                    line = rec[UTMP_LINE[0]:UTMP_LINE[1]].split(b"\0")[0]
                    if not (user.startswith(PREFIX.encode()) or
                            line.decode("ascii", "replace") in ptys):
                        break
                else:
                    with open(f, "r+b") as fh:
                        fcntl.flock(fh, fcntl.LOCK_EX)
                        if os.fstat(fh.fileno()).st_size == now:
                            fh.truncate(size)
                    os.utime(f, ns=(atime, mtime))
            except OSError as e:
                self.cleanup_errors.append("%s: %s" % (f, e))

    def _restore_files(self):
        """Account files (and the tools' "-" backups) back to their bytes
        and times, and directory times, where nothing but our own changes
        happened."""
        files = self.st.get("files", {})
        try:
            same = True
            for f in ACCOUNT_FILES:
                if f in files:
                    data = pathlib.Path(f).read_bytes()
                    if hashlib.sha256(data).hexdigest() != \
                            files[f]["sha256"]:
                        same = False
            if not same:
                self.cleanup_errors.append(
                    "account files differ from before the run: left as "
                    "they are")
            else:
                for f, e in files.items():
                    p = pathlib.Path(f)
                    mode, uid, gid, atime, mtime = e["meta"]
                    if "data" in e:
                        data = base64.b64decode(e["data"])
                    else:
                        data = self.secret_snap.get(f)
                    cur = p.read_bytes() if p.is_file() else None
                    if cur is not None and \
                            hashlib.sha256(cur).hexdigest() == e["sha256"]:
                        pass
                    elif data is not None:
                        self._put(p, data, os.stat_result(
                            (mode, 0, 0, 0, uid, gid, 0, 0, 0, 0)),
                            keep_times=False)
                    else:
                        continue	# a shadow backup after a killed run
                    os.utime(f, ns=(atime, mtime))
            for d, (names, atime, mtime) in self.st.get("dirs", {}).items():
                if os.path.isdir(d) and sorted(os.listdir(d)) == names:
                    os.utime(d, ns=(atime, mtime))
        except OSError as e:
            self.cleanup_errors.append("restore files: %s" % e)

    # -- keys and helper scripts ----------------------------------------------
    def _make_keys(self):
        if which("ssh-keygen") is None:
            self.host_key = self.client_key = None
            return
        self.host_key = self.dir / "ssh_host_ed25519_key"
        self.client_key = self.dir / "id_ed25519"
        for k in (self.host_key, self.client_key):
            subprocess.run([which("ssh-keygen"), "-q", "-t", "ed25519", "-N",
                            "", "-C", MARK, "-f", str(k)], check=True,
                           capture_output=True)
            os.chmod(k, 0o600)
        self.authorized = self.dir / "authorized_keys"
        self.authorized.mkdir(mode=0o755, exist_ok=True)
        pub = (self.dir / "id_ed25519.pub").read_text()
        for name in self.st["users"]:
            p = self.authorized / name
            p.write_text(pub)
            os.chmod(p, 0o644)
        link_dir = self.dir / "sbin"
        link_dir.mkdir(mode=0o755, exist_ok=True)
        self.sshd_link = link_dir / SSHD_SERVICE
        if not os.path.lexists(self.sshd_link):
            os.symlink(TOOLS["sshd"], self.sshd_link)

    def _make_askpass(self):
        self.askpass = self.dir / "askpass"
        self.askpass.write_text(
            "#!%s\n"
            "# Answers ssh's prompts from the JSON list of [substring, reply]\n"
            "# pairs in $ARTEST_ASKPASS_FILE; logs each prompt.\n"
            "import json, os, sys\n"
            "prompt = sys.argv[1] if len(sys.argv) > 1 else ''\n"
            "with open(os.environ['ARTEST_ASKPASS_LOG'], 'a') as f:\n"
            "    f.write(json.dumps(prompt) + '\\n')\n"
            "with open(os.environ['ARTEST_ASKPASS_FILE']) as f:\n"
            "    answers = json.load(f)\n"
            "for needle, reply in answers:\n"
            "    if needle in prompt:\n"
            "        sys.stdout.write(reply + '\\n')\n"
            "        sys.exit(0)\n"
            "sys.exit(1)\n" % sys.executable)
        os.chmod(self.askpass, 0o700)

    # -- checks ------------------------------------------------------------
    def need(self, t, *tools):
        for name in tools:
            if which(name) is None:
                t.skip("%s is not installed" % name)
        if "sshd" in tools and self.host_key is None:
            t.skip("ssh-keygen is not installed")

    def module(self):
        p = self.env.build / "pam_authrocket.so"
        if not p.is_file():
            raise artest.Failure("%s is not built (make all tools)" % p)
        return p

    # -- configuration and tokens --------------------------------------------
    def map_file(self, t):
        text = "".join("username:%s %s\n" % (ar, LOCAL[ar]) for ar in AR_USERS)
        return t.write("users.map", text, 0o600)

    def conf(self, t, name="ar.conf", **kw):
        """A module configuration: HS256 key, realm and the user map unless
        given; api=1 or api=2 adds the mock's API URL, key and CA."""
        api = kw.pop("api", None)
        kw.setdefault("jwt_key_file", t.env.keys["hs"])
        kw.setdefault("realm_id", "rl_test")
        if "user_map_file" not in kw:
            kw["user_map_file"] = self.map_file(t)
        if api is not None:
            kw.setdefault("api_url", t.env.mock.url(api))
            kw.setdefault("api_key", "ko_testkey" if api == 1 else
                          "ks_testkey")
            kw.setdefault("ca_file", t.env.ca_file)
        p = t.conf(name=name, **kw)
        if " " in str(p):
            raise artest.Failure("path with a blank: %s" % p)
        return p

    def token(self, t, ar_user, alg="HS256", **over):
        key = t.env.keys["hs"] if alg == "HS256" else t.env.keys["rsa"]
        return t.mint(alg, key, tokens.v1(ar_user, **over))

    def stack(self, conf, auth=True, account=True):
        mod = "%s config=%s" % (self.module(), conf)
        lines = ["#%PAM-1.0", "# %s: temporary file, undone after the test"
                 % MARK]
        if auth:
            lines.append("auth     [success=done default=die] " + mod)
        else:
            lines.append("auth     required pam_deny.so")
        if account:
            lines.append("account  required " + mod)
        else:
            lines.append("account  required pam_permit.so")
        lines.append("password required pam_deny.so")
        lines.append("session  required pam_permit.so")
        return "\n".join(lines) + "\n"

    # -- temporary system files ----------------------------------------------
    def _put(self, path, data, st, keep_times=True):
        """Atomically give path the bytes data and st's mode and owner (and
        its times unless keep_times is false)."""
        path = pathlib.Path(path)
        tmp = path.parent / (".%s.artest-%d" % (path.name, os.getpid()))
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                     0o600)
        try:
            os.write(fd, data)
            os.fchown(fd, st.st_uid, st.st_gid)
            os.fchmod(fd, st.st_mode & 0o7777)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        if keep_times:
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))

    @contextlib.contextmanager
    def new_file(self, t, path, text, mode=0o644):
        """Create path (it must not exist) for the block; remove it after."""
        path = pathlib.Path(path)
        if os.path.lexists(path):
            raise artest.Failure("%s exists already" % path)
        if MARK not in text:
            raise artest.Failure("temporary system file without the mark")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL |
                     os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, text.encode())
            os.fchown(fd, 0, 0)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        try:
            yield path
        finally:
            os.unlink(path)
        t.true(not os.path.lexists(path), "%s removed" % path)

    @contextlib.contextmanager
    def replaced_file(self, t, path, text):
        """Replace an existing file for the block; put the original bytes,
        mode and owner back after and check them."""
        path = pathlib.Path(path)
        st = os.lstat(path)
        if not path.is_file() or path.is_symlink():
            raise artest.Failure("%s is not a regular file" % path)
        orig = path.read_bytes()
        if MARK.encode() in orig:
            raise artest.Failure("%s already holds a temporary stack" % path)
        backup = self.dir / "backup"
        backup.mkdir(mode=0o700, exist_ok=True)
        (backup / path.name).write_bytes(orig)
        self.recovery.mkdir(mode=0o700, exist_ok=True)
        saved = self.recovery / path.name
        saved.write_bytes(orig)
        os.chmod(saved, st.st_mode & 0o777)
        os.utime(saved, ns=(st.st_atime_ns, st.st_mtime_ns))
        self._put(path, text.encode(), st, keep_times=False)
        try:
            yield path
        finally:
            self._put(path, (backup / path.name).read_bytes(), st)
        now = os.lstat(path)
        t.eq(path.read_bytes(), orig, "%s restored byte for byte" % path)
        t.eq((now.st_mode, now.st_uid, now.st_gid, now.st_mtime_ns),
             (st.st_mode, st.st_uid, st.st_gid, st.st_mtime_ns),
             "%s mode, owner and mtime" % path)
        saved.unlink()

    @contextlib.contextmanager
    def sudoers(self, t, users=None):
        """The drop-in granting the throwaway accounts ALL=(ALL) ALL."""
        users = users or [LOCAL[u] for u in AR_USERS]
        text = ("# %s: temporary file, removed after the test\n"
                "User_Alias ARTEST = %s\n"
                "Defaults:ARTEST lecture=never, passwd_tries=1, "
                "timestamp_type=global, !mail_badpass, !mail_always, "
                "!mail_no_user, !mail_no_perms\n"
                "ARTEST ALL=(ALL) ALL\n" % (MARK, ", ".join(users)))
        check = t.write("sudoers.check", text, 0o440)
        r = subprocess.run([which("visudo"), "-cf", str(check)],
                           capture_output=True, text=True)
        t.eq(r.returncode, 0, "visudo -cf: %s%s" % (r.stdout, r.stderr))
        with self.new_file(t, SUDOERS_DROPIN, text, 0o440) as p:
            r = subprocess.run([which("visudo"), "-c"], capture_output=True,
                               text=True)
            if r.returncode != 0:
                raise artest.Failure("visudo -c with the drop-in: %s%s" %
                                     (r.stdout, r.stderr))
            yield p

    @contextlib.contextmanager
    def pam_stack(self, t, service, text):
        """/etc/pam.d/SERVICE holds text for the block."""
        p = PAM_DIR / service
        if p.exists():
            with self.replaced_file(t, p, text):
                yield p
        else:
            with self.new_file(t, p, text, 0o644):
                yield p

    # -- logs ----------------------------------------------------------------
    def log_mark(self):
        return self.syslog.mark() if self.syslog.ok else 0

    def log_lines(self, mark):
        return self.syslog.since(mark) if self.syslog.ok else []

    def expect_log(self, t, mark, *needles, absent=()):
        """One pam_authrocket line since mark holds every needle, and no
        line holds any of absent.  Without a syslog capture nothing is
        asserted (and nothing counted)."""
        if not self.syslog.ok:
            return
        lines = self.syslog.since(mark)
        if needles:
            t.true(any(all(n in line for n in needles) for line in lines),
                   "syslog: no pam_authrocket line with all of %r in %r" %
                   (list(needles), lines))
        for a in absent:
            t.absent(lines, a, "syslog")

    # -- processes -----------------------------------------------------------
    def run(self, argv, input=None, env=None, timeout=60):
        """Run argv in a new session (no controlling terminal); on timeout
        kill its process group and fail."""
        argv = [str(a) for a in argv]
        # cwd "/": the checkout may be where the test users cannot go.
        p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env if env is not None else base_env(),
                             start_new_session=True, cwd="/")
        self.procs.append(p)
        try:
            out, err = p.communicate(
                input.encode("utf-8", "surrogateescape") if input else None,
                timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_process(p)
            raise artest.Failure("%s: no answer within %ds" %
                                 (" ".join(argv[:6]), timeout))
        finally:
            if p.poll() is not None:
                self.procs.remove(p)
        return subprocess.CompletedProcess(
            argv, p.returncode, out.decode("utf-8", "replace"),
            err.decode("utf-8", "replace"))

    def run_pty(self, argv, answers=(), env=None, timeout=60):
        """Run argv with a new pty as its controlling terminal and answer
        each (prompt substring, reply) in turn, waiting for the terminal's
        echo to be off before typing.  Returns (exit status, transcript)."""
        master, slave = os.openpty()
        self.st["ptys"].append(os.ttyname(slave).replace("/dev/", "", 1))
        self._save()
        env = env if env is not None else base_env()
        argv = [str(a) for a in argv]
        pid = os.fork()
        if pid == 0:
            try:
                os.close(master)
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                if slave > 2:
                    os.close(slave)
                os.chdir("/")
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        os.close(slave)
        self.pids.add(pid)
        out = b""
        pos = 0
        todo = list(answers)
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    _kill(pid)
                    raise artest.Failure("%s: no end within %ds; output %r" %
                                         (" ".join(argv), timeout, out))
                r, _, _ = select.select([master], [], [], min(left, 0.5))
                if not r:
                    continue
                try:
                    data = os.read(master, 4096)
                except OSError as e:
                    if e.errno == errno.EIO:
                        break
                    raise
                if not data:
                    break
                out += data
                if todo:
                    needle, reply = todo[0]
                    i = out.find(needle.encode(), pos)
                    if i >= 0:
                        pos = i + len(needle)
                        todo.pop(0)
                        self._wait_echo_off(master)
                        os.write(master, reply.encode() + b"\n")
            _, status = os.waitpid(pid, 0)
            self.pids.discard(pid)
        finally:
            os.close(master)
        return os.waitstatus_to_exitcode(status), \
            out.decode("utf-8", "replace")

    @staticmethod
    def _wait_echo_off(fd, timeout=5):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                if not termios.tcgetattr(fd)[3] & termios.ECHO:
                    break
            except termios.error:
                break
            time.sleep(0.01)
        time.sleep(0.05)

    # -- sudo and su ---------------------------------------------------------
    def sudo(self, user, credential, args=("id", "-un"), flags=("-S", "-k"),
             timeout=60):
        """runuser -u USER -- sudo -S -k -p PROMPT: ARGS, credential on
        stdin (None: nothing)."""
        argv = [which("runuser"), "-u", user, "--", which("sudo"), *flags,
                "-p", "PROMPT:", *args]
        return self.run(argv, input=None if credential is None else
                        credential + "\n", timeout=timeout)

    def su(self, user, target, answers, command="echo ran-as-$(id -un)",
           timeout=60):
        argv = [which("runuser"), "-u", user, "--", which("su"), "-", target,
                "-c", command]
        return self.run_pty(argv, answers, timeout=timeout)

    # -- sshd ----------------------------------------------------------------
    def sshd(self, t, conf, auth=True, account=True):
        return Sshd(self, t, conf, auth, account)


def base_env():
    return {"PATH": PATH, "LANG": "C", "LC_ALL": "C", "TERM": "dumb"}


def stop_process(p, grace=5):
    """Stop a Popen we started: its process group first, then the pid."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            _kill(p.pid, signal.SIGTERM)
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                _kill(p.pid)
            p.wait()
    for f in (p.stdin, p.stdout, p.stderr):
        if f is not None:
            try:
                f.close()
            except OSError:
                pass


class Sshd:
    """A private sshd on 127.0.0.1 with the PAM service sshd-artest.

    Used as a context manager: creates /etc/pam.d/sshd-artest, starts
    sshd through the sshd-artest symlink and undoes both on exit.
    """

    def __init__(self, host, t, conf, auth, account):
        self.h, self.t, self.conf = host, t, conf
        self.auth, self.account = auth, account
        self.dir = t.tmp / "sshd"
        self.dir.mkdir(mode=0o755)
        self.log = self.dir / "sshd.log"
        self.proc = None
        self.port = None
        self._stack = None

    def __enter__(self):
        self._stack = self.h.pam_stack(
            self.t, SSHD_SERVICE, self.h.stack(self.conf, self.auth,
                                                self.account))
        self._stack.__enter__()
        try:
            self._start()
        except BaseException:
            self._stop()
            self._stack.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc):
        try:
            self._stop()
        except BaseException:
            self._stack.__exit__(*sys.exc_info())
            raise
        return self._stack.__exit__(*exc)

    def _config(self, port):
        cfg = self.dir / "sshd_config"
        cfg.write_text("\n".join([
            "# %s" % MARK,
            "ListenAddress 127.0.0.1",
            "AddressFamily inet",
            "Port %d" % port,
            "HostKey %s" % self.h.host_key,
            "PidFile %s" % (self.dir / "sshd.pid"),
            "UsePAM yes",
            "KbdInteractiveAuthentication yes",
            "PasswordAuthentication yes",
            "PubkeyAuthentication yes",
            "PermitEmptyPasswords no",
            "PermitRootLogin no",
            "AuthorizedKeysFile %s/%%u" % self.h.authorized,
            "StrictModes no",
            "AllowUsers %s*" % PREFIX,
            "LogLevel DEBUG1",
            "UseDNS no",
            "PrintMotd no",
            "PrintLastLog no",
            "X11Forwarding no",
            "AllowTcpForwarding no",
            "AllowAgentForwarding no",
            "AllowStreamLocalForwarding no",
            "PermitTunnel no",
            "PermitUserEnvironment no",
            "LoginGraceTime 60",
            "MaxAuthTries 6",
            ""]))
        os.chmod(cfg, 0o600)
        return cfg

    def _start(self):
        for attempt in range(3):
            port = artest.free_port()
            cfg = self._config(port)
            err = open(self.dir / "sshd.stderr", "ab")
            try:
                self.proc = subprocess.Popen(
                    [str(self.h.sshd_link), "-D", "-f", str(cfg), "-E",
                     str(self.log)], stdin=subprocess.DEVNULL,
                    stdout=err, stderr=err, env=base_env(),
                    start_new_session=True, cwd="/")
            finally:
                err.close()
            self.h.procs.append(self.proc)
            self.h.st["sshd"].append([self.proc.pid, str(cfg)])
            self.h._save()
            ready = "Server listening on 127.0.0.1 port %d" % port
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                text = self.log.read_text(errors="replace") \
                    if self.log.exists() else ""
                if ready in text:
                    self.port = port
                    return
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
            text = self.log.read_text(errors="replace") \
                if self.log.exists() else ""
            self._stop()
            if "Bind to port" in text or "Cannot bind" in text:
                continue
            raise artest.Failure("sshd did not start:\n%s\n%s" % (
                tail(self.log), tail(self.dir / "sshd.stderr")))
        raise artest.Failure("sshd: no free port after 3 tries")

    def _stop(self):
        p = self.proc
        if p is None:
            return
        if p.poll() is None:
            for c in children_of(p.pid):
                _kill(c, signal.SIGTERM)
        stop_process(p)
        if p in self.h.procs:
            self.h.procs.remove(p)
        self.h.st["sshd"] = [e for e in self.h.st["sshd"] if e[0] != p.pid]
        self.h._save()
        self.proc = None

    def diag(self):
        return "\n--- sshd log (tail) ---\n%s" % tail(self.log, 40)

    def ssh(self, user, method, secret=None, answers=(), command="id -un",
            timeout=60):
        """Log in as user by method "password" (sshpass), "kbdint"
        (SSH_ASKPASS answering by prompt text) or "publickey" and run
        command.  Returns the CompletedProcess plus .prompts (askpass)."""
        opts = ["-F", "/dev/null", "-p", str(self.port), "-T",
                "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null",
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=10",
                "-o", "IdentityAgent=none",
                "-o", "ControlMaster=no", "-o", "ControlPath=none",
                "-o", "NumberOfPasswordPrompts=1",
                "-o", "LogLevel=ERROR"]
        env = base_env()
        env["HOME"] = str(self.dir)
        prompts_log = self.dir / "askpass.log"
        if method == "password":
            opts += ["-o", "PreferredAuthentications=password",
                     "-o", "PubkeyAuthentication=no",
                     "-o", "KbdInteractiveAuthentication=no",
                     "-o", "PasswordAuthentication=yes"]
            argv = [which("sshpass"), "-e", which("ssh")]
            env["SSHPASS"] = secret
        elif method == "kbdint":
            opts += ["-o", "PreferredAuthentications=keyboard-interactive",
                     "-o", "PubkeyAuthentication=no",
                     "-o", "PasswordAuthentication=no",
                     "-o", "KbdInteractiveAuthentication=yes"]
            ans = self.t.write("askpass.json", json.dumps(
                [list(a) for a in answers]), 0o600)
            if prompts_log.exists():
                prompts_log.unlink()
            env.update({"SSH_ASKPASS": str(self.h.askpass),
                        "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0",
                        "ARTEST_ASKPASS_FILE": str(ans),
                        "ARTEST_ASKPASS_LOG": str(prompts_log)})
            argv = [which("ssh")]
        elif method == "publickey":
            opts += ["-o", "PreferredAuthentications=publickey",
                     "-o", "PubkeyAuthentication=yes",
                     "-o", "PasswordAuthentication=no",
                     "-o", "KbdInteractiveAuthentication=no",
                     "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                     "-i", str(self.h.client_key)]
            argv = [which("ssh")]
        else:
            raise ValueError(method)
        r = self.h.run(argv + opts + ["%s@127.0.0.1" % user, command],
                       env=env, timeout=timeout)
        r.prompts = []
        if method == "kbdint" and prompts_log.exists():
            r.prompts = [json.loads(line) for line in
                         prompts_log.read_text().splitlines() if line]
        return r

    def allowed(self, t, r, user):
        """Assert that the login worked and ran as user."""
        t.eq(r.returncode, 0, "ssh exit status (stderr %r)%s" %
             (r.stderr, self.diag()))
        t.eq(r.stdout.strip(), user, "remote id -un%s" % self.diag())

    def denied(self, t, r):
        """Assert that the login failed and ran nothing."""
        t.true(r.returncode != 0, "ssh login unexpectedly succeeded: "
               "stdout %r%s" % (r.stdout, self.diag()))
        t.eq(r.stdout.strip(), "", "remote output of a denied login")

    def log_has(self, t, text):
        t.contains(self.log.read_text(errors="replace"), text,
                   "sshd log%s" % self.diag())
