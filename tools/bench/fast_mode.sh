#!/bin/sh
# Wall time of long fast-mode runs (power, heat and governor active), release build, each run
# twice into a new database: cold (every unit cost measured by detailed runs) and warm (the
# costs the first run kept in the database). The bars: ten minutes of sustained GEMM in at most
# 30 s cold (whole raster groups of each 8192³ kernel at each clock) and 1 s warm; ten minutes of
# gpt-oss-120b batch-1 decode in at most 60 s cold and 2 s warm.
# Usage: tools/bench/fast_mode.sh [scenario.yaml...]
#   (default: the three 10-minute GEMM studies and the 10-minute gpt-oss-120b decode)
set -eu
cd "$(dirname "$0")/../.."
swift build -c release --product sparktwin >/dev/null
[ $# -gt 0 ] || set -- Scenarios/studies/gemm-10min-ambient-*.yaml Scenarios/workloads/gpt-oss-120b-decode-10min.yaml
for scenario in "$@"; do
    db=$(mktemp -d)/bench.sqlite
    for cache in cold warm; do
        start=$(date +%s.%N)
        .build/release/sparktwin run "$scenario" --db "$db" >/dev/null
        end=$(date +%s.%N)
        simulated=$(sqlite3 "$db" "select simulatedPs / 1e12 from run order by rowid desc limit 1")
        measured=$(sqlite3 "$db" "select value from metric join run on run.id = metric.runId where name = 'fast.detailed_runs' order by run.rowid desc limit 1")
        echo "$scenario" "$cache" "$start" "$end" "$simulated" "$measured" |
            awk '{ wall = $4 - $3; printf "%s %s simulated_s=%.0f wall_s=%.2f realtime_factor=%.0f detailed_runs=%d\n", $1, $2, $5, wall, $5 / wall, $6 }'
    done
    rm -rf "$(dirname "$db")"
done
