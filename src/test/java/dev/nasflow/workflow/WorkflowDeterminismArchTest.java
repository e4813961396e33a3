package dev.nasflow.workflow;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
            "dev.nasflow.cli..", "dev.nasflow.metrics.."};

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

    @Test
    void strategiesAndSpacesAreDeterministic() {
        ArchRule rule = noClasses().that().resideInAnyPackage("dev.nasflow.strategy..", "dev.nasflow.space..")
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
