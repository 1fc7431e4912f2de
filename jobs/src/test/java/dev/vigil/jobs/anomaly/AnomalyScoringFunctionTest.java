package dev.vigil.jobs.anomaly;

import dev.vigil.common.FeatureContribution;
import dev.vigil.event.LabelledEvent;
import dev.vigil.output.Finding;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.vigil.jobs.anomaly.Units.DAY;
import static dev.vigil.jobs.anomaly.Units.DAY0;
import static dev.vigil.jobs.anomaly.Units.HOUR;
import static dev.vigil.jobs.anomaly.Units.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PUM-100 in the job: units closed per principal by event-time timers against the principal's baseline, then scored
 * per peer group against the group's baseline; baselines checkpointed and cleared when quiet.
 */
class AnomalyScoringFunctionTest {
    private static final Duration RETENTION = Duration.ofDays(30);

    private static AnomalyPipeline pipeline(AnomalyModel model) throws Exception {
        return AnomalyPipeline.plain(new AnomalyScoringFunction(model, RETENTION), RETENTION, null);
    }

    /** Twenty ordinary mornings of alice: a few commands, at most one secret, on db-1. */
    private static List<LabelledEvent> history() {
        List<LabelledEvent> events = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            events.addAll(Units.session("s" + d, "db-1", DAY0 + d * DAY + (d % 4) * 10 * MINUTE, 3 + d % 3, d % 2));
        }
        return events;
    }

    /** {@code days} ordinary mornings of each of {@code colleagues} db-admins, as {@link #history()}. */
    private static List<LabelledEvent> colleagues(int colleagues, int days) {
        List<LabelledEvent> events = new ArrayList<>();
        for (int c = 0; c < colleagues; c++) {
            for (int d = 0; d < days; d++) {
                events.addAll(Units.session("dba-" + c, "c" + c + "-s" + d, "db-" + (c % 2),
                        DAY0 + d * DAY + ((c + d) % 4) * 10 * MINUTE, 3 + (c + d) % 3, (c + d) % 2));
            }
        }
        return events;
    }

    @Test
    void ordinarySessionsRaiseNothingAndTheSweepIsFlaggedWithItsCause() throws Exception {
        try (var p = pipeline(null)) {
            p.send(history());
            p.watermark(DAY0 + 20 * DAY);
            assertThat(p.findings()).isEmpty();

            long at = DAY0 + 21 * DAY;
            p.send(Units.session("sweep", "db-1", at, 4, 30));
            p.send(Units.session("normal", "db-1", at + DAY, 4, 1));
            p.watermark(at + 2 * DAY);

            List<Finding> findings = p.findings();
            assertThat(findings).hasSize(1);
            Finding f = findings.get(0);
            assertThat(f.getRuleId()).isEqualTo("PUM-100");
            assertThat(f.getSessionId()).isEqualTo("sweep");
            assertThat(f.getRequestId()).isEqualTo("req-sweep");
            assertThat(f.getAnomaly().getModelVersion()).isEqualTo("baseline");
            assertThat(f.getAnomaly().getBaseline()).isEqualTo("principal");
            assertThat(f.getAnomaly().getPeerGroup()).isEqualTo("human/db-admin");
            FeatureContribution top = f.getAnomaly().getTopFeatures().get(0);
            assertThat(top.getName()).isIn("secrets_read", "distinct_secrets");
            assertThat(top.getValue()).isEqualTo(30.0);
            assertThat(top.getBaselineMean()).isLessThan(1.0);
            // 21 units of the group so far: too few to stand beside alice's own baseline
            assertThat(top.getPeerMean()).isNull();
            assertThat(f.getExplanation()).contains("Session sweep on db-1 is unlike alice's history")
                    .contains("secrets read 30 vs baseline").doesNotContain("peers");
            assertThat(f.getScore()).isBetween(40, 80);
        }
    }

    @Test
    void explanationsSetThePrincipalsBaselineBesideItsPeerGroups() throws Exception {
        try (var p = pipeline(null)) {
            List<LabelledEvent> events = new ArrayList<>(history());
            events.addAll(colleagues(4, 20));
            p.send(events);
            p.watermark(DAY0 + 20 * DAY);
            assertThat(p.findings()).isEmpty();

            p.send(Units.session("sweep", "db-1", DAY0 + 21 * DAY, 4, 30));
            p.watermark(DAY0 + 22 * DAY);
            Finding f = p.findings().get(0);
            assertThat(f.getAnomaly().getBaseline()).isEqualTo("principal");
            FeatureContribution top = f.getAnomaly().getTopFeatures().get(0);
            assertThat(top.getName()).isIn("secrets_read", "distinct_secrets");
            assertThat(top.getPeerMean()).isBetween(0.0, 1.0);
            assertThat(top.getPeerStd()).isGreaterThanOrEqualTo(1.0);
            assertThat(f.getExplanation()).containsPattern("secrets read 30 vs baseline [0-9.]+ ± [0-9.]+ \\(peers [0-9.]+ ± [0-9.]+\\)");
        }
    }

    @Test
    void aNewcomerIsJudgedAgainstItsPeerGroupUntilItHasAHistoryOfItsOwn() throws Exception {
        // nina has six ordinary sessions: past her warm-up, too few for a baseline of her own
        List<LabelledEvent> nina = new ArrayList<>();
        for (int d = 0; d < 6; d++) {
            nina.addAll(Units.session("nina", "n" + d, "db-1", DAY0 + d * DAY + HOUR, 4, d % 2));
        }
        List<LabelledEvent> sweep = Units.session("nina", "nina-sweep", "db-1", DAY0 + 21 * DAY, 4, 30);

        try (var alone = pipeline(null)) {
            alone.send(nina);
            alone.send(sweep);
            alone.watermark(DAY0 + 22 * DAY);
            // no history of her own and no peers: nothing to judge by
            assertThat(alone.findings()).isEmpty();
        }
        try (var p = pipeline(null)) {
            p.send(colleagues(6, 20));
            p.send(nina);
            p.watermark(DAY0 + 20 * DAY);
            p.send(sweep);
            p.watermark(DAY0 + 22 * DAY);
            Finding f = p.findings().get(0);
            assertThat(f.getSessionId()).isEqualTo("nina-sweep");
            assertThat(f.getAnomaly().getBaseline()).isEqualTo("peer group");
            assertThat(f.getAnomaly().getPeerGroup()).isEqualTo("human/db-admin");
            assertThat(f.getAnomaly().getTopFeatures().get(0).getName()).isIn("secrets_read", "distinct_secrets");
            assertThat(f.getExplanation())
                    .contains("is unlike the history of nina's peer group human/db-admin")
                    .contains("secrets read 30 vs baseline");
        }
    }

    @Test
    void aSessionClosesOnlyWhenTheWatermarkPassesItsEnd() throws Exception {
        try (var p = pipeline(null)) {
            p.send(history());
            List<LabelledEvent> sweep = Units.session("sweep", "db-1", DAY0 + 21 * DAY, 4, 30);
            p.send(sweep);
            long end = sweep.get(sweep.size() - 1).getEvent().getEventTime();
            p.watermark(end - 1);
            assertThat(p.findings()).isEmpty();
            p.watermark(end);
            assertThat(p.findings()).hasSize(1);
        }
    }

    @Test
    void aSessionWithoutEndClosesAfterTheIdleTime() throws Exception {
        try (var p = pipeline(null)) {
            p.send(history());
            List<LabelledEvent> sweep = new ArrayList<>(Units.session("sweep", "db-1", DAY0 + 21 * DAY, 4, 30));
            LabelledEvent lastAct = sweep.get(sweep.size() - 2);
            sweep.remove(sweep.size() - 1);
            p.send(sweep);
            long idleEnd = lastAct.getEvent().getEventTime() + BehaviourUnitsFunction.SESSION_IDLE.toMillis();
            p.watermark(idleEnd - 1);
            assertThat(p.findings()).isEmpty();
            p.watermark(idleEnd);
            assertThat(p.findings()).singleElement()
                    .satisfies(f -> assertThat(f.getSessionId()).isEqualTo("sweep"));
            // stamped when it happened, not when the idle timer fired
            assertThat(p.scoring().extractOutputStreamRecords().get(0).getTimestamp())
                    .isEqualTo(lastAct.getEvent().getEventTime());
        }
    }

    @Test
    void secretsOutsideSessionsAreJudgedPerPrincipalHour() throws Exception {
        try (var p = pipeline(null)) {
            p.send(history());
            long hour = DAY0 + 22 * DAY + 3 * HOUR;
            List<LabelledEvent> reads = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                reads.add(Units.labelled(Units.event("loose-" + i, dev.vigil.event.EventType.SECRET,
                        dev.vigil.event.Action.READ, hour + i * MINUTE).setSecretId("kv/other/" + i).build(), null));
            }
            p.send(reads);
            p.watermark(hour + HOUR);
            Finding f = p.findings().get(0);
            assertThat(f.getSessionId()).isNull();
            assertThat(f.getAnomaly().getPeerGroup()).isEqualTo("human/no-grant");
            assertThat(f.getExplanation()).startsWith("Secret access outside sessions in the hour from 2026-01-29T12:00:00Z");
            assertThat(f.getEventIds()).containsExactly("loose-0", "loose-9");
        }
    }

    @Test
    void baselinesSurviveACheckpointAndQuietPrincipalsAndGroupsAreForgotten() throws Exception {
        AnomalyPipeline.Snapshot snapshot;
        try (var p = pipeline(null)) {
            p.send(history());
            p.send(colleagues(2, 20));
            p.watermark(DAY0 + 20 * DAY);
            snapshot = p.snapshot(1);
        }
        try (var restored = AnomalyPipeline.plain(new AnomalyScoringFunction(null, RETENTION), RETENTION, snapshot)) {
            // three profiles; one peer group; nothing open or waiting
            assertThat(restored.keyedStateEntries()).containsExactly(3, 1);
            restored.send(Units.session("sweep", "db-1", DAY0 + 21 * DAY, 4, 30));
            restored.watermark(DAY0 + 22 * DAY);
            // the restored baseline is mature: the sweep is judged against twenty sessions, not none
            assertThat(restored.findings()).singleElement()
                    .satisfies(f -> assertThat(f.getAnomaly().getTopFeatures().get(0).getPeerMean()).isNotNull());

            restored.watermark(DAY0 + 22 * DAY + RETENTION.toMillis());
            assertThat(restored.keyedStateEntries()).containsExactly(0, 0);
        }
    }

    @Test
    void aModelReplacedWhileRunningScoresTheNextSessions() throws Exception {
        AnomalyScoringFunction function = new AnomalyScoringFunction(null, RETENTION);
        try (var p = AnomalyPipeline.plain(function, RETENTION, null)) {
            p.send(history());
            p.watermark(DAY0 + 20 * DAY);
            AnomalyModel model = SmallModels.trainedOnHistory();
            function.replaceModel(model);
            p.send(Units.session("sweep", "db-1", DAY0 + 21 * DAY, 4, 30));
            p.watermark(DAY0 + 22 * DAY);
            Finding f = p.findings().get(0);
            assertThat(f.getAnomaly().getModelVersion()).isEqualTo("model " + model.version());
            assertThat(f.getAnomaly().getTopFeatures().get(0).getName()).isIn("secrets_read", "distinct_secrets");
        }
    }

    @Test
    void findingIdsDependOnlyOnTheSessionsEvents() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (var p = pipeline(null)) {
                List<LabelledEvent> events = new ArrayList<>(history());
                events.addAll(Units.session("sweep", "db-1", DAY0 + 21 * DAY, 4, 30));
                if (run == 1) {
                    Collections.reverse(events);
                }
                p.send(events);
                p.watermark(Long.MAX_VALUE);
                ids.add(p.findings().get(0).getFindingId() + p.findings().get(0).getExplanation());
            }
        }
        assertThat(ids.get(1)).isEqualTo(ids.get(0));
    }

    /** Closed units of alice and four colleagues, over twenty days, then each one's sweep on day 21. */
    private static List<ClosedUnit> closedUnits() {
        Map<String, List<SessionActivity>> byPrincipal = new TreeMap<>();
        List<LabelledEvent> events = new ArrayList<>(history());
        events.addAll(colleagues(4, 21));
        for (int c = 0; c < 4; c++) {
            events.addAll(Units.session("dba-" + c, "sweep-" + c, "db-1", DAY0 + 21 * DAY + c * HOUR, 4, 25 + c));
        }
        Map<String, List<LabelledEvent>> bySession = new LinkedHashMap<>();
        for (LabelledEvent e : events) {
            bySession.computeIfAbsent(e.getEvent().getSessionId(), k -> new ArrayList<>()).add(e);
        }
        for (List<LabelledEvent> session : bySession.values()) {
            SessionActivity u = Units.fold(session);
            byPrincipal.computeIfAbsent(u.principalId, k -> new ArrayList<>()).add(u);
        }
        List<ClosedUnit> out = new ArrayList<>();
        for (List<SessionActivity> mine : byPrincipal.values()) {
            mine.sort(SessionActivity.CLOSING_ORDER);
            PrincipalProfile profile = new PrincipalProfile();
            for (SessionActivity u : mine) {
                out.add(ClosedUnit.close(u, profile));
            }
        }
        return out;
    }

    @Test
    void aPeerGroupJudgesItsUnitsInTheSameOrderWhateverOrderTheyArriveIn() throws Exception {
        List<String> runs = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            List<ClosedUnit> units = closedUnits();
            Collections.shuffle(units, new java.util.Random(run));
            runs.add(scoredByPeerGroups(units).stream().sorted().toList().toString());
        }
        assertThat(runs.get(0)).contains("sweep-3").contains("(peers ");
        assertThat(runs).containsOnly(runs.get(0));
    }

    @Test
    void evaluationJudgesAsTheJobDoes() throws Exception {
        List<ClosedUnit> units = closedUnits();
        // the same units, judged offline from scratch as vigil model eval does
        Map<String, List<SessionActivity>> byPrincipal = new TreeMap<>();
        for (ClosedUnit c : units) {
            byPrincipal.computeIfAbsent(c.unit.principalId, k -> new ArrayList<>()).add(c.unit);
        }
        List<String> offline = new ArrayList<>();
        for (Map.Entry<ClosedUnit, AnomalyScorer.Verdict> e : new AnomalyScorer(null).judgeAll(byPrincipal)) {
            if (e.getValue().flagged()) {
                offline.add(AnomalyScoringFunction.finding(e.getKey().unit, e.getValue()).getExplanation());
            }
        }
        assertThat(offline).hasSize(4);
        assertThat(scoredByPeerGroups(units)).containsExactlyInAnyOrderElementsOf(offline);
    }

    /** The explanations the peer-group stage raises for {@code units}, delivered in this order, closed each at its time. */
    private static List<String> scoredByPeerGroups(List<ClosedUnit> units) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AnomalyScoringFunction(null, RETENTION)),
                (ClosedUnit c) -> c.peerGroup, Types.STRING)) {
            h.open();
            for (ClosedUnit c : units) {
                h.processElement(new StreamRecord<>(c, c.unit.closeAt()));
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            return h.extractOutputValues().stream().map(Finding::getExplanation).toList();
        }
    }
}
