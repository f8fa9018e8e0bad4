#!/usr/bin/env bash
# The Redis tests (tests/integration/redis-*.test.ts) start their own redis-server on a free
# local port. Installs Debian's redis-server when it is missing and fails loudly (non-zero)
# when it cannot, so those tests never silently skip. Not needed when REDIS_URL is given.
set -euo pipefail
[ -n "${REDIS_URL:-}" ] && exit 0
command -v redis-server >/dev/null 2>&1 && exit 0

say() { echo "ensure.d/redis: $*" >&2; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
command -v apt-get >/dev/null 2>&1 || { say "FAILED: redis-server is missing and apt-get is not available"; exit 1; }
[ -z "$SUDO" ] || command -v sudo >/dev/null 2>&1 || { say "FAILED: need root (or sudo) to install redis-server"; exit 1; }
export DEBIAN_FRONTEND=noninteractive
say "redis-server is missing; installing Debian's redis-server package"
# Another ensure script may hold the dpkg lock: wait for it rather than fail.
if ! $SUDO apt-get -o DPkg::Lock::Timeout=300 update \
  || ! $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends redis-server \
  || ! command -v redis-server >/dev/null 2>&1; then
  say "FAILED to install redis-server; the Redis tests cannot run"
  exit 1
fi
redis-server --version >&2
