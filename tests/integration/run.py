#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run integration tests: every test_*(t) function in the given files
(default: tests/integration/test_*.py and tests/security/test_*.py)."""
import argparse
import importlib.util
import os
import pathlib
import sys
import time
import traceback

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lib"))
sys.path.insert(0, str(HERE))
import artest  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="run tests whose name contains this")
    ap.add_argument("--build", default=os.environ.get("B", "build"))
    ap.add_argument("--label", default="integration")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    files = [pathlib.Path(f) for f in a.files] or sorted(
        list(HERE.glob("test_*.py")) + list((HERE.parent / "security").glob("test_*.py")))
    env = artest.Env(a.build)
    passed = failed = skipped = 0
    try:
        for f in files:
            spec = importlib.util.spec_from_file_location(f.stem, f)
            mod = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(mod)
            except Exception:
                failed += 1
                print("FAIL %s: cannot load: %s" % (f.name, traceback.format_exc()))
                continue
            for name in sorted(n for n in dir(mod) if n.startswith("test_")):
                fn = getattr(mod, name)
                full = "%s::%s" % (f.stem, name)
                if a.k and a.k not in full:
                    continue
                t = artest.T(env, name)
                t0 = time.monotonic()
                try:
                    fn(t)
                    if t.asserts == 0:
                        raise artest.Failure("test made no assertion")
                    passed += 1
                    if os.environ.get("VERBOSE"):
                        print("ok   %s (%.2fs)" % (full, time.monotonic() - t0))
                except artest.Skip as e:
                    skipped += 1
                    print("SKIP %s: %s" % (full, e))
                except Exception as e:
                    failed += 1
                    detail = str(e) if isinstance(e, artest.Failure) else \
                        traceback.format_exc()
                    print("FAIL %s: %s" % (full, detail))
                sys.stdout.flush()
    finally:
        env.close()
    print("%s: %d passed, %d failed, %d skipped" % (a.label, passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
