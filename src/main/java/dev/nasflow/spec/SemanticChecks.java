package dev.nasflow.spec;

import dev.nasflow.model.BudgetSpec;
import dev.nasflow.model.Constraint;
import dev.nasflow.model.Direction;
import dev.nasflow.model.FidelitySpec;
import dev.nasflow.model.Objective;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.space.SpaceSpec;
import dev.nasflow.model.StoppingSpec;
import dev.nasflow.model.TrainerSpec;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.space.Cost;
import dev.nasflow.space.InputShape;
import dev.nasflow.space.Spaces;
import dev.nasflow.stopping.StoppingRules;
import dev.nasflow.model.ParamConflict;
import dev.nasflow.model.ParamDef;
import dev.nasflow.model.ParamValues;
import dev.nasflow.strategy.Strategies;
import dev.nasflow.strategy.StrategyDescriptor;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-field checks, on the spec with defaults applied. Each check names the JSON pointers it reads and runs only
 * when none of them (nor anything above or below them) already has an error, so one mistake is reported once and
 * does not hide unrelated ones.
 */
final class SemanticChecks {
    /** Largest space grid search may enumerate. */
    static final BigInteger GRID_LIMIT = BigInteger.valueOf(1_000_000);
    /** Epochs the nb201 table covers for cifar10 (12- and 200-epoch figures; interpolated between). */
    static final int NB201_MAX_EPOCHS = 200;
    /** Epochs the nb201 table covers for cifar100 and imagenet16-120 (12-epoch figures only). */
    static final int NB201_12EP_ONLY_MAX_EPOCHS = 12;

    private final JsonNode tree;
    private final SearchSpec eff;
    private final Set<String> errorPointers;
    private final SpaceFacts spaces;
    private final List<SpecError> out;

    private SemanticChecks(JsonNode tree, SearchSpec eff, Set<String> errorPointers, SpaceFacts spaces,
                           List<SpecError> out) {
        this.tree = tree;
        this.eff = eff;
        this.errorPointers = errorPointers;
        this.spaces = spaces;
        this.out = out;
    }

    static void run(JsonNode tree, SearchSpec written, Set<String> errorPointers, SpaceFacts spaces,
                    List<SpecError> out) {
        SemanticChecks c = new SemanticChecks(tree, Defaults.apply(written), errorPointers, spaces, out);
        c.space();
        c.strategyParams();
        c.oneShot();
        c.objectives();
        c.constraints();
        c.trainer();
        c.fidelity();
        c.budget();
        c.grid();
        c.stopping();
        c.warmStart();
    }

    /**
     * A warm start names at least one source, and is not for a one-shot method. Whether the sources exist, parse and
     * share the space is checked when the search starts (they live outside the spec: docs/SPEC.md, warmStart).
     */
    private void warmStart() {
        if (!ok("/warmStart") || eff.warmStart() == null) {
            return;
        }
        if (eff.warmStart().searches().isEmpty() && eff.warmStart().files().isEmpty()) {
            error("/warmStart", "names no prior results",
                    "give warmStart.searches (earlier search ids) or warmStart.files (files written by nasflow search "
                            + "export-results), or remove warmStart");
            return;
        }
        if (eff.strategy() != null && ok("/strategy/type") && is(StrategyDescriptor.Trait.ONE_SHOT)) {
            error("/warmStart", "one-shot methods (" + eff.strategy().type() + ") do not warm-start",
                    "remove warmStart, or use a multi-trial strategy (e.g. rea, bananas)");
        }
    }

    /** True when no earlier error sits at, above or below any of these pointers. */
    private boolean ok(String... pointers) {
        for (String p : pointers) {
            for (String e : errorPointers) {
                if (e.equals(p) || (!e.isEmpty() && p.startsWith(e + "/")) || e.startsWith(p + "/")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The trainer type is known: written without error, or defaulted from an error-free space type. */
    private boolean trainerOk() {
        return ok("/trainer/type") && (written("/trainer/type") || ok("/space/type"));
    }

    /** {@code fidelity.epochs} is known: written without error, or defaulted from a known trainer. */
    private boolean epochsOk() {
        return ok("/fidelity/epochs") && (written("/fidelity/epochs") || trainerOk());
    }

    private boolean written(String pointer) {
        return !tree.at(pointer).isMissingNode();
    }

    private void error(String pointer, String message, String hint) {
        out.add(new SpecError(pointer, message, hint));
    }

    // ---- space

    /** The space family's own checks ({@link Spaces#check}) for what the schema cannot see (e.g. depth vs stages). */
    private void space() {
        if (!ok("/space") || eff.space() == null) {
            return;
        }
        for (Spaces.Problem p : Spaces.check(eff.space())) {
            String m = p.message();
            int cut = m.indexOf("; ");
            error(p.pointer(), cut < 0 ? m : m.substring(0, cut), cut < 0 ? "see docs/SPACES.md" : m.substring(cut + 2));
        }
    }

    // ---- strategy

    private void strategyParams() {
        if (!ok("/strategy/type") || eff.strategy() == null) {
            return;
        }
        String type = eff.strategy().type();
        StrategyDescriptor strategy = Strategies.descriptor(type);
        if (strategy == null) {
            List<String> known = Strategies.all().stream().map(StrategyDescriptor::name).toList();
            error("/strategy/type", "unknown strategy " + SafeText.quote(type),
                    Suggest.didYouMean(type, known) + "use one of: " + String.join(", ", known));
            return;
        }
        List<ParamDef> defs = strategy.params();
        Map<String, ParamDef> byName = new HashMap<>();
        defs.forEach(d -> byName.put(d.name(), d));
        JsonNode params = tree.path("strategy").path("params");
        Set<String> written = new HashSet<>();
        for (var it = params.fields(); it.hasNext(); ) {
            var e = it.next();
            written.add(e.getKey());
            String ptr = "/strategy/params/" + SchemaErrorMapper.escape(e.getKey());
            ParamDef d = byName.get(e.getKey());
            if (d == null) {
                error(ptr, "unknown parameter " + SafeText.quote(e.getKey()) + " of strategy '" + type + "'",
                        defs.isEmpty() ? "remove it; strategy '" + type + "' takes no parameters"
                                : Suggest.didYouMean(e.getKey(), byName.keySet()) + "parameters of '" + type + "': "
                                + String.join(", ", defs.stream().map(ParamDef::name).toList()));
            } else {
                checkParam(ptr, d, e.getValue());
            }
        }
        if (ok("/strategy/params")) {
            ParamConflict c = strategy.conflict(new ParamValues(eff.strategy().params()), written);
            if (c != null) {
                error("/strategy/params/" + SchemaErrorMapper.escape(c.param()), c.message(), c.hint());
            }
        }
    }

    /** The spec's strategy (known: written without error) has this trait. */
    private boolean is(StrategyDescriptor.Trait trait) {
        StrategyDescriptor d = eff.strategy() == null ? null : Strategies.descriptor(eff.strategy().type());
        return d != null && d.has(trait);
    }

    /** One-shot methods (darts, spos) train a supernet over a darts cell space with the djl trainer. */
    private void oneShot() {
        if (!ok("/strategy/type") || !is(StrategyDescriptor.Trait.ONE_SHOT)) {
            return;
        }
        String type = eff.strategy().type();
        if (ok("/space/type") && eff.space() != null && !"darts".equals(eff.space().type())) {
            error("/space/type", "one-shot strategy '" + type + "' builds its supernet over a darts cell space, not '"
                    + eff.space().type() + "'", "set space.type to \"darts\" (e.g. {\"type\": \"darts\", \"nodes\": 2,"
                    + " \"channels\": 8, \"cellsPerStage\": 1, \"stages\": 2}) or pick a strategy such as rea");
        }
        if (trainerOk() && eff.trainer() != null && !eff.trainer().isDjl()) {
            error("/trainer/type", "one-shot strategy '" + type + "' trains a real supernet, the '"
                    + eff.trainer().type() + "' trainer cannot", "set trainer.type to \"djl\" and add a data section");
        }
    }

    private void checkParam(String ptr, ParamDef d, JsonNode v) {
        switch (d.kind()) {
            case "int" -> {
                if (!v.isNumber() || !(v.isIntegralNumber() || v.decimalValue().stripTrailingZeros().scale() <= 0)) {
                    error(ptr, "must be a whole number (found " + SchemaErrorMapper.describe(v) + ")",
                            "write an integer in [" + fmt(d.min()) + ", " + fmt(d.max()) + "], e.g. " + d.defaultValue());
                    return;
                }
                range(ptr, d, v);
            }
            case "number" -> {
                if (!v.isNumber()) {
                    error(ptr, "must be a number (found " + SchemaErrorMapper.describe(v) + ")",
                            "write a number in [" + fmt(d.min()) + ", " + fmt(d.max()) + "], e.g. " + d.defaultValue());
                    return;
                }
                range(ptr, d, v);
            }
            case "boolean" -> {
                if (!v.isBoolean()) {
                    error(ptr, "must be true or false (found " + SchemaErrorMapper.describe(v) + ")",
                            "write true or false (without quotes)");
                }
            }
            case "enum" -> {
                if (!v.isTextual() || !d.values().contains(v.asText())) {
                    error(ptr, "unknown value " + SchemaErrorMapper.describe(v) + " for '" + d.name() + "'",
                            (v.isTextual() ? Suggest.didYouMean(v.asText(), d.values()) : "") + "use one of: "
                                    + String.join(", ", d.values()));
                }
            }
            default -> { }
        }
    }

    private void range(String ptr, ParamDef d, JsonNode v) {
        double x = v.doubleValue();
        if ((d.min() != null && x < d.min()) || (d.max() != null && x > d.max()) || !Double.isFinite(x)) {
            error(ptr, "is out of range (found " + SchemaErrorMapper.describe(v) + ")",
                    "use a value in [" + fmt(d.min()) + ", " + fmt(d.max()) + "] (" + d.doc() + "; default "
                            + d.defaultValue() + ")");
        }
    }

    // ---- objectives and constraints

    private void objectives() {
        if (!ok("/objectives")) {
            return;
        }
        List<Objective> objs = eff.objectives();
        for (int i = 0; i < objs.size(); i++) {
            Objective o = objs.get(i);
            for (int j = 0; j < i; j++) {
                if (objs.get(j).metric().equals(o.metric())) {
                    error("/objectives/" + i + "/metric", "duplicate objective '" + o.metric()
                            + "' (already /objectives/" + j + ")", "list each metric once");
                }
            }
            if (SpecVocabulary.ACCURACY_METRICS.contains(o.metric()) && o.direction() == Direction.MINIMIZE) {
                error("/objectives/" + i + "/direction", "'" + o.metric()
                                + "' is an accuracy: minimizing it would search for the worst networks",
                        "set \"direction\": \"maximize\"");
            }
            if (SpecVocabulary.COST_METRICS.contains(o.metric()) && o.direction() == Direction.MAXIMIZE) {
                error("/objectives/" + i + "/direction", "'" + o.metric()
                                + "' is a cost: maximizing it would search for the most expensive networks",
                        "set \"direction\": \"minimize\" (or bound it with a constraint)");
            }
            if ("latencyMs".equals(o.metric()) && trainerOk() && eff.trainer().isTable()) {
                error("/objectives/" + i + "/metric", "the nb201 table trainer has no latency figures",
                        "use params or flops, or trainer djl (which measures latency)");
            }
        }
    }

    private void constraints() {
        if (!ok("/constraints")) {
            return;
        }
        List<Constraint> cs = eff.constraints();
        Optional<Cost> cheapest = Optional.empty();
        boolean costKnowable = ok("/space", "/trainer/dataset", "/data/format", "/fidelity/resolution") && trainerOk()
                && eff.space() != null;
        for (int i = 0; i < cs.size(); i++) {
            Constraint c = cs.get(i);
            String at = "/constraints/" + i;
            for (int j = 0; j < i; j++) {
                if (cs.get(j).metric().equals(c.metric())) {
                    error(at + "/metric", "second constraint on '" + c.metric() + "' (first at /constraints/" + j
                            + ")", "merge them into one {\"metric\": \"" + c.metric() + "\", \"min\": ..., \"max\": ...}");
                }
            }
            if (c.min() == null && c.max() == null) {
                error(at, "sets neither min nor max, so it constrains nothing",
                        "add \"max\" (e.g. \"max\": 1000000 for params) or \"min\", or remove the constraint");
                continue;
            }
            if (c.min() != null && c.max() != null && c.min() > c.max()) {
                error(at + "/min", "min (" + fmt(c.min()) + ") is greater than max (" + fmt(c.max())
                        + "): no candidate can satisfy it", "make min <= max (swap them?)");
                continue;
            }
            boolean accuracy = SpecVocabulary.ACCURACY_METRICS.contains(c.metric());
            if (accuracy) {
                if (c.min() != null && c.min() > 100) {
                    error(at + "/min", "accuracies are percentages (0..100): min " + fmt(c.min())
                            + " can never be met", "use a min of at most 100, e.g. 90");
                }
                if (c.max() != null && c.max() < 0) {
                    error(at + "/max", "accuracies are percentages (0..100): max " + fmt(c.max())
                            + " can never be met", "use a max between 0 and 100, or remove it");
                }
            } else {
                if (c.max() != null && c.max() <= 0) {
                    error(at + "/max", "no network has " + c.metric() + " <= " + fmt(c.max()),
                            "use a positive bound, e.g. " + example(c.metric()));
                }
                if (c.min() != null && c.min() < 0) {
                    error(at + "/min", c.metric() + " is never negative: min " + fmt(c.min()) + " means nothing",
                            "remove min or use a value >= 0");
                }
            }
            if ("latencyMs".equals(c.metric()) && trainerOk() && eff.trainer().isTable()) {
                error(at + "/metric", "the nb201 table trainer has no latency figures",
                        "constrain params or flops instead, or use trainer djl (which measures latency)");
            }
            if (("params".equals(c.metric()) || "flops".equals(c.metric())) && c.max() != null && c.max() > 0
                    && costKnowable) {
                if (cheapest.isEmpty()) {
                    Optional<InputShape> input = Defaults.inputShape(eff);
                    cheapest = input.flatMap(in -> spaces.minCost(eff.space(), in));
                }
                if (cheapest.isPresent()) {
                    long least = "params".equals(c.metric()) ? cheapest.get().params() : cheapest.get().flops();
                    if (c.max() < least) {
                        error(at + "/max", "no network of this " + eff.space().type() + " space has " + c.metric()
                                        + " <= " + fmt(c.max()) + ": the smallest has " + least,
                                "raise max to at least " + least + ", or choose a smaller space");
                    }
                }
            }
        }
    }

    private static String example(String metric) {
        return switch (metric) {
            case "params" -> "1000000";
            case "flops" -> "200000000";
            default -> "5";
        };
    }

    // ---- trainer, fidelity, budget

    private void trainer() {
        if (!trainerOk() || !ok("/space/type", "/data") || eff.space() == null) {
            return;
        }
        TrainerSpec t = eff.trainer();
        String spaceType = eff.space().type();
        if (t.isTable() && ok("/space") && !isNb201(eff.space())) {
            error("/trainer/type", "the nb201 table trainer only knows the nb201 space, not '" + spaceType + "'",
                    "set space.type to nb201, or use trainer djl with a data section");
        }
        if (t.isTable() && t.tabulatedPacing() && ok("/trainer/pacing", "/trainer/pacingMillisPerEpoch")
                && (t.pacingMillisPerEpoch() == null || t.pacingMillisPerEpoch() <= 0)) {
            error("/trainer/pacing", "'tabulated' scales pacingMillisPerEpoch per architecture, but "
                            + "pacingMillisPerEpoch is " + (t.pacingMillisPerEpoch() == null ? "not set" : "0"),
                    "set trainer.pacingMillisPerEpoch to the mean milliseconds per epoch, e.g. 100");
        }
        if (t.isTable() && eff.data() != null) {
            error("/data", "does not apply to the nb201 table trainer (the table holds the results)",
                    "remove data, or set trainer.type to djl");
        }
        if (t.isDjl() && eff.data() == null) {
            String why = written("/trainer/type") ? "trainer 'djl' trains on real data"
                    : "the default trainer for space type '" + spaceType + "' is djl, which trains on real data";
            error("/data", "required field is missing: " + why,
                    "add \"data\": {\"format\": \"idx\", \"path\": \"/usr/share/datasets/fashion-mnist\"}"
                            + (written("/trainer/type") ? "" : ", or use space nb201 with trainer nb201"));
        }
    }

    /** The nb201 space, or a {@code cell} space whose fields are all NAS-Bench-201's (the same space). */
    private static boolean isNb201(SpaceSpec space) {
        if ("nb201".equals(space.type())) {
            return true;
        }
        return "cell".equals(space.type()) && Spaces.check(space).isEmpty()
                && Spaces.NB201.equals(Spaces.create(space).id());
    }

    private void fidelity() {
        FidelitySpec f = eff.fidelity();
        if (epochsOk() && ok("/fidelity/minEpochs")) {
            boolean multiKnown = ok("/strategy/type");
            if (f.minEpochs() > f.epochs()) {
                error("/fidelity/minEpochs", "minEpochs (" + f.minEpochs() + ") exceeds epochs (" + f.epochs() + ")",
                        "set minEpochs <= epochs");
            } else if (multiKnown && Defaults.multiFidelity(eff) && f.minEpochs().equals(f.epochs())) {
                String why = "strategy '" + eff.strategy().type() + "'";
                error(written("/fidelity/minEpochs") ? "/fidelity/minEpochs" : "/fidelity/epochs",
                        why + " trains at several fidelities, but minEpochs equals epochs (" + f.epochs() + ")",
                        "set minEpochs below epochs (rungs at minEpochs x eta^k), e.g. epochs 200 and minEpochs 12");
            }
        }
        TrainerSpec t = eff.trainer();
        if (!trainerOk() || !t.isTable() || !ok("/trainer/dataset")) {
            return;
        }
        boolean only12 = !"cifar10".equals(t.dataset());
        int max = only12 ? NB201_12EP_ONLY_MAX_EPOCHS : NB201_MAX_EPOCHS;
        if (ok("/fidelity/epochs") && f.epochs() > max) {
            error("/fidelity/epochs", only12
                            ? "the nb201 table has only 12-epoch figures for " + t.dataset()
                            + " (found " + f.epochs() + " epochs)"
                            : "the nb201 table covers 1..200 epochs (figures at 12 and 200, interpolated between;"
                            + " found " + f.epochs() + ")",
                    only12 ? "use at most 12 epochs, or dataset cifar10" : "use at most 200 epochs (12 is the"
                            + " published search protocol)");
        }
        if (ok("/fidelity/dataFraction") && written("/fidelity/dataFraction") && f.dataFraction() != 1.0) {
            error("/fidelity/dataFraction", "the nb201 table only has figures for training on all the data",
                    "remove dataFraction (or use trainer djl)");
        }
        if (ok("/fidelity/widthMultiplier") && written("/fidelity/widthMultiplier") && f.widthMultiplier() != 1.0) {
            error("/fidelity/widthMultiplier", "the nb201 table only has figures for the published widths",
                    "remove widthMultiplier (or use trainer djl)");
        }
        int nativeRes = Defaults.nativeResolution(t, null);
        if (ok("/fidelity/resolution") && f.resolution() != nativeRes) {
            error("/fidelity/resolution", "the nb201 table was measured at " + nativeRes + "x" + nativeRes
                    + " for " + t.dataset(), "remove resolution (or use trainer djl)");
        }
    }

    private void budget() {
        BudgetSpec b = eff.budget();
        if (ok("/budget") && !b.hasLimit()) {
            error("/budget", "sets no limit, so the search would never end",
                    "add at least one of " + String.join(", ", SpecVocabulary.BUDGET_LIMITS) + ", e.g. \"evaluations\": 100");
        }
        int most = trainerOk() && eff.trainer() != null ? BudgetSpec.maxEvaluations(eff.trainer().type())
                : BudgetSpec.MAX_EVALUATIONS;
        if (ok("/budget/evaluations") && b.evaluations() != null && b.evaluations() > most) {
            error("/budget/evaluations", "must be at most " + most + " with the " + eff.trainer().type()
                            + " trainer (found " + b.evaluations() + "): the finished results a search carries across "
                            + "continue-as-new would pass Temporal's 2 MB payload limit",
                    "split the search into several of at most " + most + " evaluations (e.g. different seeds)");
        }
        if (ok("/budget/queueAhead", "/budget/scheduling") && b.ahead() > 0 && !b.async()) {
            error("/budget/queueAhead", "queues candidates ahead for asynchronous scheduling, but scheduling is '"
                    + b.scheduling() + "'", "remove queueAhead, or set budget.scheduling to async");
        }
        if (ok("/budget/maxConcurrent", "/budget/queueAhead", "/budget/shardSize") && b.maxConcurrent() != null
                && b.maxConcurrent() + b.ahead() > (long) BudgetSpec.MAX_OPEN_SHARDS * b.minShardBatch()) {
            // above shardSize in flight the candidates run in shards (child workflows): one per batch of at least
            // shardSize / 10 freed slots; Temporal allows 2,000 pending child workflows per execution
            error("/budget/maxConcurrent", "maxConcurrent + queueAhead = " + (b.maxConcurrent() + b.ahead())
                            + " candidates in flight would keep more than " + BudgetSpec.MAX_OPEN_SHARDS
                            + " shards (child workflows) open with shardSize " + b.shards(),
                    "raise budget.shardSize (at most " + BudgetSpec.MAX_SHARD_SIZE + ") or lower maxConcurrent");
        }
        if (ok("/budget/simulatedSeconds") && b.simulatedSeconds() != null && trainerOk() && eff.trainer().isDjl()) {
            error("/budget/simulatedSeconds", "the djl trainer trains in real time; simulated seconds exist only for"
                    + " the nb201 table trainer", "use realSeconds (or evaluations) instead");
        }
    }

    private void grid() {
        if (!ok("/strategy/type", "/space") || eff.space() == null || !is(StrategyDescriptor.Trait.ENUMERATES_SPACE)) {
            return;
        }
        Optional<BigInteger> size = spaces.size(eff.space());
        if (size.isPresent() && size.get().compareTo(GRID_LIMIT) > 0) {
            error("/strategy/type", "grid search would enumerate " + humanSize(size.get())
                            + " architectures of this " + eff.space().type() + " space (limit 1,000,000)",
                    "use a sampling strategy (random, rea, bananas, ...) or a smaller space");
        }
    }

    private void stopping() {
        if (!ok("/stopping")) {
            return;
        }
        StoppingSpec s = eff.stopping();
        if (s.isNone()) {
            return;
        }
        try {
            StoppingRules.validate(s.rule(), s.params());
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            int colon = m.indexOf(": ");
            String field = colon > 0 && m.startsWith("stopping.") ? m.substring("stopping.".length(), colon) : "rule";
            error("/stopping/" + field, colon > 0 ? m.substring(colon + 2) : m, "see the stopping table in docs/SPEC.md");
            return;
        }
        if (ok("/objectives")) {
            try {
                StoppingRules.checkObjectives(s.rule(), eff.objectives(), s.metric());
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                int colon = m.indexOf(": ");
                String field = m.substring(0, colon);
                String pointer = field.equals("objectives") ? "/objectives"
                        : "/stopping/" + field.substring("stopping.".length());
                error(pointer, m.substring(colon + 2), "see the pareto rule in docs/SPEC.md (stopping)");
                return;
            }
        }
        int epochs = eff.fidelity().epochs();
        if (epochsOk() && s.gracePeriod() != null && s.gracePeriod() >= epochs) {
            boolean w = written("/stopping/gracePeriod");
            error(w ? "/stopping/gracePeriod" : "/stopping/rule", "stopping rule '" + s.rule()
                            + "' could never stop a candidate: gracePeriod (" + s.gracePeriod()
                            + ") is not below fidelity.epochs (" + epochs + ")",
                    w ? "set gracePeriod below " + epochs : "train longer (fidelity.epochs > " + s.gracePeriod()
                            + "), set a smaller gracePeriod, or set stopping.rule to none");
        }
        if (epochsOk() && s.minEpochs() != null && s.minEpochs() >= epochs) {
            boolean w = written("/stopping/minEpochs");
            error(w ? "/stopping/minEpochs" : "/stopping/rule", "stopping rule 'asha' could never stop a candidate:"
                            + " its first rung (minEpochs " + s.minEpochs() + ") is not below fidelity.epochs ("
                            + epochs + ")",
                    "set stopping.minEpochs below " + epochs + " (rungs at minEpochs x eta^k)");
        }
        Integer evals = eff.budget().evaluations();
        if (ok("/budget/evaluations") && s.minTrials() != null && evals != null && s.minTrials() > evals) {
            boolean w = written("/stopping/minTrials");
            error(w ? "/stopping/minTrials" : "/stopping/rule", "stopping rule '" + s.rule()
                            + "' would never act: minTrials (" + s.minTrials() + ") exceeds budget.evaluations ("
                            + evals + ")", "set stopping.minTrials to at most " + evals);
        }
        if (trainerOk() && eff.trainer().isTable() && s.metric() != null && !s.metric().endsWith("Accuracy")) {
            error("/stopping/metric", "the nb201 table trainer publishes accuracy curves only (no "
                    + s.metric() + ")", "use validAccuracy");
        }
    }

    // ---- formatting

    static String fmt(Double d) {
        if (d == null) {
            return "?";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return String.format(Locale.ROOT, "%s", d);
    }

    private static String humanSize(BigInteger n) {
        String s = n.toString();
        return s.length() <= 15 ? String.format(Locale.ROOT, "%,d", n) : "about 10^" + (s.length() - 1);
    }
}
