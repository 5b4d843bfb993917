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
    rules = {"<security/": [], "<jwt.h>": ["src/token.c"],
             "<curl/curl.h>": ["src/helper/http.c"]}
    srcs = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "src").rglob("*.[ch]"))
    for needle, allowed in rules.items():
        users = [s for s in srcs if needle in (ROOT / s).read_text()]
        t.eq(users, allowed, "files including " + needle)
    helper = t.run(["ldd", t.env.build / "authrocket-helper"]).stdout
    module = t.run(["ldd", t.env.build / "pam_authrocket.so"]).stdout
    t.contains(helper, "libcurl", "the helper uses libcurl")
    t.absent(module, "libcurl", "the module never loads libcurl")
