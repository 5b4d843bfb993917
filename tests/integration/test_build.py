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


def profile_stack(t, module_args):
    """The pam-auth-update profile's lines as a stack, pam_permit standing
    in for pam_unix's local password."""
    text = (ROOT / "conf/pam-configs/authrocket").read_text()
    auth, acct, cur = [], [], None
    for line in text.splitlines():
        if line in ("Auth:", "Account:"):
            cur = auth if line == "Auth:" else acct
        elif line.endswith(":") or not line.startswith("\t") or ":" in line.split()[0]:
            cur = None if not line.startswith("\t") else cur
        elif cur is not None:
            cur.append(line.strip())
    def fix(l):
        # "end" jumps past the primary block: the local line and pam_deny
        return (l.replace("success=end", "success=2")
                 .replace("pam_authrocket.so", "@MODULE@ " + module_args))
    return ("".join("auth " + fix(l) + "\n" for l in auth) +
            "auth [success=1 default=ignore] pam_permit.so\n"
            "auth requisite pam_deny.so\n"
            "auth required pam_permit.so\n" +
            "".join("account " + fix(l) + "\n" for l in acct) +
            "account required pam_permit.so\n")


def test_pam_auth_update_profile_locks_nobody_out(t):
    # unconfigured module: every phase falls through to the local stack
    stack = profile_stack(t, "")
    r = t.pam("alice", ["local-password"], t.tmp / "missing.conf", stack=stack)
    t.eq(r.auth, "PAM_SUCCESS", "auth falls through to the local password")
    t.eq(r.account, "PAM_SUCCESS", "account falls through")
    t.contains(r.log, "reason=config", "the module said why it stood aside")


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
