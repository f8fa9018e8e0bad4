#!/usr/bin/env bash
# The throughput benchmark (`npm run bench`, bench/workloads/wrk-sync.workload.ts) drives
# /chat/sync with wrk, a C load generator that can saturate a bare node:http server on two
# cores (a JS client cannot). Installs Debian's wrk when missing and fails loudly (non-zero)
# when it cannot, so the benchmark never silently falls back to a weaker generator.
#
# scripts/ensure-test-deps.sh runs every script in this folder before `npm test`, and the tests
# do not need wrk: without `--bench` (how the benchmark calls it) this does nothing.
set -euo pipefail
[ "${1:-}" = "--bench" ] || exit 0
command -v wrk >/dev/null 2>&1 && exit 0

say() { echo "ensure.d/wrk: $*" >&2; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
command -v apt-get >/dev/null 2>&1 || { say "FAILED: wrk is missing and apt-get is not available"; exit 1; }
[ -z "$SUDO" ] || command -v sudo >/dev/null 2>&1 || { say "FAILED: need root (or sudo) to install wrk"; exit 1; }
export DEBIAN_FRONTEND=noninteractive
say "wrk is missing; installing Debian's wrk package"
# Another ensure script may hold the dpkg lock: wait for it rather than fail.
if ! $SUDO apt-get -o DPkg::Lock::Timeout=300 update \
  || ! $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends wrk \
  || ! command -v wrk >/dev/null 2>&1; then
  say "FAILED to install wrk; the throughput benchmark cannot run"
  exit 1
fi
wrk --version >&2 || true
