#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Static analysis of the library, the programs and the PAM shim: cppcheck
# (warnings, portability, performance) and the clang static analyser.
# Any finding not listed, with its reason, in tests/analyze/*.supp fails
# the run, and so does a listed finding that no longer occurs.
set -u
cd "$(dirname "$0")/../.."
INC="-Isrc/base -Isrc/conf -Isrc/identity -Isrc/remote -Isrc/decide"
INC="$INC -Isrc/dir -Isrc/transport"
SRCS=$(ls src/*/*.c pam_authrocket.c)
rc=0

echo "== cppcheck"
if ! cppcheck --enable=warning,portability,performance --error-exitcode=1 \
	--inline-suppr --suppressions-list=tests/analyze/cppcheck.supp -q \
	--std=c11 -D_GNU_SOURCE $INC $SRCS; then
	echo "analyze: cppcheck found defects (fix them, or suppress one" \
		"in tests/analyze/cppcheck.supp with the reason)"
	rc=1
fi

echo "== clang --analyze"
# deadcode.DeadStores is off: the error idiom re-arms "r =
# AR_ERR_INTERNAL" before each step on purpose, so that a path that forgets
# to set r fails closed; the analyser reports every such store.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in $SRCS; do
	clang --analyze -Xanalyzer -analyzer-output=text \
		-Xanalyzer -analyzer-disable-checker=deadcode.DeadStores \
		-std=gnu11 -D_GNU_SOURCE $INC -o "$out/x.plist" "$f" 2>&1 |
		sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: \(.*\) \[\([a-zA-Z.]*\)\]$/\1|\3|\2/p'
done | sort -u > "$out/found"
grep -v '^#' tests/analyze/clang.supp | grep -v '^$' | sort -u > "$out/known"
new=$(comm -23 "$out/found" "$out/known")
stale=$(comm -13 "$out/found" "$out/known")
if [ -n "$new" ]; then
	echo "analyze: new clang analyser findings (fix them, or list one in"
	echo "tests/analyze/clang.supp with the reason):"
	echo "$new"
	rc=1
fi
if [ -n "$stale" ]; then
	echo "analyze: tests/analyze/clang.supp lists findings that are gone:"
	echo "$stale"
	rc=1
fi
[ $rc -eq 0 ] && echo "analyze: clean ($(wc -l < "$out/known") reviewed" \
	"analyser findings)"
exit $rc
