#!/usr/bin/env python3
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

    def one_sync():
        out = t.tmp / "bench-dir"
        shutil.rmtree(out, ignore_errors=True)
        t0 = time.monotonic()
        r = subprocess.run(sync + [str(out)], capture_output=True, text=True)
        dt = time.monotonic() - t0
        if r.returncode != 0:
            raise RuntimeError("sync failed: " + r.stderr)
        return dt

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
        t0 = time.monotonic()
        r = subprocess.run(["curl", "--config", str(cfg)],
                           capture_output=True, text=True)
        dt = time.monotonic() - t0
        if r.returncode != 0:
            raise RuntimeError("curl failed: %s" % r.stderr)
        return dt

    ss, cc = [], []
    for _ in range(ROUNDS):	# alternating, so both see the same load
        ss.append(one_sync())
        cc.append(one_curl())
    s, c = min(ss), min(cc)
    n_dir = (t.tmp / "bench-dir" / "directory").stat().st_size
    print("sync: %d users, %d requests: authrocket-sync %.2f s, curl of the "
          "same pages %.2f s" % (users, len(paths), s, c))
    print("target: sync of %d users within 2x of curl over one connection: "
          "%.2fx (directory %d bytes)" % (users, s / c, n_dir))
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
