package dev.vigil.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: exit codes, and one clear line for every mistake, never a stack trace. */
class VigilCliTest {
    @TempDir
    Path tmp;

    private static CliRun vigil(String... args) {
        return CliRun.vigil(args);
    }

    private static void assertOneLineError(CliRun run, int code, String message) {
        assertThat(run.code()).isEqualTo(code);
        assertThat(run.err()).contains(message).doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(run.err().lines().filter(l -> !l.startsWith("Try ")).count()).isEqualTo(1);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"demo", "run", "replay", "bench", "generate", "rules", "evidence"}) {
            CliRun run = vigil(command, "--help");
            assertThat(run.code()).as(command).isZero();
            assertThat(run.out()).as(command).contains("Usage: vigil " + command);
        }
    }

    @Test
    void replayRefusesAMissingInputAnUnknownFormatAndAMissingOption() {
        assertOneLineError(vigil("replay", "--input", tmp.resolve("nope.ndjson").toString(), "--out", tmp.toString()),
                1, "vigil replay: input not found: ");
        assertOneLineError(vigil("replay", "--input", tmp.toString(), "--format", "syslog", "--out", tmp.toString()),
                1, "unknown format 'syslog' (known: canonical, avro");
        assertOneLineError(vigil("replay", "--input", tmp.toString()), 2, "Missing required option: '--out=DIR'");
    }

    @Test
    void runRefusesBadConfigurationWithTheKeyNamed() throws IOException {
        assertOneLineError(vigil("run", "--config", tmp.resolve("missing.yaml").toString()), 1, "config file not found");
        Path unknown = Files.writeString(tmp.resolve("a.yaml"), "kafka:\n  bootstrap.servers: x:1\nkafak:\n  a: 1\n");
        assertOneLineError(vigil("run", "--config", unknown.toString()), 1, "unknown section 'kafak'");
        Path badKey = Files.writeString(tmp.resolve("b.yaml"), "elasticsearch:\n  bulk.max-actoins: 5\n");
        assertOneLineError(vigil("run", "--config", badKey.toString()), 1, "elasticsearch.bulk.max-actoins");
        Path badDuration = Files.writeString(tmp.resolve("c.yaml"), "detection:\n  out-of-orderness: 5 minutes\n");
        assertOneLineError(vigil("run", "--config", badDuration.toString()), 1,
                "detection.out-of-orderness: '5 minutes' is not a valid ISO-8601 duration");
    }

    @Test
    void runNamesAnUnreachableBroker() throws IOException {
        Path config = Files.writeString(tmp.resolve("down.yaml"), "kafka:\n  bootstrap.servers: 127.0.0.1:1\n");
        assertOneLineError(vigil("run", "--config", config.toString()), 1, "Kafka at 127.0.0.1:1 does not answer");
    }

    @Test
    void theWorkedExampleOfTheDetectionEngineersGuidePasses() {
        Path example = Path.of("..", "docs", "examples", "rules");
        CliRun validate = vigil("rules", "validate", example.toString());
        assertThat(validate.code()).as(validate.err()).isZero();
        CliRun test = vigil("rules", "test", example.toString());
        assertThat(test.code()).as(test.out()).isZero();
        assertThat(test.out()).contains("ok       ACME-001").contains("2 passed, 0 failed")
                .contains("ok       benign corpus: ");
    }

    @Test
    void rulesDocsWritesTheReferenceWithTheUsersRulesBesideTheBuiltInOnes() throws IOException {
        Path out = tmp.resolve("docs/rules.md");
        CliRun run = vigil("rules", "docs", "--out", out.toString(), Path.of("..", "docs", "examples", "rules").toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("wrote " + out);
        String md = Files.readString(out);
        assertThat(md).contains("| [ACME-001](#acme-001-").contains("| [PUM-001](#pum-001-").contains("\n## ACME-001: ");

        assertOneLineError(vigil("rules", "docs", tmp.resolve("no-such-dir").toString()), 1, "rules directory not found");
    }

    @Test
    void rulesDeployRefusesAnInvalidPackWithFileAndLineBeforeItTalksToKafka() {
        // Nothing listens on port 1: had the pack passed, publishing would have failed with another message.
        Path broken = Path.of("src", "test", "resources", "packs", "reload", "broken");
        CliRun run = vigil("rules", "deploy", "--bootstrap", "127.0.0.1:1", broken.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("not deployed: pack ").contains(broken + "/ACME-001/rule.epl:")
                .doesNotContain("Kafka").doesNotContain("\tat ");

        assertOneLineError(vigil("rules", "deploy", Path.of("..", "docs", "examples", "rules").toString()), 1,
                "say where Kafka is: --bootstrap HOST:PORT or --config FILE");
        assertOneLineError(vigil("rules", "deploy", "--bootstrap", "127.0.0.1:1"), 1,
                "Kafka at 127.0.0.1:1 does not answer");
    }

    @Test
    void modelDeployRefusesAModelThatDoesNotLoadBeforeItTalksToKafka() throws IOException {
        Path corrupt = Files.writeString(tmp.resolve("month1.model"), "{\"format\":\"vigil-anomaly-model\",");
        // Nothing listens on port 1: had the model loaded, publishing would have failed with another message.
        CliRun run = vigil("model", "deploy", "--bootstrap", "127.0.0.1:1", corrupt.toString());
        assertOneLineError(run, 1, corrupt.toString());
        assertThat(run.err()).doesNotContain("Kafka");
        assertOneLineError(vigil("model", "deploy", tmp.resolve("missing.model").toString()), 1,
                "say where Kafka is: --bootstrap HOST:PORT or --config FILE");
    }

    @Test
    void rulesTestFailsOnABrokenFixture() throws IOException {
        Path rules = tmp.resolve("rules");
        copyTree(Path.of("..", "docs", "examples", "rules"), rules);
        // The fixture now expects a finding the rule cannot produce.
        Path expect = rules.resolve("ACME-001/fixtures/fire/root-inside-grant.expect.yaml");
        Files.writeString(expect, Files.readString(expect).replace("principal: carol", "principal: mallory"));
        CliRun test = vigil("rules", "test", rules.toString());
        assertThat(test.code()).isEqualTo(1);
        assertThat(test.out()).contains("FAILED   ACME-001").contains("1 passed, 1 failed");
    }

    @Test
    void rulesTestFailsWhenARuleIsNoisyOnOrdinaryWork() {
        CliRun test = vigil("rules", "test", Path.of("src", "test", "resources", "packs", "noisy").toString());
        assertThat(test.code()).isEqualTo(1);
        assertThat(test.out()).contains("0 passed, 0 failed").contains("FAILED   benign corpus: ")
                .contains("unexpected NOISY-001 for ");
        CliRun skipped = vigil("rules", "test", "--no-corpus", Path.of("src", "test", "resources", "packs", "noisy").toString());
        assertThat(skipped.code()).as(skipped.out()).isZero();
    }

    @Test
    void replayWritesTheFourOutputsAndASummary() {
        Path out = tmp.resolve("out");
        CliRun run = vigil("replay", "--input", Path.of("..", "rules", "pack", "PUM-002", "fixtures", "fire").toString(),
                "--out", out.toString(), "--parallelism", "1");
        assertThat(run.code()).as(run.err()).isZero();
        // The credential checked out in one of them is never checked in either: PUM-013 too.
        assertThat(run.out()).contains("findings 5   PUM-002 4, PUM-013 1").contains("dead letters 0");
        for (String file : new String[] {"findings.ndjson", "cases.ndjson", "evidence.ndjson", "dead-letters.ndjson"}) {
            assertThat(out.resolve(file)).exists();
        }
    }

    @Test
    void replayReadsTeleportAuditEventsAndCountsWhatItSkippedAndRejected() {
        Path out = tmp.resolve("teleport");
        CliRun run = vigil("replay", "--input",
                Path.of("..", "connectors", "src", "test", "resources", "samples", "teleport").toString(),
                "--format", "teleport", "--out", out.toString(), "--parallelism", "1");
        assertThat(run.code()).as(run.err()).isZero();
        // The golden outcomes of the three sample files: 25 events, 9 malformed lines, 15 lines of nothing Vigil uses.
        assertThat(run.out()).contains("replay: 25 events read").contains("(teleport)")
                .contains("dead letters 9").contains("skipped 15");
        assertThat(out.resolve("dead-letters.ndjson")).content().contains("session.start without user");
    }

    @Test
    void replayResolvesIdentitiesAndCountsRecordsPerFormat() throws IOException {
        // erin and frank are each one person across Teleport and Entra; ivan is left out on purpose.
        Path identities = Files.writeString(tmp.resolve("identities.yaml"), """
                principals:
                  - {id: e.diaz, kind: human, aliases: {teleport: [erin], entra: [erin]}}
                  - {id: f.olsen, kind: human, aliases: {teleport: [frank], entra: [frank], vault: [frank]}}
                """);
        Path out = tmp.resolve("out");
        CliRun run = vigil("replay", "--input", Path.of("..", "rules", "pack", "PUM-002", "fixtures", "fire").toString(),
                "--out", out.toString(), "--parallelism", "1", "--identities", identities.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("findings 5   PUM-002 4, PUM-013 1")
                .contains("identities: 18 events resolved to a directory principal, 5 unmapped")
                .contains("unmapped (top 10): ivan 5")
                .containsPattern("canonical +23 +23 +0 +0");
        assertThat(Files.readString(out.resolve("findings.ndjson"))).contains("\"id\":\"e.diaz\"").doesNotContain("\"id\":\"erin\"");
    }

    @Test
    void replayNamesTheLineOfABadIdentitiesFile() throws IOException {
        Path identities = Files.writeString(tmp.resolve("ids.yaml"), "principals:\n  - {id: ann, kind: human}\n  - {id: ann, kind: service}\n");
        assertOneLineError(vigil("replay", "--input", tmp.toString(), "--out", tmp.resolve("o").toString(),
                "--identities", identities.toString()), 1, "identities " + identities + ":3: principal 'ann' is already defined at line 2");
    }

    @Test
    void replayReadsAProductFormatAndCountsEveryLine() {
        Path samples = Path.of("..", "connectors", "src", "test", "resources", "samples", "auditd");
        // Exec events span lines (SYSCALL + EXECVE): they must still meet at parallelism 2.
        CliRun run = vigil("replay", "--input", samples.resolve("handwritten_audit.log").toString(), "--format", "auditd",
                "--out", tmp.resolve("auditd").toString(), "--parallelism", "2");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("replay: 7 events read").contains("dead letters 0   skipped 14");
        CliRun broken = vigil("replay", "--input", samples.resolve("handwritten_malformed.log").toString(), "--format", "auditd",
                "--out", tmp.resolve("broken").toString(), "--parallelism", "2");
        assertThat(broken.code()).as(broken.err()).isZero();
        assertThat(broken.out()).contains("replay: 0 events read").contains("dead letters 4 (").contains("skipped 0")
                .contains("4  not an auditd record");
    }

    @Test
    void evidenceVerifyFindsTheOneAlteredRecord() throws IOException {
        Path out = tmp.resolve("replayed");
        CliRun replay = vigil("replay", "--input", Path.of("..", "rules", "pack", "PUM-002", "fixtures", "fire").toString(),
                "--out", out.toString(), "--parallelism", "1");
        assertThat(replay.code()).as(replay.err()).isZero();
        Path evidence = out.resolve("evidence.ndjson");
        CliRun clean = vigil("evidence", "verify", evidence.toString());
        assertThat(clean.code()).as(clean.out()).isZero();
        assertThat(clean.out()).contains("3 evidence records verified, 0 failed");

        // Someone hides a violation: an act after expiry is relabelled as inside the grant.
        var lines = new java.util.ArrayList<>(Files.readAllLines(evidence));
        int at = 0;
        while (!lines.get(at).contains("\"label\":\"AFTER_EXPIRY\"")) {
            at++;
        }
        lines.set(at, lines.get(at).replaceFirst("\"label\":\"AFTER_EXPIRY\"", "\"label\":\"IN_GRANT\""));
        Files.write(evidence, lines);
        CliRun tampered = vigil("evidence", "verify", evidence.toString());
        assertThat(tampered.code()).isEqualTo(1);
        assertThat(tampered.out()).contains("TAMPERED " + evidence + ":" + (at + 1) + " ")
                .contains("2 evidence records verified, 1 failed");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
