package dev.nasflow.train;

import java.util.Random;

/**
 * Turns images into normalized float batches (NCHW), with the recipe's augmentation for training batches: a random
 * crop of the image zero-padded by {@code cropPadding} pixels on each side (the pad is black, as in torchvision's
 * {@code RandomCrop(padding=p)}), and a horizontal flip with probability 1/2.
 */
final class Batches {
    private final ImageData data;
    private final float[][] lut;
    private final int cropPadding;
    private final boolean flip;

    Batches(ImageData data, float[] mean, float[] std, int cropPadding, boolean flip) {
        this.data = data;
        this.cropPadding = cropPadding;
        this.flip = flip;
        lut = new float[data.channels()][256];
        for (int c = 0; c < data.channels(); c++) {
            for (int v = 0; v < 256; v++) {
                lut[c][v] = (v / 255f - mean[c]) / std[c];
            }
        }
    }

    /** Batches without augmentation (validation, test, latency input). */
    Batches(ImageData data, float[] mean, float[] std) {
        this(data, mean, std, 0, false);
    }

    ImageData data() {
        return data;
    }

    /** A seeded order of {@code n} images: 0..n-1 shuffled by Fisher-Yates from the last index down. */
    static int[] permutation(int n, Random rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** Images {@code order[from..to)} as floats; augmented with {@code rng} when it is not null. */
    float[] images(int[] order, int from, int to, Random rng) {
        int ch = data.channels();
        int h = data.height();
        int w = data.width();
        int plane = h * w;
        byte[] px = data.pixels();
        float[] out = new float[(to - from) * ch * plane];
        for (int k = from; k < to; k++) {
            int i = order[k];
            int dy = 0;
            int dx = 0;
            boolean mirror = false;
            if (rng != null) {
                if (cropPadding > 0) {
                    dy = rng.nextInt(2 * cropPadding + 1) - cropPadding;
                    dx = rng.nextInt(2 * cropPadding + 1) - cropPadding;
                }
                mirror = flip && rng.nextBoolean();
            }
            int dst = (k - from) * ch * plane;
            for (int c = 0; c < ch; c++) {
                float[] table = lut[c];
                int src = (i * ch + c) * plane;
                int o = dst + c * plane;
                if (dy == 0 && dx == 0 && !mirror) {
                    for (int p = 0; p < plane; p++) {
                        out[o + p] = table[px[src + p] & 0xff];
                    }
                    continue;
                }
                float pad = table[0];
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = (mirror ? w - 1 - x : x) + dx;
                        out[o + y * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? pad
                                : table[px[src + sy * w + sx] & 0xff];
                    }
                }
            }
        }
        return out;
    }

    float[] labels(int[] order, int from, int to) {
        float[] out = new float[to - from];
        for (int k = from; k < to; k++) {
            out[k - from] = data.label(order[k]);
        }
        return out;
    }
}
