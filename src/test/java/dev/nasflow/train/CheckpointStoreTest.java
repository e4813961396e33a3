package dev.nasflow.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Epoch checkpoints in a directory: naming, listing only complete ones, atomic save, pruning to the last epochs. */
class CheckpointStoreTest {
    @TempDir
    Path root;

    private static Path save(CheckpointStore store, int epoch) throws IOException {
        return store.save(epoch, 2, tmp -> {
            CheckpointStore.write(tmp.resolve("params.bin"), out -> out.writeInt(epoch));
            CheckpointStore.writeState(tmp, CheckpointStore.JSON.createObjectNode().put("epoch", epoch));
        });
    }

    @Test
    void anAbsentDirectoryHasNoCheckpoints() {
        CheckpointStore store = new CheckpointStore(root.resolve("none"), "checkpoint");
        assertTrue(store.list().isEmpty());
        assertTrue(store.newestFirst().isEmpty());
        assertNull(store.latest());
    }

    @Test
    void savesAtomicallyListsNewestFirstAndKeepsTheLastTwo() throws Exception {
        CheckpointStore store = new CheckpointStore(root.resolve("c"), "checkpoint");
        Path p1 = save(store, 1);
        assertEquals(root.resolve("c/epoch-1"), p1);
        assertEquals(store.path(1), p1);
        assertEquals("epoch-7", CheckpointStore.name(7));
        assertEquals(1, CheckpointStore.readState(p1).path("epoch").asInt());
        int[] read = new int[1];
        CheckpointStore.read(p1.resolve("params.bin"), in -> read[0] = in.readInt());
        assertEquals(1, read[0]);
        save(store, 2);
        save(store, 3);
        assertEquals(Set.of(2, 3), store.list().keySet(), "epoch 1 pruned");
        assertEquals(List.of(store.path(3), store.path(2)), store.newestFirst());
        assertEquals(store.path(3), store.latest());
        try (var s = Files.list(store.dir())) {
            assertEquals(Set.of("epoch-2", "epoch-3"),
                    Set.copyOf(s.map(p -> p.getFileName().toString()).toList()), "no temporary directory left");
        }
    }

    @Test
    void savingAnOlderEpochKeepsNewerOnesAndPrunesOnlyBelowItsWindow() throws Exception {
        CheckpointStore store = new CheckpointStore(root.resolve("r"), "checkpoint");
        save(store, 1);
        save(store, 2);
        save(store, 3);
        save(store, 2); // e.g. resumed from epoch 1 and checkpointed epoch 2 again
        assertEquals(Set.of(2, 3), store.list().keySet());
        store.prune(3, 1);
        assertEquals(Set.of(3), store.list().keySet());
    }

    @Test
    void incompleteAndForeignDirectoriesAreIgnored() throws Exception {
        CheckpointStore store = new CheckpointStore(root.resolve("x"), "checkpoint");
        Files.createDirectories(store.path(5)); // no state.json: a crash before it was written
        Files.createDirectories(store.dir().resolve(".epoch-6.tmp"));
        Files.createDirectories(store.dir().resolve("epoch-x"));
        Files.writeString(Files.createDirectories(store.dir().resolve("other")).resolve("state.json"), "{}");
        assertTrue(store.list().isEmpty());
        save(store, 4);
        assertEquals(store.path(4), store.latest());
        assertTrue(Files.isDirectory(store.path(5)), "an incomplete checkpoint is not pruned");
        assertEquals(Set.of(4), CheckpointStore.listOrThrow(store.dir()).keySet());
        assertThrows(IOException.class, () -> CheckpointStore.listOrThrow(root.resolve("missing")));
    }

    @Test
    void deleteTreeRemovesEverythingAndIgnoresAbsentPaths() throws Exception {
        Path d = Files.createDirectories(root.resolve("t/a/b"));
        Files.writeString(d.resolve("f"), "x");
        CheckpointStore.deleteTree(root.resolve("t"));
        assertFalse(Files.exists(root.resolve("t")));
        CheckpointStore.deleteTree(root.resolve("t"));
    }
}
