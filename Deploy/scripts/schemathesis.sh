#!/usr/bin/env bash
# schemathesis against kaohed's API, as test.sh runs it after the Swift tests (issue 16).
#
# Installs schemathesis from PyPI into a private venv (.build/schemathesis-venv, pinned version),
# starts the built debug kaohed on a throwaway embedded cluster with the demo county, issues API
# tokens for the office, a committee and a unit, and runs `schemathesis run … --checks all` with a
# fixed seed and a bounded number of examples, once per token with the path parameters pinned to the
# demo county's real records (Deploy/schemathesis/pinned.toml, valid data) and once free (valid and
# invalid data). Deploy/schemathesis/hooks.py gives each valid Idempotency-Key a fresh value. Any
# failure of any check fails the run. kaohed and its cluster are stopped however the script ends.
#
#   ./Deploy/scripts/schemathesis.sh            # as CI: 25 examples per operation and run
#   KAOHE_SCHEMATHESIS_EXAMPLES=200 ./Deploy/scripts/schemathesis.sh   # longer, on demand
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
EXAMPLES="${KAOHE_SCHEMATHESIS_EXAMPLES:-25}"
VERSION=4.32.5
VENV="$ROOT/.build/schemathesis-venv"
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi

WORK=$(mktemp -d /tmp/kaohe-st-XXXXXX)
chmod 755 "$WORK"
KAOHED_PID=""
stop() {
  if [ -n "$KAOHED_PID" ] && kill -0 "$KAOHED_PID" 2>/dev/null; then
    kill -INT "$KAOHED_PID"
    wait "$KAOHED_PID" || true
  fi
  rm -rf "$WORK"
}
trap stop EXIT

"$ROOT/.build/debug/kaohed" --port 0 --data-directory "$WORK/data" --log-level warning >"$WORK/out.log" 2>"$WORK/err.log" &
KAOHED_PID=$!
BASE=""
for _ in $(seq 1 600); do
  BASE=$(grep -o 'http://[^ /]*/' "$WORK/out.log" | head -1 || true)
  [ -n "$BASE" ] && break
  kill -0 "$KAOHED_PID" 2>/dev/null || { cat "$WORK/err.log" >&2; exit 1; }
  sleep 0.2
done
[ -n "$BASE" ] || { echo "kaohed did not start" >&2; cat "$WORK/err.log" >&2; exit 1; }
BASE=${BASE%/}
DATABASE="host=$WORK/data/postgres dbname=kaohe user=kaohe"
token() {
  "$ROOT/.build/debug/kaohe" account token --county 990101 --account "$1" --database-url "$DATABASE" --log-level warning \
    | sed -n 's/^token: *//p'
}
# The demo county's first unit, the one u-01 files for.
UNIT=$(psql "$DATABASE" -Atc "SELECT unit_code FROM accounts WHERE county = '990101' AND account = 'u-01'")
export KAOHE_ST_UNIT="$UNIT"

export SCHEMATHESIS_HOOKS=hooks
export PYTHONPATH="$ROOT/Deploy/schemathesis"
status=0
run() { # NAME TOKEN MODE [CONFIG]
  local name=$1 token=$2 mode=$3 config=${4:-}
  echo "== schemathesis: $name"
  # Text may not hold U+0000 (PostgreSQL cannot store it; the API refuses it with 422 json.nul).
  local args=(run "$BASE/api/v1/openapi.json" --url "$BASE" -H "Authorization: Bearer $token" --checks all --mode "$mode"
    --max-examples "$EXAMPLES" --seed 20261206 --workers 1 --no-color --generation-database none --generation-allow-x00 false)
  # From the throwaway directory: schemathesis keeps its replay cache (.schemathesis/) where it runs.
  (cd "$WORK" && "$VENV/bin/schemathesis" --config-file "$config" "${args[@]}") || status=1
}
# The pinned runs: the checks' configuration and the demo county's records.
cat "$ROOT/Deploy/schemathesis/schemathesis.toml" "$ROOT/Deploy/schemathesis/pinned.toml" >"$WORK/pinned.toml"
OFFICE=$(token office)
# With the path pinned, a "negative" path parameter would be replaced by the real one: the
# negative cases run free.
run "office, real records" "$OFFICE" positive "$WORK/pinned.toml"
run "committee, real records" "$(token c-education)" positive "$WORK/pinned.toml"
run "unit, real records" "$(token u-01)" positive "$WORK/pinned.toml"
run "office, free parameters" "$OFFICE" all "$ROOT/Deploy/schemathesis/schemathesis.toml"
exit $status
