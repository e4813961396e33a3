package dev.nasflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.model.EpochReport;
import dev.nasflow.model.ResumePoint;
import dev.nasflow.activity.StepListener;
import dev.nasflow.activity.TrainingSession;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.FidelitySpec;
import dev.nasflow.spec.PathPolicy;
import dev.nasflow.model.TrainerSpec;
import dev.nasflow.train.Recipe;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecJson;
import dev.nasflow.train.DjlCandidateTrainer;
import dev.nasflow.model.CandidateTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code nasflow retrain}: trains one architecture of a spec's space from scratch at full fidelity (the final training
 * after a search, as NAS papers report it): the spec's data, recipe and trainer, {@code --epochs} epochs on
 * {@code --data-fraction} of the training split (default all of it), a checkpoint every epoch under the spec's artifact
 * directory, so that running the same command again after a crash resumes at the last finished epoch
 * ({@code --fresh} starts over), and {@code nasflow export ID} takes the result home.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = {"Train one architecture from scratch at full fidelity (after a search: the best candidate's "
                + "arch), with the spec's data, recipe and trainer (djl). Checkpoints every epoch; the same command "
                + "resumes after a crash. The last line is JSON with the final metrics.",
                "Example: nasflow retrain --spec workflows/fmnist-evolution.json --arch 'conv/k3/w64/relu/skip|...' "
                        + "--epochs 15"})
public final class RetrainCommand implements Callable<Integer> {
    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The search spec (space, data, "
            + "recipe, artifacts).")
    Path specFile;

    @Option(names = "--arch", required = true, paramLabel = "ARCH",
            description = "The architecture in the space's canonical form (the leaderboard's arch column).")
    String arch;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the spec's fidelity.epochs).")
    Integer epochs;

    @Option(names = "--data-fraction", paramLabel = "F", defaultValue = "1.0",
            description = "Share of the training split, (0, 1] (default ${DEFAULT-VALUE}: all of it).")
    double dataFraction;

    @Option(names = "--recipe", paramLabel = "FILE", description = "Training recipe relative to activities/ (default: "
            + "the spec's trainer.recipe), e.g. a longer or augmented recipe for the final training.")
    String recipe;

    @Option(names = "--id", paramLabel = "ID", description = "Candidate id: its artifact directory and the name "
            + "nasflow export takes (default <spec name>-retrain-<arch hash>-e<epochs>).")
    String id;

    @Option(names = "--fresh", description = "Ignore earlier checkpoints of this id and start from epoch 0.")
    boolean fresh;

    @Option(names = "--json", description = "Print only the final JSON line on stdout (progress goes to stderr).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        SearchSpec s = ValidSpec.orReport(specFile);
        if (s == null) {
            return 1;
        }
        if (!s.trainer().isDjl()) {
            throw new CliException(ExitCodes.USAGE, "trainer.type of " + specFile + " is '" + s.trainer().type()
                    + "': retraining needs the djl trainer", "use a spec with trainer.type djl and data, e.g. "
                    + "workflows/fmnist-evolution.json");
        }
        if (!(dataFraction > 0 && dataFraction <= 1)) {
            throw new CliException(ExitCodes.USAGE, "--data-fraction " + dataFraction + " is out of range: give a "
                    + "value in (0, 1], e.g. 1.0 for the whole training split", null);
        }
        int n = epochs != null ? epochs : s.fidelity().epochs();
        if (n < 1 || n > 10_000) {
            throw new CliException(ExitCodes.USAGE, "--epochs " + n + " is out of range: give 1..10000", null);
        }
        SearchSpace space = Spaces.create(s.space());
        Genome g;
        try {
            g = space.parse(arch.trim());
        } catch (RuntimeException e) {
            throw new CliException(ExitCodes.USAGE, "--arch is not an architecture of the " + s.space().type()
                    + " space: " + e.getMessage() + " (copy it from the leaderboard's arch column, e.g. "
                    + space.canonical(space.random(new java.util.Random(0))) + ")", null);
        }
        String canonical = space.canonical(g);
        String hash = space.hash(g);
        String cid = id != null ? id : s.name() + "-retrain-" + hash.substring(0, Math.min(8, hash.length())) + "-e" + n;
        if (!cid.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new CliException(ExitCodes.USAGE, "--id '" + cid + "' may only use letters, digits, '.', '_' and '-'",
                    null);
        }
        FidelitySpec f = s.fidelity();
        TrainerSpec t = s.trainer();
        if (recipe != null) {
            t = new TrainerSpec(t.type(), t.dataset(), t.pacingMillisPerEpoch(), recipe, t.device(),
                    t.heartbeatTimeoutSeconds(), t.pacing());
            try {
                Recipe.load(recipe, s.data().format(), PathPolicy.fromEnvironment());
            } catch (Exception e) {
                throw new CliException(ExitCodes.USAGE, "--recipe " + recipe + ": " + e.getMessage()
                        + " (give a recipe file relative to activities/, e.g. recipes/fmnist-final.json)", null);
            }
        }
        SearchSpec spec = new SearchSpec(s.name(), s.seed(), s.space(), s.strategy(), s.budget(), s.objectives(),
                s.constraints(), new FidelitySpec(n, 1, dataFraction, 1.0, f.resolution()), s.stopping(),
                t, s.data(), s.taskQueue(), s.artifacts());
        CandidateTask task = new CandidateTask(s.name() + "-retrain", cid, 0, 0, g, canonical, hash, n,
                dev.nasflow.model.Seeds.retrain(s.seed()), spec);
        ResumePoint resume = fresh ? null : new ResumePoint(0, null, Double.NaN, Map.of(), 0);
        long t0 = System.nanoTime();
        Map<String, Double> last = new LinkedHashMap<>();
        String checkpoint = null;
        int resumedAt;
        try (TrainingSession session = new DjlCandidateTrainer().open(task, resume)) {
            resumedAt = session.epochsDone();
            Map<String, Double> stat = session.staticMetrics();
            last.putAll(stat);
            System.err.printf(Locale.ROOT, "nasflow retrain %s: %s, %.0f params, %d epochs on %.0f%% of the training "
                            + "split%s%n", cid, canonical, stat.getOrDefault("params", Double.NaN), n,
                    dataFraction * 100, resumedAt > 0 ? ", resumed after epoch " + resumedAt : "");
            ProgressBar bar = new ProgressBar(System.err, n, "epochs");
            while (session.epochsDone() < n) {
                int epoch = session.epochsDone() + 1;
                int[] steps = {0};
                long[] shownAt = {0};
                EpochReport r = session.trainEpoch(() -> {
                    steps[0]++;
                    long now = System.nanoTime();
                    if (now - shownAt[0] > 250_000_000L) {
                        bar.show(epoch - 1, "epoch " + epoch + ": " + steps[0] + " steps");
                        shownAt[0] = now;
                    }
                });
                bar.clear();
                for (Double x : r.metrics().values()) {
                    if (x == null || x.isNaN() || x.isInfinite()) {
                        System.err.println("nasflow retrain: epoch " + r.epoch() + " diverged (NaN/Inf metric "
                                + r.metrics() + "); lower the recipe's learningRate");
                        return ExitCodes.DIVERGED;
                    }
                }
                last.putAll(r.metrics());
                checkpoint = session.checkpoint();
                System.err.printf(Locale.ROOT, "  epoch %d/%d: train %.2f %%, valid %.2f %%, test %s (%.0f s)%n",
                        r.epoch(), n, r.metrics().getOrDefault("trainAccuracy", Double.NaN),
                        r.metrics().getOrDefault("validAccuracy", Double.NaN),
                        r.metrics().containsKey("testAccuracy")
                                ? String.format(Locale.ROOT, "%.2f %%", r.metrics().get("testAccuracy")) : "-",
                        r.wallMillis() / 1000.0);
            }
        }
        ObjectMapper m = SpecJson.mapper();
        ObjectNode out = m.createObjectNode();
        out.put("candidateId", cid);
        out.put("arch", canonical);
        out.put("epochs", n);
        out.put("dataFraction", dataFraction);
        out.put("resumedAfterEpoch", resumedAt);
        out.put("wallSeconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        out.put("checkpoint", checkpoint);
        out.set("metrics", m.valueToTree(last));
        System.out.println(m.writeValueAsString(out));
        return 0;
    }
}
