package dev.nasflow.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code nasflow export}: turns a candidate's checkpoint ({@code <artifacts>/<searchId>/<candidateId>/epoch-N}) into
 * a directory with {@code genome.json} (space, choices, architecture, input shape, normalization, metrics),
 * {@code params.bin} (DJL parameters, {@code Block.loadParameters} format), and the standalone PyTorch module
 * {@code model.py} with {@code weights.bin}/{@code weights.json} ({@link TorchExport}).
 */
public final class Exporter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Exporter() {
    }

    /**
     * The checkpoint {@code id} names: a checkpoint directory, a candidate directory (its newest epoch), or a
     * candidate id looked up under {@code artifactsRoot} (up to four levels deep: [spec artifacts dir], search,
     * candidate).
     */
    public static Path locate(String id, Path artifactsRoot) throws IOException {
        Path direct = Path.of(id);
        if (Files.isRegularFile(direct.resolve("state.json"))) {
            return direct;
        }
        if (Files.isDirectory(direct)) {
            Path newest = newestEpoch(direct);
            if (newest != null) {
                return newest;
            }
        }
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(artifactsRoot)) {
            try (Stream<Path> s = Files.walk(artifactsRoot, 4)) {
                s.filter(p -> p.getFileName().toString().equals(id) && Files.isDirectory(p)).forEach(found::add);
            }
        }
        for (Path c : found) {
            Path newest = newestEpoch(c);
            if (newest != null) {
                return newest;
            }
        }
        throw new IOException("no checkpoint for '" + id + "': not a checkpoint directory and no candidate of that id "
                + "with an epoch-N checkpoint under " + artifactsRoot + " (fix: give the candidate id of a djl search, "
                + "or the path of its epoch-N directory, or --artifacts ROOT)");
    }

    private static Path newestEpoch(Path candidate) throws IOException {
        var all = CheckpointStore.listOrThrow(candidate);
        return all.isEmpty() ? null : all.get(Collections.max(all.keySet()));
    }

    /** Exports checkpoint {@code ckpt} into {@code out}; returns the genome.json written. */
    public static JsonNode export(Path ckpt, Path out) throws IOException {
        JsonNode state = JSON.readTree(ckpt.resolve("state.json").toFile());
        SearchSpace base = Spaces.byId(state.path("space").asText());
        SearchSpace space = ScaledSpaces.scale(base, state.path("widthMultiplier").asDouble(1.0));
        int[] choices = JSON.convertValue(state.get("choices"), int[].class);
        Genome genome = new Genome(space.id(), choices);
        InputShape input = JSON.convertValue(state.get("input"), InputShape.class);
        Files.createDirectories(out);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = ModelBuilder.build(space, genome, input);
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                    Files.newInputStream(ckpt.resolve("params.bin"))))) {
                block.loadParameters(manager, in);
            } catch (MalformedModelException e) {
                throw new IOException("checkpoint " + ckpt + " does not match its architecture: " + e.getMessage(), e);
            }
            block.initialize(manager, DataType.FLOAT32, new Shape(1, input.channels(), input.height(),
                    input.width()));
            TorchExport.write(block, out);
        }
        Files.copy(ckpt.resolve("params.bin"), out.resolve("params.bin"), StandardCopyOption.REPLACE_EXISTING);
        ObjectNode g = JSON.createObjectNode();
        g.put("format", "nasflow-export/1");
        g.put("space", state.path("space").asText());
        g.putPOJO("choices", choices);
        g.put("arch", state.path("arch").asText(base.canonical(new Genome(base.id(), choices))));
        g.put("widthMultiplier", state.path("widthMultiplier").asDouble(1.0));
        g.putPOJO("input", input);
        g.set("mean", state.get("mean"));
        g.set("std", state.get("std"));
        g.put("searchId", state.path("searchId").asText());
        g.put("candidateId", state.path("candidateId").asText());
        g.put("epoch", state.path("epoch").asInt());
        g.set("metrics", state.get("metrics"));
        g.put("params", space.cost(genome, input).params());
        g.put("flops", space.cost(genome, input).flops());
        g.put("files", "params.bin = DJL Block.saveParameters; model.py + weights.bin/weights.json = PyTorch "
                + "(see docs/TRAINING.md, Export)");
        JSON.writeValue(out.resolve("genome.json").toFile(), g);
        return g;
    }
}
