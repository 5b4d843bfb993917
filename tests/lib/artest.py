# SPDX-License-Identifier: BSD-3-Clause
"""Integration-test framework for pam_authrocket (Python standard library only).

Test files define functions ``test_NAME(t)``; run.py discovers and runs them.
Session fixtures (keys, a throwaway CA, the AuthRocket mock) are made once per
run under the build directory and torn down at the end.
"""
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import ssl

ROOT = pathlib.Path(__file__).resolve().parents[2]
PYTHON = os.environ.get("PYTHON") or sys.executable


class Skip(Exception):
    pass


class Failure(AssertionError):
    pass


def openssl(*args, cwd=None):
    subprocess.run(["openssl", *args], check=True, cwd=cwd,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class Mock:
    """A running tests/mock/armock.py process."""

    def __init__(self, workdir, cert, key, env, extra=()):
        self.dir = pathlib.Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.ready = self.dir / "ready"
        self.record = self.dir / "record.jsonl"
        self.errlog = open(self.dir / "mock.err", "w")
        argv = [PYTHON, str(ROOT / "tests/mock/armock.py"),
                "--cert", str(cert), "--key", str(key),
                "--ready", str(self.ready), "--record", str(self.record),
                "--jwt-secret-file", str(env.keys["hs"]),
                "--jwt-rsa-key", str(env.keys["rsa"]), "--kid", "k1", *extra]
        self.proc = subprocess.Popen(argv, stdout=self.errlog,
                                     stderr=self.errlog, start_new_session=True)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.ready.exists() and self.ready.read_text().endswith("\n"):
                break
            if self.proc.poll() is not None:
                raise RuntimeError("mock exited: " +
                                   (self.dir / "mock.err").read_text())
            time.sleep(0.02)
        else:
            raise RuntimeError("mock did not start")
        self.port = int(self.ready.read_text().strip())
        self.base = "https://127.0.0.1:%d" % self.port
        self._offset = 0
        self.ca_file = env.ca_file

    def url(self, version):
        return "%s/v%d" % (self.base, version)

    def clear(self):
        self._offset = self.record.stat().st_size if self.record.exists() else 0

    def requests(self):
        if not self.record.exists():
            return []
        with open(self.record, "rb") as f:
            f.seek(self._offset)
            data = f.read()
        out = []
        for line in data.decode("utf-8", "replace").splitlines():
            if line.strip():
                r = json.loads(line)
                if not r.get("path", "").startswith("/_control"):
                    out.append(r)
        return out

    def control(self, obj):
        ctx = ssl.create_default_context(cafile=str(self.ca_file))
        req = urllib.request.Request(self.base + "/_control",
                                     data=json.dumps(obj).encode(),
                                     method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            return json.loads(r.read() or b"{}")

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.errlog.close()


class Env:
    """Fixtures shared by every test of one run."""

    def __init__(self, build):
        self.build = pathlib.Path(build).resolve()
        self.root = ROOT
        # One directory per run, so that runs side by side never collide.
        (self.build / "tmp").mkdir(parents=True, exist_ok=True)
        os.chmod(self.build / "tmp", 0o755)
        self.work = pathlib.Path(tempfile.mkdtemp(prefix="run.",
                                                  dir=self.build / "tmp"))
        os.chmod(self.work, 0o755)
        self.fx = self.work / "fixtures"
        self.fx.mkdir()
        self._mock = None
        self._extra = []
        self._make_keys()
        self._make_ca()
        self._make_users()

    def _make_keys(self):
        fx = self.fx
        self.keys = {}
        hs = fx / "hs.secret"
        hs.write_text("jsk_" + os.urandom(20).hex() + "\n")
        os.chmod(hs, 0o600)
        self.keys["hs"] = hs
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt",
                "rsa_keygen_bits:2048", "-out", str(fx / "rsa.pem"))
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-out", str(fx / "ec256.pem"))
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                "ec_paramgen_curve:P-384", "-out", str(fx / "ec384.pem"))
        for name in ("rsa", "ec256", "ec384"):
            openssl("pkey", "-in", str(fx / (name + ".pem")), "-pubout",
                    "-out", str(fx / (name + "_pub.pem")))
            os.chmod(fx / (name + ".pem"), 0o600)
            os.chmod(fx / (name + "_pub.pem"), 0o644)
            self.keys[name] = fx / (name + ".pem")
            self.keys[name + "_pub"] = fx / (name + "_pub.pem")

    def _cert(self, name, san, ca=True):
        fx = self.fx
        key, csr, crt = fx / (name + ".key"), fx / (name + ".csr"), fx / (name + ".crt")
        ext = fx / (name + ".ext")
        ext.write_text("subjectAltName=%s\nbasicConstraints=CA:FALSE\n"
                       "keyUsage=digitalSignature,keyEncipherment\n"
                       "extendedKeyUsage=serverAuth\n" % san)
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-out", str(key))
        if ca:
            openssl("req", "-new", "-key", str(key), "-subj", "/CN=" + name,
                    "-out", str(csr))
            openssl("x509", "-req", "-in", str(csr), "-CA", str(self.ca_file),
                    "-CAkey", str(fx / "ca.key"), "-CAcreateserial", "-days", "2",
                    "-extfile", str(ext), "-out", str(crt))
        else:
            openssl("req", "-x509", "-new", "-key", str(key), "-subj",
                    "/CN=127.0.0.1", "-days", "2", "-addext",
                    "subjectAltName=" + san, "-out", str(crt))
        return crt, key

    def _make_ca(self):
        fx = self.fx
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-out", str(fx / "ca.key"))
        openssl("req", "-x509", "-new", "-key", str(fx / "ca.key"), "-subj",
                "/CN=pam_authrocket test CA", "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-out", str(fx / "ca.crt"))
        self.ca_file = fx / "ca.crt"
        self.ca_dir = fx / "ca.d"
        self.ca_dir.mkdir()
        shutil.copy(self.ca_file, self.ca_dir / "ca.pem")
        openssl("rehash", str(self.ca_dir))
        self.server_cert, self.server_key = self._cert(
            "server", "IP:127.0.0.1,DNS:localhost")
        self.wrong_host_cert, self.wrong_host_key = self._cert(
            "wronghost", "DNS:wrong.example")
        self.self_signed_cert, self.self_signed_key = self._cert(
            "selfsigned", "IP:127.0.0.1,DNS:localhost", ca=False)

    # Local accounts seen by the module through nss_wrapper, so that tests
    # need neither root nor changes to /etc/passwd.
    USERS = [("root", 0), ("alice", 2001), ("bob", 2002), ("carol", 2003),
             ("dave", 2004), ("mallory", 2005), ("apibot", 2006),
             ("mail.user", 2007), ("lowuser", 500), ("otheruser", 2008),
             ("erin", 2009)] + [
        # The mock's behaviours are chosen by user name; the module asks
        # AuthRocket only about local accounts it serves.
        (n, 2101 + i) for i, n in enumerate((
            "status402", "status403", "status429", "status500", "hang",
            "badjson", "html", "huge", "deep", "redirect-http",
            "redirect-self", "escape", "many", "slow"))]

    def _make_users(self):
        self.passwd = self.fx / "passwd"
        self.group = self.fx / "group"
        self.passwd.write_text("".join(
            "%s:x:%d:%d::/nonexistent:/usr/sbin/nologin\n" % (n, u, u)
            for n, u in self.USERS))
        self.group.write_text("".join("%s:x:%d:\n" % (n, u)
                                      for n, u in self.USERS))
        self.nss_wrapper = None
        for cand in ("/usr/lib/x86_64-linux-gnu/libnss_wrapper.so",
                     "/usr/lib/aarch64-linux-gnu/libnss_wrapper.so",
                     "/usr/lib/libnss_wrapper.so"):
            if os.path.exists(cand):
                self.nss_wrapper = cand
                break

    def pam_env(self):
        """Environment for pamdrive: our passwd file through nss_wrapper."""
        env = dict(os.environ)
        if self.nss_wrapper is None:
            raise Skip("libnss-wrapper is not installed (make deps)")
        pre = env.get("LD_PRELOAD", "")
        env["LD_PRELOAD"] = (pre + " " if pre else "") + self.nss_wrapper
        env["NSS_WRAPPER_PASSWD"] = str(self.passwd)
        env["NSS_WRAPPER_GROUP"] = str(self.group)
        # ASan cannot follow libc dlopened with RTLD_DEEPBIND
        env["NSS_WRAPPER_DISABLE_DEEPBIND"] = "1"
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + \
            ":verify_asan_link_order=0:detect_leaks=1"
        return env

    def san_env(self, env):
        """env for a system program (getent, id) that loads one of our
        libraries: in a sanitized build the ASan runtime must come first,
        and the program's own leaks are not ours to report."""
        if not hasattr(self, "_asan"):
            self._asan = None
            dyn = subprocess.run(["readelf", "-d", str(self.build /
                                                        "pam_authrocket.so")],
                                 capture_output=True, text=True).stdout
            if "libasan" in dyn:
                cc = os.environ.get("CC", "cc")
                self._asan = subprocess.run(
                    [cc, "-print-file-name=libasan.so"], capture_output=True,
                    text=True).stdout.strip() or None
        if self._asan is None:
            return env
        env = dict(env)
        pre = env.get("LD_PRELOAD", "")
        env["LD_PRELOAD"] = self._asan + (" " + pre if pre else "")
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + \
            ":detect_leaks=0:verify_asan_link_order=0"
        return env

    @property
    def mock(self):
        if self._mock is None:
            self._mock = Mock(self.work / "mock", self.server_cert,
                              self.server_key, self)
        return self._mock

    def start_mock(self, cert=None, key=None, extra=()):
        n = len(self._extra) + 1
        m = Mock(self.work / ("mock%d" % n), cert or self.server_cert,
                 key or self.server_key, self, extra)
        self._extra.append(m)
        return m

    def close(self):
        for m in self._extra + ([self._mock] if self._mock else []):
            m.stop()
        if not os.environ.get("KEEP_TMP"):
            shutil.rmtree(self.work, ignore_errors=True)


class PamResult:
    def __init__(self):
        self.auth = self.account = self.setcred = None
        self.log, self.prompts, self.messages = [], [], []
        self.elapsed = 0.0
        self.stdout = ""
        self.delay = None

    def __repr__(self):
        return "auth=%s account=%s setcred=%s log=%r" % (
            self.auth, self.account, self.setcred, self.log)


class T:
    """What one test sees."""

    def __init__(self, env, name):
        self.env = env
        self.name = name
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix=name[:40] + ".",
                                                 dir=env.work))
        os.chmod(self.tmp, 0o755)
        self.asserts = 0

    # -- files ------------------------------------------------------------
    def write(self, name, text, mode=0o600):
        p = self.tmp / name
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text)
        os.chmod(p, mode)
        return p

    def conf(self, name="ar.conf", **keys):
        keys.setdefault("helper", str(self.env.build / "authrocket-helper"))
        if "cache_dir" not in keys:
            cd = self.tmp / "cache"
            cd.mkdir(mode=0o700, exist_ok=True)
            keys["cache_dir"] = str(cd)
        lines = ["# generated by the test %s" % self.name]
        for k, v in keys.items():
            if v is None:
                continue
            if isinstance(v, bool):
                v = "yes" if v else "no"
            lines.append("%s = %s" % (k, v))
        return self.write(name, "\n".join(lines) + "\n", 0o600)

    def api_conf(self, v=1, name="api.conf", **keys):
        """A configuration for the mock's API (v1 or v2) and realm."""
        keys.setdefault("api_url", self.env.mock.url(v))
        keys.setdefault("api_key", "ko_testkey" if v == 1 else "ks_testkey")
        keys.setdefault("realm_id", "rl_test")
        keys.setdefault("ca_file", self.env.ca_file)
        keys.setdefault("timeout", 5)
        return self.conf(name=name, **keys)

    # -- tokens -------------------------------------------------------------
    def mint(self, alg, key_path, payload, header=None, extra=()):
        argv = [str(self.env.build / "tools/armint"), "--alg", alg,
                "--key", str(key_path)]
        if header is not None:
            argv += ["--header", header if isinstance(header, str)
                     else json.dumps(header)]
        argv += ["--payload", payload if isinstance(payload, str)
                 else json.dumps(payload)]
        argv += list(extra)
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("armint failed: " + r.stderr)
        return r.stdout.strip()

    # -- PAM ----------------------------------------------------------------
    def pam(self, user, answers=(), conf=None, args=(), phases=("auth", "account"),
            service="artest", rhost=None, stack=None, env=None, timeout=60,
            silent=False, switch_user=None, answer_delay_ms=0,
            answer_delays_ms=(), wrap=()):
        confdir = self.tmp / "pam.d"
        confdir.mkdir(exist_ok=True)
        mod = str(self.env.build / "pam_authrocket.so")
        margs = []
        if conf is not None:
            margs.append("config=%s" % conf)
        margs += list(args)
        if stack is None:
            line = " ".join([mod] + margs)
            stack = ("auth required %s\naccount required %s\n"
                     "session required pam_permit.so\n" % (line, line))
        else:
            stack = stack.replace("@MODULE@", " ".join([mod] + margs))
        (confdir / service).write_text(stack)
        logf = self.tmp / "syslog.txt"
        if logf.exists():
            logf.unlink()
        # wrap: a command prefix, e.g. to run in a private mount namespace
        argv = list(wrap) + [
            str(self.env.build / "tools/pamdrive"), "--service", service,
            "--confdir", str(confdir), "--user", user,
            "--phases", ",".join(phases), "--log", str(logf)]
        if rhost:
            argv += ["--rhost", rhost]
        if silent:
            argv += ["--silent"]
        if switch_user:
            argv += ["--switch-user", switch_user]
        if answer_delay_ms:
            argv += ["--answer-delay-ms", str(answer_delay_ms)]
        if answer_delays_ms:
            argv += ["--answer-delays-ms",
                     ",".join(str(int(d)) for d in answer_delays_ms)]
        if any(isinstance(a, bytes) for a in answers):
            # Bytes answers may hold newlines: pamdrive decodes hex lines.
            argv += ["--hex-answers"]
            inp = "".join((a if isinstance(a, bytes) else a.encode()).hex()
                          + "\n" for a in answers)
        else:
            inp = "".join(a + "\n" for a in answers)
        t0 = time.monotonic()
        p = subprocess.run(argv, input=inp.encode("utf-8", "surrogateescape"),
                           capture_output=True, timeout=timeout,
                           env=env if env is not None else self.env.pam_env())
        res = PamResult()
        res.elapsed = time.monotonic() - t0
        out = p.stdout.decode("utf-8", "replace")
        res.stdout = out + p.stderr.decode("utf-8", "replace")
        for line in out.splitlines():
            if line.startswith("prompt-"):
                res.prompts.append(line.split(" ", 1)[1] if " " in line else "")
            elif line.startswith("error ") or line.startswith("info "):
                res.messages.append(line.split(" ", 1)[1])
            elif "=" in line:
                k, v = line.split("=", 1)
                if k in ("auth", "account", "setcred"):
                    setattr(res, k, v)
                elif k == "delay":
                    res.delay = int(v)
        if logf.exists():
            res.log = [l.split("\t", 1)[-1] for l in
                       logf.read_text(errors="replace").splitlines()]
        if p.returncode not in (0,):
            raise Failure("pamdrive exited %d: %s" % (p.returncode, res.stdout))
        return res

    # -- assertions -----------------------------------------------------------
    def eq(self, actual, expected, what=""):
        self.asserts += 1
        if actual != expected:
            raise Failure("%s: got %r, want %r" % (what or "value", actual, expected))

    def true(self, cond, what=""):
        self.asserts += 1
        if not cond:
            raise Failure(what or "condition is false")

    def contains(self, haystack, needle, what=""):
        self.asserts += 1
        if isinstance(haystack, (list, tuple)):
            ok = any(needle in h for h in haystack)
        else:
            ok = needle in haystack
        if not ok:
            raise Failure("%s: %r not found in %r" % (what or "contains", needle,
                                                       haystack))

    def absent(self, haystack, needle, what=""):
        self.asserts += 1
        if isinstance(haystack, (list, tuple)):
            bad = any(needle in h for h in haystack)
        else:
            bad = needle in haystack
        if bad:
            raise Failure("%s: %r unexpectedly in %r" % (what or "absent", needle,
                                                          haystack))

    def skip(self, why):
        raise Skip(why)

    def run(self, argv, input=None, env=None, timeout=30):
        return subprocess.run([str(a) for a in argv], input=input, env=env,
                              capture_output=True, text=True, timeout=timeout)


def cache_tag(url):
    """The tag cache entries carry for a URL (FNV-1a 64, as src/remote
    names them)."""
    h = 0xcbf29ce484222325
    for b in url.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
