#!/usr/bin/env bash
# Renders the dashboard of the demo county in headless Chromium to PNG files, one per page and role,
# so a person can look at them: ./Deploy/scripts/screenshots.sh [OUT_DIR] [--url http://HOST:PORT]
#
# Without --url it builds kaohed (debug), starts it on the embedded default in a temporary data
# directory (its own PostgreSQL cluster, the demo county seeded), and stops it — and so its cluster —
# on exit. With --url it uses a running kaohed that serves the demo county with its demo passwords.
# Installs chromium and CJK fonts (Debian) when missing. OUT_DIR defaults to ./screenshots.
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

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -i "noto sans cjk" >/dev/null; then
    echo "installing chromium and fonts-noto-cjk …" >&2
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >&2
fi

work=""
daemon=""
cleanup() {
    if [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null; then
        kill -TERM "$daemon"                # kaohed drains, closes the pool and stops its cluster
        wait "$daemon" 2>/dev/null || true
    fi
    [ -n "$work" ] && rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ -z "$url" ]; then
    ./Deploy/scripts/install-prerequisites.sh >&2
    swift build --product kaohed >&2
    bin="$(swift build --show-bin-path)"
    work="$(mktemp -d /tmp/kaohe-screenshots-XXXXXX)"
    chmod 755 "$work"                       # as root, kaohed runs the cluster as the postgres user
    "$bin/kaohed" --port 0 --data-directory "$work/data" >"$work/stdout" 2>"$work/stderr" &
    daemon=$!
    for _ in $(seq 1 600); do
        url="$(grep -o 'http://[^ ]*/' "$work/stdout" 2>/dev/null | head -1 || true)"
        [ -n "$url" ] && break
        if ! kill -0 "$daemon" 2>/dev/null; then cat "$work/stderr" >&2; echo "kaohed exited" >&2; exit 1; fi
        sleep 0.2
    done
    [ -n "$url" ] || { cat "$work/stderr" >&2; echo "kaohed did not start in 120 s" >&2; exit 1; }
    echo "kaohed at $url" >&2
fi

logins=()
[ -n "$work" ] && logins=(--logins "$work/stdout")
python3 Deploy/scripts/screenshots.py --url "$url" --out "$out" "${logins[@]}"
echo "PNG files in $out/" >&2
