package dev.nasflow.testing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Slow} carries the tag the fast run excludes, and no test writes the tag by hand. */
class SlowTagTest {
    @Test
    void slowIsTheSlowTagAndTheOnlySpellingOfIt() throws IOException {
        Tag tag = Slow.class.getAnnotation(Tag.class);
        assertTrue(tag != null && tag.value().equals("slow"), "@Slow must be meta-annotated @Tag(\"slow\")");
        List<Path> raw;
        try (Stream<Path> files = Files.walk(Path.of("src", "test", "java"))) {
            raw = files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("Slow.java")
                    && !p.endsWith("SlowTagTest.java")).filter(p -> {
                        try {
                            return Files.readString(p).contains("@Tag(\"slow\")");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
        }
        assertEquals(List.of(), raw, "write @Slow instead of @Tag(\"slow\")");
    }
}
