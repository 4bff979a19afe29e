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
failed=0
for t in "${targets[@]}"; do
    corpus=$build/corpus/$t
    crashes=$build/crashes/$t
    mkdir -p "$corpus" "$crashes"
    mapfile -t seeds <"$build/fuzz/$t.seeds"
    # -fork mode takes folders only: the seed files (and those of seed folders) are copied into
    # the corpus folder under their SHA-1, as libFuzzer names corpus files.
    find "${seeds[@]}" -type f -size -1024k -print0 | while IFS= read -r -d '' f; do
        cp -n "$f" "$corpus/$(sha1sum <"$f" | cut -c1-40)"
    done
    log=$build/$t.log
    # -fork keeps going after a crash, so one run reports every crash it finds, not the first.
    "$build/fuzz/fuzz_$t" "$corpus" tests/data/fuzz/$t \
        -dict="$(cat "$build/fuzz/$t.dict_path")" -max_total_time="$seconds" -fork=1 \
        -ignore_crashes=1 -ignore_ooms=0 -rss_limit_mb=2048 -timeout=20 -max_len=1048576 \
        -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1
    # The fork mode's parent prints "#<executions>: cov: <edges> ft: ... corp: <units> ...".
    execs=$(grep -o '^#[0-9]*: cov: [0-9]*' "$log" | tail -1 | sed 's/^#\([0-9]*\):.*/\1/')
    cov=$(grep -o '^#[0-9]*: cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    if [ -z "$execs" ]; then # it never fuzzed: say so, and count it as a failure
        echo "$t: did not run: $(grep -v '^INFO' "$log" | tail -1) (log $log)"
        failed=$((failed + 1))
        continue
    fi
    found=$(find "$crashes" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
        -o -name 'oom-*' \) | wc -l)
    total_crashes=$((total_crashes + found))
    echo "$t: $execs executions, coverage $cov edges, corpus ${corp:-?} inputs, $found crashes (log $log)"
done
echo "fuzz: ${#targets[@]} targets, $total_crashes crashes$([ $failed -eq 0 ] || echo ", $failed did not run")"
[ "$total_crashes" -eq 0 ] && [ "$failed" -eq 0 ]
