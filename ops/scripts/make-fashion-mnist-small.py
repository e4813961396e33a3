#!/usr/bin/env python3
"""Writes the class-balanced Fashion-MNIST subset committed under activities/data/fashion-mnist-small/.

Usage: make-fashion-mnist-small.py [SRC_DIR] [OUT_DIR] [TRAIN_PER_CLASS] [TEST_PER_CLASS]
SRC_DIR defaults to /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist, MIT licence).
The selection is deterministic: the first TRAIN_PER_CLASS (TEST_PER_CLASS) images of each class in file order.
"""
import gzip
import os
import struct
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
out = sys.argv[2] if len(sys.argv) > 2 else "activities/data/fashion-mnist-small"
train_per_class = int(sys.argv[3]) if len(sys.argv) > 3 else 600
test_per_class = int(sys.argv[4]) if len(sys.argv) > 4 else 100


def read(prefix):
    with gzip.open(os.path.join(src, prefix + "-images-idx3-ubyte.gz")) as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 0x803, hex(magic)
        images = f.read(n * rows * cols)
    with gzip.open(os.path.join(src, prefix + "-labels-idx1-ubyte.gz")) as f:
        magic, m = struct.unpack(">II", f.read(8))
        assert magic == 0x801 and m == n, (hex(magic), m, n)
        labels = f.read(n)
    return images, labels, rows, cols


def write(prefix, per_class):
    images, labels, rows, cols = read(prefix)
    size = rows * cols
    counts = [0] * 10
    keep = []
    for i, label in enumerate(labels):
        if counts[label] < per_class:
            counts[label] += 1
            keep.append(i)
    os.makedirs(out, exist_ok=True)
    # mtime=0: byte-identical output on every run
    with open(os.path.join(out, prefix + "-images-idx3-ubyte.gz"), "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(struct.pack(">IIII", 0x803, len(keep), rows, cols))
        for i in keep:
            f.write(images[i * size:(i + 1) * size])
    with open(os.path.join(out, prefix + "-labels-idx1-ubyte.gz"), "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(struct.pack(">II", 0x801, len(keep)))
        f.write(bytes(labels[i] for i in keep))
    print(prefix, len(keep), "images")


write("train", train_per_class)
write("t10k", test_per_class)
