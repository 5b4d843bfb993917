#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""authrocket-sync of N users (default 10 000) against the mock, next to
fetching the very same pages with the curl command over one connection:
the sync's own cost (parsing, deciding, writing) on top of the transfer.
Run by bench.py, or alone: bench_sync.py [--build DIR] [--users N]."""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/lib"))
import artest  # noqa: E402

ROUNDS = 3


def run(t, users=10000):
    m = t.env.start_mock()
    m.control({"reset": True, "list_static": False, "generate": users})
    conf = t.conf(name="bench-sync.conf", api_url=m.url(2),
                  api_key="ks_testkey", realm_id="rl_test",
                  ca_file=t.env.ca_file, timeout=30)
    sync = [str(t.env.build / "authrocket-sync"), "--config", str(conf),
            "--quiet", "--output"]

    def timed(argv):
        """Wall time and the child's CPU time (user + system)."""
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            raise RuntimeError("%s failed: %s" % (argv[0], err.decode()))
        return time.monotonic() - t0, ru.ru_utime + ru.ru_stime

    def one_sync():
        out = t.tmp / "bench-dir"
        shutil.rmtree(out, ignore_errors=True)
        return timed(sync + [str(out)])

    m.clear()
    one_sync()
    paths = [q["path"] for q in m.requests()]
    # The same pages, one curl process, one connection (curl reuses it
    # for every URL of one command line).
    cfg = t.tmp / "curl.cfg"
    with open(cfg, "w") as f:
        f.write('silent\nfail\ncacert = "%s"\n' % t.env.ca_file)
        f.write('header = "Authrocket-Api-Key: ks_testkey"\n')
        f.write('header = "Authrocket-Realm: rl_test"\n')
        f.write('header = "Accept: application/json"\n')
        for p in paths:
            f.write('url = "%s%s"\noutput = "/dev/null"\n' % (m.base, p))

    def one_curl():
        return timed(["curl", "--config", str(cfg)])

    ss, cc = [], []
    for _ in range(ROUNDS):	# alternating, so both see the same load
        ss.append(one_sync())
        cc.append(one_curl())
    s, c = min(x[0] for x in ss), min(x[0] for x in cc)
    scpu, ccpu = min(x[1] for x in ss), min(x[1] for x in cc)
    n_dir = (t.tmp / "bench-dir" / "directory").stat().st_size
    print("sync: %d users, %d requests: authrocket-sync %.2f s (cpu %.2f s), "
          "curl of the same pages %.2f s (cpu %.2f s)" % (
              users, len(paths), s, scpu, c, ccpu))
    print("target: sync of %d users within 2x of curl over one connection: "
          "%.2fx (directory %d bytes; load average %.1f)" % (
              users, s / c, n_dir, os.getloadavg()[0]))
    sys.stdout.flush()
    return s, c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("B", "build"))
    ap.add_argument("--users", type=int, default=10000)
    a = ap.parse_args()
    env = artest.Env(a.build)
    try:
        run(artest.T(env, "bench_sync"), a.users)
    finally:
        env.close()


if __name__ == "__main__":
    main()
