package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.train.Exporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nasflow export ID --out DIR}: a djl candidate's genome, DJL parameters and a standalone PyTorch module. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a candidate trained by the djl trainer: genome.json, params.bin (DJL) and model.py + "
                + "weights.bin/weights.json (standalone PyTorch nn.Module; `import model; net = model.load()`).",
                "ID is a candidate id (looked up under --artifacts), a candidate directory or an epoch-N checkpoint "
                        + "directory."})
public final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "Candidate id or checkpoint directory.")
    String id;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--artifacts", paramLabel = "DIR",
            description = "Artifact root of the search (default <home>/artifacts).")
    Path artifacts;

    @Override
    public Integer call() {
        try {
            Path root = artifacts != null ? artifacts : QuickstartCommand.home().resolve("artifacts");
            Path ckpt = Exporter.locate(id, root);
            JsonNode g = Exporter.export(ckpt, out);
            System.out.println("exported " + g.path("candidateId").asText() + " (epoch " + g.path("epoch").asInt()
                    + ", " + g.path("arch").asText() + ") from " + ckpt + " to " + out);
            return 0;
        } catch (Exception e) {
            System.err.println("nasflow export: " + e.getMessage());
            return 1;
        }
    }
}
