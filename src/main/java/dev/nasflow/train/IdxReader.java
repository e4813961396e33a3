package dev.nasflow.train;

import dev.nasflow.activity.NonRetryableTrainingException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * IDX files (MNIST, Fashion-MNIST, KMNIST...): {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-*} (or {@code test-*}) in one directory, each raw or gzip-compressed (detected from the content, any
 * {@code .gz} suffix). Only unsigned-byte IDX (type 0x08) is read: images of 3 dimensions (n, rows, cols), labels
 * of 1. Every malformed input is a {@link NonRetryableTrainingException} naming the file and the problem.
 */
public final class IdxReader {
    static final int UBYTE = 0x08;

    private IdxReader() {
    }

    /** The training and (when present) test sets of the IDX directory {@code dir}; test is null when absent. */
    public static ImageData[] read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new NonRetryableTrainingException("data.path " + dir + (Files.exists(dir) ? " is not a directory"
                    : " does not exist") + "; an idx dataset is a directory holding train-images-idx3-ubyte[.gz] "
                    + "and train-labels-idx1-ubyte[.gz] (fix: point data.path at it, e.g. "
                    + "/usr/share/datasets/fashion-mnist from the Debian package dataset-fashion-mnist)");
        }
        Path trainImages = find(dir, List.of("train-images"), true, "train-images-idx3-ubyte[.gz]");
        Path trainLabels = find(dir, List.of("train-labels"), true, "train-labels-idx1-ubyte[.gz]");
        ImageData train = pair(trainImages, trainLabels);
        Path testImages = find(dir, List.of("t10k-images", "test-images"), false, null);
        Path testLabels = find(dir, List.of("t10k-labels", "test-labels"), false, null);
        if ((testImages == null) != (testLabels == null)) {
            throw new NonRetryableTrainingException("data.path " + dir + " has test " + (testImages == null
                    ? "labels but no t10k-images-idx3-ubyte[.gz]" : "images but no t10k-labels-idx1-ubyte[.gz]")
                    + " (fix: add the missing file or remove the other)");
        }
        ImageData test = testImages == null ? null : pair(testImages, testLabels);
        if (test != null && (test.height() != train.height() || test.width() != train.width())) {
            throw new NonRetryableTrainingException("shape mismatch: test images in " + testImages + " are "
                    + test.height() + "x" + test.width() + " but training images are " + train.height() + "x"
                    + train.width() + " (fix: use test files of the same dataset)");
        }
        int classes = Math.max(train.classes(), test == null ? 0 : test.classes());
        return new ImageData[] {withClasses(train, classes), test == null ? null : withClasses(test, classes)};
    }

    private static ImageData withClasses(ImageData d, int classes) {
        return d.classes() == classes ? d
                : new ImageData(d.channels(), d.height(), d.width(), classes, d.pixels(), labelsOf(d));
    }

    private static int[] labelsOf(ImageData d) {
        int[] l = new int[d.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = d.label(i);
        }
        return l;
    }

    private static Path find(Path dir, List<String> prefixes, boolean required, String expected) {
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).forEach(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                for (String prefix : prefixes) {
                    if (n.startsWith(prefix)) {
                        hits.add(p);
                    }
                }
            });
        } catch (IOException e) {
            throw new NonRetryableTrainingException("data.path " + dir + " cannot be listed: " + e.getMessage(), e);
        }
        hits.sort(null);
        if (hits.isEmpty()) {
            if (required) {
                throw new NonRetryableTrainingException("data.path " + dir + " has no " + expected
                        + " (fix: point data.path at a directory with the IDX files, e.g. "
                        + "/usr/share/datasets/fashion-mnist)");
            }
            return null;
        }
        if (hits.size() > 1) {
            throw new NonRetryableTrainingException("data.path " + dir + " has several candidates for "
                    + prefixes.get(0) + ": " + hits.stream().map(p -> p.getFileName().toString()).toList()
                    + " (fix: keep one of them, raw or .gz)");
        }
        return hits.get(0);
    }

    private static ImageData pair(Path imagesFile, Path labelsFile) {
        int[] dims = new int[3];
        byte[] pixels = readIdx(imagesFile, 3, dims);
        int[] ldims = new int[1];
        byte[] labelBytes = readIdx(labelsFile, 1, ldims);
        if (ldims[0] != dims[0]) {
            throw new NonRetryableTrainingException("shape mismatch: " + imagesFile.getFileName() + " holds "
                    + dims[0] + " images but " + labelsFile.getFileName() + " holds " + ldims[0]
                    + " labels (fix: use the label file that belongs to these images)");
        }
        int[] labels = new int[ldims[0]];
        int max = 0;
        for (int i = 0; i < labels.length; i++) {
            labels[i] = labelBytes[i] & 0xff;
            max = Math.max(max, labels[i]);
        }
        return new ImageData(1, dims[1], dims[2], Math.max(10, max + 1), pixels, labels);
    }

    /** Reads an unsigned-byte IDX file of {@code rank} dimensions into {@code dims}; returns the data bytes. */
    static byte[] readIdx(Path file, int rank, int[] dims) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16))
                    : raw;
            DataInputStream data = new DataInputStream(in);
            int magic;
            try {
                magic = data.readInt();
            } catch (EOFException e) {
                throw new NonRetryableTrainingException("bad IDX file " + file + ": shorter than its 4-byte header "
                        + "(fix: re-download or re-extract it)");
            }
            int type = (magic >> 8) & 0xff;
            int fileRank = magic & 0xff;
            if ((magic >>> 16) != 0 || type != UBYTE || fileRank != rank) {
                throw new NonRetryableTrainingException(String.format(Locale.ROOT, "bad magic number 0x%08X in %s: "
                        + "expected 0x%08X (IDX, unsigned bytes, %d dimension%s) (fix: check that this is an %s "
                        + "file and not truncated or of another format)", magic, file, (UBYTE << 8) | rank, rank,
                        rank == 1 ? "" : "s", rank == 1 ? "IDX label" : "IDX image"));
            }
            long total = 1;
            for (int d = 0; d < rank; d++) {
                dims[d] = data.readInt();
                if (dims[d] <= 0) {
                    throw new NonRetryableTrainingException("bad IDX file " + file + ": dimension " + d + " is "
                            + dims[d] + " (fix: re-download the file)");
                }
                total *= dims[d];
            }
            if (total > Integer.MAX_VALUE - 16) {
                throw new NonRetryableTrainingException("IDX file " + file + " holds " + total
                        + " bytes, more than one array can hold (fix: use data.dataFraction on a split file)");
            }
            byte[] out = new byte[(int) total];
            try {
                data.readFully(out);
            } catch (EOFException e) {
                throw new NonRetryableTrainingException("shape mismatch: IDX file " + file + " is truncated: its "
                        + "header promises " + total + " data bytes (fix: re-download or re-extract it)");
            }
            if (data.read() != -1) {
                throw new NonRetryableTrainingException("shape mismatch: IDX file " + file + " has bytes beyond the "
                        + total + " its header declares (fix: check the file is not corrupted or concatenated)");
            }
            return out;
        } catch (IOException e) {
            throw new NonRetryableTrainingException("cannot read IDX file " + file + ": " + e.getMessage()
                    + " (fix: check the file and its permissions)", e);
        }
    }
}
