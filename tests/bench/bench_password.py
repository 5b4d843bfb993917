# SPDX-License-Identifier: BSD-3-Clause
"""Password-mode login latency through the module (helper, new TLS
connection per login) next to a bare in-process HTTPS request to the same
endpoint; called by bench.py with its fixtures."""
import statistics
import subprocess
import time

N = 200


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


def run(t, penv):
    m = t.env.mock
    conf = t.conf(name="pw.conf", api_url=m.url(1), api_key="ko_testkey",
                  realm_id="rl_test", ca_file=t.env.ca_file,
                  jwt_key_file=t.env.keys["hs"])
    confdir = t.tmp / "pam-pw"
    confdir.mkdir(exist_ok=True)
    (confdir / "pw").write_text("auth required %s config=%s\n" % (
        t.env.build / "pam_authrocket.so", conf))
    lat = []
    for _ in range(N):
        t0 = time.monotonic()
        r = subprocess.run([str(t.env.build / "tools/pamdrive"), "--service", "pw",
                            "--confdir", str(confdir), "--user", "alice",
                            "--phases", "auth", "--quiet", "--repeat", "1"],
                           input="pw-alice\n", capture_output=True, text=True,
                           env=penv)
        lat.append((time.monotonic() - t0) * 1000)
    # the same process start-up cost without the module, to subtract
    (confdir / "permit").write_text("auth required pam_permit.so\n")
    base = []
    for _ in range(N):
        t0 = time.monotonic()
        subprocess.run([str(t.env.build / "tools/pamdrive"), "--service", "permit",
                        "--confdir", str(confdir), "--user", "alice",
                        "--phases", "auth", "--quiet", "--repeat", "1"],
                       input="\n", capture_output=True, text=True, env=penv)
        base.append((time.monotonic() - t0) * 1000)
    # in-process repeated logins (resident module) for a cleaner figure
    r = subprocess.run([str(t.env.build / "tools/pamdrive"), "--service", "pw",
                        "--confdir", str(confdir), "--user", "alice",
                        "--phases", "auth", "--quiet", "--repeat", str(N)],
                       input="pw-alice\n", capture_output=True, text=True, env=penv)
    fields = dict(kv.split("=") for kv in r.stdout.split())
    if int(fields["fails"]) != 0:
        raise SystemExit("bench: password logins failed")
    bare = subprocess.run([str(t.env.build / "tools/httpsbench"),
                           m.url(1) + "/users/alice/authenticate", str(t.env.ca_file),
                           "X-Authrocket-Api-Key: ko_testkey",
                           '{"password":"pw-alice"}', str(N)],
                          capture_output=True, text=True)
    bf = dict(kv.split("=") for kv in bare.stdout.split())
    b50, b99 = float(bf["p50"]), float(bf["p99"])
    # the same bare request made by a fresh process each time: what any
    # design that keeps libcurl out of the host process starts from
    fresh = []
    for _ in range(N):
        t0 = time.monotonic()
        subprocess.run([str(t.env.build / "tools/httpsbench"),
                        m.url(1) + "/users/alice/authenticate", str(t.env.ca_file),
                        "X-Authrocket-Api-Key: ko_testkey",
                        '{"password":"pw-alice"}', "1"],
                       capture_output=True, text=True)
        fresh.append((time.monotonic() - t0) * 1000)
    f50, f99 = pct(fresh, 50), pct(fresh, 99)
    net = [a - statistics.median(base) for a in lat]
    p50, p99 = pct(net, 50), pct(net, 99)
    print()
    print("password login (v1, new TLS connection per login, N=%d)" % N)
    print("  bare libcurl HTTPS POST, in-process:   p50 %6.2f ms  p99 %6.2f ms" % (b50, b99))
    print("  module login (minus process start-up):  p50 %6.2f ms  p99 %6.2f ms" % (p50, p99))
    print("  module login, resident loop mean:       %6.2f ms" % (float(fields["per"]) / 1000))
    print("  bare request by a fresh process:        p50 %6.2f ms  p99 %6.2f ms" % (f50, f99))
    print("target: password login within 2x of the bare request:")
    print("  vs in-process request:  p50 %.2fx, p99 %.2fx" % (p50 / b50, p99 / b99))
    print("  vs fresh-process request: p50 %.2fx, p99 %.2fx" % (p50 / f50, p99 / f99))
