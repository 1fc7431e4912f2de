package dev.vigil.jobs.cli;

import dev.vigil.common.GrantLabel;
import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.jobs.anomaly.AnomalyModel;
import dev.vigil.jobs.anomaly.ModelTrainer;
import dev.vigil.jobs.anomaly.SessionActivity;
import dev.vigil.jobs.synthetic.Scenario;
import dev.vigil.jobs.synthetic.ScenarioTruth;
import dev.vigil.output.BehaviourItem;
import dev.vigil.output.EvidenceKind;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.GrantRequest;
import dev.vigil.output.SessionSummary;
import dev.vigil.schema.json.AvroJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code vigil model} and {@code --model}: what a user sees, and one line for every mistake. */
class ModelCommandTest {
    @TempDir
    Path tmp;

    private static CliRun vigil(String... args) {
        return CliRun.vigil(args);
    }

    private static void assertOneLineError(CliRun run, String message) {
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains(message).doesNotContain("\tat ");
        assertThat(run.err().lines().count()).isEqualTo(1);
    }

    private Path model() throws IOException {
        Random r = new Random(1);
        Map<String, List<SessionActivity>> units = new TreeMap<>();
        long t0 = java.time.Instant.parse("2026-01-05T09:00:00Z").toEpochMilli();
        for (int p = 0; p < 5; p++) {
            List<SessionActivity> mine = new ArrayList<>();
            for (int s = 0; s < 30; s++) {
                SessionActivity u = new SessionActivity("p" + p + "-" + s, "p" + p, PrincipalKind.HUMAN);
                long start = t0 + s * 86_400_000L + r.nextInt(3_600_000);
                u.add("e" + s, start, EventType.SESSION, Action.START, "db-1", "dba", null, null, "10.0.0.1");
                u.add("f" + s, start + 60_000, EventType.SESSION, Action.COMMAND, "db-1", null, "ls", null, null);
                u.add("g" + s, start + (2 + r.nextInt(20)) * 60_000L, EventType.SESSION, Action.END, "db-1", null, null, null, null);
                mine.add(u);
            }
            units.put("p" + p, mine);
        }
        AnomalyModel m = ModelTrainer.train(units, new ModelTrainer.Settings(0.05, 10, 32, 1, "cli-1"));
        return Files.write(tmp.resolve("m.json"), m.toBytes());
    }

    @Test
    void modelHasHelpAndShowPrintsWhatTheModelHolds() throws IOException {
        assertThat(vigil("model", "--help").out()).contains("Usage: vigil model").contains("train").contains("eval");
        CliRun show = vigil("model", "show", model().toString());
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("model cli-1 (format 1)").contains("contamination   0.05")
                .contains("HUMAN").contains("secrets_read").contains("training_units");
    }

    @Test
    void corruptAndMismatchedModelsAreRefusedInOneLine() throws IOException {
        Path garbage = Files.writeString(tmp.resolve("garbage.json"), "not a model");
        assertOneLineError(vigil("model", "show", garbage.toString()), "garbage.json: not a Vigil anomaly model");

        String other = Files.readString(model()).replace("\"secrets_read\"", "\"secrets_written\"");
        Path mismatched = Files.writeString(tmp.resolve("other.json"), other);
        assertOneLineError(vigil("replay", "--input", tmp.toString(), "--out", tmp.resolve("out").toString(),
                "--model", mismatched.toString()), "model features do not match this Vigil's feature catalogue "
                + "(missing [secrets_read], unknown [secrets_written])");
        assertOneLineError(vigil("bench", "--model", tmp.resolve("none.json").toString()), "model not found: ");
    }

    /**
     * One evidence record per session, a day apart: {@code commands} distinct commands and {@code secrets} distinct
     * secret reads, a minute apart, under a two-hour grant opened five minutes before.
     */
    private static EvidenceRecord evidence(Principal who, String session, long start, int commands, int secrets,
                                           boolean interactive) {
        List<BehaviourItem> acts = new ArrayList<>();
        long t = start;
        for (int i = 0; i < commands + secrets; i++) {
            t += 60_000;
            boolean command = i < commands;
            acts.add(BehaviourItem.newBuilder().setEventId(session + "-" + i).setEventTime(t).setSessionId(session)
                    .setType(command ? EventType.SESSION : EventType.SECRET)
                    .setAction(command ? Action.COMMAND : Action.READ).setTarget("db-1")
                    .setCommand(command ? "check " + i : null).setSecretId(command ? null : "kv/" + i)
                    .setLabel(GrantLabel.IN_GRANT).setLate(false).build());
        }
        SessionSummary summary = SessionSummary.newBuilder().setSessionId(session).setTarget("db-1").setAccount("etl")
                .setStartedAt(start).setEndedAt(t + 60_000).setInteractive(interactive).setCommandCount(commands)
                .setLabel(GrantLabel.IN_GRANT).build();
        return EvidenceRecord.newBuilder().setEvidenceId("ev-" + session).setKind(EvidenceKind.GRANT).setPrincipal(who)
                .setRequest(GrantRequest.newBuilder().setRequestId("req-" + session).setRole("automation")
                        .setScope(List.of("db-1")).setWindowStart(start - 300_000).setWindowEnd(start + 7_200_000).build())
                .setSessions(List.of(summary)).setBehaviour(acts).setFirstEventAt(start).setLastEventAt(t + 60_000)
                .setChainHash("x").build();
    }

    @Test
    void evalReportsEveryInjectedKindWithItsPopulation() throws IOException {
        long t0 = java.time.Instant.parse("2026-01-05T09:00:00Z").toEpochMilli();
        List<String> lines = new ArrayList<>();
        List<ScenarioTruth> truth = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            boolean service = p >= 2;
            Principal who = Principal.newBuilder().setId(service ? "svc-" + p : "person-" + p)
                    .setKind(service ? PrincipalKind.SERVICE : PrincipalKind.HUMAN).setSourceIp("10.0.0." + p).build();
            for (int s = 0; s < 40; s++) {
                String session = "ses-" + p + "-" + s;
                boolean injected = s == 30;
                int commands = injected && service ? 18 : 2 + s % 2;
                int secrets = injected && !service ? 30 : 1;
                lines.add(AvroJson.toJson(evidence(who, session, t0 + s * 86_400_000L + p * 600_000L, commands,
                        secrets, !service)));
                if (injected) {
                    truth.add(new ScenarioTruth(Scenario.BEHAVIOUR_ANOMALY, service ? "service-recon" : "secret-sweep",
                            "PUM-100", who.getId(), "req-" + session, session, List.of(), 0, s, t0, t0));
                }
            }
        }
        Path evidence = Files.write(tmp.resolve("evidence.ndjson"), lines);
        Path key = tmp.resolve("traffic.truth.json");
        ScenarioTruth.writeJson(key, truth);
        Path model = tmp.resolve("m.json");
        assertThat(vigil("model", "train", "--input", evidence.toString(), "--out", model.toString(), "--trees", "20",
                "--sample-size", "64").code()).isZero();

        CliRun eval = vigil("model", "eval", "--model", model.toString(), "--input", evidence.toString(), "--truth",
                key.toString());
        assertThat(eval.code()).isZero();
        assertThat(eval.out()).contains("4 injected anomalies")
                .containsPattern("secret-sweep +human +flagged [0-2]/2, explained [0-2]/[0-2]")
                .containsPattern("service-recon +service +flagged [0-2]/2, explained [0-2]/[0-2]");
    }

    @Test
    void trainAndEvalNameWhatIsWrongWithTheirInput() throws IOException {
        assertOneLineError(vigil("model", "train", "--input", tmp.resolve("nope.ndjson").toString(), "--out",
                tmp.resolve("m.json").toString()), "input not found: ");
        Path notEvidence = Files.writeString(tmp.resolve("evidence.ndjson"), "{\"event_id\": \"x\"}\n");
        assertOneLineError(vigil("model", "train", "--input", notEvidence.toString(), "--out",
                tmp.resolve("m.json").toString()), "evidence.ndjson:1: not an evidence record");
        assertOneLineError(vigil("model", "eval", "--model", model().toString(), "--input", notEvidence.toString(),
                "--truth", tmp.resolve("none.truth.json").toString()), "answer key not found: ");
    }
}
