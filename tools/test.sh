#!/usr/bin/env bash
# Builds SparkTwin and runs the whole test suite (CI runs exactly this).
#
# Release mode, so the simulations the tests run are fast, with the internal invariant checks
# compiled in (SPARKTWIN_INTERNAL_CHECKS: heap order, memory bank and bus states, link
# credits, energy against the rails). That build is not the quickstart's, so it has a build
# directory of its own (.build-checks) and the two never rebuild each other.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/ensure-deps.sh
swift test -c release --disable-testable-imports --build-path .build-checks -Xswiftc -DSPARKTWIN_INTERNAL_CHECKS "$@"
