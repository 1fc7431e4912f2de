package dev.vigil.jobs.cli;

import dev.vigil.connectors.normalize.FormatDetector;
import dev.vigil.connectors.normalize.Normalizers;
import dev.vigil.jobs.replay.ReplayJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Run the detection graph over files, bounded, and write its outputs as NDJSON.",
                "Lines may be in any order: events are judged in event-time order."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "A file or directory of input lines (.gz is read too); repeat for more.")
    List<Path> inputs;

    @Option(names = "--format", defaultValue = FormatDetector.AUTO, paramLabel = "FMT",
            description = "Input format, or auto to detect it per file from its first records, so a directory may "
                    + "mix formats (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory for findings.ndjson, cases.ndjson, evidence.ndjson, dead-letters.ndjson.")
    Path out;

    @Mixin
    RulesOption rules;

    @Mixin
    IdentitiesOption identities;

    @Mixin
    ModelOption model;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallel tasks (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--out-of-orderness", paramLabel = "DURATION",
            description = "Judge events as a stream would with this watermark bound (ISO-8601, e.g. PT2M) instead of "
                    + "waiting for the end of input; bounds memory on very large inputs.")
    Duration outOfOrderness;

    @Override
    public Integer call() throws Exception {
        if (!format.equals(FormatDetector.AUTO) && !Normalizers.formats().contains(format)) {
            throw new UserError("unknown format '" + format + "' (known: " + String.join(", ", Normalizers.formats()) + ")");
        }
        var anomalyModel = model.load();
        ReplayJob.Summary s = ReplayJob.run(new ReplayJob.Request(inputs, format, out, rules.load(), parallelism, outOfOrderness,
                identities.load()), anomalyModel);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("anomaly: %s%n", ModelOption.describe(anomalyModel));
        w.printf("replay: %,d events read in %.1f s (%s)%n", s.events(), s.took().toMillis() / 1000.0, format);
        w.printf("  dead letters %,d%s   skipped %,d%n", s.deadLetters(),
                s.deadLetters() > 0 ? " (" + out.resolve(ReplayJob.DEAD_LETTERS) + ")" : "", s.skipped());
        s.deadLetterReasons().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .forEach(e -> w.printf("    %,6d  %s%n", e.getValue(), e.getKey()));
        s.ingest().print(w, "  ");
        w.printf("  findings %,d%s%n", s.findings(), s.findingsByRule().isEmpty() ? "" : "   " + byRule(s.findingsByRule()));
        w.printf("  cases %,d   evidence records %,d%n", s.cases(), s.evidence());
        w.printf("  wrote %s/{%s,%s,%s,%s}%n", out, ReplayJob.FINDINGS, ReplayJob.CASES, ReplayJob.EVIDENCE,
                ReplayJob.DEAD_LETTERS);
        w.flush();
        return 0;
    }

    static String byRule(Map<String, Long> counts) {
        StringBuilder b = new StringBuilder();
        counts.forEach((rule, n) -> b.append(b.length() == 0 ? "" : ", ").append(rule).append(' ').append(n));
        return b.toString();
    }
}
