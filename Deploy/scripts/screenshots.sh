#!/usr/bin/env bash
# Renders the dashboard of the demo county in headless Chromium to PNG files, one per page and role,
# so a person can look at them: ./Deploy/scripts/screenshots.sh [OUT_DIR] [--url http://HOST:PORT]
#
# Without --url it builds kaohed (debug), starts it on the embedded default in a temporary data
# directory (its own PostgreSQL cluster, the demo county seeded), and stops it — and so its cluster —
# on exit. With --url it uses a running kaohed that serves the demo county with its demo passwords.
# Installs chromium, chromium-driver, CJK fonts and Selenium when missing (selenium.sh). OUT_DIR
# defaults to ./screenshots.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="screenshots"
url=""
while [ $# -gt 0 ]; do
    case "$1" in
        --url) url="$2"; shift 2 ;;
        --url=*) url="${1#--url=}"; shift ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) out="$1"; shift ;;
    esac
done

./Deploy/scripts/install-prerequisites.sh >&2  # python3-venv for Selenium's venv; libpq and PostgreSQL for kaohed
. Deploy/scripts/selenium.sh

. Deploy/scripts/demo-daemon.sh
if [ -z "$url" ]; then
    swift build --product kaohed >&2
    start_demo_daemon "$(swift build --show-bin-path)"
fi

logins=()
[ -n "$work" ] && logins=(--logins "$work/stdout")
"$SELENIUM_PYTHON" Deploy/scripts/screenshots.py --url "$url" --out "$out" "${logins[@]}"
echo "PNG files in $out/" >&2
