#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run every libFuzzer target for FUZZ_SECONDS (default 60) seconds on a
# working copy of its committed corpus (build/fuzz/corpus/<target>),
# FUZZ_JOBS (default 1) targets at a time, niced.  Crashes are written to
# build/fuzz/crashes/<target>/; prints one summary line per target and
# "fuzz: N passed, N failed, 0 skipped" (a target passes when it ran its
# time without a crash).
set -u
cd "$(dirname "$0")/../.."
FB=${FB:-build/fuzz}
SECS=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-1}
TARGETS=${FUZZ_TARGETS:-$(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
pass=0 fail=0

run_target() {
	local t=$1 corp=$FB/corpus/$1 crash=$FB/crashes/$1 log=$FB/logs/$1.log
	mkdir -p "$corp" "$crash" "$FB/logs"
	cp -n tests/fuzz/corpus/"$t"/* "$corp"/ 2>/dev/null
	local dict=()
	[ -f tests/fuzz/dict/"$t".dict ] && dict=(-dict=tests/fuzz/dict/"$t".dict)
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	nice -n 10 "$FB/fuzz_$t" -max_total_time="$SECS" -max_len=16384 \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crash/" "${dict[@]}" "$corp" >"$log" 2>&1
	echo $? > "$FB/logs/$t.rc"
}

running=0
for t in $TARGETS; do
	run_target "$t" &
	running=$((running + 1))
	if [ $running -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

for t in $TARGETS; do
	rc=$(cat "$FB/logs/$t.rc" 2>/dev/null || echo 99)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$FB/logs/$t.log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$FB/logs/$t.log" | tail -1)
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "fuzz_$t: ok, ${execs:-?} runs, ${cov:-cov: ?}"
	else
		fail=$((fail + 1))
		echo "FAIL fuzz_$t: exit $rc after ${execs:-?} runs (see $FB/logs/$t.log, $FB/crashes/$t/)"
	fi
done
echo "fuzz: $pass passed, $fail failed, 0 skipped"
[ $fail -eq 0 ]
