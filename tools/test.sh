#!/usr/bin/env bash
# Builds SparkTwin and runs the whole test suite (CI runs exactly this).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/ensure-deps.sh
swift test
