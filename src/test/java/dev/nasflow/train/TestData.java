package dev.nasflow.train;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Tiny generated datasets: class k is a bright 3x3 blob at a class-specific place, plus noise. */
final class TestData {
    private TestData() {
    }

    static byte[] image(int label, int side, Random rng, int channels) {
        byte[] px = new byte[channels * side * side];
        int cy = 1 + (label / 4) * (side - 3) / 3;
        int cx = 1 + (label % 4) * (side - 3) / 4;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int v = rng.nextInt(60);
                    if (Math.abs(y - cy) <= 1 && Math.abs(x - cx) <= 1) {
                        v = 200 + rng.nextInt(56);
                    }
                    px[(c * side + y) * side + x] = (byte) v;
                }
            }
        }
        return px;
    }

    /** Writes train (n) and t10k (nTest) IDX files into {@code dir}; gzip when {@code gz}. */
    static Path idx(Path dir, int n, int nTest, int side, boolean gz, long seed) throws IOException {
        Files.createDirectories(dir);
        Random rng = new Random(seed);
        writeIdxPair(dir, "train", n, side, gz, rng);
        if (nTest > 0) {
            writeIdxPair(dir, "t10k", nTest, side, gz, rng);
        }
        return dir;
    }

    private static void writeIdxPair(Path dir, String prefix, int n, int side, boolean gz, Random rng)
            throws IOException {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        DataOutputStream im = new DataOutputStream(images);
        DataOutputStream lb = new DataOutputStream(labels);
        im.writeInt(0x803);
        im.writeInt(n);
        im.writeInt(side);
        im.writeInt(side);
        lb.writeInt(0x801);
        lb.writeInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 10;
            im.write(image(label, side, rng, 1));
            lb.writeByte(label);
        }
        String suffix = gz ? ".gz" : "";
        write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), images.toByteArray(), gz);
        write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), labels.toByteArray(), gz);
    }

    static void write(Path file, byte[] bytes, boolean gz) throws IOException {
        try (OutputStream out = gz ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes);
        }
    }

    /** CIFAR-10 binary: {@code batches} data batches of {@code perBatch} records and a test batch. */
    static Path cifar(Path dir, int batches, int perBatch, long seed) throws IOException {
        Files.createDirectories(dir);
        Random rng = new Random(seed);
        for (int b = 0; b <= batches; b++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < perBatch; i++) {
                int label = (i + b) % 10;
                out.write(label);
                out.write(image(label, 32, rng, 3));
            }
            String name = b == batches ? "test_batch.bin" : "data_batch_" + (b + 1) + ".bin";
            Files.write(dir.resolve(name), out.toByteArray());
        }
        return dir;
    }

    /** An image folder with {@code classes} classes of {@code perClass} PNGs of side {@code side}. */
    static Path folder(Path dir, int classes, int perClass, int side, long seed) throws IOException {
        Random rng = new Random(seed);
        for (int c = 0; c < classes; c++) {
            Path cd = Files.createDirectories(dir.resolve("class" + c));
            for (int i = 0; i < perClass; i++) {
                byte[] px = image(c, side, rng, 3);
                BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        int r = px[y * side + x] & 0xff;
                        int g = px[side * side + y * side + x] & 0xff;
                        int b = px[2 * side * side + y * side + x] & 0xff;
                        img.setRGB(x, y, (r << 16) | (g << 8) | b);
                    }
                }
                ImageIO.write(img, "png", cd.resolve("img" + i + ".png").toFile());
            }
        }
        return dir;
    }
}
