#!/usr/bin/env bash
# Builds SparkTwin (release, as needed) and runs the quickstart scenario into
# Results/sparktwin.sqlite. Extra arguments go to `sparktwin run` (e.g. --seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/ensure-deps.sh
swift build -c release --product sparktwin
.build/release/sparktwin run Scenarios/quickstart.yaml "$@"
