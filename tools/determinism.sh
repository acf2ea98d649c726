#!/bin/sh
# Same scenario and seed, same results, whatever the build: runs a few scenarios with the
# release and the debug binary (building either as needed) and compares their metrics and
# time series byte for byte. The debug build takes ~5 minutes on a 2-core machine.
#
# Usage: tools/determinism.sh [SCENARIO.yaml ...]
#   default: the quickstart, the random-read example and 10 s of a fast-mode study
set -eu
cd "$(dirname "$0")/.."
tools/ensure-deps.sh
swift build -c release --product sparktwin
swift build -c debug --product sparktwin
work=$(mktemp -d /tmp/sparktwin-determinism.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ $# -eq 0 ]; then
    set -- Scenarios/quickstart.yaml Scenarios/examples/random-read.yaml "Scenarios/studies/gemm-10min-ambient-20c.yaml --set run.duration=10s"
fi
status=0
for scenario in "$@"; do
    for build in release debug; do
        # shellcheck disable=SC2086  # a scenario may carry its --set overrides
        .build/$build/sparktwin run $scenario --db "$work/$build.sqlite" >/dev/null
        id=$(.build/$build/sparktwin runs --db "$work/$build.sqlite" | tail -1 | cut -d' ' -f1)
        { .build/$build/sparktwin export "$id" --metrics --db "$work/$build.sqlite"
          .build/$build/sparktwin export "$id" --series --db "$work/$build.sqlite"; } > "$work/$build.txt"
    done
    if cmp -s "$work/release.txt" "$work/debug.txt"; then
        echo "same: $scenario ($(wc -l < "$work/release.txt") lines of metrics and series)"
    else
        echo "DIFFERENT: $scenario"; diff "$work/release.txt" "$work/debug.txt" | head -20; status=1
    fi
done
exit $status
