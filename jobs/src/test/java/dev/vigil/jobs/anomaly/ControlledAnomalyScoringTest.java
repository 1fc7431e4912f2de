package dev.vigil.jobs.anomaly;

import static dev.vigil.jobs.anomaly.Units.DAY;
import static dev.vigil.jobs.anomaly.Units.DAY0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.LabelledEvent;
import dev.vigil.output.Finding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A new anomaly model arrives on the control topic while the job runs: the next closing sessions are scored with it
 * and the baselines stay; a corrupt or mismatched model is refused with a dead letter and the running one goes on;
 * a restored job scores with the model it had, not the one it was started with.
 */
class ControlledAnomalyScoringTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static AnomalyModel model;
    private static byte[] artifact;

    @BeforeAll
    static void train() {
        model = SmallModels.trainedOnHistory();
        artifact = model.toBytes();
    }

    private static AnomalyPipeline harness(AnomalyPipeline.Snapshot restoreFrom) throws Exception {
        return AnomalyPipeline.controlled(new ControlledAnomalyScoring(null), restoreFrom);
    }

    private static ControlMessage modelMessage(byte[] bytes) {
        return ModelDeployment.message(model, bytes, "month 1", "carol@soc-1", 1_765_000_000_000L);
    }

    /** Twenty ordinary mornings of alice, then the watermark past them. */
    private static void history(AnomalyPipeline h)
            throws Exception {
        List<LabelledEvent> events = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            events.addAll(Units.session("s" + d, "db-1", DAY0 + d * DAY + (d % 4) * 600_000L, 3 + d % 3, d % 2));
        }
        h.send(events);
        h.watermark(DAY0 + 20 * DAY);
    }

    /** A sweep of 30 secrets on day {@code day}, closed by the watermark; the findings it raised. */
    private static List<Finding> sweep(AnomalyPipeline h,
                                       int day) throws Exception {
        int before = h.findings().size();
        h.send(Units.session("sweep-" + day, "db-1", DAY0 + day * DAY, 4, 30));
        h.watermark(DAY0 + (day + 1) * DAY);
        List<Finding> all = h.findings();
        return all.subList(before, all.size());
    }

    @Test
    void aModelFromTheControlTopicScoresTheNextSessionsAndABrokenOneIsRefused() throws Exception {
        try (var h = harness(null)) {
            history(h);
            assertThat(sweep(h, 21)).singleElement()
                    .satisfies(f -> assertThat(f.getAnomaly().getModelVersion()).isEqualTo("baseline"));

            h.control(modelMessage(artifact));
            List<Finding> withModel = sweep(h, 23);
            assertThat(withModel).singleElement().satisfies(f -> {
                assertThat(f.getAnomaly().getModelVersion()).isEqualTo("model " + model.version());
                assertThat(f.getAnomaly().getTopFeatures().get(0).getName()).isIn("secrets_read", "distinct_secrets");
            });

            // A model trained for another feature list, and a cut artifact: both refused, the model runs on.
            ObjectNode other = (ObjectNode) JSON.readTree(artifact);
            ((ArrayNode) other.get("features")).remove(0);
            ((ArrayNode) other.get("features")).add("keystrokes_per_minute");
            h.control(modelMessage(JSON.writeValueAsBytes(other)));
            h.control(modelMessage(new String(artifact, StandardCharsets.UTF_8)
                    .substring(0, artifact.length / 2).getBytes(StandardCharsets.UTF_8)));
            assertThat(h.scoring().getSideOutput(ControlledAnomalyScoring.DEAD_LETTERS)).extracting(StreamRecord::getValue)
                    .extracting(DeadLetter::getReason)
                    .satisfiesExactly(
                            r -> assertThat(r).contains("refused, model " + model.version() + " keeps running")
                                    .contains("model features do not match this Vigil's feature catalogue"),
                            r -> assertThat(r).contains("refused, model " + model.version() + " keeps running"));
            assertThat(sweep(h, 25)).singleElement()
                    .satisfies(f -> assertThat(f.getAnomaly().getModelVersion()).isEqualTo("model " + model.version()));
        }
    }

    @Test
    void otherControlMessagesAreLeftToTheirOperators() throws Exception {
        try (var h = harness(null)) {
            history(h);
            h.control(new ControlMessage(ControlMessage.Kind.RULE_PACK, "3f2a9c01b7e4", "release 12",
                    "carol@soc-1", 1L, "{\"files\":{}}".getBytes(StandardCharsets.UTF_8)));
            assertThat(h.scoring().getSideOutput(ControlledAnomalyScoring.DEAD_LETTERS)).isNullOrEmpty();
            assertThat(sweep(h, 21)).singleElement()
                    .satisfies(f -> assertThat(f.getAnomaly().getModelVersion()).isEqualTo("baseline"));
        }
    }

    @Test
    void aRestoredJobScoresWithTheModelItHadAndKeepsTheBaselines() throws Exception {
        AnomalyPipeline.Snapshot snapshot;
        try (var h = harness(null)) {
            history(h);
            h.control(modelMessage(artifact));
            snapshot = h.snapshot(1);
        }
        // Started without --model, as after a redeploy of the same job: the checkpoint decides.
        try (var restored = harness(snapshot)) {
            assertThat(sweep(restored, 21)).singleElement().satisfies(f -> {
                assertThat(f.getAnomaly().getModelVersion()).isEqualTo("model " + model.version());
                assertThat(f.getExplanation()).contains("unlike alice's history");
            });
        }
    }
}
