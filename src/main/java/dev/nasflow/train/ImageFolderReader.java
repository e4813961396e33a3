package dev.nasflow.train;

import dev.nasflow.activity.NonRetryableTrainingException;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Image folders: one subdirectory per class (sorted by name = label order) holding PNG / JPEG files. The directory
 * may instead hold {@code train/} (and optionally {@code test/}) with the class folders inside. Images are decoded to
 * RGB and resized to {@code side × side} (bilinear). Empty classes, unreadable images and a test split whose classes
 * differ from training are {@link NonRetryableTrainingException}s.
 */
public final class ImageFolderReader {
    private ImageFolderReader() {
    }

    /** Training and (when a {@code test/} folder exists) test data; class names in {@code classNames}. */
    public static ImageData[] read(Path path, int side, List<String> classNames) {
        if (!Files.isDirectory(path)) {
            throw new NonRetryableTrainingException("data.path " + path + (Files.exists(path) ? " is not a directory"
                    : " does not exist") + "; an image-folder dataset is a directory with one subdirectory of "
                    + "PNG/JPEG images per class (fix: point data.path at it)");
        }
        Path trainDir = Files.isDirectory(path.resolve("train")) ? path.resolve("train") : path;
        Path testDir = trainDir != path && Files.isDirectory(path.resolve("test")) ? path.resolve("test") : null;
        List<String> classes = classes(trainDir);
        classNames.addAll(classes);
        ImageData train = load(trainDir, classes, side);
        ImageData test = null;
        if (testDir != null) {
            List<String> testClasses = classes(testDir);
            if (!testClasses.equals(classes)) {
                throw new NonRetryableTrainingException("shape mismatch: " + testDir + " has classes " + testClasses
                        + " but " + trainDir + " has " + classes + " (fix: use the same class folders in both)");
            }
            test = load(testDir, classes, side);
        }
        return new ImageData[] {train, test};
    }

    private static List<String> classes(Path dir) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().forEach(out::add);
        } catch (IOException e) {
            throw new NonRetryableTrainingException("data.path " + dir + " cannot be listed: " + e.getMessage(), e);
        }
        if (out.size() < 2) {
            throw new NonRetryableTrainingException("data.path " + dir + " has " + out.size() + " class folder(s); "
                    + "an image-folder dataset needs at least 2 (fix: one subdirectory of images per class)");
        }
        return out;
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private static ImageData load(Path dir, List<String> classes, int side) {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Path cd = dir.resolve(classes.get(c));
            int before = files.size();
            try (Stream<Path> s = Files.list(cd)) {
                s.filter(Files::isRegularFile).filter(ImageFolderReader::isImage).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new NonRetryableTrainingException("cannot list " + cd + ": " + e.getMessage(), e);
            }
            if (files.size() == before) {
                throw new NonRetryableTrainingException("class folder " + cd + " has no .png/.jpg/.jpeg image "
                        + "(fix: add images or remove the folder)");
            }
            for (int k = before; k < files.size(); k++) {
                labels.add(c);
            }
        }
        int image = 3 * side * side;
        byte[] pixels = new byte[files.size() * image];
        int[] l = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            BufferedImage img;
            try {
                img = ImageIO.read(files.get(i).toFile());
            } catch (IOException | RuntimeException e) {
                throw new NonRetryableTrainingException("cannot decode image " + files.get(i) + ": " + e.getMessage()
                        + " (fix: remove or replace the file)", e);
            }
            if (img == null) {
                throw new NonRetryableTrainingException("cannot decode image " + files.get(i) + ": not a PNG/JPEG "
                        + "the JDK can read (fix: remove or convert the file)");
            }
            BufferedImage rgb = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = rgb.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, side, side, null);
            g.dispose();
            int base = i * image;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int argb = rgb.getRGB(x, y);
                    pixels[base + y * side + x] = (byte) (argb >> 16);
                    pixels[base + side * side + y * side + x] = (byte) (argb >> 8);
                    pixels[base + 2 * side * side + y * side + x] = (byte) argb;
                }
            }
            l[i] = labels.get(i);
        }
        return new ImageData(3, side, side, classes.size(), pixels, l);
    }
}
