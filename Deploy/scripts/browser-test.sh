#!/usr/bin/env bash
# The whole cycle in real Chromium through the dashboard's pages (Tests/Browser/whole_cycle.py),
# as test.sh runs it after the Swift tests (issue 17):
#
#   ./Deploy/scripts/browser-test.sh        # needs the debug build (swift build); test.sh has made it
#
# Installs Debian's chromium, chromium-driver and CJK fonts when missing, and Selenium from PyPI into
# a private venv (.build/selenium-venv, pinned: Deploy/scripts/selenium.sh). Starts the debug kaohed on a throwaway embedded
# cluster, sets up an empty county 990102 from the command line (what no page creates: the county,
# committees, departments, reviewers, and the office, committee and reviewer accounts with web
# passwords), then drives the browser. kaohed and its cluster stop however the script ends; on a
# failure the screenshots are kept in ./browser-artifacts.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
. Deploy/scripts/selenium.sh

BIN="$ROOT/.build/debug"
[ -x "$BIN/kaohed" ] && [ -x "$BIN/kaohe" ] || swift build >&2
. Deploy/scripts/demo-daemon.sh
start_demo_daemon "$BIN"
DATABASE="host=$work/data/postgres dbname=kaohe user=kaohe"
k() { # quiet unless it fails
  local out
  out=$("$BIN/kaohe" "$@" --database-url "$DATABASE" --log-level warning 2>&1) || { echo "$out" >&2; return 1; }
}

C=990102
k county create --code $C --name 浏览器测试县
k committee add --county $C --id education --name 教育专业考核委员会
k committee add --county $C --id health --name 卫健专业考核委员会
k department add --county $C --id edu-bureau --name 县教育局
k department add --county $C --id health-bureau --name 县卫健局
k reviewer add --county $C --id r1 --name 核验甲 --committee education --department edu-bureau
k reviewer add --county $C --id r2 --name 核验乙 --committee education --department edu-bureau
k reviewer add --county $C --id r3 --name 核验丙 --committee health --department health-bureau
k reviewer add --county $C --id r4 --name 核验丁 --committee health --department health-bureau
k account create --county $C --account office --role office --name 县考核办
k account create --county $C --account c-edu --role committee --committee education --name 教育专考委
k account create --county $C --account c-health --role committee --committee health --name 卫健专考委
for r in r1 r2 r3 r4; do k account create --county $C --account $r --role reviewer --reviewer $r --name "核验人员$r"; done
passwords="{"
for account in office c-edu c-health r1 r2 r3 r4; do
  password="browser-$account-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  printf '%s\n' "$password" | "$BIN/kaohe" account set-password --county $C --account "$account" --password-stdin \
    --database-url "$DATABASE" --log-level warning >/dev/null
  passwords="$passwords\"$account\": \"$password\","
done
passwords="${passwords%,}}"

"$SELENIUM_PYTHON" Tests/Browser/whole_cycle.py --url "$url" --database "$DATABASE" --passwords "$passwords" \
  --artifacts "$ROOT/browser-artifacts"
