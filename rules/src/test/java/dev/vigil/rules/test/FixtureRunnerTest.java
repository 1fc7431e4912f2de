package dev.vigil.rules.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.pack.RuleDefinition;
import dev.vigil.rules.pack.RuleFixture;
import dev.vigil.rules.pack.RulePack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FixtureRunnerTest {
    private static final Path PACK = Path.of("pack");
    private static FixtureRunner builtIn;

    /** The built-in pack's rule folders, in id order. */
    private static List<String> ruleFolders() throws java.io.IOException {
        try (Stream<Path> dirs = Files.list(PACK)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("rule.yaml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    /** How many fixture files (.ndjson under fixtures/fire and fixtures/quiet) the rule folders hold. */
    private static int fixtureFiles() throws java.io.IOException {
        try (Stream<Path> files = Files.walk(PACK)) {
            return files.filter(f -> f.toString().endsWith(".ndjson") && f.getParent().getParent() != null
                    && f.getParent().getParent().getFileName().toString().equals("fixtures")).mapToInt(f -> 1).sum();
        }
    }

    @BeforeAll
    static void compile() {
        builtIn = new FixtureRunner(CompiledPack.compile(RulePack.builtIn()));
    }

    static Stream<String> builtInRules() {
        return RulePack.builtIn().rules().stream().map(RuleDefinition::id);
    }

    @ParameterizedTest
    @MethodSource("builtInRules")
    void everyFixtureOfTheBuiltInRulesPasses(String ruleId) {
        RuleReport report = builtIn.run(RulePack.builtIn().rule(ruleId).orElseThrow());

        assertThat(report.fixtures()).extracting(FixtureOutcome::kind).contains(RuleFixture.Kind.FIRE, RuleFixture.Kind.QUIET);
        for (FixtureOutcome outcome : report.fixtures()) {
            assertThat(outcome.failures()).as(outcome.file()).isEmpty();
            long own = outcome.findings().stream().filter(f -> f.getRuleId().equals(ruleId)).count();
            if (outcome.kind() == RuleFixture.Kind.FIRE) {
                assertThat(own).as(outcome.file()).isPositive();
            } else {
                assertThat(own).as(outcome.file()).isZero();
            }
        }
    }

    @Test
    void theReportHasTotals() throws java.io.IOException {
        FixtureReport report = builtIn.run();
        List<String> folders = ruleFolders();
        assertThat(report.rules()).extracting(RuleReport::ruleId).containsExactlyElementsOf(folders);
        assertThat(report.ok()).isTrue();
        assertThat(report.fixtures()).isEqualTo(report.passed()).isEqualTo(fixtureFiles());
        assertThat(report.summary()).isEqualTo(folders.size() + " rules, " + report.fixtures() + " fixtures: " + report.fixtures()
                + " passed, 0 failed (pack " + RulePack.builtIn().version() + ")");
    }

    @Test
    void theOrderOfLinesDoesNotMatter(@TempDir Path tmp) throws Exception {
        Path rule = copyRule("PUM-002", tmp);
        Path fixture = rule.resolve("fixtures/fire/session-outlives-grant.ndjson");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(fixture));
        java.util.Collections.reverse(lines);
        Files.write(fixture, lines);
        assertThat(FixtureRunner.run(RulePack.load(tmp)).ok()).isTrue();
    }

    @Test
    void aFireFixtureThatProducesOtherFindingsFailsNamingTheExpectation(@TempDir Path tmp) throws Exception {
        Path rule = copyRule("PUM-002", tmp);
        Path expect = rule.resolve("fixtures/fire/session-outlives-grant.expect.yaml");
        // Expect the suppressed repeat instead of the first act after expiry.
        Files.writeString(expect, Files.readString(expect).replace("event_ids: [p2-exp-cmd-1]", "event_ids: [p2-exp-cmd-2]"));

        FixtureOutcome outcome = outcome(FixtureRunner.run(RulePack.load(tmp)), "fire/session-outlives-grant");

        String file = tmp + "/PUM-002/fixtures/fire/session-outlives-grant";
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.failures()).containsExactly(
                file + ".expect.yaml:4: expected PUM-002 finding for erin on [p2-exp-cmd-2] was not produced"
                        + " (produced: erin on [p2-exp-cmd-1])",
                file + ".ndjson: unexpected PUM-002 finding for erin on [p2-exp-cmd-1]: erin ran \"kubectl get pods -n"
                        + " payments\" in session k-77 on k8s-prod at 2026-03-10T14:00:01Z, after grant req-erin-1"
                        + " (role cluster-admin) ended at 2026-03-10T14:00:00Z, 1s earlier");
    }

    @Test
    void aQuietFixtureThatFiresFails(@TempDir Path tmp) throws Exception {
        Path rule = copyRule("PUM-001", tmp);
        // Move the session START of the quiet fixture one second past the window: no grant covers it any more.
        Path quiet = rule.resolve("fixtures/quiet/sessions-inside-window.ndjson");
        Files.writeString(quiet, Files.readString(quiet).replace("\"event_time\":\"2026-03-10T09:59:59Z\",\"source\":\"teleport\",\"type\":\"SESSION\",\"principal\":{\"id\":\"carol\",\"kind\":\"HUMAN\",\"source_ip\":\"10.20.3.4\"},\"action\":\"START\"",
                "\"event_time\":\"2026-03-10T10:00:00Z\",\"source\":\"teleport\",\"type\":\"SESSION\",\"principal\":{\"id\":\"carol\",\"kind\":\"HUMAN\",\"source_ip\":\"10.20.3.4\"},\"action\":\"START\""));

        FixtureOutcome outcome = outcome(FixtureRunner.run(RulePack.load(tmp)), "quiet/sessions-inside-window");

        assertThat(outcome.failures()).singleElement().asString()
                .startsWith(tmp + "/PUM-001/fixtures/quiet/sessions-inside-window.ndjson: unexpected PUM-001 finding"
                        + " for carol on [p1-in-s2-start]");
    }

    @Test
    void badLinesAndMissingSidecarsAreReportedWithFileAndLine(@TempDir Path tmp) throws Exception {
        Path rule = copyRule("PUM-003", tmp);
        Path fire = rule.resolve("fixtures/fire/production-under-a-staging-grant.ndjson");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(fire));
        lines.set(2, lines.get(2).replace("\"type\":\"ELEVATION\"", "\"type\":\"LOGIN\""));
        Files.write(fire, lines);
        Files.copy(fire, rule.resolve("fixtures/fire/no-sidecar.ndjson"));

        FixtureReport report = FixtureRunner.run(RulePack.load(tmp));

        String dir = tmp + "/PUM-003/fixtures/fire/";
        assertThat(outcome(report, "fire/production-under-a-staging-grant").failures())
                .containsExactly(dir + "production-under-a-staging-grant.ndjson:3: unknown type 'LOGIN'"
                        + " (expected one of [ELEVATION, SESSION, SECRET])");
        assertThat(outcome(report, "fire/no-sidecar").failures()).contains(dir + "no-sidecar.ndjson:3: unknown type"
                + " 'LOGIN' (expected one of [ELEVATION, SESSION, SECRET])");
        Files.write(fire, lines.subList(0, 2));
        Files.write(rule.resolve("fixtures/fire/no-sidecar.ndjson"), Files.readAllLines(
                Path.of("pack/PUM-003/fixtures/fire/production-under-a-staging-grant.ndjson")));
        // Without a sidecar nothing is expected, so what the fixture produced is listed to help write one.
        assertThat(outcome(FixtureRunner.run(RulePack.load(tmp)), "fire/no-sidecar").failures()).satisfiesExactly(
                f -> assertThat(f).isEqualTo(dir + "no-sidecar.ndjson: a fire fixture needs a sidecar " + dir
                        + "no-sidecar.expect.yaml listing at least one PUM-003 finding"),
                f -> assertThat(f).startsWith(dir + "no-sidecar.ndjson: unexpected PUM-003 finding for hank on"
                        + " [p3-oos-s1-start]: hank opened a ssh session tp-2101 on db-prod-1"));
    }

    private static FixtureOutcome outcome(FixtureReport report, String fixture) {
        return report.rules().stream().flatMap(r -> r.fixtures().stream()).filter(o -> o.fixture().equals(fixture))
                .findFirst().orElseThrow();
    }

    private static Path copyRule(String id, Path into) throws Exception {
        Path from = Path.of("pack", id);
        Path to = into.resolve(id);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
