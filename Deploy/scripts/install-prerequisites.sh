#!/usr/bin/env bash
# Installs what kaohe needs on a fresh Debian machine: libpq (to build), the PostgreSQL server
# binaries (the embedded cluster, the tests), pgbench and psql (the benchmarks). Idempotent: does
# nothing when everything is there. python3-venv: the schemathesis run of the test suite installs
# schemathesis from PyPI into a private venv. With --for-tests also LibreOffice Calc, which the test
# suite opens every export with (spreadsheets.sh). Needs root (or sudo) only when something is missing.
set -euo pipefail

need=()
pkg-config --exists libpq 2>/dev/null || need+=(libpq-dev pkg-config)
bindir=$(pg_config --bindir 2>/dev/null || true)
have_server=false
for d in "$bindir" /usr/lib/postgresql/*/bin; do
  [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && have_server=true
done
$have_server || need+=(postgresql)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
if [ "${1:-}" = "--for-tests" ]; then
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "kaohe: installing ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian's postgresql package starts a system cluster we do not use; kaohe runs its own.
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now postgresql >/dev/null 2>&1 || true; fi
fi

# When run as root, kaohe runs PostgreSQL as the `postgres` user, which the server package creates.
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "kaohe: the postgres user is missing; reinstall the postgresql package" >&2
  exit 1
fi
