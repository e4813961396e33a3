package dev.nasflow.train;

import java.util.Arrays;
import java.util.Random;

/**
 * Images held in memory as unsigned bytes, NCHW order (one image = channels·height·width bytes), with an int label
 * each. Immutable after construction; subsets copy.
 */
public final class ImageData {
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final byte[] pixels;
    private final int[] labels;

    public ImageData(int channels, int height, int width, int classes, byte[] pixels, int[] labels) {
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixel buffer has " + pixels.length + " bytes, expected " + expected
                    + " for " + labels.length + " images of " + channels + "x" + height + "x" + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.pixels = pixels;
        this.labels = labels;
    }

    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int classes() {
        return classes;
    }

    public int imageBytes() {
        return channels * height * width;
    }

    public int label(int i) {
        return labels[i];
    }

    /** Pixel {@code (c, y, x)} of image {@code i}, 0..255. */
    public int pixel(int i, int c, int y, int x) {
        return pixels[((i * channels + c) * height + y) * width + x] & 0xff;
    }

    byte[] pixels() {
        return pixels;
    }

    /** The images at {@code indices}, in that order. */
    public ImageData subset(int[] indices) {
        int n = imageBytes();
        byte[] p = new byte[indices.length * n];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * n, p, k * n, n);
            l[k] = labels[indices[k]];
        }
        return new ImageData(channels, height, width, classes, p, l);
    }

    /** A seeded random {@code fraction} of the images (at least one), in random order. */
    public ImageData fraction(double fraction, long seed) {
        if (fraction >= 1.0) {
            return this;
        }
        int[] perm = permutation(size(), seed);
        int keep = Math.max(1, (int) Math.round(size() * fraction));
        return subset(Arrays.copyOf(perm, keep));
    }

    /** This data at {@code side × side} (bilinear, half-pixel centres like PyTorch's align_corners=False). */
    public ImageData resized(int side) {
        if (side == height && side == width) {
            return this;
        }
        int n = size();
        byte[] out = new byte[n * channels * side * side];
        double sy = (double) height / side;
        double sx = (double) width / side;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int src = (i * channels + c) * height * width;
                int dst = (i * channels + c) * side * side;
                for (int y = 0; y < side; y++) {
                    double fy = Math.max(0, (y + 0.5) * sy - 0.5);
                    int y0 = Math.min((int) fy, height - 1);
                    int y1 = Math.min(y0 + 1, height - 1);
                    double wy = fy - y0;
                    for (int x = 0; x < side; x++) {
                        double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                        int x0 = Math.min((int) fx, width - 1);
                        int x1 = Math.min(x0 + 1, width - 1);
                        double wx = fx - x0;
                        double v = (1 - wy) * ((1 - wx) * u(src + y0 * width + x0) + wx * u(src + y0 * width + x1))
                                + wy * ((1 - wx) * u(src + y1 * width + x0) + wx * u(src + y1 * width + x1));
                        out[dst + y * side + x] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                    }
                }
            }
        }
        return new ImageData(channels, side, side, classes, out, labels.clone());
    }

    private int u(int k) {
        return pixels[k] & 0xff;
    }

    /** Per-channel mean and standard deviation of the pixels scaled to [0, 1]. */
    public float[][] channelStats() {
        float[] mean = new float[channels];
        float[] std = new float[channels];
        int hw = height * width;
        for (int c = 0; c < channels; c++) {
            double s = 0;
            double s2 = 0;
            for (int i = 0; i < size(); i++) {
                int base = (i * channels + c) * hw;
                for (int k = 0; k < hw; k++) {
                    double v = (pixels[base + k] & 0xff) / 255.0;
                    s += v;
                    s2 += v * v;
                }
            }
            double cnt = (double) size() * hw;
            double m = s / cnt;
            mean[c] = (float) m;
            std[c] = (float) Math.max(1e-3, Math.sqrt(Math.max(0, s2 / cnt - m * m)));
        }
        return new float[][] {mean, std};
    }

    /** Fisher-Yates permutation of 0..n-1 from {@code seed}. */
    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
