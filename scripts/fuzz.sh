#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/; clang 14 with AddressSanitizer and UndefinedBehaviorSanitizer,
# in build-fuzz/) and runs each for a bounded time, two at a time. Fails on any crash, leak,
# sanitizer report, timeout (an input taking over NGPC_FUZZ_TIMEOUT seconds), out-of-memory or
# broken invariant, and keeps the input that caused it in build-fuzz/crashes/<target>/.
# docs/testing.md, "Fuzzing".
#
#   NGPC_FUZZ_SECONDS  seconds per target (default 60: five targets, two at a time, take 3 x 60 s)
#   NGPC_FUZZ_TARGETS  which targets (default: units config trace nsys sweep)
#   NGPC_FUZZ_JOBS     targets run at once (default 2, the CI machine's cores)
#   NGPC_FUZZ_TIMEOUT  seconds one input may take (default 10)
#
# Seeds are the shipped files (configs/, configs/sweeps/, traces/, tests/data/) plus fuzz/seeds/;
# what the fuzzer finds beyond them is kept in build-fuzz/corpus/<target>/ for the next run.
# Reproduce a finding: build-fuzz/fuzz/fuzz_<target> build-fuzz/crashes/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${NGPC_FUZZ_SECONDS:-60}
jobs=${NGPC_FUZZ_JOBS:-2}
timeout=${NGPC_FUZZ_TIMEOUT:-10}
read -r -a targets <<<"${NGPC_FUZZ_TARGETS:-units config trace nsys sweep}"
build=$root/build-fuzz

bash scripts/setup.sh
launcher=""
command -v ccache >/dev/null && launcher=ccache
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNGPC_FUZZ=ON -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" >/dev/null
cmake --build "$build" -j"$jobs" --target ngpc_fuzz

# ---- seed corpora and dictionaries, remade from the shipped files on every run
seeds=$build/seeds dicts=$build/dicts
rm -rf "$seeds" "$dicts"
mkdir -p "$dicts" "$build/logs"
for t in units config trace nsys sweep; do mkdir -p "$seeds/$t" "$build/corpus/$t" "$build/crashes/$t"; done
# One seed per quantity written in the shipped configurations, plus frame ranges and family names.
n=0
while IFS= read -r q; do
  n=$((n + 1))
  printf '%s' "$q" >"$seeds/units/q$n"
done < <(grep -rhoE '"[0-9][0-9.eE+-]* ?[A-Za-z][A-Za-z0-9/]*"' configs | tr -d '"' | sort -u)
for s in 0 3: :2 : 1:5 bytes; do printf '%s' "$s" >"$seeds/units/r-${s//:/c}"; done
cp configs/*.json fuzz/seeds/config/* "$seeds/config/"
# Small traces only (a 500 KiB seed would make every execution slow).
find traces tests/data/traces -name '*.json' -size -33k -exec cp {} "$seeds/trace/" \;
cp tests/data/nsys/*.csv fuzz/seeds/nsys/* "$seeds/nsys/"
cp configs/sweeps/*.json fuzz/seeds/sweep/* "$seeds/sweep/"

dict_words() {  # JSON object keys of the given files, as dictionary entries ("\"key\"")
  grep -ohE '"[A-Za-z_][A-Za-z0-9_.]*" *:' "$@" | sed -E 's/ *:$//; s/"/\\"/g; s/.*/"&"/' | sort -u
}
cat fuzz/dicts/units.dict >"$dicts/units.dict"
grep -oE '\{"[^"]+", UnitFamily' sim/config/units.cpp | cut -d'"' -f2 | sed 's/.*/"&"/' \
  >>"$dicts/units.dict"
{ cat fuzz/dicts/json.dict; dict_words docs/config-schema.json; } >"$dicts/config.dict"
{ cat fuzz/dicts/json.dict; dict_words docs/trace-schema.json; } >"$dicts/trace.dict"
{ cat fuzz/dicts/json.dict fuzz/dicts/sweep.dict; dict_words docs/config-schema.json; } \
  >"$dicts/sweep.dict"
{ cat fuzz/dicts/nsys.dict; head -qn1 tests/data/nsys/*.csv | tr ',' '\n' | tr -d '\r' |
  sort -u | sed 's/.*/"&"/'; } >"$dicts/nsys.dict"

# ---- run, two at a time. Inputs are written to a scratch tree (fuzz/fuzz_common.h): in memory
# when /dev/shm is there, since every execution rewrites a file.
scratch=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo "$build")/ngpc-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
symbolizer=$(command -v llvm-symbolizer-14 || true)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer

run_one() {
  local t=$1
  "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
    -max_len=65536 -dict="$dicts/$t.dict" -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$t/" "$build/corpus/$t" "$seeds/$t" \
    >"$build/logs/$t.log" 2>&1
}

echo "fuzz: ${targets[*]}, ${seconds} s each, $jobs at a time (logs: build-fuzz/logs/)"
declare -A pid_of status
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
  run_one "$t" &
  pid_of[$t]=$!
done
for t in "${targets[@]}"; do
  if wait "${pid_of[$t]}"; then status[$t]=0; else status[$t]=$?; fi
done

# ---- report
fuzz_stat() { grep -oE "^stat::$2: *[0-9]+" "$1" | tail -n1 | grep -oE '[0-9]+$' || echo "?"; }
failed=0 bad=()
printf '%-8s %12s %10s %8s %8s  %s\n' target executions exec/s corpus rss_mb result
for t in "${targets[@]}"; do
  log=$build/logs/$t.log
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  result=ok
  # -fno-sanitize-recover and abort_on_error make every report fatal; the grep is a second net.
  if [ "${status[$t]}" -ne 0 ] ||
    grep -qE 'ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:|ngpc-fuzz: ' "$log"; then
    result="FAILED (exit ${status[$t]}; log build-fuzz/logs/$t.log)"
    failed=1
    bad+=("$t")
  fi
  printf '%-8s %12s %10s %8s %8s  %s\n' "$t" "$(fuzz_stat "$log" number_of_executed_units)" \
    "$(fuzz_stat "$log" average_exec_per_sec)" "$corpus" "$(fuzz_stat "$log" peak_rss_mb)" "$result"
done
if [ "$failed" -ne 0 ]; then
  for t in "${bad[@]}"; do
    echo "---- $t: end of build-fuzz/logs/$t.log" >&2
    tail -n 60 "$build/logs/$t.log" >&2
    echo "---- inputs kept in build-fuzz/crashes/$t/:" >&2
    ls -l "$build/crashes/$t" >&2
  done
  echo "fuzz: FAILED; reproduce with build-fuzz/fuzz/fuzz_<target> <kept input>" >&2
  exit 1
fi
echo "fuzz: no crash, leak or sanitizer report"
