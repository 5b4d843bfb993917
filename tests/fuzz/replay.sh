#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Replay every committed fuzz corpus through plain (gcc, ASan+UBSan)
# builds of the targets; one pass per corpus file.  Closing line:
# "fuzz-replay: N passed, N failed, 0 skipped".
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
RB=$B/fuzz-replay
if ! ${MAKE:-make} -s B="$B" fuzz-replay-bins >"$B/fuzz-replay.build.log" 2>&1; then
	cat "$B/fuzz-replay.build.log"
	echo "fuzz-replay: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
pass=0 fail=0
for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c); t=${t#fuzz_}
	dir=tests/fuzz/corpus/$t
	[ -d "$dir" ] || continue
	out=$(ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$RB/replay_$t" "$dir" 2>&1)
	echo "$out" | grep -E '^(FAIL|ERROR|SUMMARY)' | sed "s/^/[$t] /"
	line=$(echo "$out" | grep '^replay ' | tail -1)
	if [[ $line =~ ^replay\ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
		pass=$((pass + BASH_REMATCH[1])); fail=$((fail + BASH_REMATCH[2]))
	else
		echo "[$t] replay did not finish"
		fail=$((fail + 1))
	fi
done
echo "fuzz-replay: $pass passed, $fail failed, 0 skipped"
[ $fail -eq 0 ]
