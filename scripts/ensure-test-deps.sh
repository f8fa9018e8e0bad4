#!/usr/bin/env bash
# Installs what the test suite needs from outside npm (Debian packages), before `npm test`.
# Each scripts/ensure.d/*.sh installs one component if it is missing and fails loudly if it cannot.
set -euo pipefail
cd "$(dirname "$0")"
for script in ensure.d/*.sh; do
  [ -e "$script" ] || continue
  bash "$script"
done
