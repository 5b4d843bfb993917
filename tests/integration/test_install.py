# SPDX-License-Identifier: BSD-3-Clause
"""make install / make uninstall into a DESTDIR: paths, modes, and that an
existing configuration is never overwritten or removed."""
import os
import stat
import subprocess

from artest import ROOT


def make(t, *args):
    return subprocess.run(["make", "-s", "--no-print-directory", "-C", str(ROOT),
                           "B=%s" % t.env.build, *args],
                          capture_output=True, text=True, timeout=300)


def test_install_and_uninstall(t):
    dest = t.tmp / "dest"
    r = make(t, "install", "DESTDIR=%s" % dest, "PREFIX=/usr/local")
    t.eq(r.returncode, 0, "make install: " + r.stdout + r.stderr)
    pamdir = subprocess.run(["pkg-config", "--variable=libdir", "pam"],
                            capture_output=True, text=True).stdout.strip()
    want = {
        pamdir + "/security/pam_authrocket.so": 0o644,
        "/usr/local/libexec/pam_authrocket/authrocket-helper": 0o755,
        "/usr/local/sbin/authrocket-check": 0o755,
        "/usr/local/share/man/man8/pam_authrocket.8": 0o644,
        "/usr/local/share/man/man8/authrocket-check.8": 0o644,
        "/usr/local/share/man/man5/pam_authrocket.conf.5": 0o644,
        "/usr/local/share/pam-configs/authrocket": 0o644,
        "/etc/security/pam_authrocket.conf": 0o600,
    }
    for path, mode in want.items():
        p = dest / path.lstrip("/")
        t.true(p.exists(), "installed " + path)
        t.eq(oct(stat.S_IMODE(p.stat().st_mode)), oct(mode), "mode of " + path)
    conf = dest / "etc/security/pam_authrocket.conf"
    conf.write_text("# the administrator's own\n")
    r = make(t, "install", "DESTDIR=%s" % dest, "PREFIX=/usr/local")
    t.eq(r.returncode, 0, "second install")
    t.eq(conf.read_text(), "# the administrator's own\n", "config kept")
    r = make(t, "uninstall", "DESTDIR=%s" % dest, "PREFIX=/usr/local")
    t.eq(r.returncode, 0, "make uninstall")
    for path in want:
        if path.startswith("/etc/"):
            continue
        t.true(not (dest / path.lstrip("/")).exists(), "removed " + path)
    t.true(conf.exists(), "uninstall leaves the configuration")
