#!/usr/bin/env bash
# Every export of the demo county opened in LibreOffice Calc, cell by cell against what kaohe wrote and
# the database (Deploy/scripts/spreadsheets.py). Starts a debug kaohed on its embedded default (its own
# cluster and demo county) in a throwaway directory, and stops it. Run by test.sh after the Swift tests;
# expects `swift build` to have built kaohed and kaohe, and LibreOffice (install-prerequisites.sh --for-tests).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(swift build --show-bin-path)"
work="$(mktemp -d /tmp/kaohe-spreadsheets-XXXXXX)"
chmod 755 "$work"                           # as root, kaohed runs the cluster as the postgres user
daemon=""
cleanup() {
    if [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null; then
        kill -TERM "$daemon"                # kaohed drains, closes the pool and stops its cluster
        wait "$daemon" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
"$bin/kaohed" --port 0 --data-directory "$work/data" >"$work/stdout" 2>"$work/stderr" &
daemon=$!
url=""
for _ in $(seq 1 600); do
    url="$(grep -o 'http://[^ ]*/' "$work/stdout" 2>/dev/null | head -1 || true)"
    [ -n "$url" ] && break
    if ! kill -0 "$daemon" 2>/dev/null; then cat "$work/stderr" >&2; echo "spreadsheets: kaohed exited" >&2; exit 1; fi
    sleep 0.2
done
[ -n "$url" ] || { cat "$work/stderr" >&2; echo "spreadsheets: kaohed did not start in 120 s" >&2; exit 1; }
python3 Deploy/scripts/spreadsheets.py --url "$url" --kaohe "$bin/kaohe" --data-directory "$work/data" --work "$work"
