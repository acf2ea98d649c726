#!/bin/sh
# Sweep scaling: a 16-point sweep with 1 job, then with 2, each into a fresh database,
# alternating twice; prints the wall times and the speed-up (the bar: at least 1.8x on 2
# cores). Release build. Usage: tools/bench/sweep.sh [sweep.yaml]; the default,
# Scenarios/sweeps/seeds.yaml, has points of equal cost; Scenarios/sweeps/quick.yaml's points
# differ by ~25 %, so its last point leaves a core idle for a while.
set -eu
cd "$(dirname "$0")/../.."
swift build -c release --product sparktwin >/dev/null
sweep=${1:-Scenarios/sweeps/seeds.yaml}
dir=$(mktemp -d)
run() {  # jobs, database
    start=$(date +%s.%N)
    .build/release/sparktwin sweep "$sweep" --jobs "$1" --db "$2" >/dev/null
    end=$(date +%s.%N)
    echo "$start $end" | awk '{ printf "%.3f", $2 - $1 }'
}
for round in 1 2; do
    one=$(run 1 "$dir/one-$round.sqlite")
    two=$(run 2 "$dir/two-$round.sqlite")
    echo "sweep=$sweep round=$round jobs1_s=$one jobs2_s=$two" | awk -v a="$one" -v b="$two" '{ printf "%s speedup=%.2f\n", $0, a / b }'
done
rm -rf "$dir"
