#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The long run behind "make soak" (not part of make check):
  1. SOAK_VALGRIND (10000) mixed transactions in one process under
     valgrind: no definitely lost bytes, no memory errors, descriptors,
     threads and children back to the baseline after every pam_end;
  2. SOAK_COUNT (100000) mixed transactions without valgrind: the same
     checks, and VmRSS growth after the first 1000 below 1 MiB;
  3. 8 threads running SOAK_THREAD_COUNT (200) transactions each, each
     thread a different user with its own expected result.
Prints the figures and "soak: N passed, N failed, 0 skipped" (one per
stage)."""
import argparse
import os
import pathlib
import re
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/lib"))
sys.path.insert(0, str(ROOT / "tests/soak"))
import artest  # noqa: E402
import soakfix  # noqa: E402


def figures(out):
    for line in out.splitlines():
        if line.startswith(("transactions=", "threads=", "thread=")):
            print("  " + line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("B", "build"))
    ap.add_argument("--valgrind-count", type=int,
                    default=int(os.environ.get("SOAK_VALGRIND", 10000)))
    ap.add_argument("--count", type=int,
                    default=int(os.environ.get("SOAK_COUNT", 100000)))
    ap.add_argument("--thread-count", type=int,
                    default=int(os.environ.get("SOAK_THREAD_COUNT", 200)))
    ap.add_argument("--stages", default="valgrind,rss,threads")
    a = ap.parse_args()
    env = artest.Env(a.build)
    t = artest.T(env, "soak")
    passed = failed = 0
    stages = a.stages.split(",")
    try:
        d = soakfix.services(t)
        mixed = soakfix.plan(t, "soak.plan", soakfix.soak_rows(t))
        if "valgrind" in stages and a.valgrind_count > 0:
            t0 = time.monotonic()
            vlog = t.tmp / "valgrind.txt"
            p = soakfix.run(t, mixed, d, "soak",
                            extra=("--count", a.valgrind_count),
                            timeout=6 * 3600,
                            wrap=("valgrind", "--leak-check=full",
                                  "--show-leak-kinds=definite",
                                  "--errors-for-leak-kinds=definite",
                                  "--error-exitcode=99",
                                  "--log-file=%s" % vlog))
            vg = vlog.read_text(errors="replace") if vlog.exists() else ""
            m = re.search(r"definitely lost: ([\d,]+) bytes", vg)
            lost = m.group(1) if m else "0 (no leak summary: nothing lost)"
            errs = re.search(r"ERROR SUMMARY: (\d+) errors", vg)
            print("valgrind: %d transactions in %.0fs, definitely lost %s "
                  "bytes, %s errors" % (a.valgrind_count,
                                        time.monotonic() - t0, lost,
                                        errs.group(1) if errs else "?"))
            figures(p.stdout)
            ok = p.returncode == 0 and "FAIL" not in p.stdout and \
                (m is None or m.group(1) == "0")
            if not ok:
                print("FAIL soak::valgrind: exit %d\n%s\n%s" % (
                    p.returncode, p.stdout[-3000:], vg[-5000:]))
            passed, failed = passed + ok, failed + (not ok)
        if "rss" in stages and a.count > 0:
            t0 = time.monotonic()
            p = soakfix.run(t, mixed, d, "soak",
                            extra=("--count", a.count, "--warmup", 1000),
                            timeout=6 * 3600)
            m = re.search(r"rss_growth_kb=(-?\d+)", p.stdout)
            growth = int(m.group(1)) if m else 1 << 30
            print("rss: %d transactions in %.0fs, VmRSS growth after "
                  "warm-up %d KiB" % (a.count, time.monotonic() - t0,
                                      growth))
            figures(p.stdout)
            ok = p.returncode == 0 and "FAIL" not in p.stdout and \
                growth < 1024
            if not ok:
                print("FAIL soak::rss: exit %d\n%s" % (p.returncode,
                                                      p.stdout[-3000:]))
            passed, failed = passed + ok, failed + (not ok)
        if "threads" in stages and a.thread_count > 0:
            t0 = time.monotonic()
            p = soakfix.run(t, soakfix.plan(t, "threads.plan",
                                            soakfix.thread_rows(t)), d,
                            "threads", extra=("--threads", 8, "--count",
                                              a.thread_count),
                            timeout=6 * 3600)
            print("threads: 8 x %d transactions in %.0fs" % (
                a.thread_count, time.monotonic() - t0))
            figures(p.stdout)
            ok = p.returncode == 0 and "FAIL" not in p.stdout
            if not ok:
                print("FAIL soak::threads: exit %d\n%s\n%s" % (
                    p.returncode, p.stdout[-3000:], p.stderr[-2000:]))
            passed, failed = passed + ok, failed + (not ok)
    finally:
        env.close()
    print("soak: %d passed, %d failed, 0 skipped" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
