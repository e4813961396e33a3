package dev.nasflow.workflow;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workflow code must be deterministic: it may not touch DJL, Kafka, files, sockets, clocks, threads or unseeded
 * randomness (use {@code Workflow.*}). The pure packages it calls (spec model, space, strategy) are held to the same
 * rule except for seeded {@link java.util.Random}, which strategies receive from the spec seed.
 */
class WorkflowDeterminismArchTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.nasflow");

    private static final String[] FORBIDDEN_EVERYWHERE = {
            "ai.djl..", "org.apache.kafka..", "java.io..", "java.nio.file..", "java.net..", "java.sql..",
            "java.lang.Thread", "java.lang.ProcessBuilder", "java.lang.Runtime",
            "java.time.Clock", "java.time.Instant", "java.time.LocalDateTime", "java.time.ZonedDateTime",
            "java.util.concurrent.ThreadLocalRandom", "java.security.SecureRandom", "java.util.UUID",
            "dev.nasflow.train..", "dev.nasflow.stream..", "dev.nasflow.embedded..", "dev.nasflow.bench..",
            "dev.nasflow.cli..", "dev.nasflow.metrics..", "dev.nasflow.activity..", "dev.nasflow.service..",
            "dev.nasflow.wiring..", "dev.nasflow.nb201..", "dev.nasflow.report.."};

    /** What nothing reachable from workflow code may use, however indirectly (byte streams in memory are fine). */
    private static final String[] FORBIDDEN_TRANSITIVELY = {
            "ai.djl..", "org.apache.kafka..", "java.nio.file..", "java.net..", "java.sql..",
            "java.lang.Thread", "java.lang.ProcessBuilder", "java.lang.Runtime",
            "java.time.Clock", "java.time.Instant", "java.time.LocalDateTime", "java.time.ZonedDateTime",
            "java.util.concurrent.ThreadLocalRandom", "java.security.SecureRandom", "java.util.UUID",
            "java.io.File", "java.io.FileInputStream", "java.io.FileOutputStream", "java.io.FileReader",
            "java.io.FileWriter", "java.io.RandomAccessFile",
            "dev.nasflow.train..", "dev.nasflow.stream..", "dev.nasflow.embedded..", "dev.nasflow.bench..",
            "dev.nasflow.cli..", "dev.nasflow.metrics..", "dev.nasflow.activity..", "dev.nasflow.service..",
            "dev.nasflow.wiring..", "dev.nasflow.nb201..", "dev.nasflow.report.."};

    /** Threads, executors, futures and clocks of java.util.concurrent (its thread-safe maps are fine). */
    private static final String CONCURRENCY = "java\\.util\\.concurrent\\.(Executor.*|CompletableFuture|Future|"
            + "ThreadLocalRandom|ForkJoin.*|Scheduled.*|TimeUnit|CountDownLatch|Semaphore|locks\\..*)";

    @Test
    void workflowPackageIsDeterministic() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.nasflow.workflow..")
                .should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN_EVERYWHERE)
                .orShould().dependOnClassesThat().resideInAPackage("java.util.concurrent..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Math.class, "random")
                .because("workflow code is replayed and must be deterministic (use Workflow.* APIs)");
        rule.check(CLASSES);
    }

    /**
     * Determinism is transitive: every class that workflow code reaches through any chain of dependencies (the
     * contract, the carried state, the model, spaces, strategies and the surrogate models they use) stays off files,
     * sockets, clocks, threads and the non-deterministic packages.
     */
    @Test
    void everythingWorkflowCodeReachesIsDeterministic() {
        Set<String> reached = reachableFromWorkflowCode();
        assertTrue(reached.stream().anyMatch(n -> n.startsWith("dev.nasflow.strategy.")), "the closure is followed");
        ArchRule rule = noClasses().that(new DescribedPredicate<JavaClass>("are reached from workflow code") {
                    @Override
                    public boolean test(JavaClass c) {
                        return reached.contains(c.getName());
                    }
                })
                .should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN_TRANSITIVELY)
                .orShould().dependOnClassesThat().haveNameMatching(CONCURRENCY)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Math.class, "random")
                .because("workflow code is replayed, and so is everything it calls");
        rule.check(CLASSES);
    }

    /** Every nasflow class that workflow code depends on through any chain of nasflow classes (itself excluded). */
    private static Set<String> reachableFromWorkflowCode() {
        Set<String> seen = new TreeSet<>();
        Deque<JavaClass> todo = new ArrayDeque<>();
        for (JavaClass c : CLASSES) {
            if (c.getPackageName().startsWith("dev.nasflow.workflow")) {
                todo.add(c);
            }
        }
        while (!todo.isEmpty()) {
            for (Dependency d : todo.poll().getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass().getBaseComponentType();
                String name = target.getName();
                if (name.startsWith("dev.nasflow.") && !target.getPackageName().startsWith("dev.nasflow.workflow")
                        && CLASSES.contain(name) && seen.add(name)) {
                    todo.add(CLASSES.get(name));
                }
            }
        }
        return seen;
    }

    @Test
    void strategiesAndSpacesAreDeterministic() {
        ArchRule rule = noClasses().that().resideInAnyPackage("dev.nasflow.strategy..", "dev.nasflow.space..",
                        "dev.nasflow.carried..", "dev.nasflow.model..")
                .should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN_EVERYWHERE)
                .orShould().dependOnClassesThat().haveNameMatching(CONCURRENCY)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Math.class, "random")
                .orShould().callConstructor(java.util.Random.class)
                .because("strategies run inside workflow code: randomness only from a Random seeded by the caller");
        rule.check(CLASSES);
    }
}
