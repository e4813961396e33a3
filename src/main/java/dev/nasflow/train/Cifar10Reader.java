package dev.nasflow.train;

import dev.nasflow.activity.NonRetryableTrainingException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CIFAR-10 binary batches ({@code cifar-10-binary.tar.gz} extracted): {@code data_batch_1.bin} ... {@code _5.bin}
 * and {@code test_batch.bin} in the directory (or in its {@code cifar-10-batches-bin} subdirectory). Each record is 1
 * label byte (0..9) followed by 3·32·32 pixel bytes (R, G, B planes). Malformed input is a
 * {@link NonRetryableTrainingException} naming the file and the fix.
 */
public final class Cifar10Reader {
    static final int SIDE = 32;
    static final int IMAGE = 3 * SIDE * SIDE;
    static final int RECORD = 1 + IMAGE;

    private Cifar10Reader() {
    }

    /** Training set (all data batches) and test set (null when test_batch.bin is absent). */
    public static ImageData[] read(Path path) {
        Path dir = path;
        if (Files.isDirectory(dir.resolve("cifar-10-batches-bin"))) {
            dir = dir.resolve("cifar-10-batches-bin");
        }
        if (!Files.isDirectory(dir)) {
            throw new NonRetryableTrainingException("data.path " + path + (Files.exists(path) ? " is not a directory"
                    : " does not exist") + "; a cifar10-binary dataset is the directory of data_batch_1.bin .. "
                    + "data_batch_5.bin and test_batch.bin (fix: extract cifar-10-binary.tar.gz and point data.path "
                    + "at cifar-10-batches-bin)");
        }
        List<Path> batches = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("data_batch_\\d+\\.bin")).sorted().forEach(batches::add);
        } catch (IOException e) {
            throw new NonRetryableTrainingException("data.path " + dir + " cannot be listed: " + e.getMessage(), e);
        }
        if (batches.isEmpty()) {
            throw new NonRetryableTrainingException("data.path " + dir + " has no data_batch_N.bin file (fix: point "
                    + "data.path at the extracted cifar-10-batches-bin directory)");
        }
        ImageData train = readBatches(batches);
        Path test = dir.resolve("test_batch.bin");
        return new ImageData[] {train, Files.isRegularFile(test) ? readBatches(List.of(test)) : null};
    }

    static ImageData readBatches(List<Path> files) {
        long total = 0;
        for (Path f : files) {
            long size;
            try {
                size = Files.size(f);
            } catch (IOException e) {
                throw new NonRetryableTrainingException("cannot read " + f + ": " + e.getMessage(), e);
            }
            if (size == 0 || size % RECORD != 0) {
                throw new NonRetryableTrainingException("shape mismatch: " + f + " has " + size + " bytes, not a "
                        + "multiple of " + RECORD + " (1 label byte + 3x32x32 pixels per record)"
                        + (size % (RECORD + 1) == 0 ? "; it looks like CIFAR-100 (2 label bytes), which is not "
                        + "supported" : "") + " (fix: use the CIFAR-10 binary version, uncorrupted)");
            }
            total += size / RECORD;
        }
        if (total * IMAGE > Integer.MAX_VALUE - 16) {
            throw new NonRetryableTrainingException("too many CIFAR records (" + total + ") for one array");
        }
        byte[] pixels = new byte[(int) (total * IMAGE)];
        int[] labels = new int[(int) total];
        int n = 0;
        for (Path f : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new NonRetryableTrainingException("cannot read " + f + ": " + e.getMessage(), e);
            }
            for (int off = 0; off < bytes.length; off += RECORD, n++) {
                int label = bytes[off] & 0xff;
                if (label > 9) {
                    throw new NonRetryableTrainingException("bad label " + label + " in record " + (off / RECORD)
                            + " of " + f + ": CIFAR-10 labels are 0..9 (fix: the file is corrupted or not CIFAR-10)");
                }
                labels[n] = label;
                System.arraycopy(bytes, off + 1, pixels, n * IMAGE, IMAGE);
            }
        }
        return new ImageData(3, SIDE, SIDE, 10, pixels, labels);
    }
}
