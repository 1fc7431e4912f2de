package dev.vigil.jobs.anomaly;

import dev.vigil.common.FeatureContribution;
import dev.vigil.event.LabelledEvent;
import dev.vigil.output.Finding;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.jobs.anomaly.Units.DAY;
import static dev.vigil.jobs.anomaly.Units.DAY0;
import static dev.vigil.jobs.anomaly.Units.HOUR;
import static dev.vigil.jobs.anomaly.Units.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

/** PUM-100 in the job: baselines in keyed state, units closed by event-time timers, profiles cleared when quiet. */
class AnomalyScoringFunctionTest {
    private static final Duration RETENTION = Duration.ofDays(30);

    private static KeyedOneInputStreamOperatorTestHarness<String, LabelledEvent, Finding> harness(AnomalyModel model)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AnomalyScoringFunction(model, RETENTION)),
                (LabelledEvent e) -> e.getEvent().getPrincipal().getId(), Types.STRING);
        h.open();
        return h;
    }

    /** Twenty ordinary mornings of alice: a few commands, at most one secret, on db-1. */
    private static List<LabelledEvent> history() {
        List<LabelledEvent> events = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            events.addAll(Units.session("s" + d, "db-1", DAY0 + d * DAY + (d % 4) * 10 * MINUTE, 3 + d % 3, d % 2));
        }
        return events;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, LabelledEvent, Finding> h,
                             List<LabelledEvent> events) throws Exception {
        for (LabelledEvent e : events) {
            h.processElement(new StreamRecord<>(e, e.getEvent().getEventTime()));
        }
    }

    @Test
    void ordinarySessionsRaiseNothingAndTheSweepIsFlaggedWithItsCause() throws Exception {
        try (var h = harness(null)) {
            send(h, history());
            h.processWatermark(new Watermark(DAY0 + 20 * DAY));
            assertThat(h.extractOutputValues()).isEmpty();

            long at = DAY0 + 21 * DAY;
            send(h, Units.session("sweep", "db-1", at, 4, 30));
            send(h, Units.session("normal", "db-1", at + DAY, 4, 1));
            h.processWatermark(new Watermark(at + 2 * DAY));

            List<Finding> findings = h.extractOutputValues();
            assertThat(findings).hasSize(1);
            Finding f = findings.get(0);
            assertThat(f.getRuleId()).isEqualTo("PUM-100");
            assertThat(f.getSessionId()).isEqualTo("sweep");
            assertThat(f.getRequestId()).isEqualTo("req-sweep");
            assertThat(f.getAnomaly().getModelVersion()).isEqualTo("baseline");
            FeatureContribution top = f.getAnomaly().getTopFeatures().get(0);
            assertThat(top.getName()).isIn("secrets_read", "distinct_secrets");
            assertThat(top.getValue()).isEqualTo(30.0);
            assertThat(top.getBaselineMean()).isLessThan(1.0);
            assertThat(f.getExplanation()).contains("Session sweep on db-1 is unlike alice's history")
                    .contains("secrets read 30 vs baseline");
            assertThat(f.getScore()).isBetween(40, 80);
        }
    }

    @Test
    void aSessionClosesOnlyWhenTheWatermarkPassesItsEnd() throws Exception {
        try (var h = harness(null)) {
            send(h, history());
            List<LabelledEvent> sweep = Units.session("sweep", "db-1", DAY0 + 21 * DAY, 4, 30);
            send(h, sweep);
            long end = sweep.get(sweep.size() - 1).getEvent().getEventTime();
            h.processWatermark(new Watermark(end - 1));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(new Watermark(end));
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void aSessionWithoutEndClosesAfterTheIdleTime() throws Exception {
        try (var h = harness(null)) {
            send(h, history());
            List<LabelledEvent> sweep = new ArrayList<>(Units.session("sweep", "db-1", DAY0 + 21 * DAY, 4, 30));
            LabelledEvent lastAct = sweep.get(sweep.size() - 2);
            sweep.remove(sweep.size() - 1);
            send(h, sweep);
            long idleEnd = lastAct.getEvent().getEventTime() + AnomalyScoringFunction.SESSION_IDLE.toMillis();
            h.processWatermark(new Watermark(idleEnd - 1));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(new Watermark(idleEnd));
            assertThat(h.extractOutputValues()).singleElement()
                    .satisfies(f -> assertThat(f.getSessionId()).isEqualTo("sweep"));
            // stamped when it happened, not when the idle timer fired
            assertThat(h.extractOutputStreamRecords().get(0).getTimestamp()).isEqualTo(lastAct.getEvent().getEventTime());
        }
    }

    @Test
    void secretsOutsideSessionsAreJudgedPerPrincipalHour() throws Exception {
        try (var h = harness(null)) {
            send(h, history());
            long hour = DAY0 + 22 * DAY + 3 * HOUR;
            List<LabelledEvent> reads = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                reads.add(Units.labelled(Units.event("loose-" + i, dev.vigil.event.EventType.SECRET,
                        dev.vigil.event.Action.READ, hour + i * MINUTE).setSecretId("kv/other/" + i).build(), null));
            }
            send(h, reads);
            h.processWatermark(new Watermark(hour + HOUR));
            Finding f = h.extractOutputValues().get(0);
            assertThat(f.getSessionId()).isNull();
            assertThat(f.getExplanation()).startsWith("Secret access outside sessions in the hour from 2026-01-29T12:00:00Z");
            assertThat(f.getEventIds()).containsExactly("loose-0", "loose-9");
        }
    }

    @Test
    void baselineSurvivesACheckpointAndAQuietPrincipalIsForgotten() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            send(h, history());
            h.processWatermark(new Watermark(DAY0 + 20 * DAY));
            snapshot = h.snapshot(1, DAY0 + 20 * DAY);
        }
        try (var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AnomalyScoringFunction(null, RETENTION)),
                (LabelledEvent e) -> e.getEvent().getPrincipal().getId(), Types.STRING)) {
            restored.initializeState(snapshot);
            restored.open();
            assertThat(restored.numKeyedStateEntries()).isEqualTo(1); // the profile; no session open
            send(restored, Units.session("sweep", "db-1", DAY0 + 21 * DAY, 4, 30));
            restored.processWatermark(new Watermark(DAY0 + 22 * DAY));
            // the restored baseline is mature: the sweep is judged against twenty sessions, not none
            assertThat(restored.extractOutputValues()).hasSize(1);

            restored.processWatermark(new Watermark(DAY0 + 22 * DAY + RETENTION.toMillis()));
            assertThat(restored.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void aModelReplacedWhileRunningScoresTheNextSessions() throws Exception {
        AnomalyScoringFunction function = new AnomalyScoringFunction(null, RETENTION);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function),
                (LabelledEvent e) -> e.getEvent().getPrincipal().getId(), Types.STRING)) {
            h.open();
            send(h, history());
            h.processWatermark(new Watermark(DAY0 + 20 * DAY));
            AnomalyModel model = SmallModels.trainedOnHistory();
            function.replaceModel(model);
            send(h, Units.session("sweep", "db-1", DAY0 + 21 * DAY, 4, 30));
            h.processWatermark(new Watermark(DAY0 + 22 * DAY));
            Finding f = h.extractOutputValues().get(0);
            assertThat(f.getAnomaly().getModelVersion()).isEqualTo("model " + model.version());
            assertThat(f.getAnomaly().getTopFeatures().get(0).getName()).isIn("secrets_read", "distinct_secrets");
        }
    }

    @Test
    void findingIdsDependOnlyOnTheSessionsEvents() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (var h = harness(null)) {
                List<LabelledEvent> events = new ArrayList<>(history());
                events.addAll(Units.session("sweep", "db-1", DAY0 + 21 * DAY, 4, 30));
                if (run == 1) {
                    java.util.Collections.reverse(events);
                }
                send(h, events);
                h.processWatermark(new Watermark(Long.MAX_VALUE));
                ids.add(h.extractOutputValues().get(0).getFindingId() + h.extractOutputValues().get(0).getExplanation());
            }
        }
        assertThat(ids.get(1)).isEqualTo(ids.get(0));
    }
}
