package dev.nasflow.train;

import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.model.DataSpec;
import dev.nasflow.spec.PathPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {
    @TempDir
    Path tmp;

    private PathPolicy policy() {
        return new PathPolicy(tmp, List.of());
    }

    @Test
    void idxRawAndGzipReadTheSame() throws IOException {
        ImageData[] raw = IdxReader.read(TestData.idx(tmp.resolve("raw"), 50, 20, 12, false, 1));
        ImageData[] gz = IdxReader.read(TestData.idx(tmp.resolve("gz"), 50, 20, 12, true, 1));
        assertEquals(50, raw[0].size());
        assertEquals(20, raw[1].size());
        assertEquals(12, raw[0].height());
        assertEquals(10, raw[0].classes());
        assertArrayEquals(raw[0].pixels(), gz[0].pixels());
        assertEquals(raw[1].label(7), gz[1].label(7));
    }

    @Test
    void idxWithoutTestSplit() throws IOException {
        ImageData[] d = IdxReader.read(TestData.idx(tmp.resolve("notest"), 30, 0, 8, true, 2));
        assertNull(d[1]);
    }

    @Test
    void idxErrorsAreNonRetryableAndSayWhat() throws IOException {
        Path dir = TestData.idx(tmp.resolve("bad"), 20, 0, 8, false, 3);
        // bad magic
        byte[] images = Files.readAllBytes(dir.resolve("train-images-idx3-ubyte"));
        images[2] = 0x0D; // float type
        Files.write(dir.resolve("train-images-idx3-ubyte"), images);
        var e = assertThrows(NonRetryableTrainingException.class, () -> IdxReader.read(dir));
        assertTrue(e.getMessage().contains("bad magic number 0x00000D03"), e.getMessage());
        // truncated
        images[2] = 0x08;
        Files.write(dir.resolve("train-images-idx3-ubyte"), java.util.Arrays.copyOf(images, images.length - 5));
        e = assertThrows(NonRetryableTrainingException.class, () -> IdxReader.read(dir));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        // label count differs from image count
        Files.write(dir.resolve("train-images-idx3-ubyte"), images);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x801);
        d.writeInt(19);
        d.write(new byte[19]);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), b.toByteArray());
        e = assertThrows(NonRetryableTrainingException.class, () -> IdxReader.read(dir));
        assertTrue(e.getMessage().contains("shape mismatch") && e.getMessage().contains("19 labels"),
                e.getMessage());
        // missing
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        e = assertThrows(NonRetryableTrainingException.class, () -> IdxReader.read(dir));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte"), e.getMessage());
        e = assertThrows(NonRetryableTrainingException.class, () -> IdxReader.read(tmp.resolve("nowhere")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        // corrupt gzip
        Path gz = Files.createDirectories(tmp.resolve("badgz"));
        Files.write(gz.resolve("train-images-idx3-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Files.write(gz.resolve("train-labels-idx1-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        e = assertThrows(NonRetryableTrainingException.class, () -> IdxReader.read(gz));
        assertTrue(e.getMessage().contains("cannot read IDX file"), e.getMessage());
    }

    @Test
    void cifarBatchesAndErrors() throws IOException {
        Path dir = TestData.cifar(tmp.resolve("cifar"), 2, 15, 4);
        ImageData[] d = Cifar10Reader.read(dir);
        assertEquals(30, d[0].size());
        assertEquals(15, d[1].size());
        assertEquals(3, d[0].channels());
        assertEquals(32, d[0].width());
        assertEquals(1, d[0].label(1));
        Files.write(dir.resolve("data_batch_3.bin"), new byte[3073 * 2 + 7]);
        var e = assertThrows(NonRetryableTrainingException.class, () -> Cifar10Reader.read(dir));
        assertTrue(e.getMessage().contains("not a multiple of 3073"), e.getMessage());
        byte[] bad = new byte[3073];
        bad[0] = 12;
        Files.write(dir.resolve("data_batch_3.bin"), bad);
        e = assertThrows(NonRetryableTrainingException.class, () -> Cifar10Reader.read(dir));
        assertTrue(e.getMessage().contains("bad label 12"), e.getMessage());
        e = assertThrows(NonRetryableTrainingException.class,
                () -> Cifar10Reader.read(Files.createDirectories(tmp.resolve("empty"))));
        assertTrue(e.getMessage().contains("no data_batch_N.bin"), e.getMessage());
    }

    @Test
    void imageFolderResizesAndSplitsBySeed() throws IOException {
        Path dir = TestData.folder(tmp.resolve("folder"), 3, 10, 20, 5);
        List<String> names = new ArrayList<>();
        ImageData[] d = ImageFolderReader.read(dir, 16, names);
        assertEquals(List.of("class0", "class1", "class2"), names);
        assertEquals(30, d[0].size());
        assertEquals(16, d[0].height());
        assertEquals(3, d[0].classes());
        DataSplits a = Datasets.load(new DataSpec("image-folder", "folder", 0.2, 1.0), 16, 9, policy());
        DataSplits b = Datasets.read("image-folder", dir, 16, 0.2, 1.0, 9);
        assertEquals(6, a.valid().size());
        assertEquals(24, a.train().size());
        assertArrayEquals(a.valid().pixels(), b.valid().pixels());
        DataSplits c = Datasets.read("image-folder", dir, 16, 0.2, 1.0, 10);
        assertTrue(!java.util.Arrays.equals(a.valid().pixels(), c.valid().pixels()), "another seed, another split");
        Files.createDirectories(dir.resolve("class3"));
        var e = assertThrows(NonRetryableTrainingException.class, () -> ImageFolderReader.read(dir, 16, names));
        assertTrue(e.getMessage().contains("class3") && e.getMessage().contains("no .png"), e.getMessage());
        Files.write(dir.resolve("class3").resolve("x.png"), new byte[] {1, 2, 3});
        e = assertThrows(NonRetryableTrainingException.class, () -> ImageFolderReader.read(dir, 16, names));
        assertTrue(e.getMessage().contains("cannot decode image"), e.getMessage());
    }

    @Test
    void fractionResolutionAndPathPolicy() throws IOException {
        TestData.idx(tmp.resolve("fm"), 200, 50, 28, true, 6);
        DataSplits d = Datasets.load(new DataSpec("idx", "fm", 0.1, 0.5), 14, 1, policy());
        assertEquals(100, d.train().size() + d.valid().size());
        assertEquals(10, d.valid().size());
        assertEquals(25, d.test().size());
        assertEquals(14, d.train().height());
        assertEquals(1, d.mean().length);
        assertTrue(d.std()[0] > 0);
        var e = assertThrows(NonRetryableTrainingException.class,
                () -> Datasets.load(new DataSpec("idx", "../etc", 0.1, 1.0), 28, 1, policy()));
        assertTrue(e.getMessage().startsWith("data.path"), e.getMessage());
        e = assertThrows(NonRetryableTrainingException.class,
                () -> Datasets.load(new DataSpec("idx", "missing-dir", 0.1, 1.0), 28, 1, policy()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
