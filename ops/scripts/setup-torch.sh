#!/usr/bin/env bash
# Installs PyTorch (torch==2.7.1 from PyPI: the same libtorch version as DJL's PyTorch engine) into its own virtual
# environment, for the export parity test (TorchExportParityTest) and the PyTorch-eager side of `nasflow bench train`.
# The environment lives outside the repository, in a per-user cache shared by every clone
# (default ~/.cache/nasflow/torch-<version>): the wheels are several GB, and a clean clone (CI) reuses it instead of
# downloading them again. Idempotent: no network when torch is already there. Prints the interpreter's path last.
# Env: NASFLOW_TORCH_VENV (where), TORCH_VERSION (default 2.7.1), PYTHON (default python3).
set -euo pipefail
torch_version="${TORCH_VERSION:-2.7.1}"
venv="${NASFLOW_TORCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/nasflow/torch-$torch_version}"
python="${PYTHON:-python3}"
have() {
  "$venv/bin/python" -c 'import importlib.metadata as m, sys
try:
    v = m.version("torch")
except m.PackageNotFoundError:
    sys.exit(1)
import torch, numpy
print(v)' 2>/dev/null
}
current="$(have || true)"
if [ "${current%%+*}" != "$torch_version" ]; then
  mkdir -p "$(dirname "$venv")"
  if [ ! -x "$venv/bin/python" ]; then
    echo "setup-torch: creating virtual environment $venv" >&2
    "$python" -m venv "$venv" || { echo "setup-torch: '$python -m venv' failed (Debian: apt-get install python3-venv)" >&2; rm -rf "$venv"; exit 1; }
  fi
  echo "setup-torch: installing torch==$torch_version and numpy from PyPI into $venv (large download, once)" >&2
  # a half-finished install (interrupted download) is repaired by the next run: pip reinstalls what is missing
  "$venv/bin/python" -m pip install --disable-pip-version-check -q "torch==$torch_version" numpy >&2
  current="$(have)" || { echo "setup-torch: torch installed but 'import torch' fails in $venv" >&2; exit 1; }
fi
echo "setup-torch: torch $current in $venv" >&2
echo "$venv/bin/python"
