package dev.vigil.jobs.cli;

import dev.vigil.jobs.synthetic.CanonicalExport;
import dev.vigil.jobs.synthetic.ScenarioTruth;
import dev.vigil.jobs.synthetic.SyntheticTraffic;
import dev.vigil.jobs.synthetic.TrafficProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write synthetic PAM/PIM traffic as canonical JSON lines, with its answer key:",
                "normal privileged work and labelled attack scenarios, the same generator the demo uses."})
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--events", defaultValue = "20000", description = "About this many events; episodes are finished (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Canonical JSON lines to write.")
    Path out;

    @Option(names = "--truth", paramLabel = "FILE", description = "Where to write the injected scenarios (default: FILE.truth.json).")
    Path truth;

    @Option(names = "--seed", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--attack-rate", defaultValue = "0.08", description = "Share of episodes that are attacks (default: ${DEFAULT-VALUE}).")
    double attackRate;

    @Option(names = "--start", defaultValue = "2026-01-05T08:00:00Z", description = "Event time of the first event (default: ${DEFAULT-VALUE}).")
    String start;

    @Override
    public Integer call() throws IOException {
        Instant from;
        try {
            from = Instant.parse(start);
        } catch (DateTimeParseException e) {
            throw new UserError("--start is not an ISO-8601 instant: " + start);
        }
        if (events < 1) {
            throw new UserError("--events must be at least 1");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UserError("directory not found: " + parent);
        }
        Path truthFile = truth != null ? truth : out.resolveSibling(out.getFileName() + ".truth.json");
        TrafficProfile profile;
        try {
            profile = TrafficProfile.builder().attackRate(attackRate).start(from).build();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        CanonicalExport export = SyntheticTraffic.writeCanonical(out, truthFile, seed, profile, 2, (events + 1) / 2);
        Map<String, Long> attacks = new TreeMap<>();
        for (ScenarioTruth t : export.truth()) {
            if (t.ruleId() != null) {
                attacks.merge(t.ruleId(), 1L, Long::sum);
            }
        }
        spec.commandLine().getOut().printf("wrote %,d events to %s%nattack scenarios: %s (answer key: %s)%n",
                export.events(), out, ReplayCommand.byRule(attacks), truthFile);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
