# SPDX-License-Identifier: BSD-3-Clause
"""Build outputs: what the module exports and how it is linked, and the
house rules that keep PAM, libjwt and libcurl each in one place."""
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_module_exports_only_pam_entry_points(t):
    so = t.env.build / "pam_authrocket.so"
    out = t.run(["nm", "-D", "--defined-only", so]).stdout
    syms = sorted(l.split()[-1] for l in out.splitlines()
                  if l.split() and l.split()[-2] in ("T", "W", "D", "B"))
    t.eq(syms, ["pam_sm_acct_mgmt", "pam_sm_authenticate", "pam_sm_setcred"],
         "exported symbols")


def test_hardened_linking(t):
    for name in ("pam_authrocket.so", "authrocket-helper", "authrocket-check"):
        dyn = t.run(["readelf", "-d", t.env.build / name]).stdout
        t.contains(dyn, "BIND_NOW", name + " linked -z now")
        hdr = t.run(["readelf", "-l", t.env.build / name]).stdout
        t.contains(hdr, "GNU_RELRO", name + " has RELRO")


def test_one_outside_library_per_file(t):
    rules = {"<security/": [], "<jwt.h>": ["src/identity/token.c"],
             "<curl/curl.h>": ["src/transport/http.c"]}
    srcs = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "src").rglob("*.[ch]"))
    for needle, allowed in rules.items():
        users = [s for s in srcs if needle in (ROOT / s).read_text()]
        t.eq(users, allowed, "files including " + needle)
    helper = t.run(["ldd", t.env.build / "authrocket-helper"]).stdout
    module = t.run(["ldd", t.env.build / "pam_authrocket.so"]).stdout
    t.contains(helper, "libcurl", "the helper uses libcurl")
    t.absent(module, "libcurl", "the module never loads libcurl")


# The allowed include graph.  Library layers, lowest first: a layer uses
# its own headers and those of the layers below it.  src/dir (the directory
# file format) is libc only and may be used by anyone; src/transport (the
# libcurl code) sits on the base layer and is used only by the programs
# that talk HTTPS themselves.  Programs sit on top; the NSS module and
# authrocket-keys are loaded or run everywhere and stay tiny.
LAYERS = ["base", "conf", "identity", "remote", "decide"]
LIBRARY = set(LAYERS) | {"dir"}
PROGRAMS = {"helper", "check", "sync"}
MAY_INCLUDE = {layer: set(LAYERS[:i + 1]) | {"dir"}
               for i, layer in enumerate(LAYERS)}
MAY_INCLUDE["base"] = {"base"}
MAY_INCLUDE["dir"] = {"dir"}
MAY_INCLUDE["transport"] = {"base", "transport"}
MAY_INCLUDE.update({p: LIBRARY | {"transport", p} for p in PROGRAMS})
MAY_INCLUDE["shim"] = LIBRARY          # pam_authrocket.c: no libcurl
MAY_INCLUDE["nss"] = {"dir", "nss", "ar.h"}    # ar.h: the directory path
MAY_INCLUDE["keys"] = {"dir", "keys", "ar.h"}
# Outside libraries that libc-only code must never include.
NOT_LIBC = ("jwt.h", "jansson.h", "curl/", "openssl/", "security/",
            "crypt.h", "systemd/")
# Within the remote layer only the API files speak the AuthRocket API; the
# JWKS fetch, the caches and the helper client use the plain transport.
SAME_LAYER_ONLY = {"api.h": {"api.c", "api_reply.c", "api_list.c", "api.h"}}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def component(path):
    """The folder a source file belongs to ("shim" for the PAM shim)."""
    parts = pathlib.PurePath(path).parts
    return "shim" if parts == ("pam_authrocket.c",) else parts[1]


def include_edges():
    """(file, its component, kind, header) for every #include."""
    files = sorted(str(p.relative_to(ROOT))
                   for p in (ROOT / "src").rglob("*.[ch]"))
    files.append("pam_authrocket.c")
    for f in files:
        for kind, hdr in INCLUDE.findall((ROOT / f).read_text()):
            yield f, component(f), kind, hdr


def test_includes_point_down_the_layers(t):
    owner = {}
    for h in (ROOT / "src").rglob("*.h"):
        owner.setdefault(h.name, set()).add(h.parent.name)
    dup = sorted(n for n, where in owner.items() if len(where) > 1)
    t.eq(dup, [], "header names are unique (includes are bare names)")
    bad = []
    for f, comp, kind, hdr in include_edges():
        if comp not in MAY_INCLUDE:
            bad.append("%s: folder %s has no include rule" % (f, comp))
            continue
        if kind != '"':
            continue
        where = owner.get(hdr)
        if where is None:
            bad.append("%s: %s is not a header of src/" % (f, hdr))
            continue
        layer = next(iter(where))
        allowed = MAY_INCLUDE[comp]
        if layer not in allowed and hdr not in allowed:
            bad.append("%s (%s) includes %s (%s)" % (f, comp, hdr, layer))
        elif (layer == comp and hdr in SAME_LAYER_ONLY and
              pathlib.PurePath(f).name not in SAME_LAYER_ONLY[hdr]):
            bad.append("%s includes %s (API code only)" % (f, hdr))
    t.eq(bad, [], "includes outside the allowed graph")


def test_libc_only_code_includes_libc_only(t):
    bad = [(f, hdr) for f, comp, kind, hdr in include_edges()
           if comp in ("dir", "nss", "keys") and kind == "<"
           and hdr.startswith(NOT_LIBC)]
    t.eq(bad, [], "outside libraries in src/dir, src/nss, src/keys")
    nss = t.env.build / "libnss_authrocket.so.2"
    if nss.exists():
        # A sanitizer build (make check-asan) adds its own runtimes.
        needed = [l.split("[")[1].rstrip("]") for l in
                  t.run(["readelf", "-d", nss]).stdout.splitlines()
                  if "(NEEDED)" in l and "san.so" not in l]
        t.eq(needed, ["libc.so.6"], "the NSS module needs libc alone")


def test_include_rule_catches_an_upward_include(t):
    # The checker itself: a base file including a decide header, a dir
    # file including a base header, the shim including the transport.
    owner = {"auth.h": "decide", "ar.h": "base", "http.h": "transport",
             "conf.h": "conf"}
    for comp, hdr in (("base", "auth.h"), ("dir", "ar.h"),
                      ("shim", "http.h"), ("nss", "conf.h"),
                      ("transport", "auth.h")):
        layer = owner[hdr]
        allowed = MAY_INCLUDE[comp]
        t.true(layer not in allowed and hdr not in allowed,
               "%s may not include %s" % (comp, hdr))


def profile_stack(t, module_args):
    """The pam-auth-update profile's lines as a stack, with a stand-in for
    pam_unix (priority 256) where pam-auth-update would put it: the higher
    priority first, the first module of the block from its Auth-Initial
    lines.  The stand-in (pam_exec) asks "Password: " unless a credential
    is stored, keeps the answer in PAM_AUTHTOK as pam_unix does, and
    accepts "local-password"."""
    text = (ROOT / "conf/pam-configs/authrocket").read_text()
    blocks, cur, prio = {}, None, 0
    for line in text.splitlines():
        if line.startswith("Priority:"):
            prio = int(line.split(":", 1)[1])
        elif line.endswith(":") and not line.startswith("\t"):
            cur = blocks.setdefault(line[:-1], [])
        elif not line.startswith("\t"):
            cur = None
        elif cur is not None:
            cur.append(line.strip())
    unix = t.write("unix-standin.sh", "#!/bin/sh\n"
                   "[ \"$(tr -d '\\000')\" = local-password ]\n", 0o755)
    unix = "pam_exec.so expose_authtok quiet %s" % unix
    ours_first = prio > 256
    ours = blocks["Auth-Initial" if ours_first else "Auth"]

    def fix(l, skip):
        # "end" jumps past the rest of the primary block and pam_deny
        return (l.replace("success=end", "success=%d" % skip)
                 .replace("pam_authrocket.so", "@MODULE@ " + module_args))
    unix_line = "auth [success=%d default=ignore] %s\n" % (
        1 if ours_first else 1 + len(ours), unix)
    ours_lines = "".join("auth " + fix(l, 2 if ours_first else 1) + "\n"
                         for l in ours)
    return ((ours_lines + unix_line if ours_first else
             unix_line + ours_lines) +
            "auth requisite pam_deny.so\n"
            "auth required pam_permit.so\n" +
            "".join("account " + fix(l, 0) + "\n"
                    for l in blocks["Account"]) +
            "account required pam_permit.so\n")


def api_conf(t, name="ar.conf", **keys):
    m = t.env.mock
    return t.conf(name=name, api_url=m.url(1), api_key="ko_testkey",
                  ca_file=t.env.ca_file, jwt_key_file=t.env.keys["hs"],
                  timeout=5, **keys)


def test_pam_auth_update_profile_locks_nobody_out(t):
    # unconfigured module: the local password works, one prompt
    stack = profile_stack(t, "")
    r = t.pam("alice", ["local-password"], t.tmp / "missing.conf", stack=stack)
    t.eq(r.auth, "PAM_SUCCESS", "the local password")
    t.eq(r.prompts, ["Password: "], "one prompt, pam_unix's")
    t.eq(r.account, "PAM_SUCCESS", "account falls through")
    r = t.pam("alice", ["other"], t.tmp / "missing.conf", stack=stack)
    t.eq(r.auth, "PAM_AUTH_ERR", "a wrong password is still wrong")
    t.eq(len(r.prompts), 1, "still one prompt")
    t.contains(r.log, "reason=config", "the module said why it stood aside")


def test_pam_auth_update_profile_one_prompt(t):
    m = t.env.mock
    stack = profile_stack(t, "")
    m.clear()
    r = t.pam("alice", ["pw-alice"], api_conf(t), stack=stack)
    t.eq(r.auth, "PAM_SUCCESS", "AuthRocket password after pam_unix")
    t.eq(r.prompts, ["Password: "], "one prompt for the stack")
    t.eq(len([q for q in m.requests() if q.get("method") == "POST"]), 1,
         "one authenticate request")


def test_pam_auth_update_profile_local_passwords_stay_local(t):
    m = t.env.mock
    stack = profile_stack(t, "")
    for user in ("alice", "root"):
        m.clear()
        r = t.pam(user, ["local-password"], api_conf(t), stack=stack,
                  phases=("auth",))
        t.eq(r.auth, "PAM_SUCCESS", user + ": local password")
        t.eq(m.requests(), [], user + ": nothing reached AuthRocket")
    # root's wrong password: pam_unix fails, the module does not serve
    # root (min_uid) and sends nothing either.
    m.clear()
    r = t.pam("root", ["not-roots"], api_conf(t), stack=stack,
              phases=("auth",))
    t.eq(r.auth, "PAM_AUTH_ERR", "root, wrong password")
    t.eq(m.requests(), [], "root's typing never reaches AuthRocket")
    t.eq(len(r.prompts), 1, "root: one prompt")


def test_pam_auth_update_profile_still_refuses_inactive_people(t):
    m = t.env.mock
    conf = t.conf(api_url=m.url(1), api_key="ko_testkey", ca_file=t.env.ca_file,
                  jwt_key_file=t.env.keys["hs"], timeout=5)
    stack = profile_stack(t, "")
    r = t.pam("dave", [], conf, stack=stack, phases=("account",))
    t.eq(r.account, "PAM_PERM_DENIED", "inactive AuthRocket user refused")
    r = t.pam("alice", [], conf, stack=stack, phases=("account",))
    t.eq(r.account, "PAM_SUCCESS", "active user")
    down = t.conf(name="down.conf", api_url="https://127.0.0.1:1/v1",
                  api_key="ko_testkey", ca_file=t.env.ca_file,
                  jwt_key_file=t.env.keys["hs"], timeout=2)
    r = t.pam("alice", [], down, stack=stack, phases=("account",))
    t.eq(r.account, "PAM_SUCCESS", "AuthRocket down: the local stack decides")


def reason_keywords(sync=None):
    """Every reason keyword the library and programs can record: string
    literals in the reason argument of ar_fail() and fail_log(), the
    keywords returned by the functions that choose a reason.  sync=True:
    authrocket-sync's own files only; sync=False: all but those."""
    found = set()
    call = re.compile(r'\b(ar_fail|fail_log)\((.*?)\);', re.S)
    for path in sorted((ROOT / "src").rglob("*.c")):
        if sync is not None and ("src/sync/" in str(path)) != sync:
            continue
        text = path.read_text()
        for name, args in call.findall(text):
            parts, depth, cur = [], 0, ""
            for ch in args:
                if ch == "," and depth == 0:
                    parts.append(cur)
                    cur = ""
                    continue
                depth += ch in "(" and 1 or (ch in ")" and -1 or 0)
                cur += ch
            parts.append(cur)
            idx = 2 if name == "ar_fail" else 3
            if len(parts) > idx:
                found |= set(re.findall(r'"([a-z_]+)"', parts[idx]))
        # Functions that choose a reason: reason_for(), type_reason(),
        # ar_fetch_transport_reason().
        for m in re.finditer(r'\n\w*reason\w*\([^)]*\)\n\{(.*?)\n\}', text,
                             re.S):
            found |= set(re.findall(r'"([a-z_]+)"', m.group(1)))
    return found


def test_every_reason_keyword_is_documented(t):
    doc = (ROOT / "docs/results.md").read_text()
    listed = set(re.findall(r'`([a-z_]+)`', doc))
    found = reason_keywords()
    t.true(len(found) > 40, "the scan finds the reasons (%d)" % len(found))
    for must in ("expired", "timeout", "bad_claims", "bad_json", "transport",
                 "helper_failed", "wrong_user"):
        t.true(must in found, "the scan finds %s" % must)
    t.eq(sorted(found - listed), [], "reasons missing from docs/results.md")
    # The module's reasons are in its page; authrocket-sync's in its own.
    module = reason_keywords(sync=False)
    for page, own in (("pam_authrocket.8", module),
                      ("authrocket-sync.8",
                       reason_keywords(sync=True) - module)):
        man = set()
        for line in (ROOT / "man" / page).read_text().splitlines():
            if line.startswith(".It Li "):
                man |= set(re.findall(r"\b[a-z_]+\b", line[7:]))
        t.eq(sorted(own - man), [], "reasons missing from " + page)


def test_repository_cites_only_itself(t):
    # Documents outside the repository cannot be followed by a reader.
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True,
                           text=True).stdout.split()
    pat = re.compile("DESIGN(\\.md| \u00a7)|SECURITY\\.md|STYLE\\.md|"
                     "\\.\\./shared|\u00a7")
    bad = []
    for f in files:
        if "/corpus/" in f:
            continue
        try:
            text = (ROOT / f).read_text()
        except (UnicodeDecodeError, OSError):
            continue
        bad += ["%s:%d" % (f, i + 1) for i, line in
                enumerate(text.splitlines()) if pat.search(line)]
    t.eq(bad, [], "references to documents outside the repository")


def test_every_source_file_names_its_licence(t):
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True,
                           text=True).stdout.split()
    missing = []
    for f in files:
        if "/corpus/" in f:
            continue
        path = ROOT / f
        try:
            head = path.read_text().split("\n", 3)[:3]
        except (UnicodeDecodeError, OSError):
            continue
        source = (f.endswith((".c", ".h", ".py", ".sh")) or f == "Makefile"
                  or (head and head[0].startswith("#!")))
        if source and not any("SPDX-License-Identifier: BSD-3-Clause" in l
                              for l in head):
            missing.append(f)
    t.eq(missing, [], "source files without an SPDX line (see LICENSE)")
