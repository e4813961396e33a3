#!/usr/bin/env python3
"""PyTorch-eager counterpart of `nasflow bench train`: the same reference CNN, batch, threads and optimizer.

Prints one JSON object: {"engine": "pytorch-eager", "version", "threads", "batch", "steps", "seconds",
"imagesPerSecond", "params"}. Run by `nasflow bench train --pytorch auto` (from .venv/bin/python); usable alone:

    .venv/bin/python bench/pytorch_train.py --threads 2 --batch 128 --steps 50 --warmup 10

Reference CNN (the chain genome conv/k3/w32/relu|conv/k3/w64/relu|conv/k3/w64/relu of docs/SPACES.md, stem 16,
strides 1, 2, 2; 61,050 parameters) on 1x28x28 inputs, 10 classes; SGD momentum 0.9, lr 0.05, weight decay 5e-4;
softmax cross-entropy. Synthetic data (throughput does not depend on the values).
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn


def conv_bn_relu(cin, cout, stride):
    return [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]


def reference_cnn(classes=10):
    layers = conv_bn_relu(1, 16, 1)  # stem
    layers += conv_bn_relu(16, 32, 1)
    layers += conv_bn_relu(32, 64, 2)
    layers += conv_bn_relu(64, 64, 2)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes)]
    return nn.Sequential(*layers)


def make_train_step(model, opt, loss_fn, xs, ys, amp, dev):
    """step(i) -> loss: one optimizer step on batch i % len(xs); amp none|fp32 (FP32), bf16 or fp16 (torch.autocast,
    fp16 with a GradScaler). Shared with bench/gpu_export_check.py."""
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(amp)
    scaler = torch.amp.GradScaler(dev.type) if amp == "fp16" else None

    def step(i):
        opt.zero_grad(set_to_none=True)
        with torch.autocast(dev.type, dtype=dtype or torch.bfloat16, enabled=dtype is not None):
            loss = loss_fn(model(xs[i % len(xs)]), ys[i % len(ys)])
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        else:
            loss.backward()
            opt.step()
        return loss

    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--device", default="cpu", help="cpu (default, the DJL comparison) or cuda")
    ap.add_argument("--amp", default="none", choices=["none", "bf16", "fp16"],
                    help="mixed precision with torch.autocast (fp16 adds a GradScaler); default none = FP32")
    a = ap.parse_args()
    dev = torch.device(a.device)
    if dev.type == "cuda":
        # true FP32 unless --amp: TF32 is on by default for cuDNN convolutions
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = reference_cnn().to(dev)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    xs = [torch.randn(a.batch, 1, 28, 28).to(dev) for _ in range(4)]
    ys = [torch.randint(0, 10, (a.batch,)).to(dev) for _ in range(4)]
    train_step = make_train_step(model, opt, loss_fn, xs, ys, a.amp, dev)

    def step(i):
        return train_step(i).item()

    for i in range(a.warmup):
        step(i)
    t0 = time.perf_counter()
    for i in range(a.steps):
        step(i)
    dt = time.perf_counter() - t0
    print(json.dumps({
        "engine": "pytorch-eager",
        "device": a.device,
        "amp": a.amp,
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "batch": a.batch,
        "steps": a.steps,
        "seconds": dt,
        "imagesPerSecond": a.steps * a.batch / dt,
        "params": sum(p.numel() for p in model.parameters() if p.requires_grad),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
