package dev.nasflow.train;

import ai.djl.MalformedModelException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The epoch checkpoints of one training run (a candidate or a supernet) in one directory: {@code epoch-N}
 * subdirectories, each complete once it holds {@code state.json}. Saving writes into {@code .epoch-N.tmp} and moves
 * it atomically into place, so a crash never leaves a half-written {@code epoch-N}; older checkpoints are pruned to
 * keep the last few epochs. What goes inside a checkpoint is the caller's ({@link DjlSession},
 * {@link SupernetCheckpoints}); the binary files are {@link DataOutputStream}s and {@code state.json} is indented
 * JSON.
 */
final class CheckpointStore {
    private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);
    /** The JSON of every {@code state.json}: indented. */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String STATE = "state.json";
    private static final String PREFIX = "epoch-";

    private final Path dir;
    private final String what;

    /**
     * @param dir  the run's checkpoint directory (need not exist yet)
     * @param what what the checkpoints are, for log lines ("checkpoint", "supernet checkpoint")
     */
    CheckpointStore(Path dir, String what) {
        this.dir = dir;
        this.what = what;
    }

    Path dir() {
        return dir;
    }

    /** {@code epoch-N}: the directory name of epoch {@code epoch}'s checkpoint. */
    static String name(int epoch) {
        return PREFIX + epoch;
    }

    /** Where epoch {@code epoch}'s checkpoint is (or would be). */
    Path path(int epoch) {
        return dir.resolve(name(epoch));
    }

    /** The complete checkpoints (those with a {@code state.json}) by epoch, oldest first; empty when none. */
    Map<Integer, Path> list() {
        Map<Integer, Path> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try {
            out.putAll(listOrThrow(dir));
        } catch (IOException e) {
            log.warn("cannot list {}: {}", dir, e.toString());
        }
        return out;
    }

    /** The complete checkpoints of {@code dir} by epoch; a directory that cannot be listed throws. */
    static Map<Integer, Path> listOrThrow(Path dir) throws IOException {
        Map<Integer, Path> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.matches("epoch-\\d+") && Files.isRegularFile(p.resolve(STATE))) {
                    out.put(Integer.parseInt(n.substring(PREFIX.length())), p);
                }
            });
        }
        return out;
    }

    /** The complete checkpoints, newest first. */
    List<Path> newestFirst() {
        List<Path> out = new ArrayList<>(list().values());
        Collections.reverse(out);
        return out;
    }

    /** The newest complete checkpoint, or null when there is none. */
    Path latest() {
        List<Path> all = newestFirst();
        return all.isEmpty() ? null : all.get(0);
    }

    /** Writes the files of a checkpoint into the (empty) temporary directory it is given. */
    @FunctionalInterface
    interface Contents {
        void write(Path tmp) throws IOException;
    }

    /**
     * Saves epoch {@code epoch}'s checkpoint: {@code contents} writes into {@code .epoch-N.tmp}, which then replaces
     * {@code epoch-N} with an atomic move; afterwards only the last {@code keep} epochs up to this one are kept
     * ({@link #prune}). Returns the checkpoint's directory.
     */
    Path save(int epoch, int keep, Contents contents) throws IOException {
        Path target = path(epoch);
        Path tmp = dir.resolve("." + name(epoch) + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        contents.write(tmp);
        deleteTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        prune(epoch, keep);
        return target;
    }

    /**
     * Deletes the checkpoints older than the {@code keep} epochs ending at {@code newest} (those of epoch
     * {@code < newest - keep + 1}); newer ones stay. A checkpoint that cannot be deleted is logged and left.
     */
    void prune(int newest, int keep) {
        int keepFrom = newest - keep + 1;
        for (Map.Entry<Integer, Path> e : list().entrySet()) {
            if (e.getKey() < keepFrom) {
                try {
                    deleteTree(e.getValue());
                } catch (IOException ex) {
                    log.warn("cannot delete old {} {}: {}", what, e.getValue(), ex.toString());
                }
            }
        }
    }

    /** The {@code state.json} of checkpoint {@code ckpt}. */
    static JsonNode readState(Path ckpt) throws IOException {
        return JSON.readTree(ckpt.resolve(STATE).toFile());
    }

    /** Writes {@code state} as {@code state.json} into (temporary) checkpoint directory {@code tmp}. */
    static void writeState(Path tmp, ObjectNode state) throws IOException {
        JSON.writeValue(tmp.resolve(STATE).toFile(), state);
    }

    /** Something read from a binary checkpoint file. */
    @FunctionalInterface
    interface Reader {
        void read(DataInputStream in) throws IOException, MalformedModelException;
    }

    /** Something written to a binary checkpoint file. */
    @FunctionalInterface
    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads binary file {@code file} of a checkpoint (buffered). */
    static void read(Path file, Reader reader) throws IOException, MalformedModelException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            reader.read(in);
        }
    }

    /** Writes binary file {@code file} of a checkpoint (buffered). */
    static void write(Path file, Writer writer) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            writer.write(out);
        }
    }

    /** Deletes {@code p} and everything under it; nothing when it does not exist. */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
