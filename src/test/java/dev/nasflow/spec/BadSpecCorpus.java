package dev.nasflow.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The malformed specs of {@code src/test/resources/bad-specs} and what each must produce ({@code expected.tsv}). */
public final class BadSpecCorpus {
    private BadSpecCorpus() {
    }

    /** One bad spec: its file, the JSON pointer of the expected error ({@code ""} = whole document), a fragment. */
    public record Case(Path file, String pointer, String fragment) {
        @Override
        public String toString() {
            return file.getFileName().toString();
        }
    }

    /** The corpus directory: the source tree when run from the project (never stale), else the test classpath. */
    public static Path dir() {
        Path source = Path.of("src/test/resources/bad-specs");
        if (Files.isRegularFile(source.resolve("expected.tsv"))) {
            return source;
        }
        try {
            return Path.of(BadSpecCorpus.class.getResource("/bad-specs/expected.tsv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Case> cases() {
        try {
            List<Case> out = new ArrayList<>();
            for (String line : Files.readAllLines(dir().resolve("expected.tsv"), StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 3) {
                    throw new IllegalStateException("expected.tsv: need 3 tab-separated columns: " + line);
                }
                out.add(new Case(dir().resolve(f[0]), "/".equals(f[1]) ? "" : f[1], f[2]));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
