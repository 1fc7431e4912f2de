package dev.vigil.jobs.cli;

import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.jobs.anomaly.AnomalyModel;
import dev.vigil.jobs.anomaly.ModelTrainer;
import dev.vigil.jobs.anomaly.SessionActivity;
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
