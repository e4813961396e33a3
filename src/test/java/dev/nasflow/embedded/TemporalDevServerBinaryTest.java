package dev.nasflow.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the dev server finds the temporal binary (no binary needed: fake executables). */
class TemporalDevServerBinaryTest {
    static Path exe(Path p) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void explicitEnvThenProjectVenvThenPath(@TempDir Path dir) throws Exception {
        Path project = dir.resolve("project");
        Path sub = project.resolve("src/test");
        Files.createDirectories(sub);
        Path venv = exe(project.resolve(".venv/bin/temporal"));
        Path onPath = exe(dir.resolve("bin/temporal"));
        Path explicit = exe(dir.resolve("other/temporal"));
        String path = dir.resolve("nothing") + ":" + dir.resolve("bin");

        assertEquals(Optional.of(explicit), TemporalDevServer.findBinary(
                Map.of("TEMPORAL_CLI", explicit.toString(), "PATH", path), sub));
        assertEquals(Optional.of(venv), TemporalDevServer.findBinary(Map.of("PATH", path), sub));
        assertEquals(Optional.of(onPath), TemporalDevServer.findBinary(Map.of("PATH", path), dir.resolve("bin")));
        assertEquals(Optional.empty(), TemporalDevServer.findBinary(Map.of(), dir.resolve("bin")));
    }

    @Test
    void badExplicitBinaryAndMissingWorkDirAreClearErrors(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TemporalDevServer.findBinary(
                Map.of("TEMPORAL_CLI", dir.resolve("nope").toString()), dir));
        assertTrue(e.getMessage().contains("TEMPORAL_CLI") && e.getMessage().contains("setup-python.sh"),
                e.getMessage());
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> TemporalDevServer.builder().binary(dir).build());
        assertTrue(w.getMessage().contains("work dir"), w.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TemporalDevServer.builder().logLevel("loud"));
    }
}
