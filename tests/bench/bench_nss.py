#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make bench, NSS part: lookups through the authrocket NSS service (the
test copy of the module, reading build/nss-test/dir) against a files hit
on the local /etc/passwd, 100 000 directory users against 100, the first
lookup of a fresh process, getent enumeration, and memory.  Ratios are
taken within this one run (the machine is shared and noisy)."""
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
ITER = int(os.environ.get("BENCH_NSS_ITER", "100000"))
ROUNDS = int(os.environ.get("BENCH_NSS_ROUNDS", "5"))
BIG, SMALL = 100000, 100
UID0 = 1879048192


def tool(build, args, env):
    r = subprocess.run([str(build / "tools/nssbench")] + [str(a) for a in args],
                       capture_output=True, text=True, env=env)
    fields = dict(kv.split("=") for kv in r.stdout.split())
    if r.returncode != 0 or fields.get("fails", "0") != "0":
        raise SystemExit("bench_nss: %s: %s %s" % (args[:3], r.stdout, r.stderr))
    return fields


def gen(build, n):
    """A directory of n users, kept beside the one the module reads."""
    d = build / "nss-test" / ("bench%d" % n)
    d.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(build / "tools/ardir"), "gen", str(d), str(n)],
                   check=True)
    return d / "directory"


def install(build, path):
    """Put a prepared file in place the way the sync does (a rename)."""
    d = build / "nss-test/dir"
    d.mkdir(parents=True, exist_ok=True)
    tmp = d / ".bench"
    if tmp.exists():
        tmp.unlink()
    os.link(path, tmp)
    os.replace(tmp, d / "directory")


def local_users():
    users = []
    for line in pathlib.Path("/etc/passwd").read_text().splitlines():
        f = line.split(":")
        if len(f) >= 7:
            users.append((f[0], f[2]))
    return users


def enum_s(env, service):
    def once():
        t0 = time.monotonic()
        r = subprocess.run(["getent", "-s", service, "passwd"],
                           capture_output=True, text=True, env=env)
        return time.monotonic() - t0, r.stdout.count("\n")
    runs = [once() for _ in range(3)]
    return min(s for s, _ in runs), runs[0][1]


def run(build=None):
    build = pathlib.Path(build or os.environ.get("B", "build")).resolve()
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = str(build / "nss-test")
    files = local_users()
    keys = {"files": {"pwnam": [n for n, _ in files],
                      "pwuid": [u for _, u in files]}}
    step = BIG // 1000
    keys[BIG] = {"pwnam": ["u%06d" % i for i in range(0, BIG, step)],
                 "pwuid": [str(UID0 + i) for i in range(0, BIG, step)]}
    keys[SMALL] = {"pwnam": ["u%06d" % i for i in range(SMALL)],
                   "pwuid": [str(UID0 + i) for i in range(SMALL)]}
    for k in keys.values():
        k["initgroups"] = k["pwnam"]
    paths = {BIG: gen(build, BIG), SMALL: gen(build, SMALL)}
    res = {}

    # Rounds interleave the three sources, so that the machine's load
    # weighs on each alike; the best round of each figure counts.
    for _ in range(ROUNDS):
        for src in ("files", BIG, SMALL):
            if src != "files":
                install(build, paths[src])
            service = "files" if src == "files" else "authrocket"
            for kind in ("pwnam", "pwuid", "initgroups"):
                v = float(tool(build, [service, kind, ITER] + keys[src][kind],
                               env)["per_ns"])
                res[kind, src] = min(res.get((kind, src), v), v)
    firsts = {}
    for src in ("files", BIG, SMALL):
        if src != "files":
            install(build, paths[src])
        service = "files" if src == "files" else "authrocket"
        runs = [tool(build, [service, "first", keys[src]["pwnam"][-1]], env)
                for _ in range(15)]
        firsts[src] = (statistics.median(float(r["first_us"]) for r in runs),
                       statistics.median(float(r["load_us"]) for r in runs))
        res["first", src] = firsts[src][0]
    install(build, paths[BIG])
    res["enum", BIG], count = enum_s(env, "authrocket")
    res["enum", "files"], fcount = enum_s(env, "files")
    mem = tool(build, ["authrocket", "memory", 1000] + keys[BIG]["pwnam"], env)
    size = paths[BIG].stat().st_size
    rows = []

    print()
    print("NSS module bench (%d lookups per figure, best of %d interleaved "
          "rounds; files: the %d entries of /etc/passwd in turn)" % (
              ITER, ROUNDS, len(files)))
    print("%-34s %10s %10s %10s %9s %9s" % (
        "lookup", "files ns", "100k ns", "100 ns", "100k/files", "100k/100"))
    for kind in ("pwnam", "pwuid", "initgroups"):
        f, b, s = res[kind, "files"], res[kind, BIG], res[kind, SMALL]
        rows.append((kind, b / f, b / s))
        print("%-34s %10.0f %10.0f %10.0f %8.2fx %8.2fx" % (
            {"pwnam": "getpwnam", "pwuid": "getpwuid",
             "initgroups": "initgroups (getgrouplist)"}[kind], f, b, s,
            b / f, b / s))
    print("%-34s %10.0f %10.0f %10.0f %8.2fx %8.2fx  (us)" % (
        "first lookup in a fresh process", res["first", "files"],
        res["first", BIG], res["first", SMALL],
        res["first", BIG] / res["first", "files"],
        res["first", BIG] / res["first", SMALL]))
    print("  (median of 15 processes; of which loading the module: %.0f us "
          "at 100k, %.0f us at 100)" % (firsts[BIG][1], firsts[SMALL][1]))
    print("getent passwd enumeration: %d entries in %.2f s (%.2f us each); "
          "files: %d entries in %.3f s" % (count, res["enum", BIG],
                                           res["enum", BIG] / count * 1e6,
                                           fcount, res["enum", "files"]))
    print("memory at 100k: file %.1f MB, mapped %s kB, resident page cache "
          "%s kB, anonymous %s kB; module code %s kB" % (
              size / 1e6, mem["map_kb"], mem["rss_kb"], mem["anon_kb"],
              mem["module_kb"]))
    for kind, vs_files, vs_small in rows:
        print("target: %s 100k vs files within 1.5x: %.2fx; 100k vs 100 "
              "within 1.3x: %.2fx" % (kind, vs_files, vs_small))
    sys.stdout.flush()


if __name__ == "__main__":
    run(sys.argv[1] if len(sys.argv) > 1 else None)
