package dev.nasflow.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathPolicyTest {
    static final PathPolicy P = new PathPolicy(Path.of("/srv/nasflow"), List.of(Path.of("/data")));

    @Test
    void rootsAreHomeExtraAndSystemDatasets() {
        assertEquals(List.of(Path.of("/srv/nasflow"), Path.of("/data"), Path.of("/usr/share/datasets")), P.roots());
        assertEquals(Path.of("/srv/nasflow/activities"), P.activities());
    }

    @Test
    void environmentConfiguresTheRoots() {
        PathPolicy p = PathPolicy.fromEnvironment(Map.of("NASFLOW_HOME", "/opt/nf",
                "NASFLOW_DATA_ROOTS", "/mnt/a:relative/ignored::/mnt/b"), "/cwd");
        assertEquals(List.of(Path.of("/opt/nf"), Path.of("/mnt/a"), Path.of("/mnt/b"), Path.of("/usr/share/datasets")),
                p.roots());
        assertEquals(Path.of("/cwd"), PathPolicy.fromEnvironment(Map.of(), "/cwd").home());
    }

    @Test
    void lexicalChecks() {
        assertTrue(P.check("/data/fmnist", PathPolicy.Kind.DATA).isEmpty());
        assertTrue(P.check("fmnist", PathPolicy.Kind.DATA).isEmpty());
        assertTrue(P.check("./fmnist/train", PathPolicy.Kind.DATA).isEmpty());
        assertTrue(P.check("/usr/share/datasets/fashion-mnist", PathPolicy.Kind.DATA).isEmpty());
        assertTrue(P.check("activities/x.json", PathPolicy.Kind.RECIPE).isEmpty());
        String[][] bad = {
                {"../x", "'..'"}, {"a/../../x", "'..'"}, {"/data/../etc", "'..'"}, {"/etc/passwd", "outside"},
                {"/datasets-evil/x", "outside"}, {"http://h/x", "URL"}, {"file:///data/x", "URL"},
                {"C:/data", "scheme"}, {"a\\b", "backslash"}, {"//host/share", "network"}, {"~/x", "'~'"},
                {"", "empty"}, {"a\u0000b", "control"}, {"x;y", "shell"}};
        for (String[] b : bad) {
            var f = P.check(b[0], PathPolicy.Kind.DATA);
            assertTrue(f.isPresent() && f.get().message().contains(b[1]), b[0] + " -> " + f);
        }
        assertTrue(P.check("/srv/nasflow/activities/x.json", PathPolicy.Kind.RECIPE).orElseThrow().message()
                .contains("absolute"));
    }

    @Test
    void resolvesRelativeDataAgainstTheFirstRootWhereItExists(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path extra = Files.createDirectories(tmp.resolve("extra"));
        Files.createDirectories(extra.resolve("fmnist"));
        PathPolicy p = new PathPolicy(home, List.of(extra));
        assertEquals(extra.resolve("fmnist"), p.resolveData("data.path", "fmnist"));
        assertEquals(home.resolve("missing"), p.resolveData("data.path", "missing"));
        Files.createDirectories(home.resolve("fmnist"));
        assertEquals(home.resolve("fmnist"), p.resolveData("data.path", "fmnist"), "home comes first");
    }

    @Test
    void symbolicLinksMayNotLeadOutOfTheRoots(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(home.resolve("escape"), outside);
        Files.createDirectories(home.resolve("activities"));
        Files.createSymbolicLink(home.resolve("activities/evil.json"), outside.resolve("evil.json"));
        PathPolicy p = new PathPolicy(home, List.of());
        var e = assertThrows(PathPolicy.UnsafePathException.class, () -> p.resolveData("data.path", "escape/x"));
        assertTrue(e.getMessage().startsWith("data.path ") && e.getMessage().contains("symbolic link"), e.getMessage());
        assertThrows(PathPolicy.UnsafePathException.class, () -> p.resolveArtifacts("artifacts", "escape/run1"));
        assertThrows(PathPolicy.UnsafePathException.class, () -> p.resolveRecipe("trainer.recipe", "evil.json"));
        assertThrows(PathPolicy.UnsafePathException.class, () -> p.resolveData("data.path", "../x"));
        Files.createDirectories(home.resolve("inside"));
        Files.createSymbolicLink(home.resolve("alias"), home.resolve("inside"));
        assertEquals(home.resolve("alias/x"), p.resolveData("data.path", "alias/x"), "links inside are fine");
    }

    @Test
    void recipesResolveUnderActivities(@TempDir Path tmp) {
        PathPolicy p = new PathPolicy(tmp, List.of());
        assertEquals(tmp.resolve("activities/a.json"), p.resolveRecipe("trainer.recipe", "a.json"));
        assertEquals(tmp.resolve("activities/a.json"), p.resolveRecipe("trainer.recipe", "activities/a.json"));
        assertEquals(tmp.resolve("runs/x"), p.resolveArtifacts("artifacts", "runs/x"));
    }
}
