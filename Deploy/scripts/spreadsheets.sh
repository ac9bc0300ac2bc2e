#!/usr/bin/env bash
# Every export of the demo county opened in LibreOffice Calc, cell by cell against what kaohe wrote and
# the database (Deploy/scripts/spreadsheets.py). Starts a debug kaohed on its embedded default (its own
# cluster and demo county) in a throwaway directory, and stops it. Run by test.sh after the Swift tests;
# expects `swift build` to have built kaohed and kaohe, and LibreOffice (install-prerequisites.sh --for-tests).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(swift build --show-bin-path)"
. Deploy/scripts/demo-daemon.sh
start_demo_daemon "$bin"
python3 Deploy/scripts/spreadsheets.py --url "$url" --kaohe "$bin/kaohe" --data-directory "$work/data" --work "$work"
