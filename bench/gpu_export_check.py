#!/usr/bin/env python3
"""GPU check of nasflow's PyTorch export: parity with DJL on CUDA, and mixed-precision (AMP) training of the module.

For every export directory given (as written by TorchExportParityTest into target/torch-export-test/<name>/:
model.py, weights.bin/json, input.bin, input-shape.txt, djl-logits.bin = DJL's CPU logits of input.bin):

  1. FP32 on the GPU: max |torch(cuda) - DJL(cpu)| over the logits (target <= 1e-4, as on CPU);
  2. inference under torch.autocast bf16 and fp16: max |amp - DJL| (reported; low precision, no target);
  3. training throughput on the GPU at --batch, FP32 vs TF32 vs AMP bf16 vs AMP fp16 (fp16 with GradScaler), SGD momentum,
     synthetic data, --steps timed steps after --warmup; the last loss of each is checked finite.

Prints one JSON object per line per model and a final summary line {"ok": bool, ...}. Exit 1 when a parity check
fails or a loss is not finite. Usage (on a machine with CUDA PyTorch):

    python3 bench/gpu_export_check.py target/torch-export-test/*  [--batch 256 --steps 50 --warmup 10]
"""
import argparse
import importlib.util
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_train import make_train_step  # noqa: E402


def load_export(d):
    spec = importlib.util.spec_from_file_location("model_" + os.path.basename(d).replace("-", "_"),
                                                  os.path.join(d, "model.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.load(d)


def read_f32(path):
    return torch.frombuffer(bytearray(open(path, "rb").read()), dtype=torch.float32)


def sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize()


def train_throughput(net, shape, classes, batch, steps, warmup, mode, dev):
    net = net.to(dev).train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator(device="cpu").manual_seed(1)
    xs = [torch.randn(batch, *shape[1:], generator=g).to(dev) for _ in range(4)]
    ys = [torch.randint(0, classes, (batch,), generator=g).to(dev) for _ in range(4)]
    tf32 = mode == "tf32"
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    step = make_train_step(net, opt, loss_fn, xs, ys, mode, dev)

    for i in range(warmup):
        step(i)
    sync(dev)
    t0 = time.perf_counter()
    for i in range(steps):
        loss = step(i)
    sync(dev)
    dt = time.perf_counter() - t0
    last = float(loss.detach().float().item())
    return {"imagesPerSecond": round(steps * batch / dt, 1), "lastLoss": round(last, 4),
            "finite": math.isfinite(last)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--device", default="cuda", help="cuda (default) or cpu (a smoke test of this script)")
    a = ap.parse_args()
    if a.device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"ok": False, "error": "torch.cuda.is_available() is false"}))
        return 1
    dev = torch.device(a.device)
    ok = True
    # parity is checked in true FP32: TF32 (on by default for cuDNN convolutions) is off except in the "tf32" run
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda, "device": a.device,
                      "gpu": torch.cuda.get_device_name(0) if dev.type == "cuda" else None,
                      "bf16Supported": torch.cuda.is_bf16_supported() if dev.type == "cuda" else None}),
          flush=True)
    for d in a.dirs:
        name = os.path.basename(os.path.normpath(d))
        shape = [int(v) for v in open(os.path.join(d, "input-shape.txt")).read().split()]
        x = read_f32(os.path.join(d, "input.bin")).reshape(*shape)
        ref = read_f32(os.path.join(d, "djl-logits.bin"))
        net = load_export(d).to(dev).eval()
        res = {"model": name, "params": sum(p.numel() for p in net.parameters()), "input": shape[1:]}
        with torch.no_grad():
            y = net(x.to(dev)).float().cpu().flatten()
            res["fp32MaxAbsDiff"] = float((y - ref).abs().max())
            for mode, dt in (("bf16", torch.bfloat16), ("fp16", torch.float16)):
                with torch.autocast(dev.type, dtype=dt):
                    ya = net(x.to(dev)).float().cpu().flatten()
                res[mode + "MaxAbsDiff"] = float((ya - ref).abs().max())
        res["fp32ParityOk"] = res["fp32MaxAbsDiff"] <= 1e-4
        classes = ref.numel() // shape[0]
        train = {}
        modes = ("fp32", "tf32", "bf16", "fp16") if dev.type == "cuda" else ("fp32", "bf16")
        for mode in modes:
            fresh = load_export(d)
            train[mode] = train_throughput(fresh, shape, classes, a.batch, a.steps, a.warmup, mode, dev)
            ok = ok and train[mode]["finite"]
        res["train"] = train
        res["ampSpeedupBf16"] = round(train["bf16"]["imagesPerSecond"] / train["fp32"]["imagesPerSecond"], 3)
        if "fp16" in train:
            res["ampSpeedupFp16"] = round(train["fp16"]["imagesPerSecond"] / train["fp32"]["imagesPerSecond"], 3)
            res["tf32Speedup"] = round(train["tf32"]["imagesPerSecond"] / train["fp32"]["imagesPerSecond"], 3)
        ok = ok and res["fp32ParityOk"]
        print(json.dumps(res), flush=True)
    print(json.dumps({"ok": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
