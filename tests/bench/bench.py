#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make bench: PAM transaction rates and login latencies, with the baselines
measured in the same run (these machines are noisy: compare ratios)."""
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/lib"))
sys.path.insert(0, str(ROOT / "tests/integration"))
import artest  # noqa: E402
import tokens  # noqa: E402

N = int(os.environ.get("BENCH_N", "2000"))
PERMIT = next((p for p in ("/lib/x86_64-linux-gnu/security/pam_permit.so",
                           "/usr/lib/x86_64-linux-gnu/security/pam_permit.so",
                           "/lib/security/pam_permit.so") if os.path.exists(p)),
              "pam_permit.so")


def drive(t, env, service, user, answer, stack, n, resident=False,
          permit_resident=False):
    confdir = t.tmp / ("pam-" + service)
    confdir.mkdir(exist_ok=True)
    (confdir / service).write_text(stack)
    argv = [str(t.env.build / "tools/pamdrive"), "--service", service,
            "--confdir", str(confdir), "--user", user, "--phases", "auth",
            "--repeat", str(n), "--quiet"]
    if resident:
        mods = [str(t.env.build / "pam_authrocket.so")]
        if permit_resident:
            mods.append(PERMIT)
        argv += ["--resident", ",".join(mods)]
    r = subprocess.run(argv, input=answer + "\n", capture_output=True,
                       text=True, env=env)
    fields = dict(kv.split("=") for kv in r.stdout.split())
    if int(fields["fails"]) != 0:
        raise SystemExit("bench: %s had %s failures: %s" % (service, fields["fails"], r.stderr))
    return float(fields["per"])


def best(fn, rounds=3):
    return min(fn() for _ in range(rounds))


def main():
    env_ = artest.Env(os.environ.get("B", "build"))
    t = artest.T(env_, "bench")
    penv = env_.pam_env()
    mod = str(env_.build / "pam_authrocket.so")
    results = []
    try:
        permit = "auth required pam_permit.so\n"
        base_cold = best(lambda: drive(t, penv, "permit", "alice", "", permit, N))
        base_res = best(lambda: drive(t, penv, "permit", "alice", "", permit, N,
                                      resident=True))
        base_both = best(lambda: drive(t, penv, "permit", "alice", "", permit, N,
                                       resident=True, permit_resident=True))
        results.append(("pam_permit only (cold)", base_cold, None))
        results.append(("pam_permit only (our module resident)", base_res, None))
        results.append(("pam_permit only (pam_permit resident too)", base_both,
                        None))
        cases = [("HS256", "HS256", t.env.keys["hs"], t.env.keys["hs"]),
                 ("RS256", "RS256", t.env.keys["rsa"], t.env.keys["rsa_pub"]),
                 ("ES256", "ES256", t.env.keys["ec256"], t.env.keys["ec256_pub"])]
        per = {}
        for label, alg, priv, pub in cases:
            conf = t.conf(name=label + ".conf", jwt_key_file=pub)
            tok = t.mint(alg, priv, tokens.v1("alice") if alg == "HS256"
                         else tokens.v2("alice"))
            stack = "auth required %s config=%s\n" % (mod, conf)
            cold = best(lambda: drive(t, penv, "c" + label.lower(), "alice", tok, stack, N))
            res = best(lambda: drive(t, penv, "r" + label.lower(), "alice", tok, stack, N,
                                     resident=True))
            per[label] = (cold, res)
            results.append(("%s token (cold)" % label, cold, cold / base_cold))
            results.append(("%s token (resident)" % label, res, res / base_res))
        ossl = {}
        for label, priv, pub in (("RS256", t.env.keys["rsa"], t.env.keys["rsa_pub"]),
                                 ("ES256", t.env.keys["ec256"], t.env.keys["ec256_pub"])):
            out = subprocess.run([str(t.env.build / "tools/osslbench"), str(priv),
                                  str(pub), str(N)], capture_output=True, text=True)
            ossl[label] = best(lambda: float(subprocess.run(
                [str(t.env.build / "tools/osslbench"), str(priv), str(pub), str(N)],
                capture_output=True, text=True).stdout.split("=")[1]))
            results.append(("OpenSSL PEM parse + verify %s" % label, ossl[label], None))
        print("pam_authrocket bench (N=%d transactions per figure, best of 3)" % N)
        print("%-44s %12s %10s" % ("case", "us/op", "ratio"))
        for name, us, ratio in results:
            print("%-44s %12.1f %10s" % (name, us, "%.2fx" % ratio if ratio else ""))
        print()
        hs_ratio = per["HS256"][1] / base_res
        print("target: HS256 resident within 1.5x of pam_permit: %.2fx" % hs_ratio)
        print("  (against a pam_permit that is itself never unloaded: %.2fx;"
              " the module's own cost is %.1f us)" % (
                  per["HS256"][1] / base_both, per["HS256"][1] - base_both))
        for label in ("RS256", "ES256"):
            added = per[label][1] - per["HS256"][1]
            print("target: %s added time within 1.3x of OpenSSL parse+verify: "
                  "%.1f us vs %.1f us = %.2fx" % (label, added, ossl[label],
                                                  added / ossl[label]))
        sys.stdout.flush()
        extra = ROOT / "tests/bench/bench_password.py"
        if extra.exists():
            import importlib.util
            spec = importlib.util.spec_from_file_location("bench_password", extra)
            m = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(m)
            m.run(t, penv)
        extra = ROOT / "tests/bench/bench_nss.py"
        if extra.exists() and (t.env.build / "nss-test").is_dir():
            import importlib.util
            spec = importlib.util.spec_from_file_location("bench_nss", extra)
            m = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(m)
            m.run(t.env.build)
        extra = ROOT / "tests/bench/bench_sync.py"
        if extra.exists() and (t.env.build / "authrocket-sync").exists():
            import importlib.util
            spec = importlib.util.spec_from_file_location("bench_sync", extra)
            m = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(m)
            m.run(t)
    finally:
        env_.close()


if __name__ == "__main__":
    main()
