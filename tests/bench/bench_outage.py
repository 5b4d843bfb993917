#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make bench, outages and fleets: requests a busy host sends to AuthRocket
with and without the account cache, and what a login costs while
AuthRocket is unreachable, next to the yescrypt hash pam_unix computes.

The fleet's hour is simulated, not waited for: the events of a seeded
schedule run back to back through the real module, and before each one
the user's account cache entry is dated back by the simulated time since
it was written (its time stamp is the clock the module reads), so the
module judges exactly the ages the hour would produce.  The same schedule
runs with the cache off and on; the count a simple model of the schedule
predicts is printed beside the measured one."""
import os
import pathlib
import random
import re
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/lib"))
import artest  # noqa: E402

FLEET_USERS = 100
FLEET_EVENTS = 1000
HOUR = 3600
WINDOW = 300                 # account_cache_timeout under test
PASSWORD_SHARE = 0.3         # the rest: key logins, sudo, cron (account only)
SUDO_CHECKS = 50


def pamdrive(t, env, confdir, user, answer, phases, repeat=1):
    argv = [str(t.env.build / "tools/pamdrive"), "--service", "bench",
            "--confdir", str(confdir), "--user", user, "--phases",
            ",".join(phases), "--repeat", str(repeat), "--quiet"]
    r = subprocess.run(argv, input=answer + "\n", capture_output=True,
                       text=True, env=env)
    return r.stdout


def service(t, name, conf):
    d = t.tmp / ("pam-" + name)
    d.mkdir(exist_ok=True)
    line = "%s config=%s" % (t.env.build / "pam_authrocket.so", conf)
    (d / "bench").write_text("auth required %s\naccount required %s\n" %
                             (line, line))
    return d


def conf(t, m, name, **kw):
    cd = t.tmp / ("cache-" + name)
    cd.mkdir(mode=0o700, exist_ok=True)
    keys = dict(api_url=m.url(1), api_key="ko_testkey", realm_id="rl_test",
                ca_file=t.env.ca_file, jwt_key_file=t.env.keys["hs"],
                cache_dir=str(cd), timeout=10)
    keys.update(kw)
    return t.conf(name=name + ".conf", **keys)


def api_count(m):
    return len([r for r in m.requests() if r["path"].startswith("/v")])


def one_user(t, env, m):
    out = {}
    for label, timeout in (("off", 0), ("on", WINDOW)):
        d = service(t, "sudo-" + label, conf(t, m, "sudo-" + label,
                                              account_cache_timeout=timeout))
        m.clear()
        pamdrive(t, env, d, "alice", "pw-alice", ("auth", "account"))
        for _ in range(SUDO_CHECKS):
            pamdrive(t, env, d, "alice", "", ("account",))
        out[label] = api_count(m)
    return out


def schedule():
    rnd = random.Random(1)
    ev = [(rnd.uniform(0, HOUR), "fleet%03d" % rnd.randrange(FLEET_USERS),
           rnd.random() < PASSWORD_SHARE) for _ in range(FLEET_EVENTS)]
    return sorted(ev)


def expected(ev, window):
    """Requests the schedule costs with a cache of window seconds."""
    fresh, n = {}, 0
    for when, user, password in ev:
        if password or window == 0 or when - fresh.get(user, -1e9) >= window:
            n += 1
            fresh[user] = when
    return n


SAVED_AT = re.compile(r'"saved_at":(\d+)')


def saved_at(path):
    try:
        return int(SAVED_AT.search(path.read_text()).group(1))
    except FileNotFoundError:
        return None


def set_saved_at(path, value):
    path.write_text(SAVED_AT.sub('"saved_at":%d' % value, path.read_text()))


def fleet(t, env, m):
    """Replay the hour as fast as the machine goes; before each event the
    user's account cache entry is dated back by the simulated time since
    it was written, so the module sees the ages the real hour would have
    (the entry's own time stamp is the clock seam)."""
    ev = schedule()
    out = {}
    for label, timeout in (("off", 0), ("on", WINDOW)):
        c = conf(t, m, "fleet-" + label, account_cache_timeout=timeout)
        d = service(t, "fleet-" + label, c)
        cache = t.tmp / ("cache-fleet-" + label)
        tag = artest.cache_tag(m.url(1))
        written = {}         # user -> (simulated time, saved_at on disk)
        m.clear()
        t0 = time.monotonic()
        for when, user, password in ev:
            entry = cache / ("acct-%s-%s" % (tag, user))
            if user in written:
                v, _ = written[user]
                back = int(time.time()) - int(when - v)
                set_saved_at(entry, back)
                written[user] = (v, back)
            if password:
                pamdrive(t, env, d, user, "pw-" + user, ("auth", "account"))
            else:
                pamdrive(t, env, d, user, "", ("account",))
            now_saved = saved_at(entry)
            if now_saved is not None and (user not in written or
                                          now_saved != written[user][1]):
                written[user] = (when, now_saved)   # the module wrote it
        out[label] = (api_count(m), time.monotonic() - t0)
    return ev, out


def latency(t, env, m, n):
    c = conf(t, m, "offline", cache_credentials=True, offline_timeout=3600)
    d = service(t, "offline", c)
    pamdrive(t, env, d, "alice", "pw-alice", ("auth",))
    m.control({"outage": {"status": 503}})
    pamdrive(t, env, d, "alice", "pw-alice", ("auth",))   # opens the window
    res = {}
    for label, answer in (("offline", "pw-alice"), ("wrong", "nope")):
        if label == "wrong":
            # Counted failures would lock the verifier: a high limit.
            c2 = conf(t, m, "offline", cache_credentials=True,
                      offline_timeout=3600, offline_failed_login_attempts=1000)
            d = service(t, "offline", c2)
        outp = pamdrive(t, env, d, "alice", answer, ("auth",), repeat=n)
        f = dict(kv.split("=") for kv in outp.split())
        res[label] = float(f["per"])
    # Unreachable, no verifier: the fast-failure answer.
    outp = pamdrive(t, env, d, "bob", "pw-bob", ("auth",), repeat=n)
    res["fast"] = float(dict(kv.split("=") for kv in outp.split())["per"])
    m.control({"outage": None})
    y = subprocess.run([str(t.env.build / "tools/yescryptbench"), str(n)],
                       capture_output=True, text=True).stdout
    yf = dict(kv.split("=") for kv in y.split())
    res["yescrypt"] = float(yf["per"])
    res["setting"] = yf["setting"]
    return res


def main():
    env_ = artest.Env(os.environ.get("B", "build"))
    t = artest.T(env_, "bench_outage")
    penv = env_.pam_env()
    try:
        users = env_.fx / "passwd-fleet"
        users.write_text(env_.passwd.read_text() + "".join(
            "fleet%03d:x:%d:%d::/nonexistent:/usr/sbin/nologin\n" %
            (i, 3000 + i, 3000 + i) for i in range(FLEET_USERS)))
        penv["NSS_WRAPPER_PASSWD"] = str(users)
        m = env_.start_mock()
        print("outages and fleets (requests to the AuthRocket mock)")
        one = one_user(t, penv, m)
        print("  1 user, 1 password login + %d sudo account checks in 5 min:"
              % SUDO_CHECKS)
        print("    account cache off: %4d requests" % one["off"])
        print("    account cache on:  %4d requests (account_cache_timeout "
              "%d)" % (one["on"], WINDOW))
        ev, fl = fleet(t, penv, m)
        npw = sum(1 for e in ev if e[2])
        print("  %d users, %d logins in an hour (%d password, %d key/sudo/"
              "cron, seeded random times), simulated hour:" % (
                  FLEET_USERS, FLEET_EVENTS, npw, FLEET_EVENTS - npw))
        for label in ("off", "on"):
            n, took = fl[label]
            print("    account cache %-3s  %4d requests/hour (the schedule "
                  "predicts %d; replayed in %.0f s)" % (
                      label, n, expected(ev, 0 if label == "off" else WINDOW),
                      took))
        n = int(os.environ.get("BENCH_OFFLINE_N", "10"))
        lat = latency(t, penv, m, n)
        print("  login while AuthRocket is unreachable (resident, N=%d):" % n)
        print("    offline login, right password:  %8.1f ms" %
              (lat["offline"] / 1000))
        print("    offline login, wrong password:  %8.1f ms" %
              (lat["wrong"] / 1000))
        print("    no verifier (fast failure):     %8.1f ms" %
              (lat["fast"] / 1000))
        print("    yescrypt crypt_r, %s (pam_unix's cost): %8.1f ms" %
              (lat["setting"], lat["yescrypt"] / 1000))
        print("  offline login / yescrypt: %.2fx" %
              (lat["offline"] / lat["yescrypt"]))
    finally:
        env_.close()


if __name__ == "__main__":
    main()
