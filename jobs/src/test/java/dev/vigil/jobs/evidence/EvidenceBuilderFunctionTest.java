package dev.vigil.jobs.evidence;

import dev.vigil.event.Action;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.EventType;
import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.jobs.cases.CaseKeys;
import dev.vigil.jobs.cases.Findings;
import dev.vigil.output.BehaviourItem;
import dev.vigil.output.EvidenceKind;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.Finding;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.vigil.common.GrantLabel.AFTER_EXPIRY;
import static dev.vigil.common.GrantLabel.IN_GRANT;
import static dev.vigil.common.GrantLabel.NO_GRANT;
import static dev.vigil.jobs.evidence.Acts.MINUTE;
import static dev.vigil.jobs.evidence.Acts.at;
import static dev.vigil.jobs.evidence.Acts.command;
import static dev.vigil.jobs.evidence.Acts.elevation;
import static dev.vigil.jobs.evidence.Acts.end;
import static dev.vigil.jobs.evidence.Acts.event;
import static dev.vigil.jobs.evidence.Acts.grant;
import static dev.vigil.jobs.evidence.Acts.labelled;
import static dev.vigil.jobs.evidence.Acts.late;
import static dev.vigil.jobs.evidence.Acts.secret;
import static dev.vigil.jobs.evidence.Acts.start;
import static org.assertj.core.api.Assertions.assertThat;

class EvidenceBuilderFunctionTest {

    private static final Duration INTERVAL = Duration.ofSeconds(60);
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final long SECOND = 1_000L;

    private KeyedTwoInputStreamOperatorTestHarness<String, LabelledEvent, Finding, EvidenceRecord> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, LabelledEvent, Finding, EvidenceRecord> newHarness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new EvidenceBuilderFunction(INTERVAL, RETENTION, EvidenceState.DEFAULT_BEHAVIOUR_LIMIT),
                EvidenceBuilderFunction::principalOf, EvidenceBuilderFunction::principalOf, Types.STRING);
    }

    /** One input item: a labelled event or a finding. */
    private record Input(LabelledEvent event, Finding finding) {
        long time() {
            return event != null ? event.getEvent().getEventTime() : finding.getEventTime();
        }
    }

    private static Input ev(LabelledEvent e) {
        return new Input(e, null);
    }

    private static Input fi(Finding f) {
        return new Input(null, f);
    }

    private static void send(KeyedTwoInputStreamOperatorTestHarness<String, LabelledEvent, Finding, EvidenceRecord> h,
                             Input in) throws Exception {
        if (in.event() != null) {
            h.processElement1(new StreamRecord<>(in.event(), in.time()));
        } else {
            h.processElement2(new StreamRecord<>(in.finding(), in.time()));
        }
    }

    private void send(Input in) throws Exception {
        send(harness, in);
    }

    private void watermark(long t) throws Exception {
        harness.processBothWatermarks(new Watermark(t));
    }

    private List<EvidenceRecord> drain() {
        List<EvidenceRecord> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    private static Map<String, EvidenceRecord> latestById(List<EvidenceRecord> records) {
        Map<String, EvidenceRecord> latest = new LinkedHashMap<>();
        for (EvidenceRecord r : records) {
            latest.put(r.getEvidenceId(), r);
        }
        return latest;
    }

    private static String id(EvidenceKind kind, String key) {
        return CaseKeys.evidenceId("alice", kind, key);
    }

    private static Finding riskyCommand() {
        return Findings.finding("f-009", "PUM-009", 60).setRequestId("REQ-1").setSessionId("S-1")
                .setEventTime(at(20)).setEventIds(List.of("c02")).build();
    }

    private static Finding ungrantedSession() {
        return Findings.finding("f-001", "PUM-001", 70).setSessionId("S-9").setEventTime(at(31)).build();
    }

    private static Finding secretOutsideSession() {
        return Findings.finding("f-007", "PUM-007", 50).setEventTime(at(45)).build();
    }

    /**
     * alice: grant REQ-1 used by session S-1 and expired; grant REQ-2 activated, used, never ended by an event;
     * an ungranted session S-9 that goes on after the grant expired; a secret read outside any session and grant.
     */
    private static List<Input> scenario() {
        GrantRef g1 = grant("REQ-1", 0, 60);
        GrantRef g2 = grant("REQ-2", 70, 130);
        List<Input> in = new ArrayList<>();
        for (LabelledEvent e : EvidenceAssemblerTest.usedGrant()) {
            in.add(ev(e));
        }
        in.add(ev(start("n01", 30, "S-9", NO_GRANT, null)));
        in.add(ev(command("n02", 31, "S-9", "useradd backdoor", NO_GRANT, null)));
        in.add(ev(secret("n03", 32, "db/billing/root", "S-9", NO_GRANT, null)));
        in.add(ev(end("n04", 35, "S-9", NO_GRANT, null)));
        in.add(ev(secret("k09", 45, "ssh/prod/deploy-key", null, NO_GRANT, null)));
        // a session seen only through two simultaneous commands: its target comes from the first by id
        in.add(ev(labelled(event("m02", EventType.SESSION, Action.COMMAND, at(50)).setSessionId("S-5")
                .setTarget("web-2").setCommand("w").build(), NO_GRANT, null)));
        in.add(ev(labelled(event("m01", EventType.SESSION, Action.COMMAND, at(50)).setSessionId("S-5")
                .setTarget("web-1").setCommand("uptime").build(), NO_GRANT, null)));
        in.add(ev(command("a01", 62, "S-1", "history -c", AFTER_EXPIRY, g1)));
        in.add(ev(elevation("r01", Action.APPROVED, 65, "REQ-2", 70, 130)));
        in.add(ev(elevation("r02", Action.ACTIVATED, 70, "REQ-2", 70, 130)));
        in.add(ev(start("t01", 75, "S-3", IN_GRANT, g2)));
        in.add(ev(command("t02", 80, "S-3", "systemctl restart api", IN_GRANT, g2)));
        in.add(fi(riskyCommand()));
        in.add(fi(ungrantedSession()));
        in.add(fi(secretOutsideSession()));
        in.sort((a, b) -> Long.compare(a.time(), b.time()));
        return in;
    }

    @Test
    void joinsRequestSessionsBehaviourAndFindingsPerGrantSessionAndDay() throws Exception {
        for (Input in : scenario()) {
            send(in);
        }
        watermark(Long.MAX_VALUE);
        Map<String, EvidenceRecord> records = latestById(drain());
        assertThat(records).containsOnlyKeys(
                id(EvidenceKind.GRANT, "REQ-1"), id(EvidenceKind.GRANT, "REQ-2"),
                id(EvidenceKind.UNGRANTED_SESSION, "S-9"), id(EvidenceKind.UNGRANTED_SESSION, "S-5"),
                id(EvidenceKind.UNGRANTED_SECRET, "2024-05-01"));
        assertThat(records.get(id(EvidenceKind.UNGRANTED_SESSION, "S-5")).getSessions()).singleElement()
                .satisfies(s -> assertThat(s.getTarget()).isEqualTo("web-1"));

        EvidenceRecord req1 = records.get(id(EvidenceKind.GRANT, "REQ-1"));
        assertThat(req1.getRequest().getApprover()).isEqualTo("bob");
        assertThat(req1.getRequest().getTicket()).isEqualTo("CHG-1042");
        assertThat(req1.getSessions()).singleElement().satisfies(s -> {
            assertThat(s.getSessionId()).isEqualTo("S-1");
            assertThat(s.getCommandCount()).isEqualTo(3);
        });
        assertThat(req1.getBehaviour()).extracting(BehaviourItem::getEventId)
                .containsExactly("s01", "c01", "k01", "c02", "s02", "a01");
        assertThat(req1.getBehaviour()).extracting(BehaviourItem::getLabel)
                .containsExactly(IN_GRANT, IN_GRANT, IN_GRANT, IN_GRANT, IN_GRANT, AFTER_EXPIRY);
        assertThat(req1.getBehaviour().get(2).getType()).isEqualTo(EventType.SECRET);
        assertThat(req1.getResidency().getUsedMs()).isEqualTo(30 * MINUTE);
        assertThat(req1.getResidency().getUnusedMs()).isEqualTo(30 * MINUTE);
        assertThat(req1.getResidency().getRevoked()).isFalse();
        assertThat(req1.getFindingIds()).containsExactly("f-009");
        assertThat(req1.getCaseIds()).containsExactly(CaseKeys.caseId(riskyCommand()));
        assertThat(EvidenceChain.verify(req1)).isTrue();

        EvidenceRecord req2 = records.get(id(EvidenceKind.GRANT, "REQ-2"));
        assertThat(req2.getResidency().getGrantedMs()).isEqualTo(60 * MINUTE);
        assertThat(req2.getResidency().getTimeToFirstUseMs()).isEqualTo(5 * MINUTE);
        assertThat(req2.getResidency().getUsedMs()).isEqualTo(5 * MINUTE);
        assertThat(req2.getResidency().getEndedOnTime()).isTrue();
        assertThat(req2.getFindingIds()).isEmpty();

        EvidenceRecord s9 = records.get(id(EvidenceKind.UNGRANTED_SESSION, "S-9"));
        assertThat(s9.getRequest()).isNull();
        assertThat(s9.getResidency()).isNull();
        assertThat(s9.getBehaviour()).extracting(BehaviourItem::getEventId).containsExactly("n01", "n02", "n03", "n04");
        assertThat(s9.getFindingIds()).containsExactly("f-001");
        assertThat(s9.getCaseIds()).containsExactly(CaseKeys.caseId(ungrantedSession()));

        EvidenceRecord day = records.get(id(EvidenceKind.UNGRANTED_SECRET, "2024-05-01"));
        assertThat(day.getBehaviour()).extracting(BehaviourItem::getEventId).containsExactly("k09");
        assertThat(day.getSessions()).isEmpty();
        assertThat(day.getFindingIds()).containsExactly("f-007");
        assertThat(day.getCaseIds()).containsExactly(CaseKeys.caseId(secretOutsideSession()));
    }

    @Test
    void aChangedRecordIsEmittedAtTheNextUpdateTick() throws Exception {
        GrantRef g = grant("REQ-1", 0, 60);
        send(ev(elevation("e03", Action.ACTIVATED, 0, "REQ-1", 0, 60)));
        watermark(at(1) - 1);
        assertThat(drain()).isEmpty();
        watermark(at(1));
        assertThat(drain()).hasSize(1);
        LabelledEvent startAt = labelled(event("s01", EventType.SESSION, Action.START, at(10) + 5 * SECOND)
                .setSessionId("S-1").build(), IN_GRANT, g);
        send(ev(startAt));
        watermark(at(11) - 1);
        assertThat(drain()).isEmpty();
        watermark(at(11));
        assertThat(drain()).singleElement().satisfies(r -> assertThat(r.getBehaviour()).hasSize(1));
        watermark(at(12));
        assertThat(drain()).as("nothing changed").isEmpty();
    }

    @Test
    void aSessionEndIsEmittedWithoutWaitingForTheTick() throws Exception {
        GrantRef g = grant("REQ-1", 0, 60);
        send(ev(start("s01", 10, "S-1", IN_GRANT, g)));
        watermark(at(11));
        drain();
        LabelledEvent endAt = labelled(event("s02", EventType.SESSION, Action.END, at(20) + 30 * SECOND)
                .setSessionId("S-1").build(), IN_GRANT, g);
        send(ev(endAt));
        watermark(at(20) + 30 * SECOND);
        assertThat(drain()).singleElement().satisfies(r ->
                assertThat(r.getSessions().get(0).getEndedAt()).isEqualTo(at(20) + 30 * SECOND));
    }

    @Test
    void aGrantWhoseWindowPassesWithoutAnEndEventIsEmittedAgain() throws Exception {
        GrantRef g = grant("REQ-2", 0, 60);
        send(ev(elevation("e03", Action.ACTIVATED, 0, "REQ-2", 0, 60)));
        send(ev(start("s01", 10, "S-1", IN_GRANT, g)));
        send(ev(end("s02", 20, "S-1", IN_GRANT, g)));
        watermark(at(30));
        assertThat(drain()).last().satisfies(r -> assertThat(r.getResidency().getEndedOnTime()).isNull());
        watermark(at(60));
        assertThat(drain()).singleElement().satisfies(r -> {
            assertThat(r.getResidency().getEndedOnTime()).isTrue();
            assertThat(r.getResidency().getRevoked()).isFalse();
            assertThat(r.getResidency().getUnusedMs()).isEqualTo(50 * MINUTE);
        });
        watermark(at(90));
        assertThat(drain()).isEmpty();
    }

    @Test
    void aFindingArrivingFirstOpensTheRecordTheEventsJoin() throws Exception {
        send(fi(riskyCommand()));
        watermark(at(21));
        List<EvidenceRecord> early = drain();
        assertThat(early).singleElement().satisfies(r -> {
            assertThat(r.getEvidenceId()).isEqualTo(id(EvidenceKind.GRANT, "REQ-1"));
            assertThat(r.getFindingIds()).containsExactly("f-009");
            assertThat(r.getBehaviour()).isEmpty();
        });
        for (LabelledEvent e : EvidenceAssemblerTest.usedGrant()) {
            send(ev(e));
        }
        watermark(Long.MAX_VALUE);
        Map<String, EvidenceRecord> records = latestById(drain());
        assertThat(records).containsOnlyKeys(id(EvidenceKind.GRANT, "REQ-1"));
        EvidenceRecord r = records.get(id(EvidenceKind.GRANT, "REQ-1"));
        assertThat(r.getFindingIds()).containsExactly("f-009");
        assertThat(r.getBehaviour()).hasSize(5);
        assertThat(r.getRequest().getApprover()).isEqualTo("bob");
    }

    @Test
    void repeatedEventsAndFindingsChangeNothing() throws Exception {
        for (Input in : scenario()) {
            send(in);
        }
        watermark(at(200));
        Map<String, EvidenceRecord> before = latestById(drain());
        for (Input in : scenario()) {
            send(in);
        }
        watermark(at(201));
        watermark(Long.MAX_VALUE);
        assertThat(drain()).isEmpty();
        assertThat(before.get(id(EvidenceKind.GRANT, "REQ-1")).getSessions().get(0).getCommandCount()).isEqualTo(3);
    }

    @Test
    void aLateEventJoinsItsRecordFlaggedLate() throws Exception {
        GrantRef g = grant("REQ-1", 0, 60);
        send(ev(start("s01", 10, "S-1", IN_GRANT, g)));
        send(ev(end("s02", 40, "S-1", IN_GRANT, g)));
        watermark(at(50));
        drain();
        send(ev(late(command("c01", 12, "S-1", "whoami", IN_GRANT, g))));
        watermark(at(51));
        assertThat(drain()).singleElement().satisfies(r -> {
            assertThat(r.getBehaviour()).extracting(BehaviourItem::getEventId).containsExactly("s01", "c01", "s02");
            assertThat(r.getBehaviour().get(1).getLate()).isTrue();
            assertThat(r.getSessions().get(0).getCommandCount()).isEqualTo(1);
        });
    }

    @Test
    void outOfOrderArrivalGivesTheSameFinalRecords() throws Exception {
        // Reference: the scenario in event-time order, the watermark following each element, except for one
        // command that arrives behind the watermark and is flagged late.
        LabelledEvent lateCommand = late(command("c99", 25, "S-1", "cat /etc/passwd", IN_GRANT, grant("REQ-1", 0, 60)));
        for (Input in : scenario()) {
            send(in);
            watermark(in.time());
        }
        send(ev(lateCommand));
        watermark(at(300));
        watermark(Long.MAX_VALUE);
        Map<String, EvidenceRecord> reference = latestById(drain());
        assertThat(reference.get(id(EvidenceKind.GRANT, "REQ-1")).getBehaviour())
                .extracting(BehaviourItem::getEventId).contains("c99");

        Random random = new Random(5);
        for (int run = 0; run < 5; run++) {
            List<Input> shuffled = new ArrayList<>(scenario());
            shuffled.add(ev(lateCommand));
            Collections.shuffle(shuffled, random);
            try (var other = newHarness()) {
                other.open();
                for (int i = 0; i < shuffled.size(); i++) {
                    send(other, shuffled.get(i));
                    if (i == shuffled.size() / 2) {
                        other.processBothWatermarks(new Watermark(at(40)));
                    }
                }
                other.processBothWatermarks(new Watermark(Long.MAX_VALUE));
                assertThat(latestById(other.extractOutputValues())).isEqualTo(reference);
            }
        }
    }

    @Test
    void stateIsClearedByTheRetentionTimers() throws Exception {
        for (LabelledEvent e : EvidenceAssemblerTest.usedGrant()) {
            send(ev(e));
        }
        send(ev(start("n01", 30, "S-9", NO_GRANT, null)));
        send(fi(riskyCommand()));
        watermark(at(70));
        assertThat(harness.numKeyedStateEntries()).isPositive();

        // Latest activity of REQ-1 is its expiry at 11:00, of S-9 its start at 10:30.
        watermark(at(30) + RETENTION.toMillis() + MINUTE);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        watermark(at(60) + RETENTION.toMillis() - MINUTE);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        watermark(at(60) + RETENTION.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aGrantsRecordIsHeldUntilItsWindowHasEnded() throws Exception {
        // Activated for 30 hours and never used: the EXPIRED event comes long after the retention horizon.
        send(ev(elevation("e03", Action.ACTIVATED, 0, "REQ-L", 0, 30 * 60)));
        watermark(at(0) + RETENTION.toMillis() + MINUTE);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        send(ev(elevation("e04", Action.EXPIRED, 30 * 60, "REQ-L", 0, 0)));
        watermark(at(30 * 60));
        assertThat(latestById(drain()).get(id(EvidenceKind.GRANT, "REQ-L"))).satisfies(r -> {
            assertThat(r.getRequest().getActivatedAt()).isEqualTo(at(0));
            assertThat(r.getResidency().getGrantedMs()).isEqualTo(30 * 60 * MINUTE);
            assertThat(r.getResidency().getUnusedMs()).isEqualTo(30 * 60 * MINUTE);
        });
        watermark(at(30 * 60) + RETENTION.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void anEventWithNothingToFileItUnderIsDeadLettered() throws Exception {
        LabelledEvent orphan = labelled(event("o1", EventType.SESSION, Action.COMMAND, at(5)).setCommand("id").build(),
                NO_GRANT, null);
        send(ev(orphan));
        watermark(Long.MAX_VALUE);
        assertThat(drain()).isEmpty();
        assertThat(harness.getSideOutput(EvidenceBuilderFunction.UNPLACED)).singleElement().satisfies(rec -> {
            DeadLetter letter = rec.getValue();
            assertThat(letter.getReason()).isEqualTo(
                    "not filed in evidence: SESSION event o1 has neither a grant nor a session_id to file it under");
            assertThat(LabelledEvent.fromByteBuffer(letter.getPayload())).isEqualTo(orphan);
        });
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
