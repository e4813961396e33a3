#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine. Idempotent; each step is skipped when already done.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
echo "install-test-deps: nothing beyond Java 17 and Maven is needed yet"
