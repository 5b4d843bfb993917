# SPDX-License-Identifier: BSD-3-Clause
"""authrocket-helper on its own: proto-encoded requests on stdin against the
HTTPS mock, asserting the decoded reply and what the mock received (TLS
verification, https only, no redirects, size and time caps, no proxy or key
log taken from the environment, headers and body passed through exactly)."""
import email.utils
import json
import os
import re
import socket
import subprocess
import time

from artest import ROOT

API_KEY = "ko_testkey"          # the mock's default v1 key
# The version has one home, the library's header; the User-Agent follows it.
VERSION = re.search(r'#define AR_VERSION\s+"([^"]+)"',
                    (ROOT / "src/base/ar.h").read_text()).group(1)
UA = "pam_authrocket/" + VERSION


# -- the framing of src/proto.h, in Python ----------------------------------

def encode(fields):
    out = b""
    for name, value in fields:
        if isinstance(value, str):
            value = value.encode()
        out += b"%s %d\n%s\n" % (name.encode(), len(value), value)
    return out + b"end 0\n\n"


def decode(data):
    """Strictly decode one message into a list of (name, bytes)."""
    fields, pos = [], 0
    while True:
        sp = data.index(b" ", pos)
        name = data[pos:sp].decode()
        lf = data.index(b"\n", sp)
        digits = data[sp + 1:lf]
        assert digits.isdigit() and (digits == b"0" or digits[:1] != b"0"), \
            "bad length %r" % digits
        n = int(digits)
        value = data[lf + 1:lf + 1 + n]
        assert len(value) == n and data[lf + 1 + n:lf + 2 + n] == b"\n", \
            "bad value framing"
        pos = lf + 2 + n
        if name == "end":
            assert n == 0 and pos == len(data), "data after end"
            return fields
        fields.append((name, value))


class Reply:
    def __init__(self, rc, fields, elapsed):
        self.rc, self.fields, self.elapsed = rc, fields, elapsed
        self.d = {}
        for k, v in fields:
            self.d.setdefault(k, v)
        self.status = int(self.d.get("status", b"-1"))
        self.body = self.d.get("body")
        self.error = self.d["error"].decode() if "error" in self.d else None
        self.detail = self.d.get("detail", b"").decode()

    def __repr__(self):
        return "rc=%d status=%d error=%s detail=%r" % (
            self.rc, self.status, self.error, self.detail)


def helper(t, fields, env=None, timeout=30, raw=None):
    argv = [str(t.env.build / "authrocket-helper")]
    t0 = time.monotonic()
    p = subprocess.run(argv, input=raw if raw is not None else encode(fields),
                       capture_output=True, env=env if env is not None else {},
                       timeout=timeout)
    elapsed = time.monotonic() - t0
    fields = decode(p.stdout) if p.returncode == 0 else []
    return Reply(p.returncode, fields, elapsed)


def request(t, url, method="GET", headers=None, body=None, ca_file=True,
            ca_dir=None, timeout_ms=5000, max_body=None, proxy=None,
            env=None):
    if headers is None:
        headers = ["X-Authrocket-Api-Key: " + API_KEY,
                   "Accept: application/json", "User-Agent: " + UA]
    f = [("method", method), ("url", url)]
    f += [("header", h) for h in headers]
    if body is not None:
        f.append(("body", body))
    f.append(("timeout_ms", str(timeout_ms)))
    if ca_file is True:
        ca_file = str(t.env.ca_file)
    if ca_file:
        # The module hands over the CA file's content, never its name.
        f.append(("ca_blob", open(ca_file, "rb").read()))
    if ca_dir:
        f.append(("ca_dir", str(ca_dir)))
    if proxy:
        f.append(("proxy", proxy))
    if max_body is not None:
        f.append(("max_body", str(max_body)))
    return helper(t, f, env=env)


def transport_error(t, r, cls, what):
    t.eq(r.rc, 0, what + ": exit status")
    t.eq(r.status, 0, what + ": status")
    t.eq(r.error, cls, what + ": error class (%s)" % r.detail)
    t.true("body" not in r.d, what + ": no body with an error")


def listener():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    s.setblocking(False)
    return s


def no_connection(t, s, what):
    try:
        c, _ = s.accept()
        c.close()
        t.true(False, what + ": a connection arrived")
    except BlockingIOError:
        t.true(True)


# -- the happy path ------------------------------------------------------------

def test_get_with_ca_file(t):
    m = t.env.mock
    m.clear()
    r = request(t, m.url(1) + "/users/alice")
    t.eq(r.rc, 0, "exit status")
    t.eq(r.status, 200, "status (%r)" % r)
    t.eq(r.error, None, "error")
    u = json.loads(r.body)
    t.eq(u.get("username"), "alice", "user in the body")
    # The Date header, for the clock-skew check of authrocket-check.
    d = email.utils.parsedate_to_datetime(r.d["date"].decode())
    t.true(abs(d.timestamp() - time.time()) < 60, "date %r" % r.d["date"])
    t.true(r.d.get("tls", b"").startswith(b"TLSv1."), "tls %r" % r.d.get("tls"))
    t.true(int(r.d["time_ms"]) >= 0, "time_ms")
    t.eq(len(m.requests()), 1, "requests at the mock")


def test_get_with_ca_dir(t):
    m = t.env.mock
    r = request(t, m.url(1) + "/users/alice", ca_file=None,
                ca_dir=t.env.ca_dir)
    t.eq(r.status, 200, "status (%r)" % r)


def test_status_passed_through(t):
    m = t.env.mock
    r = request(t, m.url(1) + "/users/nobody-here")
    t.eq(r.status, 404, "status")
    t.eq(r.error, None, "error")
    t.contains(r.body.decode(), "errors", "error body")
    r = request(t, m.url(1) + "/users/status500")
    t.eq(r.status, 500, "status")
    r = request(t, m.url(1) + "/users/alice",
                headers=["X-Authrocket-Api-Key: wrong"])
    t.eq(r.status, 403, "wrong key")


def test_headers_and_body_exact(t):
    m = t.env.mock
    m.clear()
    body = json.dumps({"password": "pw-alice",
                       "request": {"ip": "198.51.100.7",
                                   "client": UA + " (sshd \u00e4\u00f6)"}},
                      ensure_ascii=False)
    headers = ["X-Authrocket-Api-Key: " + API_KEY,
               "X-Authrocket-Realm: rl_test",
               "Accept: application/json",
               "Content-Type: application/json",
               "User-Agent: " + UA]
    r = request(t, m.url(1) + "/users/alice/authenticate", method="POST",
                headers=headers, body=body)
    t.true(r.status in (200, 201), "status (%r)" % r)
    reqs = m.requests()
    t.eq(len(reqs), 1, "requests")
    q = reqs[0]
    t.eq(q["method"], "POST", "method")
    t.eq(q["path"], "/v1/users/alice/authenticate", "path")
    t.eq(q["body"], body, "body")
    h = q["headers"]
    t.eq(h.get("x-authrocket-api-key"), API_KEY, "api key header")
    t.eq(h.get("x-authrocket-realm"), "rl_test", "realm header")
    t.eq(h.get("accept"), "application/json", "accept")
    t.eq(h.get("content-type"), "application/json", "content type")
    t.eq(h.get("user-agent"), UA, "user agent")
    t.eq(h.get("content-length"), str(len(body.encode())), "length")
    t.eq(h.get("expect"), None, "no 100-continue")
    t.eq(h.get("accept-encoding"), None, "no content decoding asked for")
    t.eq(h.get("cookie"), None, "no cookie")
    extra = set(h) - {"host", "x-authrocket-api-key", "x-authrocket-realm",
                      "accept", "content-type", "user-agent",
                      "content-length"}
    t.eq(extra, set(), "headers nobody asked for")


def test_get_sends_no_body(t):
    m = t.env.mock
    m.clear()
    r = request(t, m.url(2) + "/users/alice",
                headers=["Authrocket-Api-Key: ks_testkey"])
    t.eq(r.status, 200, "status (%r)" % r)
    q = m.requests()[0]
    t.eq(q["method"], "GET", "method")
    t.eq(q["body"], "", "body")
    t.eq(q["headers"].get("user-agent"), None, "no default user agent")


# -- TLS -------------------------------------------------------------------------

def test_tls_no_ca_configured(t):
    # Without ca_file/ca_dir the system directory is used: it does not
    # trust the test CA.
    m = t.env.mock
    m.clear()
    r = request(t, m.url(1) + "/users/alice", ca_file=None)
    transport_error(t, r, "tls", "system CA")
    t.eq(m.requests(), [], "nothing reached the mock")


def test_tls_wrong_host(t):
    m = t.env.start_mock(cert=t.env.wrong_host_cert,
                         key=t.env.wrong_host_key)
    r = request(t, m.url(1) + "/users/alice")
    transport_error(t, r, "tls", "wrong host")
    t.eq(m.requests(), [], "nothing reached the mock")


def test_tls_self_signed(t):
    m = t.env.start_mock(cert=t.env.self_signed_cert,
                         key=t.env.self_signed_key)
    r = request(t, m.url(1) + "/users/alice")
    transport_error(t, r, "tls", "self-signed")
    t.eq(m.requests(), [], "nothing reached the mock")
    # Trusting the wrong file does not help either.
    r = request(t, m.url(1) + "/users/alice",
                ca_file=str(t.env.keys["rsa_pub"]))
    transport_error(t, r, "tls", "unusable CA file")


# -- https only, no redirects ---------------------------------------------------

def test_http_refused(t):
    s = listener()
    try:
        port = s.getsockname()[1]
        for url in ("http://127.0.0.1:%d/v1/users/alice" % port,
                    "HTTP://127.0.0.1:%d/v1/users/alice" % port,
                    "ftp://127.0.0.1:%d/x" % port,
                    "127.0.0.1:%d/v1/users/alice" % port):
            r = request(t, url)
            transport_error(t, r, "bad_request", url)
        time.sleep(0.1)
        no_connection(t, s, "plain http")
    finally:
        s.close()


def test_redirect_not_followed(t):
    m = t.env.mock
    for name, status in (("redirect-self", 301), ("redirect-http", 302)):
        m.clear()
        r = request(t, m.url(1) + "/users/" + name)
        t.eq(r.status, status, name + " status (%r)" % r)
        t.eq(r.error, None, name + " error")
        t.eq(len(m.requests()), 1, name + ": requests at the mock")


# -- caps -------------------------------------------------------------------------

def test_body_over_max_body(t):
    m = t.env.mock
    # Content-Length reply larger than the cap.
    r = request(t, m.url(1) + "/users/alice", max_body=16)
    transport_error(t, r, "too_large", "max_body 16")
    # Chunked, endless: cut at the default cap, quickly.
    r = request(t, m.url(1) + "/users/huge", timeout_ms=20000)
    transport_error(t, r, "too_large", "huge chunked")
    t.true(r.elapsed < 10, "cut early (%.1f s)" % r.elapsed)


def test_timeout_honoured(t):
    m = t.env.mock
    r = request(t, m.url(1) + "/users/hang", timeout_ms=1000)
    transport_error(t, r, "timeout", "hang")
    t.true(r.elapsed < 2.0, "answered within the timeout + 1 s (%.2f s)" %
           r.elapsed)
    t.true(r.elapsed >= 0.9, "waited for the timeout (%.2f s)" % r.elapsed)


def test_connect_refused(t):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = request(t, "https://127.0.0.1:%d/v1/users/alice" % port)
    transport_error(t, r, "connect", "closed port")
    t.contains(r.detail, "127.0.0.1", "detail names the address")


# -- environment -------------------------------------------------------------------

def test_environment_ignored(t):
    m = t.env.mock
    s = listener()
    try:
        proxy = "http://127.0.0.1:%d" % s.getsockname()[1]
        keylog = t.tmp / "keylog"
        env = {"https_proxy": proxy, "HTTPS_PROXY": proxy,
               "ALL_PROXY": proxy, "all_proxy": proxy,
               "SSLKEYLOGFILE": str(keylog), "CURL_CA_BUNDLE": "/nonexistent",
               "PATH": "/usr/bin:/bin"}
        m.clear()
        r = request(t, m.url(1) + "/users/alice", env=env, timeout_ms=3000)
        t.eq(r.status, 200, "status (%r)" % r)
        t.eq(len(m.requests()), 1, "straight to the mock")
        no_connection(t, s, "environment proxy")
        t.true(not keylog.exists(), "no TLS key log written")
    finally:
        s.close()


def test_explicit_proxy_used_without_api_key(t):
    # The positive control of the test above: a configured proxy is used,
    # and sees only the CONNECT, never our headers.
    m = t.env.mock
    s = listener()
    try:
        s.setblocking(True)
        s.settimeout(5)
        proxy = "http://127.0.0.1:%d" % s.getsockname()[1]
        p = subprocess.Popen([str(t.env.build / "authrocket-helper")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env={})
        p.stdin.write(encode([("method", "GET"),
                              ("url", m.url(1) + "/users/alice"),
                              ("header", "X-Authrocket-Api-Key: " + API_KEY),
                              ("timeout_ms", "1500"),
                              ("ca_blob", open(t.env.ca_file, "rb").read()),
                              ("proxy", proxy)]))
        p.stdin.close()
        c, _ = s.accept()
        c.settimeout(3)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
        out = p.stdout.read()
        p.wait(10)
        c.close()
        t.true(data.startswith(b"CONNECT 127.0.0.1:%d " % m.port),
               "CONNECT request %r" % data[:80])
        t.absent(data.decode("latin-1"), API_KEY, "api key sent to the proxy")
        r = Reply(p.returncode, decode(out), 0)
        transport_error(t, r, "timeout", "silent proxy")
    finally:
        s.close()


# -- malformed requests ---------------------------------------------------------

def test_bad_requests(t):
    m = t.env.mock
    url = m.url(1) + "/users/alice"
    base = [("method", "GET"), ("url", url), ("timeout_ms", "1000"),
            ("ca_blob", open(t.env.ca_file, "rb").read())]
    m.clear()
    cases = {
        "method": [("method", "DELETE")] + base[1:],
        "no url": [base[0]] + base[2:],
        "no timeout": base[:2] + base[3:],
        "zero timeout": base[:2] + [("timeout_ms", "0")] + base[3:],
        "unknown field": base + [("insecure", "1")],
        "a CA file by name": base[:3] + [("ca_file", str(t.env.ca_file))],
        "header injection": base + [("header", "X-A: 1\r\nX-B: 2")],
        "header without colon": base + [("header", "X-A")],
        "space in url": [base[0], ("url", url + " x")] + base[2:],
        "body with GET": base + [("body", "x")],
    }
    for what, fields in cases.items():
        r = helper(t, fields)
        transport_error(t, r, "bad_request", what)
    t.eq(m.requests(), [], "nothing reached the mock")
    # Framing errors: no reply at all, non-zero exit.  The framing
    # itself refuses a repeated field, a NUL byte outside the body and a
    # number spelled another way than the encoder writes it.
    for what, raw in (("garbage", b"garbage"), ("empty", b""),
                      ("no end", encode(base)[:-7]),
                      ("repeated url", encode(base + [("url", url)])),
                      ("NUL in url", encode([base[0], ("url", url + "\0")] +
                                            base[2:])),
                      ("timeout with a leading zero",
                       encode(base[:2] + [("timeout_ms", "01000")] +
                              base[3:])),
                      ("too large", b"body 2000000\n" + b"x" * 2000000 +
                       b"\nend 0\n\n")):
        r = helper(t, None, raw=raw)
        t.true(r.rc != 0, what + ": exit status %d" % r.rc)
