#!/usr/bin/env bash
# Runs the daemon on its embedded default: installs what is missing, builds in release mode, starts
# kaohed, which starts its own PostgreSQL cluster and a demo county and prints the address to open.
# Extra arguments go to kaohed (see `kaohed --help`). The release build lives in .build-release so it
# never waits on (or invalidates) a developer's debug build in .build.
set -euo pipefail
cd "$(dirname "$0")/../.."
./Deploy/scripts/install-prerequisites.sh
swift build -c release --scratch-path .build-release >&2
exec "$(swift build -c release --scratch-path .build-release --show-bin-path)/kaohed" "$@"
