#!/usr/bin/env bash
# The PostgreSQL records tests (tests/integration/records-postgres.test.ts) start their own
# throwaway server (initdb in a temporary folder, a free local port). Installs Debian's
# postgresql-15 when its binaries are missing and fails loudly (non-zero) when it cannot,
# so those tests never silently skip. Not needed when RECORDS_TEST_DATABASE_URL is given.
set -euo pipefail
[ -n "${RECORDS_TEST_DATABASE_URL:-}" ] && exit 0
BIN=/usr/lib/postgresql/15/bin
[ -x "$BIN/initdb" ] && [ -x "$BIN/postgres" ] && exit 0

say() { echo "ensure.d/postgres: $*" >&2; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
command -v apt-get >/dev/null 2>&1 || { say "FAILED: postgresql-15 is missing and apt-get is not available"; exit 1; }
[ -z "$SUDO" ] || command -v sudo >/dev/null 2>&1 || { say "FAILED: need root (or sudo) to install postgresql-15"; exit 1; }
export DEBIAN_FRONTEND=noninteractive
say "postgresql-15 is missing; installing Debian's postgresql-15 package"
# The package's own cluster is not used by the tests; policy-rc.d keeps apt from starting it.
if ! $SUDO apt-get -o DPkg::Lock::Timeout=300 update \
  || ! $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends postgresql-15 \
  || ! [ -x "$BIN/initdb" ]; then
  say "FAILED to install postgresql-15; the PostgreSQL tests cannot run"
  exit 1
fi
"$BIN/postgres" --version >&2
