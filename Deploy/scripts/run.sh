#!/usr/bin/env bash
# Runs the daemon on its embedded default: installs what is missing, builds in release mode, starts
# kaohed, which starts its own PostgreSQL cluster and a demo county and prints the address to open.
# Extra arguments go to kaohed (see `kaohed --help`).
set -euo pipefail
cd "$(dirname "$0")/../.."
./Deploy/scripts/install-prerequisites.sh
swift build -c release --product kaohed >&2
swift build -c release --product kaohe >&2
exec "$(swift build -c release --show-bin-path)/kaohed" "$@"
