#!/usr/bin/env bash
# The whole suite: SQLite always; PostgreSQL and headless Chromium when CI=true or when they can be
# installed here (root with apt-get). SAMANEH_TEST_POSTGRES / SAMANEH_TEST_E2E = 0|1 force either way.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
WORKERS=${PYTEST_WORKERS:-2}
mkdir -p test-artifacts

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
want() {  # want VAR: decide whether an optional stage runs
  local v=${!1:-}
  if [ -n "$v" ]; then [ "$v" = 1 ]; return; fi
  [ "${CI:-}" = true ] || can_install
}

# Under CI every stage must run: a stage that cannot be set up fails the run instead of skipping.
stage_unavailable() {
  if [ "${CI:-}" = true ]; then echo "ERROR: $1" >&2; exit 1; fi
  echo "SKIPPED: $1" >&2
}

echo "== SQLite =="
$PY -m pytest -n "$WORKERS" -m "not e2e" -q

if want SAMANEH_TEST_POSTGRES; then
  echo "== PostgreSQL =="
  if scripts/ensure_debian_packages.sh postgresql; then
    source scripts/postgres_throwaway.sh
    pg_throwaway_start
    trap pg_throwaway_stop EXIT
    DATABASE_URL="postgres://postgres@127.0.0.1:${PG_PORT}/samaneh" $PY -m pytest -n "$WORKERS" -m "not e2e" -q
    pg_throwaway_stop
    trap - EXIT
  else
    stage_unavailable "PostgreSQL could not be installed"
  fi
fi

if want SAMANEH_TEST_E2E; then
  echo "== Browser (headless Chromium) =="
  if scripts/ensure_debian_packages.sh chromium fonts-dejavu-core; then
    CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium} $PY -m pytest -m e2e -q tests/e2e
  else
    stage_unavailable "Chromium could not be installed"
  fi
fi
