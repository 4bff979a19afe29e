#!/usr/bin/env bash
# Builds the `fuzz` preset and runs every fuzz target for SECONDS each (default 60), one after
# the other, from its seed corpus and dictionary. Prints one line per target (executions,
# coverage, crashes) and a last line "fuzz: <targets> targets, <crashes> crashes". Inputs that
# crash are left in build/fuzz/crashes/<target>/: minimise one (fuzz_<target> -minimize_crash=1),
# fix the reader, and keep it in tests/data/fuzz/<target>/ so CTest replays it.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET ...]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model arch_json csv npy npz data_h5 recipe)

cmake --preset fuzz >/dev/null && cmake --build --preset fuzz -j"$(nproc)" >/dev/null \
    || { echo "fuzz: the fuzz preset does not build (clang and libclang-rt-14-dev installed?)"; exit 2; }

build=build/fuzz
total_crashes=0
for t in "${targets[@]}"; do
    corpus=$build/corpus/$t
    crashes=$build/crashes/$t
    mkdir -p "$corpus" "$crashes"
    mapfile -t seeds <"$build/fuzz/$t.seeds"
    log=$build/$t.log
    # -fork keeps going after a crash, so one run reports every crash it finds, not the first.
    "$build/fuzz/fuzz_$t" "$corpus" "${seeds[@]}" tests/data/fuzz/$t \
        -dict="$(cat "$build/fuzz/$t.dict_path")" -max_total_time="$seconds" -fork=1 \
        -ignore_crashes=1 -ignore_ooms=0 -rss_limit_mb=2048 -timeout=20 -max_len=1048576 \
        -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    [ -n "$execs" ] || execs=$(grep -o 'exec/s\|execs: [0-9]*' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    found=$(find "$crashes" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
        -o -name 'oom-*' \) | wc -l)
    total_crashes=$((total_crashes + found))
    echo "$t: ${execs:-?} executions, coverage ${cov:-?} edges, $found crashes (log $log)"
done
echo "fuzz: ${#targets[@]} targets, $total_crashes crashes"
[ "$total_crashes" -eq 0 ]
