# SPDX-License-Identifier: BSD-3-Clause
"""Attack catalogue: trust anchors and the helper binary obey the owner and
mode rule of every file the module trusts.  A CA file or directory another
local user can change would let that user vouch for their own API server
(and, in v1 password mode without jwt_key, for any login); a symlinked or
changeable helper runs as whoever runs the host.  Each case is
PAM_SERVICE_ERR, the configuration detail is logged, and the mock receives
nothing."""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secutil import OK, SERVICE  # noqa: E402


def conf(t, name, **keys):
    m = t.env.mock
    keys.setdefault("ca_file", t.env.ca_file)
    return t.conf(name=name, api_url=m.url(1), api_key="ko_testkey",
                  jwt_key_file=t.env.keys["hs"], timeout=5, **keys)


def refused(t, c, rule, what):
    m = t.env.mock
    m.clear()
    r = t.pam("alice", ["pw-alice"], c, phases=("auth",))
    t.eq(r.auth, SERVICE, what)
    t.contains(r.log, rule, what + ": the rule broken is logged")
    t.eq(m.requests(), [], what + ": nothing reached the API")


def test_safe_anchors_work(t):
    r = t.pam("alice", ["pw-alice"], conf(t, "ok.conf"), phases=("auth",))
    t.eq(r.auth, OK, "the test CA as ca_file")
    d = t.tmp / "ca.d"
    shutil.copytree(t.env.ca_dir, d, symlinks=True)
    os.chmod(d, 0o755)
    r = t.pam("alice", ["pw-alice"], conf(t, "okd.conf", ca_file=None,
                                          ca_dir=d), phases=("auth",))
    t.eq(r.auth, OK, "the test CA directory as ca_dir")


def test_writable_ca_file(t):
    for mode in (0o664, 0o646):
        ca = t.tmp / ("ca-%o.pem" % mode)
        shutil.copy(t.env.ca_file, ca)
        os.chmod(ca, mode)
        refused(t, conf(t, "w%o.conf" % mode, ca_file=ca),
                "must not be writable by group or others",
                "ca_file mode %o" % mode)


def test_symlinked_ca_file(t):
    link = t.tmp / "ca-link.pem"
    os.symlink(t.env.ca_file, link)
    refused(t, conf(t, "l.conf", ca_file=link), "is a symbolic link",
            "symlinked ca_file")


def test_foreign_ca_file(t):
    if os.geteuid() != 0:
        t.skip("chown to another uid needs root")
    ca = t.tmp / "ca-other.pem"
    shutil.copy(t.env.ca_file, ca)
    os.chmod(ca, 0o644)
    os.chown(ca, 65534, 65534)
    refused(t, conf(t, "o.conf", ca_file=ca), "must be owned by root",
            "ca_file of another user")


def test_writable_ca_dir_and_entries(t):
    d = t.tmp / "ca.d"
    shutil.copytree(t.env.ca_dir, d, symlinks=True)
    os.chmod(d, 0o775)
    c = conf(t, "d.conf", ca_file=None, ca_dir=d)
    refused(t, c, "must not be writable by group or others",
            "group-writable ca_dir")
    os.chmod(d, 0o755)
    os.chmod(d / "ca.pem", 0o666)
    refused(t, c, "ca.pem: must not be writable", "writable ca_dir entry")


def test_helper_checked(t):
    link = t.tmp / "helper-link"
    os.symlink(t.env.build / "authrocket-helper", link)
    refused(t, conf(t, "h.conf", helper=link), "helper: ",
            "symlinked helper")
    h = t.tmp / "helper-gw"
    shutil.copy(t.env.build / "authrocket-helper", h)
    os.chmod(h, 0o775)
    refused(t, conf(t, "hw.conf", helper=h),
            "must not be writable by group or others",
            "group-writable helper")
