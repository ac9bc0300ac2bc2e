#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what is missing, builds, runs every test, then
# every export opened in LibreOffice (spreadsheets.sh), schemathesis against the built daemon, and
# the whole cycle in real Chromium (browser-test.sh).
# The integration tests start their own throwaway PostgreSQL clusters under /tmp and stop them.
set -euo pipefail
cd "$(dirname "$0")/../.."
./Deploy/scripts/install-prerequisites.sh --for-tests
cleanup() {
  # Safety net: stop any test cluster a crashed test process left behind.
  for pid in $(pgrep -f 'postgres -D /tmp/kaohe-test-' 2>/dev/null || true); do kill -INT "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
# The house style (.swift-format, Hummingbird's settings at 140 columns): any finding fails the run.
swift format lint --strict --recursive --parallel Sources Tests Benchmarks Schema Package.swift
swift build --build-tests
swift test --skip-build "$@"
# Every export of the demo county in LibreOffice, the API against its OpenAPI document
# (schemathesis, every check, fixed seed), then a whole cycle through the pages in real Chromium:
# only for the whole suite, not when the arguments pick some tests.
if [ $# -eq 0 ]; then
  ./Deploy/scripts/spreadsheets.sh
  ./Deploy/scripts/schemathesis.sh
  ./Deploy/scripts/browser-test.sh
fi
