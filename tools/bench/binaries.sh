#!/bin/sh
# Speed of two builds of sparktwin on the same scenarios, old and new alternating so that both
# see the same machine state: events per second of each run (from the run's stored events and
# wall time), the median of each, and the new/old ratio. Release builds.
# Usage: tools/bench/binaries.sh OLD_BINARY NEW_BINARY ROUNDS [scenario.yaml | old.yaml=new.yaml ...]
# (an old=new pair runs each binary on its own version of a rewritten scenario; default: the
# quickstart, cpu-steals-bandwidth and the C2 GEMM).
set -eu
cd "$(dirname "$0")/../.."
old=$1 new=$2 rounds=$3
shift 3
[ $# -gt 0 ] || set -- Scenarios/quickstart.yaml Scenarios/examples/cpu-steals-bandwidth.yaml Scenarios/calibration/gb10-c2-gemm.yaml
dir=$(mktemp -d)
for pair in "$@"; do
    oldFile=${pair%%=*} newFile=${pair#*=}
    label=$(basename "$newFile" .yaml)
    for round in $(seq "$rounds"); do
        "$old" run "$oldFile" --db "$dir/old.sqlite" --label "$label" >/dev/null
        "$new" run "$newFile" --db "$dir/new.sqlite" --label "$label" >/dev/null
    done
    for which in old new; do
        sqlite3 "$dir/$which.sqlite" "select events / wallTimeS from run join label on label.runId = run.id where label.label = '$label' order by 1" |
            awk -v w="$which" -v s="$label" '{ v[NR] = $1 } END { printf "%s %s median_events_per_s=%.0f runs=%d\n", s, w, v[int((NR + 1) / 2)], NR }'
    done
done | tee "$dir/out.txt"
awk '{ split($3, a, "="); m[$1, $2] = a[2]; s[$1] = 1 } END { for (k in s) printf "%s new/old=%.3f\n", k, m[k, "new"] / m[k, "old"] }' "$dir/out.txt"
rm -rf "$dir"
