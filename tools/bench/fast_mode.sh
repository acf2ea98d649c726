#!/bin/sh
# Wall time of ten simulated minutes of sustained GEMM in fast mode (power, heat and governor
# active), release build: the issue's bar is at most 10 s, at least 60x faster than real time.
# Usage: tools/bench/fast_mode.sh [scenario.yaml...]   (default: the three 10-minute studies)
set -eu
cd "$(dirname "$0")/../.."
swift build -c release --product sparktwin >/dev/null
db=$(mktemp -d)/bench.sqlite
[ $# -gt 0 ] || set -- Scenarios/studies/gemm-10min-ambient-*.yaml
for scenario in "$@"; do
    start=$(date +%s.%N)
    .build/release/sparktwin run "$scenario" --db "$db" >/dev/null
    end=$(date +%s.%N)
    simulated=$(sqlite3 "$db" "select simulatedPs / 1e12 from run order by rowid desc limit 1")
    echo "$scenario" "$start" "$end" "$simulated" |
        awk '{ wall = $3 - $2; printf "%s simulated_s=%.0f wall_s=%.2f realtime_factor=%.0f\n", $1, $4, wall, $4 / wall }'
done
