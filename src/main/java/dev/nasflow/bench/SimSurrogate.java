package dev.nasflow.bench;

import dev.nasflow.stopping.CurvePoint;
import dev.nasflow.stopping.Prediction;
import dev.nasflow.stopping.PredictionSource;
import dev.nasflow.stopping.StoppingSimulator;
import dev.nasflow.surrogate.CurveSurrogate;
import dev.nasflow.surrogate.SurrogateModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The surrogate service's two models, fed by a stopping simulation instead of Kafka: the architecture model
 * ({@link SurrogateModel}, refitted every {@code retrainEvery} finished candidates, synchronously here) gives each
 * candidate its prior when it starts, and the learning-curve model ({@link CurveSurrogate}) predicts each candidate's
 * final value after every epoch, before the rule judges that epoch; the surrogate rule reads that prediction, as the
 * stopper reads the service's in a running stack. Values are oriented (larger is better), as in the simulator.
 *
 * <p>With priors (a warm start's results measured on the same task, see {@code nasflow bench stopping --priors}) the
 * architecture model is pre-trained on their final values before the first candidate starts, as the surrogate service
 * pre-trains it on a warm start's same-task priors ({@link SurrogateModel#addPrior}), and the learning-curve model
 * learns their curves ({@link CurveSurrogate#learnPriors}, each with an out-of-fold architecture prior), as the service
 * does with the curves of a warm start's source searches that it followed.
 */
final class SimSurrogate implements StoppingSimulator.Listener, PredictionSource {
    private final SurrogateModel arch;
    private final CurveSurrogate curves = new CurveSurrogate();
    private final Map<String, double[]> encodings;
    private final Map<String, CurveSurrogate.Estimate> last = new HashMap<>();
    private final Map<String, Integer> lastEpoch = new HashMap<>();
    private final Predictions log;

    /** Receives every prediction made: candidate, epoch, predicted final (oriented), the candidate's true final. */
    interface Predictions {
        void made(StoppingSimulator.Candidate c, int epoch, double predicted);
    }

    /** A prior result: architecture hash, encoding and final value (oriented: larger is better). */
    record Prior(String archHash, double[] encoding, double value, double[] curve) {
        Prior(String archHash, double[] encoding, double value) {
            this(archHash, encoding, value, null);
        }
    }

    /** Out-of-fold architecture priors of a priors list, computed once per list (the lists live for one bench run). */
    private static final Map<List<Prior>, double[]> OUT_OF_FOLD = new java.util.concurrent.ConcurrentHashMap<>();
    static final int PRIOR_FOLDS = 5;

    SimSurrogate(Map<String, double[]> encodings, int retrainEvery, long seed, Predictions log) {
        this(encodings, retrainEvery, seed, log, List.of());
    }

    SimSurrogate(Map<String, double[]> encodings, int retrainEvery, long seed, Predictions log, List<Prior> priors) {
        this.encodings = encodings;
        this.arch = new SurrogateModel(retrainEvery, 50, seed);
        this.log = log;
        boolean added = false;
        for (Prior p : priors) {
            added |= arch.addPrior(p.archHash(), p.encoding(), p.value());
        }
        if (added && arch.fitDueForPriors()) {
            arch.fit();
        }
        List<Prior> withCurves = priors.stream().filter(p -> p.curve() != null).toList();
        if (!withCurves.isEmpty()) {
            double[] oof = OUT_OF_FOLD.computeIfAbsent(withCurves, ps -> SurrogateModel.outOfFold(
                    ps.stream().map(Prior::encoding).toList(), ps.stream().map(Prior::value).toList(), PRIOR_FOLDS,
                    0));
            List<CurveSurrogate.PriorCurve> pc = new java.util.ArrayList<>();
            for (int i = 0; i < withCurves.size(); i++) {
                pc.add(new CurveSurrogate.PriorCurve("prior:" + withCurves.get(i).archHash(), oof[i],
                        withCurves.get(i).curve()));
            }
            curves.learnPriors(pc);
        }
    }

    @Override
    public void started(StoppingSimulator.Candidate c) {
        double prior = Double.NaN;
        double[] enc = encodings.get(c.id());
        if (enc != null && enc.length > 0 && arch.ready()) {
            prior = arch.predict(c.archHash() == null ? c.id() : c.archHash(), enc).mean();
        }
        curves.start(c.id(), prior);
    }

    @Override
    public void epoch(StoppingSimulator.Candidate c, CurvePoint p) {
        curves.observe(c.id(), p.epoch(), p.targetEpochs(), p.value());
        CurveSurrogate.Estimate e = curves.predict(c.id(), p.epoch());
        if (e == null) {
            last.remove(c.id());
            return;
        }
        last.put(c.id(), e);
        lastEpoch.put(c.id(), p.epoch());
        if (log != null) {
            log.made(c, p.epoch(), e.mean());
        }
    }

    @Override
    public void finished(StoppingSimulator.Candidate c) {
        double f = c.finalValue();
        curves.finish(c.id(), f);
        double[] enc = encodings.get(c.id());
        if (enc != null && enc.length > 0 && Double.isFinite(f)) {
            arch.addResult(c.archHash() == null ? c.id() : c.archHash(), enc, f);
        }
    }

    @Override
    public Optional<Prediction> predict(String archHash) {
        return Optional.empty();
    }

    @Override
    public Optional<Prediction> predict(CurvePoint p) {
        CurveSurrogate.Estimate e = last.get(p.candidateId());
        Integer at = lastEpoch.get(p.candidateId());
        if (e == null || at == null || at < p.epoch()) {
            return Optional.empty();
        }
        return Optional.of(new Prediction(e.mean(), e.std(), "curve surrogate after epoch " + at + " on "
                + e.trainedOn() + " finished", e.dof(), e.trainedOn()));
    }

    @Override
    public Optional<Prediction> predictFrom(CurvePoint p) {
        Integer at = lastEpoch.get(p.candidateId());
        return at != null && at == p.epoch() ? predict(p) : Optional.empty();
    }

    @Override
    public Optional<Prediction> repredict(CurvePoint p) {
        CurveSurrogate.Estimate e = curves.repredict(p.candidateId(), p.epoch());
        return e == null ? Optional.empty() : Optional.of(new Prediction(e.mean(), e.std(),
                "curve surrogate from epoch " + p.epoch() + " on " + e.trainedOn() + " finished", e.dof(),
                e.trainedOn()));
    }

    @Override
    public Optional<RankQualityAt> rankQuality(CurvePoint p) {
        CurveSurrogate.RankGate g = curves.rankGate(p.epoch());
        return Optional.of(new RankQualityAt(g.epoch(), g.tauPredicted(), g.tauObserved(), g.n()));
    }

    @Override
    public String whyNone(CurvePoint p) {
        return "no finished candidate reached epoch " + p.targetEpochs() + " yet";
    }
}
