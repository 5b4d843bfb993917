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
