#!/usr/bin/env bash
# The project's test command (README): installs what the tests need, then runs the whole Maven test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bash ops/scripts/install-test-deps.sh
export DJL_OFFLINE=true
# the export parity test must run, not skip, when torch was installed above
if [ "${NASFLOW_TORCH:-1}" != 0 ]; then export NASFLOW_REQUIRE_TORCH=1; fi
mvn -B ${MVN_ARGS:-} verify
