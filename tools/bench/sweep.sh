#!/bin/sh
# Sweep scaling: the 16-point Scenarios/sweeps/quick.yaml with 1 job, then with 2, each into a
# fresh database, alternating twice; prints the wall times and the speed-up (the issue's bar:
# at least 1.8x on 2 cores). Release build.
set -eu
cd "$(dirname "$0")/../.."
swift build -c release --product sparktwin >/dev/null
dir=$(mktemp -d)
run() {  # jobs, database
    start=$(date +%s.%N)
    .build/release/sparktwin sweep Scenarios/sweeps/quick.yaml --jobs "$1" --db "$2" >/dev/null
    end=$(date +%s.%N)
    echo "$start $end" | awk '{ printf "%.3f", $2 - $1 }'
}
for round in 1 2; do
    one=$(run 1 "$dir/one-$round.sqlite")
    two=$(run 2 "$dir/two-$round.sqlite")
    echo "round=$round points=16 jobs1_s=$one jobs2_s=$two" | awk -v a="$one" -v b="$two" '{ printf "%s speedup=%.2f\n", $0, a / b }'
done
rm -rf "$dir"
