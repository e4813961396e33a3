package dev.nasflow.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadSpecCorpusTest {
    /** Fixed roots (home = the project directory, no extra roots), whatever the environment says. */
    static final SpecValidator VALIDATOR =
            new SpecValidator(new PathPolicy(Path.of("").toAbsolutePath(), List.of()), new DefaultSpaceFacts());

    static Stream<BadSpecCorpus.Case> cases() {
        return BadSpecCorpus.cases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachBadSpecIsRejectedWithItsSpecificError(BadSpecCorpus.Case c) {
        SpecValidation v = VALIDATOR.validate(c.file());
        assertFalse(v.ok(), c + " was accepted");
        assertNull(v.spec(), "no spec object for an invalid spec");
        assertThrows(InvalidSpecException.class, v::effective);
        boolean found = v.errors().stream().anyMatch(e -> e.pointer().equals(c.pointer())
                && (e.message() + " " + e.hint()).contains(c.fragment()));
        assertTrue(found, c + ": expected an error at '" + c.pointer() + "' containing '" + c.fragment()
                + "', got:\n" + v.report());
        for (SpecError e : v.errors()) {
            assertTrue(e.pointer().isEmpty() || e.pointer().startsWith("/"), "pointer: " + e);
            assertFalse(e.message().isBlank(), "message: " + e);
            assertFalse(e.hint().isBlank(), "every error gives a fix: " + e);
        }
    }

    @Test
    void corpusIsLargeAndFullyListed() throws IOException {
        Set<String> listed = BadSpecCorpus.cases().stream().map(c -> c.file().getFileName().toString())
                .collect(Collectors.toSet());
        Set<String> files;
        try (Stream<Path> s = Files.list(BadSpecCorpus.dir())) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .collect(Collectors.toSet());
        }
        assertEquals(files, listed, "every bad spec has one expected.tsv line and vice versa");
        assertTrue(files.size() >= 60, "at least 60 bad specs, have " + files.size());
        for (String f : files) {
            assertTrue(f.matches("\\d{2,3}-[a-z0-9-]+\\.json"), "file name NN-short-name.json: " + f);
        }
    }
}
