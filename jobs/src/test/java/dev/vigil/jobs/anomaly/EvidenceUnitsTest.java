package dev.vigil.jobs.anomaly;

import dev.vigil.common.GrantLabel;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.LabelledEvent;
import dev.vigil.output.BehaviourItem;
import dev.vigil.output.EvidenceKind;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.GrantRequest;
import dev.vigil.output.SessionSummary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.vigil.jobs.anomaly.Units.DAY0;
import static dev.vigil.jobs.anomaly.Units.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

/** Training reads evidence; the units it rebuilds must give the features the job computes from the events. */
class EvidenceUnitsTest {

    /** The evidence record the builder would write for one grant and the given session's events. */
    private static EvidenceRecord record(List<LabelledEvent> events, long windowStart, long windowEnd) {
        List<BehaviourItem> behaviour = new ArrayList<>();
        int commands = 0;
        for (LabelledEvent l : events) {
            var e = l.getEvent();
            if (e.getAction() == Action.COMMAND || e.getType() == EventType.SECRET) {
                commands += e.getAction() == Action.COMMAND ? 1 : 0;
                behaviour.add(BehaviourItem.newBuilder().setEventId(e.getEventId()).setEventTime(e.getEventTime())
                        .setType(e.getType()).setAction(e.getAction()).setSessionId(e.getSessionId())
                        .setTarget(e.getTarget()).setCommand(e.getCommand()).setSecretId(e.getSecretId())
                        .setLabel(GrantLabel.IN_GRANT).setLate(false).build());
            }
        }
        var first = events.get(0).getEvent();
        var last = events.get(events.size() - 1).getEvent();
        SessionSummary session = SessionSummary.newBuilder().setSessionId(first.getSessionId()).setTarget(first.getTarget())
                .setAccount(first.getAccount()).setStartedAt(first.getEventTime()).setEndedAt(last.getEventTime())
                .setInteractive(true).setCommandCount(commands).setLabel(GrantLabel.IN_GRANT).build();
        return EvidenceRecord.newBuilder().setEvidenceId("ev-" + first.getSessionId()).setKind(EvidenceKind.GRANT)
                .setPrincipal(Units.alice())
                .setRequest(GrantRequest.newBuilder().setRequestId("req-" + first.getSessionId()).setRole("db-admin")
                        .setScope(List.of("db-*")).setWindowStart(windowStart).setWindowEnd(windowEnd).build())
                .setSessions(List.of(session)).setBehaviour(behaviour)
                .setFirstEventAt(first.getEventTime()).setLastEventAt(last.getEventTime()).setChainHash("x").build();
    }

    @Test
    void unitsFromEvidenceHaveTheFeaturesOfUnitsFromEvents() {
        List<EvidenceRecord> records = new ArrayList<>();
        List<SessionActivity> fromEvents = new ArrayList<>();
        for (int d = 0; d < 6; d++) {
            long start = DAY0 + d * Units.DAY;
            List<LabelledEvent> events = Units.session("s" + d, d == 5 ? "db-7" : "db-1", start, 2 + d, d % 3);
            records.add(record(events, start - 5 * MINUTE, start + 115 * MINUTE));
            fromEvents.add(Units.fold(events));
        }
        Map<String, List<SessionActivity>> units = EvidenceUnits.units(records);
        assertThat(units).containsOnlyKeys("alice");
        List<SessionActivity> fromEvidence = units.get("alice");
        assertThat(fromEvidence).extracting(u -> u.key).containsExactly("s0", "s1", "s2", "s3", "s4", "s5");

        PrincipalProfile a = new PrincipalProfile();
        PrincipalProfile b = new PrincipalProfile();
        for (int i = 0; i < fromEvents.size(); i++) {
            assertThat(FeatureExtractor.observe(fromEvidence.get(i), b)).as("s" + i)
                    .containsExactly(FeatureExtractor.observe(fromEvents.get(i), a));
        }
    }

    @Test
    void secretsOutsideSessionsBecomePrincipalHours() {
        long hour = DAY0 + 3 * Units.HOUR;
        List<BehaviourItem> reads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            reads.add(BehaviourItem.newBuilder().setEventId("r" + i).setEventTime(hour + i * 20 * MINUTE)
                    .setType(EventType.SECRET).setAction(Action.READ).setSecretId("kv/" + i)
                    .setLabel(GrantLabel.NO_GRANT).setLate(false).build());
        }
        EvidenceRecord day = EvidenceRecord.newBuilder().setEvidenceId("day").setKind(EvidenceKind.UNGRANTED_SECRET)
                .setPrincipal(Units.alice()).setBehaviour(reads).setFirstEventAt(hour).setLastEventAt(hour + HOUR_MS)
                .setChainHash("x").build();
        List<SessionActivity> units = EvidenceUnits.units(List.of(day)).get("alice");
        assertThat(units).extracting(u -> u.key).containsExactly(
                SessionActivity.secretHourKey(hour), SessionActivity.secretHourKey(hour + Units.HOUR));
        assertThat(units.get(0).secretsRead).isEqualTo(3);
        assertThat(units.get(0).requestId).isNull();
    }

    @Test
    void unitsThatWentOnPastTheLastListedActOfARecordThatDroppedSomeAreLeftOutAndCounted() {
        // One standing grant, three sessions; the record stopped listing acts in the middle of the second.
        List<LabelledEvent> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.addAll(Units.session("s" + i, "db-1", DAY0 + i * Units.HOUR, 4, 1));
        }
        EvidenceRecord whole = record(events, DAY0 - 5 * MINUTE, DAY0 + 5 * Units.HOUR);
        List<SessionSummary> sessions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long start = DAY0 + i * Units.HOUR;
            sessions.add(SessionSummary.newBuilder(whole.getSessions().get(0)).setSessionId("s" + i)
                    .setStartedAt(start).setEndedAt(start + 6 * MINUTE).setCommandCount(4).build());
        }
        List<BehaviourItem> listed = whole.getBehaviour().stream()
                .filter(b -> b.getEventTime() <= DAY0 + Units.HOUR + 2 * MINUTE).toList();
        EvidenceRecord cut = EvidenceRecord.newBuilder(whole).setSessions(sessions).setBehaviour(listed)
                .setBehaviourDropped(whole.getBehaviour().size() - listed.size()).build();

        EvidenceUnits.Rebuilt rebuilt = EvidenceUnits.rebuild(List.of(cut));
        assertThat(rebuilt.units().get("alice")).extracting(u -> u.key).containsExactly("s0");
        assertThat(rebuilt.units().get("alice").get(0).secretsRead).isEqualTo(1);
        assertThat(rebuilt.cutShort()).isEqualTo(2);
        // Nothing dropped, nothing left out.
        EvidenceRecord complete = EvidenceRecord.newBuilder(cut).setBehaviour(whole.getBehaviour())
                .setBehaviourDropped(0).build();
        assertThat(EvidenceUnits.rebuild(List.of(complete)).cutShort()).isZero();
        assertThat(EvidenceUnits.units(List.of(complete)).get("alice")).hasSize(3);
    }

    private static final long HOUR_MS = Units.HOUR;
}
