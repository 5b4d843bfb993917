#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""An HTTPS stand-in for the AuthRocket API (v1 under /v1/, v2 under /v2/,
the realm's JWKS at /connect/jwks) used by every integration test.

Python 3 standard library only.  The behaviour is chosen by the user name in
the request (see USERS and BEHAVIOURS below); every request is appended to
the --record file as one JSON line before it is answered, so tests can
assert exactly what the module sent.  POST /_control changes the mock's
state (JWKS kid and status, signing algorithm, session revocation...).

Listing (what authrocket-sync pages through): GET users and GET memberships
(without user_id) answer {"collection": [...], "more_results": bool} sorted
by id, max_results items after the id given as after=.  /_control keys:
list_static (serve the fixed USERS too, default true), list_users (user
records to add, see list_record), generate (N generated users), set_state
({id or username: "active"|"inactive"}), delete ([id or username]),
fail_page ({"list": "users"|"memberships", "page": K, "kind": "500" |
"badjson" | "malformed" | "noprogress" | "empty" | "429", "retry_after": S,
"times": N}).  Page K counts the requests of that list since the last one
without after=.
"""
import argparse
import base64
import bisect
import hashlib
import hmac
import json
import os
import re
import secrets
import select
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REALM = "rl_test"
ISSUER = "https://authrocket.com"
TOTP_CODE = "123456"
MAX_REQUEST_BODY = 1024 * 1024
HUGE_BYTES = 100 * 1024 * 1024
HANG_SECONDS = 120


def user(uid, username, email, state="active", user_type="human",
         memberships=(), totp=False, first="", last="", reference=None,
         custom=None, verified=True):
    return {"id": uid, "username": username, "email": email, "state": state,
            "user_type": user_type, "memberships": list(memberships),
            "totp": totp, "first_name": first, "last_name": last,
            "reference": reference if reference is not None else username,
            "custom": custom if custom is not None else {"unix": username},
            "verified": verified}


# Normal users: the password is "pw-" + username (for "mail" also "pw-mail"),
# the TOTP code is TOTP_CODE.  Memberships are (org_id, org name, perms) or
# (org_id, org name, perms, expires_at as the API sends it).
USERS = {
    "alice": user("usr_alice", "alice", "alice@example.com",
                  memberships=[("org_ops", "Ops", ["sudo", "ssh"])],
                  first="Alice", last="Example"),
    "bob": user("usr_bob", "bob", "bob@example.com", first="Bob"),
    "carol": user("usr_carol", "carol", "carol@example.com", totp=True,
                  memberships=[("org_ops", "Ops", ["ssh"])]),
    "dave": user("usr_dave", "dave", "dave@example.com", state="inactive"),
    "apibot": user("usr_apibot", "apibot", "apibot@example.com",
                   user_type="api"),
    "mallory": user("usr_mallory", "mallory", "mallory@example.com",
                    memberships=[("org_ops", "Ops", ["sudo", "ssh"])]),
    "mail": user("usr_mail", "mail.user", "mail@example.com",
                 reference="mailuser", custom={"unix": "mailuser"}),
    "many": user("usr_many", "many", "many@example.com",
                 memberships=[("org_a", "A", ["ssh"]),
                              ("org_b", "B", ["sudo"])]),
    "slow": user("usr_slow", "slow", "slow@example.com"),
    # An address AuthRocket has not verified: it must map nothing.
    "unverified": user("usr_unverified", "unverified",
                       "unverified@example.com",
                       verified=False),
    # Memberships that ended at the start of 1970 and in 2020.
    "expired": user("usr_expired", "expired", "expired@example.com",
                    memberships=[("org_ops", "Ops", ["sudo", "ssh"], 0),
                                 ("org_b", "B", ["sudo"],
                                  "2020-01-01T00:00:00Z")]),
    # Whatever is asked about this one, the reply is about mallory.
    "otheruser": user("usr_otheruser", "otheruser", "otheruser@example.com"),
}
REPLY_AS = {"otheruser": "mallory"}

BEHAVIOURS = {"status402": 402, "status403": 403, "status429": 429,
              "status500": 500, "hang": "hang", "badjson": "badjson",
              "html": "html", "huge": "huge", "deep": "deep",
              "redirect-http": "redirect-http",
              "redirect-self": "redirect-self", "escape": "escape",
              "emptybody": "emptybody"}

ESCAPE_TEXT = "Login \x1b[31mfailed\x1b[0m\ninjected: allow user=root"


def list_record(rec):
    """A listed user from a test's dict: id and username required."""
    r = {"id": rec["id"], "username": rec.get("username"),
         "email": rec.get("email"), "state": rec.get("state", "active"),
         "user_type": rec.get("user_type", "human"),
         "name": rec.get("name"), "custom": rec.get("custom", {}),
         "created_at": rec.get("created_at", 1700000000),
         "email_verified": rec.get("email_verified", True),
         "memberships": [tuple(m) for m in rec.get("memberships", [])]}
    for k in ("reference",):
        if k in rec:
            r[k] = rec[k]
    return r


def generated(i):
    perms = [("org_gen", "Gen", ["ssh", "sudo"] if i % 10 == 0 else ["ssh"])]
    return list_record({
        "id": "usr_gen%06d" % i, "username": "user%06d" % i,
        "email": "user%06d@example.com" % i, "name": "Generated User %d" % i,
        "created_at": 1700000000 + i, "memberships": perms})


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from jwtmint import b64url, hs256, rs256  # noqa: E402


FLEET = re.compile(r"(?:usr_)?(fleet\d{3})(?:@example\.com)?")


def find_user(name):
    """(key, record) for a user name, id or email, or (None, None).
    fleet000..fleet999 exist on demand (the bench's busy hosts)."""
    m = FLEET.fullmatch(name or "")
    if m:
        key = m.group(1)
        return key, USERS.setdefault(key, user(
            "usr_" + key, key, key + "@example.com",
            memberships=[("org_ops", "Ops", ["ssh"])]))
    for key, u in list(USERS.items()):
        if name in (key, u["username"], u["id"], u["email"]):
            return key, u
    return None, None


class State:
    """Everything /_control can change, behind one lock."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.jwks_kids = [self.args.kid]
        self.jwks_status = 200
        self.jwks_body = None
        self.jwt_alg = None          # None: v1 HS256, v2 RS256
        self.jwt_ttl = 3600
        self.jwt_extra = {}
        self.date_offset = 0
        self.sessions = {}           # kss_ -> {"user", "version", "revoked"}
        self.challenges = {}         # kli_/tmf: -> (version, user key)
        self.tokens = {}             # issued JWT -> kss_
        self.list_static = True
        self.list_extra = {}         # id -> list record
        self.user_state = {}         # id -> "active" / "inactive"
        self.deleted = set()         # ids
        self.fail_page = None
        self.page_no = {"users": 0, "memberships": 0}
        self.list_cache = None
        # An outage of the API paths: None, or {"status": N (0: close the
        # connection without a reply, -1: never answer), "retry_after":
        # seconds or None}.
        self.outage = None

    def control(self, obj):
        if not isinstance(obj, dict):
            raise ValueError("control body must be a JSON object")
        known = {"reset", "jwks_kid", "jwks_status", "jwks_body", "jwt_alg",
                 "jwt_ttl", "jwt_extra", "revoke_session", "add_session",
                 "date_offset", "list_static", "list_users", "generate",
                 "set_state", "delete", "fail_page", "outage", "user_state"}
        bad = set(obj) - known
        if bad:
            raise ValueError("unknown control keys: %s" % sorted(bad))
        with self.lock:
            self.list_cache = None
            if obj.get("reset"):
                self.reset()
            if "jwks_kid" in obj:
                v = obj["jwks_kid"]
                self.jwks_kids = [v] if isinstance(v, str) else list(v)
            if "jwks_status" in obj:
                self.jwks_status = int(obj["jwks_status"])
            if "jwks_body" in obj:
                self.jwks_body = obj["jwks_body"]
            if "jwt_alg" in obj:
                if obj["jwt_alg"] not in (None, "HS256", "RS256"):
                    raise ValueError("jwt_alg must be HS256 or RS256")
                self.jwt_alg = obj["jwt_alg"]
            if "jwt_ttl" in obj:
                self.jwt_ttl = int(obj["jwt_ttl"])
            if "jwt_extra" in obj:
                self.jwt_extra = dict(obj["jwt_extra"] or {})
            if "date_offset" in obj:
                self.date_offset = int(obj["date_offset"])
            if "outage" in obj:
                o = obj["outage"]
                if o is not None and not isinstance(o, dict):
                    raise ValueError("outage must be an object or null")
                self.outage = o
            # user_state and set_state: the same, by username or id.
            for k, v in dict(obj.get("user_state") or {}).items():
                self.user_state[self.resolve(k)] = v
            if "revoke_session" in obj:
                s = self.sessions.get(obj["revoke_session"])
                if s is not None:
                    s["revoked"] = True
            if "list_static" in obj:
                self.list_static = bool(obj["list_static"])
            for rec in obj.get("list_users") or []:
                r = list_record(rec)
                self.list_extra[r["id"]] = r
                self.deleted.discard(r["id"])
            if "generate" in obj:
                for i in range(int(obj["generate"])):
                    r = generated(i)
                    self.list_extra[r["id"]] = r
            for k, v in (obj.get("set_state") or {}).items():
                self.user_state[self.resolve(k)] = v
            for k in obj.get("delete") or []:
                self.deleted.add(self.resolve(k))
            if "fail_page" in obj:
                f = obj["fail_page"]
                self.fail_page = dict(f) if f else None
                if self.fail_page is not None:
                    self.fail_page.setdefault("times", 1)
            if "add_session" in obj:
                self.sessions[obj["add_session"]] = {
                    "user": None, "version": 0, "revoked": False}
            return {"ok": True, "jwks_kid": self.jwks_kids,
                    "jwks_status": self.jwks_status, "jwt_alg": self.jwt_alg}


    def resolve(self, name):
        """The id of a user given by id or username (caller holds lock)."""
        for r in self.list_extra.values():
            if name in (r["id"], r["username"]):
                return r["id"]
        _, u = find_user(name)
        return u["id"] if u is not None else name

    def listed(self):
        """Every listed user record, by id (caller holds the lock)."""
        out = {}
        if self.list_static:
            for key, u in USERS.items():
                if key in REPLY_AS:
                    continue
                r = dict(u)
                r["name"] = (u["first_name"] + " " + u["last_name"]).strip() \
                    or None
                r["created_at"] = 1700000000
                r["email_verified"] = True
                out[u["id"]] = r
        out.update(self.list_extra)
        for i in self.deleted:
            out.pop(i, None)
        for i, st in self.user_state.items():
            if i in out:
                out[i] = dict(out[i], state=st)
        return out


class Signer:
    """Login tokens: HS256 with the realm secret, RS256 through openssl."""

    def __init__(self, secret_file, rsa_key):
        self.secret = None
        if secret_file:
            data = open(secret_file, "rb").read()
            if data.endswith(b"\n"):
                data = data[:-1]
            self.secret = data
        self.rsa_key = rsa_key
        self.spki = None
        if rsa_key:
            self.spki = subprocess.run(
                ["openssl", "pkey", "-in", rsa_key, "-pubout", "-outform",
                 "DER"], check=True, capture_output=True).stdout

    def sign(self, alg, claims, kid):
        if alg == "RS256" and self.rsa_key is None:
            alg = "HS256"
        if alg == "HS256" and self.secret is None:
            alg = "RS256"
        header = {"alg": alg, "typ": "JWT"}
        if alg == "RS256":
            header["kid"] = kid
        if alg == "HS256":
            return hs256(self.secret, header, claims)
        return rs256(self.rsa_key, header, claims)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, handler, args):
        super().__init__(("127.0.0.1", 0), handler)
        self.args = args
        self.state = State(args)
        self.signer = Signer(args.jwt_secret_file, args.jwt_rsa_key)
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(args.cert, args.key)
        self.record_lock = threading.Lock()
        self.record = open(args.record, "a") if args.record else None

    def finish_request(self, request, client_address):
        # The handshake runs here, in the connection's own thread, so that
        # a client that never speaks TLS cannot stall the accept loop.
        request.settimeout(15)
        try:
            conn = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionError, ssl.SSLError,
                            socket.timeout)):
            return
        super().handle_error(request, client_address)

    def log(self, entry):
        if self.record is None:
            return
        with self.record_lock:
            self.record.write(json.dumps(entry) + "\n")
            self.record.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "armock/1.0"
    timeout = 60

    def log_message(self, fmt, *args):
        pass

    def version_string(self):
        return self.server_version

    def date_time_string(self, timestamp=None):
        if timestamp is None:
            timestamp = time.time() + self.server.state.date_offset
        return super().date_time_string(timestamp)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = \
        lambda self: self.dispatch()

    # -- reading and recording ------------------------------------------
    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
                if len(out) > MAX_REQUEST_BODY:
                    raise ValueError("request body too large")
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_REQUEST_BODY:
            raise ValueError("request body too large")
        return self.rfile.read(n) if n > 0 else b""

    def record(self, body):
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + ", " + v if k in headers else v
        self.server.log({"method": self.command, "path": self.path,
                         "headers": headers,
                         "body": body.decode("utf-8", "replace")})

    # -- writing ----------------------------------------------------------
    def send_body(self, status, body, ctype="application/json",
                  headers=(), slow=False):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if not slow:
            self.wfile.write(body)
            return
        for i in range(len(body)):
            try:
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
            except (OSError, ssl.SSLError):
                self.close_connection = True
                return
            time.sleep(1)

    def send_json(self, status, obj, headers=(), slow=False):
        self.send_body(status, json.dumps(obj).encode(), headers=headers,
                       slow=slow)

    def send_error_body(self, status, msg, field="base"):
        if self.api_version == 1:
            self.send_json(status, {"errors": {field: [msg]}})
        else:
            self.send_json(status, {"errors": [msg]})

    # -- dispatch -----------------------------------------------------------
    def dispatch(self):
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self.send_body(400, b'{"errors":["bad request"]}')
            return
        self.record(body)
        self.api_version = 2
        self.slow = False
        split = urllib.parse.urlsplit(self.path)
        self.query = urllib.parse.parse_qs(split.query)
        raw = split.path
        try:
            if raw == "/_control" and self.command == "POST":
                return self.do_control(body)
            if raw == "/connect/jwks" and self.command == "GET":
                return self.do_jwks()
            if raw.startswith("/v") and self.outage_reply():
                return
            for v in (1, 2):
                prefix = "/v%d/" % v
                if raw.startswith(prefix):
                    self.api_version = v
                    segs = [urllib.parse.unquote(s)
                            for s in raw[len(prefix):].split("/")]
                    return self.do_api(segs, body)
            self.send_json(404, {"errors": ["no such path"]})
        except (BrokenPipeError, ConnectionError, ssl.SSLError,
                socket.timeout):
            self.close_connection = True

    def outage_reply(self):
        """During a simulated outage the API answers with its status."""
        with self.server.state.lock:
            o = self.server.state.outage
        if o is None:
            return False
        status = int(o.get("status", 503))
        if status == -1:
            self.hang()
            return True
        if status == 0:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return True
        headers = []
        if o.get("retry_after") is not None:
            headers.append(("Retry-After", str(o["retry_after"])))
        self.send_json(status, {"errors": ["outage simulated by the mock"]},
                       headers)
        return True

    def do_control(self, body):
        try:
            out = self.server.state.control(json.loads(body or b"{}"))
        except (ValueError, TypeError) as e:
            return self.send_json(400, {"errors": [str(e)]})
        self.send_json(200, out)

    def do_jwks(self):
        st = self.server.state
        with st.lock:
            status, kids, raw = st.jwks_status, list(st.jwks_kids), \
                st.jwks_body
        if status != 200:
            return self.send_json(status, {"errors": ["jwks unavailable"]})
        if raw is not None:
            return self.send_body(200, raw.encode())
        spki = self.server.signer.spki
        keys = [{"kid": k, "kty": "RSA", "alg": "RS256", "use": "sig",
                 "x5c": [base64.b64encode(spki).decode()]} for k in kids] \
            if spki else []
        self.send_json(200, {"keys": keys})

    def api_key_ok(self):
        h = self.headers
        if self.api_version == 1:
            return h.get("X-Authrocket-Api-Key") == self.server.args.api_key_v1
        key = self.server.args.api_key_v2
        return (h.get("Authrocket-Api-Key") == key or
                h.get("Authorization") == "Bearer " + key)

    def do_api(self, segs, body):
        if not self.api_key_ok():
            return self.send_error_body(403, "Invalid API key")
        m = self.command
        n = len(segs)
        if m == "POST" and segs == ["users", "authenticate_token"]:
            return self.authenticate_token(body)
        if segs[0] == "users" and n == 3 and m == "POST" and \
                segs[2] in ("authenticate", "authenticate_code"):
            if self.behave(segs[1]):
                return
            if segs[2] == "authenticate":
                return self.authenticate(segs[1], body)
            if self.api_version == 1:
                return self.authenticate_code(segs[1], body)
        if segs[0] == "users" and n == 2 and m == "GET" and \
                self.listed_user(segs[1]) is not None:
            return self.send_json(200, self.record_obj(
                self.listed_user(segs[1])))
        if segs == ["memberships"] and m == "GET" and \
                "user_id" in self.query and \
                self.listed_user(self.query["user_id"][0]) is not None:
            r = self.listed_user(self.query["user_id"][0])
            return self.send_json(200, {"collection": self.memb_objs(r),
                                        "more_results": False})
        if segs[0] == "users" and n == 2 and m == "GET":
            with self.server.state.lock:
                gone = self.server.state.resolve(segs[1]) in \
                    self.server.state.deleted
            if gone:
                return self.send_error_body(404, "User not found")
        if segs[0] == "users" and n == 2 and m == "GET" and segs[1]:
            if self.behave(segs[1]):
                return
            return self.get_user(segs[1])
        if segs == ["users"] and m == "GET":
            return self.list_page("users")
        if segs == ["memberships"] and m == "GET" and \
                "user_id" not in self.query:
            return self.list_page("memberships")
        if segs == ["memberships"] and m == "GET":
            uid = (self.query.get("user_id") or [""])[0]
            if self.behave(uid):
                return
            return self.memberships(uid)
        if segs[0] == "sessions" and n == 2 and m == "GET":
            if self.behave(segs[1]):
                return
            return self.get_session(segs[1])
        if segs[0] == "realms" and n == 2 and m == "GET":
            if segs[1] != REALM:
                return self.send_error_body(404, "Realm not found")
            return self.send_json(200, {"object": "realm", "id": REALM,
                                        "name": "Test realm",
                                        "state": "active"})
        self.send_error_body(404, "Not found")

    # -- listing --------------------------------------------------------------
    def listed_user(self, name):
        """A list_users/generated record by id or username (not static)."""
        st = self.server.state
        with st.lock:
            i = st.resolve(name)
            if i in st.deleted or i not in st.list_extra:
                return None
            return st.listed().get(i)

    def record_obj(self, r):
        o = {"object": "user", "id": r["id"], "username": r["username"],
             "email": r["email"], "state": r["state"], "name": r["name"],
             "custom": dict(r["custom"] or {}),
             "created_at": r["created_at"]}
        if "reference" in r:
            o["reference"] = r["reference"]
        if self.api_version == 1:
            o["user_type"] = r["user_type"]
            o["realm_id"] = REALM
            if r["email_verified"]:
                o["email_verification"] = "verified"
        else:
            o["email_verified"] = bool(r["email_verified"])
        return o

    def memb_objs(self, r):
        return [{"object": "membership",
                 "id": "mb_" + o[4:] + "_" + r["id"][4:], "org_id": o,
                 "user_id": r["id"], "permissions": list(m[2]),
                 "expires_at": m[3] if len(m) > 3 else None}
                for m in r["memberships"] for o in (m[0],)]

    def list_page(self, kind):
        st = self.server.state
        try:
            limit = int((self.query.get("max_results") or ["100"])[0])
        except ValueError:
            return self.send_error_body(422, "bad max_results")
        limit = max(1, min(limit, 1000))
        after = (self.query.get("after") or [None])[0]
        with st.lock:
            if st.list_cache is None:	# dropped by every /_control
                recs = st.listed()
                mids = sorted(("mb_" + o[4:] + "_" + i[4:], i, n)
                              for i, r in recs.items()
                              for n, (o, *_) in enumerate(r["memberships"]))
                st.list_cache = (recs, sorted(recs), mids,
                                 [x[0] for x in mids])
            st.page_no[kind] = 1 if after is None else st.page_no[kind] + 1
            page = st.page_no[kind]
            fail = st.fail_page
            if fail and fail.get("list", "users") == kind and \
                    int(fail.get("page", 1)) == page and fail["times"] > 0:
                fail["times"] -= 1
                fail = dict(fail)
            else:
                fail = None
            recs, ukeys, mids, mkeys = st.list_cache
        # Only the page's own objects are built: 10 000 users stay cheap.
        if kind == "users":
            keys = ukeys
            build = lambda k: self.record_obj(recs[k])
        else:
            keys = mkeys
            build = lambda k: self.memb_objs(
                recs[mids[bisect.bisect_left(keys, k)][1]])[
                    mids[bisect.bisect_left(keys, k)][2]]
        start = 0 if after is None else bisect.bisect_right(keys, after)
        coll = [build(k) for k in keys[start:start + limit]]
        more = len(keys) > start + limit
        first = [build(k) for k in keys[:limit]]
        if fail is not None:
            k = fail.get("kind", "500")
            if k == "500":
                return self.send_error_body(500, "Status 500 from the mock")
            if k == "429":
                return self.send_json(429, {"errors": ["Rate limited"]}, [
                    ("Retry-After", str(fail.get("retry_after", 1)))])
            if k == "badjson":
                return self.send_body(200, b'{"collection": [')
            if k == "malformed":
                return self.send_json(200, {"collection": {"x": 1},
                                            "more_results": False})
            if k == "noprogress":
                return self.send_json(200, {"collection": first,
                                            "more_results": True})
            if k == "empty":
                return self.send_json(200, {"collection": [],
                                            "more_results": True})
        self.send_json(200, {"collection": coll, "more_results": more})

    # -- behaviour chosen by name ---------------------------------------------
    def behave(self, name):
        """Answer for a special name; False when name is an ordinary one."""
        b = BEHAVIOURS.get(name)
        if name == "slow":
            self.slow = True
        if b is None:
            return False
        if isinstance(b, int):
            headers = [("Retry-After", "1")] if b == 429 else []
            msg = "Status %d from the mock" % b
            if self.api_version == 1:
                self.send_json(b, {"errors": {"base": [msg]}}, headers)
            else:
                self.send_json(b, {"errors": [msg]}, headers)
        elif b == "hang":
            self.hang()
        elif b == "badjson":
            self.send_body(200, b"{not json")
        elif b == "html":
            self.send_body(200, b"<!DOCTYPE html><html><head><title>Down"
                           b"</title></head><body><h1>Maintenance</h1>"
                           b"</body></html>\n", "text/html; charset=utf-8")
        elif b == "huge":
            self.huge()
        elif b == "deep":
            self.send_body(200, b"[" * 100000 + b"]" * 100000)
        elif b == "redirect-http":
            self.send_body(302, b"", headers=[
                ("Location", "http://127.0.0.1:%d%s" %
                 (self.server.server_address[1], self.path))])
        elif b == "redirect-self":
            self.send_body(301, b"", headers=[
                ("Location", "https://127.0.0.1:%d%s" %
                 (self.server.server_address[1], self.path))])
        elif b == "escape":
            self.send_error_body(401, ESCAPE_TEXT)
        elif b == "emptybody":
            self.send_body(200, b"")
        return True

    def hang(self):
        """Say nothing until the client leaves or HANG_SECONDS pass."""
        self.close_connection = True
        end = time.monotonic() + HANG_SECONDS
        conn = self.connection
        while time.monotonic() < end:
            r, _, _ = select.select([conn], [], [], 0.5)
            if r:
                try:
                    conn.settimeout(0.5)
                    if conn.recv(1) == b"":
                        return
                except ssl.SSLWantReadError:
                    continue
                except (OSError, ssl.SSLError):
                    return

    def huge(self):
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"a" * 65536
        frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        sent = 0
        try:
            while sent < HUGE_BYTES:
                self.wfile.write(frame)
                sent += len(chunk)
            self.wfile.write(b"0\r\n\r\n")
        except (OSError, ssl.SSLError):
            return

    # -- objects ------------------------------------------------------------
    def user_obj(self, key, token=None):
        u = USERS[key]
        with self.server.state.lock:
            state = self.server.state.user_state.get(u["id"], u["state"])
        o = {"object": "user", "id": u["id"], "username": u["username"],
             "email": u["email"], "state": state,
             "reference": u["reference"], "custom": dict(u["custom"]),
             "first_name": u["first_name"] or None,
             "last_name": u["last_name"] or None,
             "name": (u["first_name"] + " " + u["last_name"]).strip() or None,
             "created_at": 1700000000}
        if self.api_version == 1:
            o["user_type"] = u["user_type"]
            o["realm_id"] = REALM
            o["email_verification"] = "verified" if u["verified"] else \
                "requested"
        else:
            o["email_verified"] = u["verified"]
        if token is not None:
            o["token"] = token
        return o

    def new_session(self, key):
        sid = "kss_" + secrets.token_hex(12)
        with self.server.state.lock:
            self.server.state.sessions[sid] = {
                "user": key, "version": self.api_version, "revoked": False}
        return sid

    def login_token(self, key, sid):
        st = self.server.state
        u = USERS[key]
        now = int(time.time())
        with st.lock:
            alg = st.jwt_alg or ("HS256" if self.api_version == 1 else "RS256")
            ttl, extra, kid = st.jwt_ttl, dict(st.jwt_extra), st.jwks_kids[0]
        if self.api_version == 1:
            c = {"uid": u["id"], "un": u["username"], "aud": REALM,
                 "tk": sid, "iat": now, "exp": now + ttl,
                 "m": [{"oid": m[0], "o": m[1], "p": m[2]}
                       for m in u["memberships"]],
                 "cs": dict(u["custom"])}
            if u["first_name"]:
                c["fn"] = u["first_name"]
        else:
            c = {"iss": ISSUER, "sub": u["id"], "rid": REALM, "sid": sid,
                 "preferred_username": u["username"], "email": u["email"],
                 "email_verified": u["verified"], "ref": u["reference"],
                 "cs": dict(u["custom"]), "iat": now, "exp": now + ttl,
                 "orgs": [{"oid": m[0],
                           "mid": "mb_" + m[0][4:] + "_" + u["id"][4:],
                           "name": m[1], "perm": m[2], "selected": False}
                          for m in u["memberships"]]}
        for k, v in extra.items():
            if v is None:
                c.pop(k, None)
            else:
                c[k] = v
        tok = self.server.signer.sign(alg, c, kid)
        with st.lock:
            st.tokens[tok] = sid
        return tok

    def success(self, key):
        """The reply to a completed login of key (v1 user, v2 session)."""
        key = REPLY_AS.get(key, key)
        sid = self.new_session(key)
        tok = self.login_token(key, sid)
        if self.api_version == 1:
            return self.send_json(200, self.user_obj(key, tok),
                                  slow=self.slow)
        self.send_json(200, {"object": "session", "id": sid, "token": tok,
                             "user_id": USERS[key]["id"],
                             "expires_at": int(time.time()) + 3600,
                             "created_at": int(time.time())},
                       slow=self.slow)

    def login_failed(self, field="password"):
        if self.api_version == 1:
            return self.send_json(401, {"errors": {field: ["Login failed"]}},
                                  slow=self.slow)
        self.send_json(409, {"errors": ["Login failed"]}, slow=self.slow)

    # -- endpoints -------------------------------------------------------------
    def authenticate(self, name, body):
        key, u = find_user(name)
        if key is None:
            return self.send_error_body(404, "User not found")
        try:
            req = json.loads(body)
            pw = req["password"] if self.api_version == 1 else \
                req["user"]["password"]
        except (ValueError, KeyError, TypeError):
            return self.send_error_body(422, "Password is required",
                                        "password")
        good = {"pw-" + u["username"], "pw-" + key}
        if not isinstance(pw, str) or pw not in good:
            return self.login_failed()
        if u["totp"]:
            prefix = "kli_" if self.api_version == 1 else "tmf:"
            tok = prefix + secrets.token_hex(16)
            with self.server.state.lock:
                self.server.state.challenges[tok] = (self.api_version, key)
            if self.api_version == 1:
                return self.send_json(200, self.user_obj(key, tok))
            return self.send_json(200, {"object": "token", "token": tok})
        self.success(key)

    def code_request(self, body):
        try:
            req = json.loads(body)["user"]
            return req["token"], req["code"]
        except (ValueError, KeyError, TypeError):
            return None, None

    def authenticate_code(self, name, body):
        key, _ = find_user(name)
        tok, code = self.code_request(body)
        st = self.server.state
        with st.lock:
            ch = st.challenges.get(tok) if isinstance(tok, str) else None
        if key is None:
            return self.send_error_body(404, "User not found")
        if ch != (1, key) or code != TOTP_CODE:
            return self.login_failed("code")
        with st.lock:
            st.challenges.pop(tok, None)
        self.success(key)

    def authenticate_token(self, body):
        tok, code = self.code_request(body)
        st = self.server.state
        with st.lock:
            ch = st.challenges.get(tok) if isinstance(tok, str) else None
        if ch is None or ch[0] != self.api_version or code != TOTP_CODE:
            return self.login_failed("code")
        with st.lock:
            st.challenges.pop(tok, None)
        self.success(ch[1])

    def get_user(self, name):
        key, _ = find_user(name)
        if key is None:
            return self.send_error_body(404, "User not found")
        self.send_json(200, self.user_obj(REPLY_AS.get(key, key)),
                       slow=self.slow)

    def memberships(self, uid):
        key, u = find_user(uid)
        coll = []
        if key is not None:
            key = REPLY_AS.get(key, key)
            u = USERS[key]
            coll = [{"object": "membership",
                     "id": "mb_" + m[0][4:] + "_" + u["id"][4:],
                     "org_id": m[0], "user_id": u["id"], "permissions": m[2],
                     "expires_at": m[3] if len(m) > 3 else None}
                    for m in u["memberships"]]
        self.send_json(200, {"collection": coll,
                             "more_results": key == "many"},
                       slow=self.slow)

    def get_session(self, sid):
        st = self.server.state
        with st.lock:
            sid = st.tokens.get(sid, sid)   # v1 also takes the whole token
            s = st.sessions.get(sid)
        if s is None or s["revoked"]:
            return self.send_error_body(404, "Session not found")
        o = {"object": "session", "id": sid,
             "expires_at": int(time.time()) + 3600}
        if s["user"] is not None:
            o["user_id"] = USERS[s["user"]]["id"]
        self.send_json(200, o)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--record")
    ap.add_argument("--jwt-secret-file")
    ap.add_argument("--jwt-rsa-key")
    ap.add_argument("--kid", default="k1")
    ap.add_argument("--api-key", help="the same API key for v1 and v2")
    ap.add_argument("--api-key-v1", default="ko_testkey")
    ap.add_argument("--api-key-v2", default="ks_testkey")
    args = ap.parse_args()
    if args.api_key:
        args.api_key_v1 = args.api_key_v2 = args.api_key
    srv = Server(Handler, args)
    tmp = args.ready + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(tmp, args.ready)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
