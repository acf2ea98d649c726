#!/usr/bin/env bash
# Builds SparkTwin and runs the whole test suite (CI runs exactly this).
#
# Release mode, with testable imports off, so the tests reuse the libraries and the binary that
# tools/quickstart.sh built (`swift build -c release`) and compile only the test targets; the
# simulations the tests run are fast in release too.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/ensure-deps.sh
swift test -c release --disable-testable-imports "$@"
