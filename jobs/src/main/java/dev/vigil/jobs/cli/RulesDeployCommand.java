package dev.vigil.jobs.cli;

import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.jobs.rules.RulePackDeployment;
import dev.vigil.jobs.stream.Preflight;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RulePackException;
import dev.vigil.rules.pack.RuleProblem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Validate the built-in pack plus the rules in DIR, as 'rules validate' does, and publish it on the "
                + "control topic; running jobs that follow the topic (kafka.control.enabled) swap to it without a restart.",
                "An invalid pack is not published: its problems are printed as file:line."})
final class RulesDeployCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "DIR",
            description = "A directory of your own rules, added to the built-in pack (as --rules DIR elsewhere).")
    Path dir;

    @Mixin
    ControlTopicOptions control;

    @Option(names = "--label", paramLabel = "TEXT",
            description = "A name for this version that people recognise, e.g. a release or a ticket "
                    + "(default: the rules directory, or 'built-in').")
    String label;

    @Override
    public Integer call() {
        KafkaOptions kafka = control.kafka();
        RulePack pack;
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UserError("rules directory not found: " + dir);
        }
        try {
            pack = dir == null ? RulePack.builtIn() : RulePack.builtInWith(dir);
        } catch (RulePackException e) {
            return RulesCommand.printProblems(spec, e.problems());
        }
        String name = label != null ? label : dir == null ? "built-in" : "built-in + " + dir;
        List<RuleProblem> problems = RulePackDeployment.check(pack);
        if (!problems.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf("not deployed: pack %s is invalid%n", pack.version());
            err.flush();
            return RulesCommand.printProblems(spec, problems);
        }
        Preflight.kafka(kafka);
        RulePackDeployment.Outcome outcome;
        try {
            outcome = RulePackDeployment.publish(kafka, pack, name, Clock.systemUTC());
        } catch (IllegalStateException e) {
            throw new UserError(VigilCli.oneLine(e), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("deployed pack %s \"%s\" (%d rules) to %s partition %d offset %d, by %s%n", pack.version(), name,
                pack.rules().size(), outcome.where().topic(), outcome.where().partition(), outcome.where().offset(),
                outcome.message().createdBy);
        out.flush();
        return 0;
    }
}
