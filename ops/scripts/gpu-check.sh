#!/usr/bin/env bash
# GPU checks for a machine with an NVIDIA GPU and a CUDA PyTorch but possibly no JDK, no network and no Maven.
#
#   bash ops/scripts/gpu-check.sh prepare   # here (needs a built target/ and ops/scripts/setup-torch.sh's torch):
#                                           # writes .gpu/ = a jlink'd JRE, the DJL jars (without the CPU native
#                                           # library), bench/DjlGpuProbe compiled, and the PyTorch exports of
#                                           # TorchExportParityTest with DJL's reference logits (about 45 MB)
#   bash ops/scripts/gpu-check.sh run [OUT] # on the GPU machine, with .gpu/ copied beside the repo's files
#
# `run` reports, as JSON lines (also written to OUT/gpu-check.log when OUT is given):
#   1. the GPU and the CUDA PyTorch found there (python3 -c 'import torch');
#   2. DJL's PyTorch engine (0.36.0, JNI built for libtorch 2.7.1, cu128 flavour) loaded against that machine's
#      CUDA libtorch through PYTORCH_LIBRARY_PATH: engine load, GPU count, tensor creation, FP16/BF16 math on the GPU;
#   3. bench/gpu_export_check.py: the exported PyTorch modules on the GPU (FP32 parity with DJL's CPU logits,
#      autocast bf16/fp16 error, training images/s FP32 vs TF32 vs AMP bf16 vs AMP fp16);
#   4. bench/pytorch_train.py: the `nasflow bench train` reference CNN on the GPU, FP32 vs AMP bf16 vs AMP fp16.
# Results of the run of 2026-11-28 are in docs/TRAINING.md ("GPU and precision").
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
mode="${1:-}"

prepare() {
  set -e
  [ -f target/nasflow.jar ] || (mvn -q -B -DskipTests package)
  local jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
  rm -rf .gpu && mkdir -p .gpu/lib .gpu/export
  grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || { mkdir -p .git/info; echo '/.gpu/' >> .git/info/exclude; }
  "$jdk/bin/jlink" --add-modules java.base,java.logging,jdk.unsupported --strip-debug --no-header-files \
    --no-man-pages --compress=2 --output .gpu/jre
  for j in api-0.36.0 pytorch-engine-0.36.0 pytorch-jni-2.7.1-0.36.0 gson-2.10.1 jna-5.17.0 slf4j-api-2.0.20 \
           slf4j-simple-2.0.20 commons-compress-1.28.0; do
    cp "target/lib/$j.jar" .gpu/lib/
  done
  "$jdk/bin/javac" --release 17 -cp ".gpu/lib/*" -d .gpu/classes bench/DjlGpuProbe.java
  if [ ! -f target/torch-export-test/nb201/djl-logits.bin ]; then
    mvn -q -B test -Dtest=TorchExportParityTest -Dsurefire.failIfNoSpecifiedTests=false
  fi
  cp -r target/torch-export-test/* .gpu/export/
  du -sh .gpu
}

run() {
  local out="${1:-}"
  local log=/dev/null
  if [ -n "$out" ]; then mkdir -p "$out"; log="$out/gpu-check.log"; fi
  {
    echo "== gpu"
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "nvidia-smi failed"
    local py="${NASFLOW_GPU_PYTHON:-python3}"
    "$py" -c 'import json, torch; print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda, "available": torch.cuda.is_available()}))'
    local torchlib
    torchlib="$("$py" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
    echo "== djl probe (PYTORCH_LIBRARY_PATH=$torchlib)"
    local java=java
    command -v java >/dev/null 2>&1 || java=.gpu/jre/bin/java
    "$java" -version 2>&1 | head -1
    DJL_OFFLINE=true ENGINE_CACHE_DIR="${TMPDIR:-/tmp}/nasflow-djl-gpu" PYTORCH_LIBRARY_PATH="$torchlib" \
      PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 \
      timeout 180 "$java" -cp ".gpu/classes:.gpu/lib/*" DjlGpuProbe 2>&1 | grep -v ' INFO '
    echo "djl probe exit ${PIPESTATUS[0]}"
    echo "== exported modules on the GPU"
    PYTHONUNBUFFERED=1 timeout 240 "$py" bench/gpu_export_check.py .gpu/export/* --batch 256 --steps 50 --warmup 10
    echo "== reference CNN (bench train) on the GPU"
    for amp in none bf16 fp16; do
      PYTHONUNBUFFERED=1 timeout 60 "$py" bench/pytorch_train.py --device cuda --amp "$amp" --batch 128 \
        --steps 200 --warmup 20
      PYTHONUNBUFFERED=1 timeout 60 "$py" bench/pytorch_train.py --device cuda --amp "$amp" --batch 1024 \
        --steps 100 --warmup 10
    done
  } 2>&1 | tee "$log"
}

case "$mode" in
  prepare) prepare ;;
  run) shift; run "${1:-}" ;;
  *) echo "usage: $0 prepare | run [OUT]" >&2; exit 2 ;;
esac
