package dev.vigil.jobs.cli;

import dev.vigil.jobs.corpus.BenignCorpus;
import dev.vigil.rules.docs.RuleReference;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RulePackException;
import dev.vigil.rules.pack.RuleProblem;
import dev.vigil.rules.test.FixtureOutcome;
import dev.vigil.rules.test.FixtureReport;
import dev.vigil.rules.test.FixtureRunner;
import dev.vigil.rules.test.RulePackValidator;
import dev.vigil.rules.test.RuleReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Test and validate detection rules, without Flink, in seconds.",
        subcommands = {RulesCommand.Test.class, RulesCommand.Validate.class, RulesCommand.Docs.class,
                RulesDeployCommand.class})
final class RulesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The built-in pack, or the rules in DIR alone. */
    static RulePack pack(Path dir) {
        if (dir == null) {
            return RulePack.builtIn();
        }
        if (!Files.isDirectory(dir)) {
            throw new UserError("rules directory not found: " + dir);
        }
        return RulePack.load(dir);
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Run every fixture of the built-in pack, or of the rules in DIR: a line per rule and a total.")
    static final class Test implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "DIR", description = "A directory of rules (default: the built-in pack).")
        Path dir;

        @Option(names = "--no-corpus", description = "Skip the benign corpus (a generated day of ordinary work the rules must stay quiet on).")
        boolean noCorpus;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            FixtureReport report;
            CompiledPack compiled;
            BenignCorpus corpus;
            long start = System.nanoTime();
            try {
                compiled = CompiledPack.compile(pack(dir));
                corpus = noCorpus ? null : dir == null ? BenignCorpus.builtIn() : BenignCorpus.forDirectory(dir);
                report = new FixtureRunner(compiled).run();
            } catch (RulePackException e) {
                return printProblems(spec, e.problems());
            }
            for (RuleReport rule : report.rules()) {
                out.printf("%-8s %s  %d/%d fixtures%n", rule.ok() ? "ok" : "FAILED", rule.ruleId(), rule.passed(),
                        rule.fixtures().size());
                for (FixtureOutcome f : rule.fixtures()) {
                    for (String failure : f.failures()) {
                        out.printf("           %s: %s%n", f.fixture(), failure);
                    }
                }
            }
            out.printf("%s in %.1f s%n", report.summary(), (System.nanoTime() - start) / 1e9);
            out.printf("%d passed, %d failed%n", report.passed(), report.failed());
            boolean quiet = true;
            if (corpus != null) {
                long corpusStart = System.nanoTime();
                BenignCorpus.Report r = corpus.check(compiled);
                quiet = printCorpus(out, r, (System.nanoTime() - corpusStart) / 1e9);
            }
            out.flush();
            return report.ok() && quiet ? 0 : 1;
        }

        private static boolean printCorpus(PrintWriter out, BenignCorpus.Report r, double seconds) {
            out.printf("%-8s benign corpus: %,d events of ordinary work by %,d principals, %d finding%s (%d accepted) in %.1f s%n",
                    r.quiet() ? "ok" : "FAILED", r.events(), r.principals(), r.findings().size(),
                    r.findings().size() == 1 ? "" : "s", r.findings().size() - r.unexpected().size(), seconds);
            for (BenignCorpus.AcceptedFalsePositive a : r.acceptedSeen()) {
                out.printf("           accepted %s (%s): %s%n", a.name(), a.rule(), a.reason());
            }
            r.unexpected().stream().limit(20).forEach(f -> out.printf("           unexpected %s for %s: %s%n",
                    f.getRuleId(), f.getPrincipal().getId(), f.getExplanation()));
            if (r.unexpected().size() > 20) {
                out.printf("           ... and %d more unexpected findings%n", r.unexpected().size() - 20);
            }
            for (BenignCorpus.AcceptedFalsePositive a : r.acceptedStale()) {
                out.printf("           accepted false positive %s (%s) no longer occurs: remove it from %s%n",
                        a.name(), a.rule(), BenignCorpus.FILE);
            }
            return r.quiet();
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Compile every rule and check the pack as data: ids, metadata, severity against score, fixtures, parameters.")
    static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "DIR", description = "A directory of rules (default: the built-in pack).")
        Path dir;

        @Override
        public Integer call() {
            RulePack pack;
            try {
                pack = pack(dir);
            } catch (RulePackException e) {
                return printProblems(spec, e.problems());
            }
            List<RuleProblem> problems = RulePackValidator.validate(pack);
            if (!problems.isEmpty()) {
                return printProblems(spec, problems);
            }
            spec.commandLine().getOut().printf("ok: %d rules valid (pack %s)%n", pack.rules().size(), pack.version());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "docs", mixinStandardHelpOptions = true,
            description = "Write the rule reference (a table plus a section per rule) as Markdown.")
    static final class Docs implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "DIR",
                description = "A directory of rules, added to the built-in pack (default: the built-in pack alone).")
        Path dir;

        @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
        Path out;

        @Override
        public Integer call() {
            RulePack pack;
            try {
                pack = dir == null ? RulePack.builtIn() : RulePack.builtIn().merge(pack(dir));
            } catch (RulePackException e) {
                return printProblems(spec, e.problems());
            }
            String reference = RuleReference.markdown(pack);
            if (out == null) {
                spec.commandLine().getOut().print(reference);
                spec.commandLine().getOut().flush();
                return 0;
            }
            try {
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(out, reference, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UserError("cannot write " + out + ": " + e.getMessage());
            }
            spec.commandLine().getOut().printf("wrote %s: %d rules (pack %s)%n", out, pack.rules().size(), pack.version());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    static int printProblems(CommandSpec spec, List<RuleProblem> problems) {
        PrintWriter err = spec.commandLine().getErr();
        problems.forEach(p -> err.println(p));
        err.printf("%d problem%s%n", problems.size(), problems.size() == 1 ? "" : "s");
        err.flush();
        return 1;
    }
}
