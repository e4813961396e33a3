package dev.nasflow.train;

import dev.nasflow.model.Trainers;
import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import dev.nasflow.activity.CandidateTrainer;
import dev.nasflow.model.EpochReport;
import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.model.ResumePoint;
import dev.nasflow.activity.StepListener;
import dev.nasflow.activity.TrainingSession;
import dev.nasflow.space.Genome;
import dev.nasflow.model.CandidateTask;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The NAS-Bench-201 table as a training backend of the training activity: each "epoch" reads the candidate's learning
 * curve (tabulated at 12 and 200 epochs, interpolated between — see {@link LearningCurve}), charges simulated time
 * (train-all-time / 200 per epoch) and, when the spec asks for it, paces in real time
 * ({@code trainer.pacingMillisPerEpoch}) with a step (heartbeat) every few milliseconds so cancellation lands fast;
 * an unpaced epoch (pacing 0) is a single lookup and takes no step.
 * Stateless: no checkpoint is needed, a retry resumes at the heartbeat's epoch.
 */
public final class TableCandidateTrainer implements CandidateTrainer {
    static final long STEP_MILLIS = 10;
    private final TableTrainer trainer;

    public TableCandidateTrainer() {
        this(new TableTrainer(Nb201Table.cifar10()));
    }

    public TableCandidateTrainer(TableTrainer trainer) {
        this.trainer = trainer;
    }

    @Override
    public String type() {
        return Trainers.NB201.name();
    }

    @Override
    public TrainingSession open(CandidateTask task, ResumePoint resume) {
        String dataset = task.spec().trainer().dataset();
        if (dataset != null && !dataset.equals(trainer.table().dataset().id())) {
            throw new NonRetryableTrainingException("trainer.dataset '" + dataset + "' is not served by this worker's "
                    + "NAS-Bench-201 table (" + trainer.table().dataset().id() + "); fix: use dataset '"
                    + trainer.table().dataset().id() + "'");
        }
        Genome g = task.genome();
        if (!trainer.table().contains(g)) {
            throw new NonRetryableTrainingException("architecture " + task.arch() + " is not in the NAS-Bench-201 "
                    + "table; fix: use space type 'nb201' with the table trainer");
        }
        if (task.epochs() < 1 || task.epochs() > Nb201Table.FULL_EPOCHS) {
            throw new NonRetryableTrainingException("fidelity " + task.epochs() + " epochs is outside the table's 1.."
                    + Nb201Table.FULL_EPOCHS);
        }
        Integer pacing = task.spec().trainer().pacingMillisPerEpoch();
        long millis = pacing == null ? 0 : pacing;
        if (millis > 0 && task.spec().trainer().tabulatedPacing()) {
            millis = Math.max(1, Math.round(millis * relativeTrainTime(g)));
        }
        return new Session(g, resume == null ? 0 : resume.epoch(), millis);
    }

    private volatile double meanTrainTime = Double.NaN;

    /**
     * The architecture's tabulated training time ({@code train-all-time}) over the table's mean: 1 for an average
     * cell, 0.30 to 1.89 on CIFAR-10. A cell without a tabulated time counts as average.
     */
    double relativeTrainTime(Genome g) {
        Nb201Table table = trainer.table();
        double mean = meanTrainTime;
        if (Double.isNaN(mean)) {
            double sum = 0;
            int n = 0;
            for (int i : table.indices()) {
                double t = table.trainAllTime(i);
                if (Double.isFinite(t) && t > 0) {
                    sum += t;
                    n++;
                }
            }
            mean = n == 0 ? 1 : sum / n;
            meanTrainTime = mean;
        }
        double t = table.trainAllTime(Nb201Table.index(g));
        return Double.isFinite(t) && t > 0 ? t / mean : 1.0;
    }

    private final class Session implements TrainingSession {
        private final Genome genome;
        private final long pacingMillis;
        private int done;

        Session(Genome genome, int done, long pacingMillis) {
            this.genome = genome;
            this.done = done;
            this.pacingMillis = pacingMillis;
        }

        @Override
        public int epochsDone() {
            return done;
        }

        @Override
        public EpochReport trainEpoch(StepListener steps) throws InterruptedException {
            long t0 = System.currentTimeMillis();
            long deadline = t0 + pacingMillis;
            if (pacingMillis > 0) {
                // steps exist so cancellation lands during real-time work; an unpaced epoch is one table lookup
                steps.onStep();
            }
            for (long now = t0; now < deadline; now = System.currentTimeMillis()) {
                Thread.sleep(Math.min(STEP_MILLIS, deadline - now));
                steps.onStep();
            }
            int epoch = done + 1;
            Map<String, Double> m = new LinkedHashMap<>(trainer.metrics(genome, epoch));
            double sim = m.remove("simSeconds") / epoch;
            m.remove("epochs");
            m.remove("params");
            m.remove("flops");
            done = epoch;
            return new EpochReport(epoch, m, sim, System.currentTimeMillis() - t0);
        }

        @Override
        public String checkpoint() {
            return null;
        }

        @Override
        public boolean keepsCheckpoints() {
            return false;
        }

        @Override
        public Map<String, Double> staticMetrics() {
            Map<String, Double> m = trainer.metrics(genome, 1);
            Map<String, Double> out = new LinkedHashMap<>();
            if (m.containsKey("params")) {
                out.put("params", m.get("params"));
                out.put("flops", m.get("flops"));
            }
            return out;
        }

        @Override
        public void close() {
        }
    }
}
