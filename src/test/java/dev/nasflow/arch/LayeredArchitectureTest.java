package dev.nasflow.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package layers of nasflow (README, "Architecture"), bottom to top:
 * <ol>
 *   <li><b>model</b>: {@code space} (genomes, search spaces) and {@code model} (the spec's records, tasks, results,
 *       the vocabulary of search events); above it the infrastructure: {@code stream} (Kafka plumbing, the event
 *       records), which uses only the model, and {@code embedded} (Temporal and Kafka servers and clients), which
 *       uses no other nasflow package;</li>
 *   <li><b>search</b>: pure search logic: {@code strategy}, {@code stopping}, {@code surrogate}, {@code spec}
 *       (validation and defaults) and {@code carried} (the state a search carries across continue-as-new and the
 *       strategy replay that reads it); the NAS-Bench-201 tables ({@code nb201}) beside them;</li>
 *   <li><b>contract</b>: {@code api}, the workflow and activity interfaces and what they exchange;</li>
 *   <li>three rooms side by side that never import each other: <b>orchestration</b> ({@code workflow}),
 *       <b>training</b> ({@code activity}, {@code train}) and <b>services</b> ({@code service}: the stopper and the
 *       surrogate);</li>
 *   <li><b>wiring</b>: the processes put together ({@code wiring}), {@code metrics}, {@code report};</li>
 *   <li><b>entry</b>: {@code cli} and {@code bench}.</li>
 * </ol>
 * A layer may use the layers below it only; and no two packages of {@code dev.nasflow} depend on each other.
 */
class LayeredArchitectureTest {
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.nasflow");

    @Test
    void noPackageCycles() {
        slices().matching("dev.nasflow.(*)..").should().beFreeOfCycles()
                .because("a package cycle makes the layers meaningless").check(CLASSES);
    }

    @Test
    void layersAreRespected() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Model").definedBy("dev.nasflow.model..", "dev.nasflow.space..")
                .layer("Infrastructure").definedBy("dev.nasflow.stream..", "dev.nasflow.embedded..")
                .layer("Search").definedBy("dev.nasflow.strategy..", "dev.nasflow.stopping..",
                        "dev.nasflow.surrogate..", "dev.nasflow.spec..", "dev.nasflow.carried..")
                .layer("Tables").definedBy("dev.nasflow.nb201..")
                .layer("Contract").definedBy("dev.nasflow.api..")
                .layer("Orchestration").definedBy("dev.nasflow.workflow..")
                .layer("Training").definedBy("dev.nasflow.activity..", "dev.nasflow.train..")
                .layer("Services").definedBy("dev.nasflow.service..")
                .layer("Wiring").definedBy("dev.nasflow.wiring..", "dev.nasflow.metrics..", "dev.nasflow.report..")
                .layer("Entry").definedBy("dev.nasflow.cli..", "dev.nasflow.bench..")
                .whereLayer("Entry").mayNotBeAccessedByAnyLayer()
                .whereLayer("Wiring").mayOnlyBeAccessedByLayers("Entry")
                .whereLayer("Orchestration").mayOnlyBeAccessedByLayers("Wiring", "Entry")
                .whereLayer("Training").mayOnlyBeAccessedByLayers("Wiring", "Entry")
                .whereLayer("Services").mayOnlyBeAccessedByLayers("Wiring", "Entry")
                .whereLayer("Contract").mayOnlyBeAccessedByLayers("Orchestration", "Training", "Services", "Wiring",
                        "Entry")
                .whereLayer("Tables").mayOnlyBeAccessedByLayers("Training", "Wiring", "Entry")
                .whereLayer("Search").mayOnlyBeAccessedByLayers("Contract", "Orchestration", "Training", "Services",
                        "Wiring", "Entry")
                .whereLayer("Model").mayOnlyBeAccessedByLayers("Infrastructure", "Search", "Tables", "Contract",
                        "Orchestration", "Training", "Services", "Wiring", "Entry");
        layers.check(CLASSES);
    }

    @Test
    void everyPackageIsInALayer() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.nasflow..")
                .should().resideOutsideOfPackages("dev.nasflow.model..", "dev.nasflow.space..",
                        "dev.nasflow.stream..", "dev.nasflow.embedded..", "dev.nasflow.strategy..",
                        "dev.nasflow.stopping..", "dev.nasflow.surrogate..", "dev.nasflow.spec..",
                        "dev.nasflow.carried..", "dev.nasflow.nb201..", "dev.nasflow.api..", "dev.nasflow.workflow..",
                        "dev.nasflow.activity..", "dev.nasflow.train..", "dev.nasflow.service..",
                        "dev.nasflow.wiring..", "dev.nasflow.metrics..", "dev.nasflow.report..", "dev.nasflow.cli..",
                        "dev.nasflow.bench..")
                .because("a new package takes its place in a layer here (and in README's architecture section)");
        rule.check(CLASSES);
    }

    @Test
    void infrastructureUsesTheModelAtMost() {
        noClasses().that().resideInAPackage("dev.nasflow.embedded..")
                .should().dependOnClassesThat().resideInAPackage("dev.nasflow.model..").check(CLASSES);
        noClasses().that().resideInAnyPackage("dev.nasflow.stream..", "dev.nasflow.embedded..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.nasflow.space..",
                        "dev.nasflow.strategy..", "dev.nasflow.stopping..", "dev.nasflow.surrogate..",
                        "dev.nasflow.spec..", "dev.nasflow.carried..", "dev.nasflow.nb201..", "dev.nasflow.api..",
                        "dev.nasflow.workflow..", "dev.nasflow.activity..", "dev.nasflow.train..",
                        "dev.nasflow.service..", "dev.nasflow.wiring..", "dev.nasflow.metrics..",
                        "dev.nasflow.report..", "dev.nasflow.cli..", "dev.nasflow.bench..")
                .check(CLASSES);
    }

    /** docs/ARCHITECTURE.md has a row for every package (and README's architecture section names it). */
    @Test
    void theArchitectureDocNamesEveryPackage() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/ARCHITECTURE.md"));
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        java.util.Set<String> missing = new java.util.TreeSet<>();
        for (com.tngtech.archunit.core.domain.JavaClass c : CLASSES) {
            String rest = c.getPackageName().substring("dev.nasflow".length());
            if (rest.isEmpty()) {
                continue;
            }
            String top = rest.substring(1).split("\\.")[0];
            if (!doc.contains("| `" + top + "`") && !doc.contains("`" + top + "`, `")
                    && !doc.contains(", `" + top + "` |")) {
                missing.add(top + " (docs/ARCHITECTURE.md)");
            }
            if (!readme.contains("`" + top + "`")) {
                missing.add(top + " (README.md)");
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of(), missing);
    }
}
