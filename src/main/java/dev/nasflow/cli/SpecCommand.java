package dev.nasflow.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.spec.SpecError;
import dev.nasflow.spec.SpecJson;
import dev.nasflow.spec.SpecSchema;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nasflow spec validate|schema|defaults}: check search specs, print their schema, show their defaults. */
@Command(name = "spec", mixinStandardHelpOptions = true,
        description = "Validate search specs, print the spec JSON Schema, or show a spec with its defaults.",
        subcommands = {SpecCommand.Validate.class, SpecCommand.Schema.class, SpecCommand.ShowDefaults.class})
public final class SpecCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check spec files; prints 'FILE: ok' or one 'FILE: /pointer: message (fix: hint)' line "
                    + "per error.", "Exit status 0 when every file is valid, 1 otherwise."})
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "spec files (JSON)")
        List<Path> files;

        @Option(names = "--json", description = "print one JSON array of {file, ok, errors: [{pointer, message, hint}]}")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            SpecValidator validator = new SpecValidator();
            boolean allOk = true;
            ArrayNode report = SpecJson.mapper().createArrayNode();
            for (Path f : files) {
                SpecValidation v = validator.validate(f);
                allOk &= v.ok();
                if (json) {
                    ObjectNode o = report.addObject();
                    o.put("file", f.toString());
                    o.put("ok", v.ok());
                    ArrayNode errs = o.putArray("errors");
                    for (SpecError e : v.errors()) {
                        errs.addObject().put("pointer", e.pointer()).put("message", e.message()).put("hint", e.hint());
                    }
                } else {
                    out.println(v.report());
                }
            }
            if (json) {
                out.println(SpecJson.pretty(report));
            }
            out.flush();
            return allOk ? 0 : 1;
        }
    }

    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Print the JSON Schema (draft 2020-12) of search specs.")
    static final class Schema implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.print(SpecSchema.text());
            if (!SpecSchema.text().endsWith("\n")) {
                out.println();
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "defaults", mixinStandardHelpOptions = true,
            description = {"Print a valid spec with every default filled in.",
                    "Exit status 1 (and the errors) when the spec is not valid."})
    static final class ShowDefaults implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "spec file (JSON)")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            SpecValidation v = new SpecValidator().validate(file);
            if (!v.ok()) {
                out.println(v.report());
                out.flush();
                return 1;
            }
            out.println(SpecJson.pretty(v.effective()));
            out.flush();
            return 0;
        }
    }
}
