package dev.nasflow.cli;

import dev.nasflow.bench.RecordedCurves;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The options of the stopping simulations ({@code bench stopping}, {@code bench mo-stopping}): how many candidates of
 * how many epochs, the recorded curves to replay instead of the NB201 table, concurrency, runs and seeds.
 */
public final class StoppingSimOptions {
    @Option(names = "--candidates", paramLabel = "N",
            description = "Candidates per run (default: 100; with --curves: every curve of the file).")
    Integer candidates;

    @Option(names = "--epochs", paramLabel = "T",
            description = "Epochs of a full training (default: 200; with --curves: the file's shortest curve).")
    Integer epochs;

    @Option(names = "--curves", paramLabel = "FILE",
            description = "Replay the recorded learning curves of FILE (JSON lines of format nasflow-curves/1, "
                    + "written by 'nasflow bench record-curves') instead of the NB201 table.")
    Path curves;

    @Option(names = "--metric", defaultValue = "validAccuracy", paramLabel = "NAME",
            description = "With --curves: the recorded per-epoch metric watched; names ending in Loss are minimised "
                    + "(default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--concurrency", defaultValue = "8", paramLabel = "C",
            description = "Candidates trained at the same time (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--runs", defaultValue = "100", paramLabel = "R",
            description = "Runs (populations); run i uses seed S+i (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "First seed (default: ${DEFAULT-VALUE}).")
    long seed;

    private RecordedCurves file;

    /** The recorded curves, read once (null without --curves). */
    RecordedCurves file() throws IOException {
        if (curves != null && file == null) {
            file = RecordedCurves.read(curves);
        }
        return file;
    }

    /** Candidates per run: as given, else every recorded curve, else {@code tableDefault}. */
    int candidates(int tableDefault) throws IOException {
        return candidates != null ? candidates : file() != null ? file().curves().size() : tableDefault;
    }

    /** Epochs of a full training: as given, else the shortest recorded curve, else {@code tableDefault}. */
    int epochs(int tableDefault) throws IOException {
        return epochs != null ? epochs : file() != null ? file().minEpochs() : tableDefault;
    }
}
