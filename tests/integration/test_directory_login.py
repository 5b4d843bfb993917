# SPDX-License-Identifier: BSD-3-Clause
"""directory = yes through the real libpam: only accounts the directory
serves or adopts are served, each only to the AuthRocket user recorded for
it; no directory yet serves nobody, a damaged one decides nothing.  The
module reads /var/lib/pam_authrocket only: as root, each login runs in a
private mount namespace with a test directory bound over that path (the
host's stays untouched)."""
import os
import shutil

import tokens

OK, AUTH, UNKNOWN, UNAVAIL, PERM = (
    "PAM_SUCCESS", "PAM_AUTH_ERR", "PAM_USER_UNKNOWN",
    "PAM_AUTHINFO_UNAVAIL", "PAM_PERM_DENIED")
# The account line's PAM_IGNORE falls through to pam_debug, whose code
# then shows that the module ignored the account.
IGNORE = "PAM_NEW_AUTHTOK_REQD"
STACK = ("auth required @MODULE@\n"
         "account [ignore=ignore success=done default=die] @MODULE@\n"
         "account requisite pam_debug.so acct=new_authtok_reqd\n")
DIRPATH = "/var/lib/pam_authrocket"

# alice: served; bob: adopted; otheruser: recorded for another person;
# zoe: served and known only to the directory (NSS module).  erin is a
# local account the directory does not know.
SPEC = (
    "u\talice\tusr_alice\talice\t1879048200\t0\t-\t/home/alice\t/bin/sh\t-\t-\n"
    "u\tbob\tusr_bob\tbob\t0\t1\t-\t/home/bob\t/bin/sh\t-\t-\n"
    "u\totheruser\tusr_someone_else\t-\t1879048201\t0\t-\t/home/o\t/bin/sh"
    "\t-\t-\n"
    "u\tzoe\tusr_zoe\tzoe\t1879048202\t0\tZoe\t/home/zoe\t/bin/sh\t-\t-\n")


def setup(t, spec=SPEC, damage=None, name="ardir"):
    """A directory for this test and the command prefix that shows it at
    the fixed path to pamdrive alone."""
    if os.geteuid() != 0:
        t.skip("needs root for a private mount namespace over " + DIRPATH)
    if shutil.which("unshare") is None:
        t.skip("unshare (util-linux) is not installed")
    os.makedirs(DIRPATH, mode=0o755, exist_ok=True)
    d = t.tmp / name
    d.mkdir()
    os.chmod(d, 0o755)
    if spec is not None:
        r = t.run([t.env.build / "tools/ardir", "write", d], input=spec)
        if r.returncode != 0:
            raise RuntimeError("ardir: " + r.stderr)
    if damage is not None:
        damage(d / "directory")
    return ["unshare", "-m", "--propagation", "private", "sh", "-c",
            'mount --bind "$0" %s && exec "$@"' % DIRPATH, str(d)]


def conf(t, **kw):
    kw.setdefault("jwt_key_file", t.env.keys["hs"])
    kw.setdefault("realm_id", "rl_test")
    kw.setdefault("directory", True)
    return t.conf(**kw)


def nss_env(t):
    """Local accounts from the fixture files, then the directory's users
    through the installed NSS module (it reads the bound path too)."""
    e = t.env.pam_env()
    e["NSS_WRAPPER_MODULE_SO_PATH"] = str(t.env.build /
                                          "libnss_authrocket.so.2")
    e["NSS_WRAPPER_MODULE_FN_PREFIX"] = "authrocket"
    return e


def login(t, user, answers, c, wrap, **kw):
    return t.pam(user, answers, c, wrap=wrap, stack=STACK, **kw)


def token(t, user, **kw):
    return t.mint("HS256", t.env.keys["hs"], tokens.v1(user, **kw))


def test_directory_served_and_adopted_accounts_log_in(t):
    wrap = setup(t)
    for user in ("alice", "bob"):
        r = login(t, user, [token(t, user)], conf(t), wrap)
        t.eq((r.auth, r.account), (OK, OK), user)
        t.contains(r.log, "allow user=%s" % user)


def test_directory_only_user_through_nss(t):
    wrap = setup(t)
    r = login(t, "zoe", [token(t, "zoe")], conf(t), wrap, env=nss_env(t))
    t.eq((r.auth, r.account), (OK, OK), "zoe, known only to the directory")
    t.contains(r.log, "allow user=zoe rhost=- method=token ar_user=usr_zoe")


def test_directory_id_must_match(t):
    wrap = setup(t)
    # otheruser's token is genuine, but the directory gave the account to
    # another AuthRocket user.
    r = login(t, "otheruser", [token(t, "otheruser")], conf(t), wrap)
    t.eq(r.auth, AUTH, "auth")
    t.contains(r.log, "reason=directory_mismatch")
    # The same name from another AuthRocket user id.
    r = login(t, "alice", [token(t, "alice", uid="usr_impostor")], conf(t),
              wrap=wrap)
    t.eq(r.auth, AUTH, "auth")
    t.contains(r.log, "reason=directory_mismatch")


def test_directory_not_served_sends_nothing(t):
    wrap = setup(t)
    r = login(t, "erin", [token(t, "erin")], conf(t), wrap)
    t.eq(r.auth, UNKNOWN, "a local account the directory does not know")
    t.contains(r.log, "reason=not_in_directory")
    t.eq(r.prompts, ["AuthRocket token: "], "still prompted like anyone")
    t.eq(r.account, IGNORE, "account: not ours to judge")
    # Password mode: nothing typed reaches AuthRocket.
    m = t.env.mock
    m.clear()
    c = conf(t, name="api.conf", api_url=m.url(1), api_key="ko_testkey",
             ca_file=t.env.ca_file, timeout=5)
    r = login(t, "erin", ["pw-erin"], c, wrap)
    t.eq(r.auth, UNKNOWN, "password for a stranger")
    r = login(t, "erin", [], c, wrap, phases=("account",))
    t.eq(r.account, IGNORE, "account lookup for a stranger")
    t.eq(m.requests(), [], "nothing sent")


def test_directory_account_phase_asks_for_the_recorded_id(t):
    wrap = setup(t)
    m = t.env.mock
    m.clear()
    c = conf(t, name="api.conf", api_url=m.url(1), api_key="ko_testkey",
             ca_file=t.env.ca_file, timeout=5)
    r = login(t, "alice", [], c, wrap, phases=("account",))
    t.eq(r.account, OK, "account by lookup")
    t.eq([q["path"] for q in m.requests()], ["/v1/users/usr_alice"],
         "looked up by the directory's id")
    m.clear()
    r = login(t, "otheruser", [], c, wrap, phases=("account",))
    t.true(r.account in (PERM, UNKNOWN), "otheruser refused: %s" % r.account)
    t.true(r.account != OK and r.account != IGNORE, "never success or ignore")


def test_directory_missing_serves_nobody(t):
    wrap = setup(t, spec=None)
    r = login(t, "alice", [token(t, "alice")], conf(t), wrap)
    t.eq(r.auth, UNKNOWN, "auth without a directory")
    t.contains(r.log, "reason=no_directory")
    t.contains(r.log, "authrocket-sync", "the warning names the sync")
    t.eq(r.account, IGNORE, "account without a directory")
    # Without directory = yes nothing changes.
    r = login(t, "alice", [token(t, "alice")], conf(t, directory=False),
              wrap=wrap)
    t.eq(r.auth, OK, "directory = no")


def test_directory_damaged_decides_nothing(t):
    def garbage(p):
        p.write_bytes(b"ARDIRECT" + b"\xff" * 120)
        os.chmod(p, 0o644)

    def writable(p):
        os.chmod(p, 0o666)

    for what, damage in (("garbage", garbage), ("writable", writable)):
        wrap = setup(t, damage=damage, name=what)
        r = login(t, "alice", [token(t, "alice")], conf(t), wrap)
        t.eq((r.auth, r.account), (UNAVAIL, UNAVAIL), what)
        t.contains(r.log, "reason=directory_damaged", what)


def test_directory_user_switched_after_auth_is_refused(t):
    # This module authenticated alice; the host then names an account the
    # directory does not know.  That is no reason to stand aside.
    wrap = setup(t)
    r = login(t, "alice", [token(t, "alice")], conf(t), wrap,
              switch_user="erin")
    t.eq(r.auth, OK, "alice authenticated")
    t.eq(r.account, PERM, "account for another, unserved account")
    t.contains(r.log, "reason=not_in_directory")
    r = login(t, "alice", [token(t, "alice")], conf(t), wrap,
              switch_user="bob")
    t.eq(r.account, PERM, "account for another directory account")
