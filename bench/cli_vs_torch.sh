#!/bin/bash
# attnlens-cli run as a whole process against PyTorch eager doing the same in-process
# (bench/README.md, "attnlens-cli run against PyTorch"). Interleaves the runs, REPEATS times each.
#
# Usage: bench/cli_vs_torch.sh BUILD_DIR [REPEATS] [CLI...]
#   BUILD_DIR holds bench/bench_engine and app/attnlens-cli; further CLI executables (e.g. an
#   older build's) are timed too, in the same rounds.
set -euo pipefail
build=$1
repeats=${2:-3}
shift $(($# >= 2 ? 2 : 1))
clis=("$build/app/attnlens-cli" "$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=2
"$build/bench/bench_engine" --steps 128 --write-model "$work/enc128.h5" \
    --write-npy "$work/x64.npy" --samples 64
here=$(dirname "$0")
for round in $(seq "$repeats"); do
    for cli in "${clis[@]}"; do
        start=$(date +%s.%N)
        "$cli" run "$work/enc128.h5" --data "$work/x64.npy" --out "$work/cli.h5" 2>/dev/null
        end=$(date +%s.%N)
        printf 'round %d  %-50s %.3f s  (%s bytes)\n' "$round" "$cli" "$(echo "$end - $start" | bc)" \
            "$(stat -c %s "$work/cli.h5")"
        rm -f "$work/cli.h5"
    done
    start=$(date +%s.%N)
    /usr/bin/python3 "$here/torch_reference.py" --cli "$work/x64.npy" "$work/torch.h5" 2
    end=$(date +%s.%N)
    printf 'round %d  %-50s %.3f s  (whole process)\n' "$round" "python3 torch_reference.py --cli" \
        "$(echo "$end - $start" | bc)"
    rm -f "$work/torch.h5"
done
