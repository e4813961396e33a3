package dev.nasflow.spec;

import dev.nasflow.model.BudgetSpec;
import dev.nasflow.model.DataSpec;
import dev.nasflow.model.Direction;
import dev.nasflow.model.FidelitySpec;
import dev.nasflow.model.Objective;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.space.SpaceSpec;
import dev.nasflow.model.StoppingSpec;
import dev.nasflow.model.StrategySpec;
import dev.nasflow.model.TrainerDescriptor;
import dev.nasflow.model.TrainerSpec;
import dev.nasflow.model.Trainers;
import dev.nasflow.space.InputShape;
import dev.nasflow.stopping.StoppingRules;
import dev.nasflow.model.ParamDef;
import dev.nasflow.strategy.Strategies;
import dev.nasflow.strategy.StrategyDescriptor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every default of a search spec, applied in one place ({@link #apply(SearchSpec)}, also reachable as
 * {@code SpecValidation#effective()}). Pure and deterministic (safe in workflow code). After it, downstream code sees
 * no null section except {@code data} for the {@code nb201} trainer, and no null field except the budget limits that
 * were not set, {@code trainer.recipe} (null = the trainer's built-in recipe), the fields that do not apply to the
 * chosen stopping rule or trainer type, and the space's per-type fields (the space family applies its own defaults).
 * The table is in {@code docs/SPEC.md}.
 */
public final class Defaults {
    private Defaults() {
    }

    public static final long SEED = 0L;
    public static final Objective OBJECTIVE = Objective.DEFAULT;
    public static final String TASK_QUEUE = "nasflow";
    public static final String ARTIFACTS = "artifacts";
    public static final int POPULATION_SIZE = 10;
    /** Epochs of a full evaluation with the nb201 table: the published search protocol's 12-epoch schedule. */
    public static final int NB201_EPOCHS = Trainers.NB201.defaultEpochs();
    public static final int DJL_EPOCHS = Trainers.DJL.defaultEpochs();
    /** Smallest fidelity of a multi-fidelity search when {@code minEpochs} is not given. */
    public static final int MULTI_FIDELITY_MIN_EPOCHS = 1;
    public static final double DATA_FRACTION = 1.0;
    public static final double WIDTH_MULTIPLIER = 1.0;
    public static final String NB201_DATASET = (String) Trainers.NB201.defaults().get("dataset");
    public static final int PACING_MILLIS = (Integer) Trainers.NB201.defaults().get("pacingMillisPerEpoch");
    public static final String DEVICE = (String) Trainers.DJL.defaults().get("device");
    public static final double VALIDATION_FRACTION = 0.1;
    public static final String STOPPING_METRIC = "validAccuracy";

    /** {@code spec} with every default applied; idempotent; tolerates missing sections (they get defaults too). */
    public static SearchSpec apply(SearchSpec s) {
        TrainerSpec trainer = trainer(s.trainer(), s.space());
        TrainerDescriptor backend = Trainers.descriptor(trainer.type());
        DataSpec data = backend != null && backend.trainsOnData() ? data(s.data()) : s.data();
        StrategySpec strategy = s.strategy() == null ? null : strategy(s.strategy());
        SearchSpec partial = new SearchSpec(s.name(), s.seed() == null ? SEED : s.seed(), s.space(), strategy,
                budget(s.budget()), s.objectives() == null ? List.of(OBJECTIVE) : s.objectives(),
                s.constraints() == null ? List.of() : s.constraints(), s.fidelity(), s.stopping(), trainer, data,
                s.taskQueue() == null ? TASK_QUEUE : s.taskQueue(), s.artifacts() == null ? ARTIFACTS : s.artifacts());
        return new SearchSpec(partial.name(), partial.seed(), partial.space(), partial.strategy(), partial.budget(),
                partial.objectives(), partial.constraints(), fidelity(partial), stopping(s.stopping()),
                partial.trainer(), partial.data(), partial.taskQueue(), partial.artifacts(),
                s.warmStart() == null ? null : s.warmStart().withDefaults());
    }

    /** The trainer section with defaults; the type defaults to {@code nb201} for the nb201 space, else {@code djl}. */
    public static TrainerSpec trainer(TrainerSpec t, SpaceSpec space) {
        String type = t != null && t.type() != null ? t.type()
                : (space == null || space.type() == null || "nb201".equals(space.type()) ? "nb201" : "djl");
        if ("nb201".equals(type)) {
            return new TrainerSpec(type, t == null || t.dataset() == null ? NB201_DATASET : t.dataset(),
                    t == null || t.pacingMillisPerEpoch() == null ? PACING_MILLIS : t.pacingMillisPerEpoch(),
                    t == null ? null : t.recipe(), t == null ? null : t.device(),
                    t == null ? null : t.heartbeatTimeoutSeconds(), t == null ? null : t.pacing());
        }
        if ("djl".equals(type)) {
            return new TrainerSpec(type, t == null ? null : t.dataset(), t == null ? null : t.pacingMillisPerEpoch(),
                    t == null ? null : t.recipe(), t == null || t.device() == null ? DEVICE : t.device(),
                    t == null ? null : t.heartbeatTimeoutSeconds(), t == null ? null : t.pacing());
        }
        return t;
    }

    private static DataSpec data(DataSpec d) {
        if (d == null) {
            return null;
        }
        return new DataSpec(d.format(), d.path(),
                d.validationFraction() == null ? VALIDATION_FRACTION : d.validationFraction(),
                d.dataFraction() == null ? DATA_FRACTION : d.dataFraction());
    }

    private static BudgetSpec budget(BudgetSpec b) {
        if (b == null) {
            return new BudgetSpec(null, null, null, null, POPULATION_SIZE, POPULATION_SIZE, BudgetSpec.ASYNC);
        }
        int population = b.populationSize() == null ? POPULATION_SIZE : b.populationSize();
        return new BudgetSpec(b.evaluations(), b.simulatedSeconds(), b.realSeconds(), b.generations(), population,
                b.maxConcurrent() == null ? population : b.maxConcurrent(),
                b.scheduling() == null ? BudgetSpec.ASYNC : b.scheduling(), b.queueAhead(), b.shardSize());
    }

    /** Strategy params completed with each {@link ParamDef}'s default and normalised (int → Integer, number → Double). */
    private static StrategySpec strategy(StrategySpec st) {
        StrategyDescriptor strategy = Strategies.descriptor(st.type());
        if (strategy == null) {
            return st;
        }
        Map<String, Object> params = new LinkedHashMap<>(st.params());
        for (ParamDef d : strategy.params()) {
            Object v = params.get(d.name());
            params.put(d.name(), normalise(d, v == null ? d.defaultValue() : v));
        }
        return new StrategySpec(st.type(), params);
    }

    private static Object normalise(ParamDef d, Object v) {
        if (v instanceof Number n) {
            if ("int".equals(d.kind()) && n.doubleValue() == Math.rint(n.doubleValue())) {
                return n.intValue();
            }
            if ("number".equals(d.kind())) {
                return n.doubleValue();
            }
        }
        return v;
    }

    private static FidelitySpec fidelity(SearchSpec s) {
        FidelitySpec f = s.fidelity();
        TrainerSpec t = s.trainer();
        TrainerDescriptor backend = Trainers.descriptor(t.type());
        int epochs = f != null && f.epochs() != null ? f.epochs()
                : (backend == null ? NB201_EPOCHS : backend.defaultEpochs());
        int minEpochs = f != null && f.minEpochs() != null ? f.minEpochs()
                : (Defaults.multiFidelity(s) ? Math.min(MULTI_FIDELITY_MIN_EPOCHS, epochs) : epochs);
        return new FidelitySpec(epochs, minEpochs,
                f != null && f.dataFraction() != null ? f.dataFraction() : DATA_FRACTION,
                f != null && f.widthMultiplier() != null ? f.widthMultiplier() : WIDTH_MULTIPLIER,
                f != null && f.resolution() != null ? f.resolution() : nativeResolution(t, s.data()));
    }

    /** The chosen rule's parameters completed with the defaults of {@code StoppingRules.params(rule)}. */
    private static StoppingSpec stopping(StoppingSpec st) {
        if (st == null || st.rule() == null) {
            return StoppingSpec.none();
        }
        if (!StoppingRules.NAMES.contains(st.rule())) {
            return st;
        }
        if ("none".equals(st.rule())) {
            return StoppingSpec.none();
        }
        Map<String, Object> params = new LinkedHashMap<>(st.params());
        for (ParamDef d : StoppingRules.params(st.rule())) {
            params.putIfAbsent(d.name(), d.defaultValue());
        }
        return StoppingSpec.of(st.rule(), st.metric() == null ? STOPPING_METRIC : st.metric(), params);
    }

    /**
     * The side of the input images when {@code fidelity.resolution} is not set: 32 for CIFAR (nb201 cifar10 /
     * cifar100, cifar10-binary) and image folders (resized), 16 for ImageNet16-120, 28 for IDX (MNIST family).
     */
    public static int nativeResolution(TrainerSpec t, DataSpec d) {
        if (t != null && t.isTable()) {
            return "imagenet16-120".equals(t.dataset()) ? 16 : 32;
        }
        if (d != null && "idx".equals(d.format())) {
            return 28;
        }
        return 32;
    }

    /**
     * The nominal input of the networks of an effective spec (channels × resolution², classes), when it is known from
     * the spec alone: nb201 datasets, IDX (1 channel, 10 classes) and CIFAR-10 binary (3 channels, 10 classes). Image
     * folders have as many classes as folders, known only when the data is read: empty.
     */
    public static Optional<InputShape> inputShape(SearchSpec effective) {
        TrainerSpec t = effective.trainer();
        int res = effective.fidelity() != null && effective.fidelity().resolution() != null
                ? effective.fidelity().resolution() : nativeResolution(t, effective.data());
        if (t != null && t.isTable()) {
            int classes = switch (t.dataset() == null ? NB201_DATASET : t.dataset()) {
                case "cifar100" -> 100;
                case "imagenet16-120" -> 120;
                default -> 10;
            };
            return Optional.of(new InputShape(3, res, res, classes));
        }
        DataSpec d = effective.data();
        if (d == null || d.format() == null) {
            return Optional.empty();
        }
        return switch (d.format()) {
            case "idx" -> Optional.of(new InputShape(1, res, res, 10));
            case "cifar10-binary" -> Optional.of(new InputShape(3, res, res, 10));
            default -> Optional.empty();
        };
    }

    /**
     * True when the spec's strategy trains candidates at several fidelities (ASHA, Hyperband: {@code fidelity.minEpochs}
     * up to {@code fidelity.epochs}). The ASHA stopping rule instead stops full-length trainings at its rungs.
     */
    public static boolean multiFidelity(SearchSpec s) {
        StrategyDescriptor d = s.strategy() == null ? null : Strategies.descriptor(s.strategy().type());
        return d != null && d.has(StrategyDescriptor.Trait.MULTI_FIDELITY);
    }
}
