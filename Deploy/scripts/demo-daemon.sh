# Sourced by screenshots.sh and spreadsheets.sh: starts a kaohed on its embedded default (its own
# cluster, the demo county) in a fresh temporary directory, and stops it — and so its cluster — on
# exit. After `start_demo_daemon BIN_DIR`: $url is the address to open, $work the directory (the data
# directory is $work/data, kaohed's output $work/stdout and $work/stderr), $daemon its pid.
work=""
daemon=""
stop_demo_daemon() {
    if [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null; then
        kill -TERM "$daemon"                # kaohed drains, closes the pool and stops its cluster
        wait "$daemon" 2>/dev/null || true
    fi
    [ -n "$work" ] && rm -rf "$work"
    return 0
}
start_demo_daemon() {
    local bin="$1"
    work="$(mktemp -d /tmp/kaohe-demo-XXXXXX)"
    chmod 755 "$work"                       # as root, kaohed runs the cluster as the postgres user
    trap stop_demo_daemon EXIT INT TERM
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
}
