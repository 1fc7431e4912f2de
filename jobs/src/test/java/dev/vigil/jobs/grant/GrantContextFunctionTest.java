package dev.vigil.jobs.grant;

import dev.vigil.common.GrantLabel;
import dev.vigil.event.Action;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static dev.vigil.jobs.grant.PrincipalEvents.sec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrantContextFunctionTest {

    private static final Duration RETENTION = Duration.ofMinutes(10);
    private static final long BOUND_MS = 30_000;

    private final PrincipalEvents alice = new PrincipalEvents("alice");
    private final PrincipalEvents bob = new PrincipalEvents("bob");

    /**
     * A day in the life of one principal: two grants, a covered session, a checkout, an out-of-scope session,
     * a revocation at the same instant as a command, reuse of the checked-out secret after its grant ended,
     * and a session opened after every grant ended.
     */
    private static List<PrivilegedEvent> scenario(PrincipalEvents p, String prefix) {
        return List.of(
                p.requested(prefix + "r1", sec(0), prefix + "REQ-DB", "db-*"),
                p.activated(prefix + "a1", sec(10), prefix + "REQ-DB", sec(10), sec(100)),
                p.requested(prefix + "r2", sec(1), prefix + "REQ-S", "secret/*"),
                p.activated(prefix + "a2", sec(10), prefix + "REQ-S", sec(10), sec(60)),
                p.start(prefix + "s1", sec(20), "S1", "db-01"),
                p.command(prefix + "c1", sec(30), "S1", "psql"),
                p.secret(prefix + "k1", sec(40), Action.CHECKOUT, "secret/db/root"),
                p.start(prefix + "s2", sec(45), "S2", "web-01"),
                p.revoked(prefix + "v1", sec(50), prefix + "REQ-DB"),
                p.command(prefix + "c2", sec(50), "S1", "cat /etc/shadow"),
                p.secret(prefix + "k2", sec(70), Action.READ, "secret/db/root"),
                p.start(prefix + "s3", sec(80), "S3", "db-02"),
                p.end(prefix + "e1", sec(90), "S1"));
    }

    private static final List<String> EXPECTED_LABELS = List.of(
            "r1:-:REQ-DB", "r2:-:REQ-S",
            "a1:-:REQ-DB", "a2:-:REQ-S",
            "s1:IN_GRANT:REQ-DB",
            "c1:IN_GRANT:REQ-DB",
            "k1:IN_GRANT:REQ-S",
            "s2:OUT_OF_SCOPE:REQ-DB",
            "v1:-:REQ-DB", "c2:AFTER_EXPIRY:REQ-DB",
            "k2:AFTER_EXPIRY:REQ-S",
            "s3:NO_GRANT:-",
            "e1:AFTER_EXPIRY:REQ-DB");

    @Test
    void inOrderInputIsLabelledAsTheGrantBookDefines() throws Exception {
        try (var harness = harness()) {
            for (PrivilegedEvent e : sortedByTime(scenario(alice, ""))) {
                harness.processElement(e, e.getEventTime());
                // In order, yet others may share this instant: the watermark stays just behind it.
                harness.processWatermark(e.getEventTime() - 1);
            }
            harness.processWatermark(Long.MAX_VALUE);

            assertThat(summaries(harness.extractOutputValues())).containsExactlyElementsOf(EXPECTED_LABELS);
            assertThat(harness.getSideOutput(GrantContextFunction.LATE)).isNull();
        }
    }

    @Test
    void outOfOrderInputInsideTheBoundYieldsTheSameLabelsAsInOrderInput() throws Exception {
        for (long seed = 0; seed < 25; seed++) {
            Random random = new Random(seed);
            // Each event arrives up to BOUND_MS after it happened; the watermark trails the latest arrival by
            // the bound, as a bounded-out-of-orderness strategy makes it.
            List<long[]> arrivals = new ArrayList<>();
            List<PrivilegedEvent> events = scenario(alice, "");
            for (int i = 0; i < events.size(); i++) {
                arrivals.add(new long[] {events.get(i).getEventTime() + random.nextLong(BOUND_MS), i});
            }
            arrivals.sort(Comparator.comparingLong(a -> a[0]));
            try (var harness = harness()) {
                long latestArrival = Long.MIN_VALUE;
                for (long[] arrival : arrivals) {
                    PrivilegedEvent e = events.get((int) arrival[1]);
                    harness.processElement(e, e.getEventTime());
                    latestArrival = Math.max(latestArrival, arrival[0]);
                    harness.processWatermark(latestArrival - BOUND_MS - 1);
                }
                harness.processWatermark(Long.MAX_VALUE);

                assertThat(summaries(harness.extractOutputValues())).as("seed %d", seed)
                        .containsExactlyElementsOf(EXPECTED_LABELS);
                assertThat(harness.getSideOutput(GrantContextFunction.LATE)).as("seed %d", seed).isNull();
            }
        }
    }

    @Test
    void fullyShuffledInputBeforeTheFirstWatermarkYieldsTheSameLabels() throws Exception {
        for (long seed = 0; seed < 10; seed++) {
            List<PrivilegedEvent> shuffled = new ArrayList<>(scenario(alice, ""));
            Collections.shuffle(shuffled, new Random(seed));
            try (var harness = harness()) {
                for (PrivilegedEvent e : shuffled) {
                    harness.processElement(e, e.getEventTime());
                }
                harness.processWatermark(sec(1000));

                assertThat(summaries(harness.extractOutputValues())).containsExactlyElementsOf(EXPECTED_LABELS);
            }
        }
    }

    @Test
    void aRedeliveredEventIsLabelledOnce() throws Exception {
        try (var harness = harness()) {
            List<PrivilegedEvent> events = scenario(alice, "");
            for (PrivilegedEvent e : events) {
                harness.processElement(e, e.getEventTime());
            }
            // An at-least-once source delivers a few of them again, same id and time.
            for (PrivilegedEvent e : events.subList(3, 7)) {
                harness.processElement(PrivilegedEvent.newBuilder(e).build(), e.getEventTime());
            }
            harness.processWatermark(sec(1000));

            assertThat(summaries(harness.extractOutputValues())).containsExactlyElementsOf(EXPECTED_LABELS);
        }
    }

    @Test
    void eventsAreReleasedOnlyOnceTheWatermarkPassesThem() throws Exception {
        try (var harness = harness()) {
            harness.processElement(alice.start("s1", sec(20), "S1", "db-01"), sec(20));
            harness.processElement(alice.activated("a1", sec(10), "REQ-1", sec(10), sec(100)), sec(10));
            harness.processElement(alice.requested("r1", sec(0), "REQ-1", "db-*"), sec(0));
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processWatermark(sec(0) - 1);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processWatermark(sec(19));
            assertThat(summaries(harness.extractOutputValues())).containsExactly("r1:-:REQ-1", "a1:-:REQ-1");

            harness.processWatermark(sec(20));
            assertThat(summaries(harness.extractOutputValues()))
                    .containsExactly("r1:-:REQ-1", "a1:-:REQ-1", "s1:IN_GRANT:REQ-1");
        }
    }

    @Test
    void lateEventsAreLabelledAtOnceAndGoOnlyToTheSideOutput() throws Exception {
        try (var harness = harness()) {
            harness.processElement(alice.requested("r1", sec(0), "REQ-1", "db-*"), sec(0));
            harness.processElement(alice.activated("a1", sec(10), "REQ-1", sec(10), sec(100)), sec(10));
            harness.processElement(alice.start("s1", sec(20), "S1", "db-01"), sec(20));
            harness.processWatermark(sec(50));
            int released = harness.extractOutputValues().size();

            harness.processElement(alice.command("late1", sec(30), "S1", "id"), sec(30));
            harness.processElement(alice.command("late2", sec(50), "S1", "whoami"), sec(50));
            harness.processElement(alice.command("onTime", sec(51), "S1", "ls"), sec(51));

            assertThat(harness.extractOutputValues()).hasSize(released);
            List<StreamRecord<LabelledEvent>> late = new ArrayList<>(harness.getSideOutput(GrantContextFunction.LATE));
            assertThat(late).extracting(r -> r.getValue().getEvent().getEventId()).containsExactly("late1", "late2");
            assertThat(late).allSatisfy(r -> {
                assertThat(r.getValue().getLate()).isTrue();
                assertThat(r.getValue().getLabel()).isEqualTo(GrantLabel.IN_GRANT);
                assertThat(r.getValue().getEvent().getTarget()).isEqualTo("db-01");
                assertThat(r.getTimestamp()).isEqualTo(r.getValue().getEvent().getEventTime());
            });

            harness.processWatermark(sec(51));
            List<LabelledEvent> out = harness.extractOutputValues();
            assertThat(out).hasSize(released + 1);
            assertThat(out.get(released).getEvent().getEventId()).isEqualTo("onTime");
            assertThat(out.get(released).getLate()).isFalse();
        }
    }

    @Test
    void aLateRevocationStillEndsTheGrantForLaterActs() throws Exception {
        try (var harness = harness()) {
            harness.processElement(alice.requested("r1", sec(0), "REQ-1", "db-*"), sec(0));
            harness.processElement(alice.activated("a1", sec(10), "REQ-1", sec(10), sec(100)), sec(10));
            harness.processElement(alice.start("s1", sec(20), "S1", "db-01"), sec(20));
            harness.processWatermark(sec(40));

            harness.processElement(alice.revoked("v1", sec(30), "REQ-1"), sec(30));
            harness.processElement(alice.command("c1", sec(45), "S1", "id"), sec(45));
            harness.processWatermark(sec(45));

            assertThat(harness.getSideOutput(GrantContextFunction.LATE))
                    .extracting(r -> r.getValue().getEvent().getEventId()).containsExactly("v1");
            assertThat(summaries(harness.extractOutputValues())).last().isEqualTo("c1:AFTER_EXPIRY:REQ-1");
        }
    }

    @Test
    void stateIsEmptyOnceCleanupTimersHaveFired() throws Exception {
        try (var harness = harness()) {
            for (PrivilegedEvent e : scenario(alice, "")) {
                harness.processElement(e, e.getEventTime());
            }
            harness.processWatermark(sec(90));
            assertThat(harness.extractOutputValues()).hasSize(EXPECTED_LABELS.size());
            assertThat(keysWithState(harness)).isPositive();

            // The last act was at 90 s; nothing may be forgotten before the retention horizon has passed it.
            harness.processWatermark(sec(90) + RETENTION.toMillis() - 1);
            assertThat(keysWithState(harness)).isPositive();

            harness.processWatermark(sec(90) + RETENTION.toMillis());
            assertThat(keysWithState(harness)).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aLateEventThatLeavesNothingToRememberLeavesNoState() throws Exception {
        try (var harness = harness()) {
            harness.processWatermark(sec(100));
            harness.processElement(alice.secret("k1", sec(10), Action.READ, "secret/x"), sec(10));

            assertThat(harness.getSideOutput(GrantContextFunction.LATE)).hasSize(1);
            assertThat(keysWithState(harness)).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void outputOfInterleavedKeysIsInNonDecreasingEventTime() throws Exception {
        List<PrivilegedEvent> events = new ArrayList<>(scenario(alice, "a-"));
        events.addAll(scenario(bob, "b-"));
        Random random = new Random(7);
        List<long[]> arrivals = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            arrivals.add(new long[] {events.get(i).getEventTime() + random.nextLong(BOUND_MS), i});
        }
        arrivals.sort(Comparator.comparingLong(a -> a[0]));

        try (var harness = harness()) {
            long latestArrival = Long.MIN_VALUE;
            for (long[] arrival : arrivals) {
                PrivilegedEvent e = events.get((int) arrival[1]);
                harness.processElement(e, e.getEventTime());
                latestArrival = Math.max(latestArrival, arrival[0]);
                harness.processWatermark(latestArrival - BOUND_MS - 1);
            }
            harness.processWatermark(sec(1000));

            List<StreamRecord<? extends LabelledEvent>> out = harness.extractOutputStreamRecords();
            assertThat(out).hasSize(events.size());
            for (int i = 0; i < out.size(); i++) {
                assertThat(out.get(i).getTimestamp()).isEqualTo(out.get(i).getValue().getEvent().getEventTime());
                if (i > 0) {
                    assertThat(out.get(i).getTimestamp()).isGreaterThanOrEqualTo(out.get(i - 1).getTimestamp());
                }
            }
            // Both principals were labelled in full, each against its own grants only.
            List<String> aliceLabels = summaries(out.stream().<LabelledEvent>map(StreamRecord::getValue)
                    .filter(l -> l.getEvent().getPrincipal().getId().equals("alice")).toList());
            assertThat(aliceLabels).containsExactlyElementsOf(
                    EXPECTED_LABELS.stream().map(s -> "a-" + s.replace("REQ-", "a-REQ-")).toList());
        }
    }

    @Test
    void waitingEventsAndGrantsSurviveASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness()) {
            harness.processElement(alice.requested("r1", sec(0), "REQ-1", "db-*"), sec(0));
            harness.processElement(alice.activated("a1", sec(10), "REQ-1", sec(10), sec(100)), sec(10));
            harness.processWatermark(sec(15));
            assertThat(harness.extractOutputValues()).hasSize(2);
            // Still waiting for the watermark when the snapshot is taken.
            harness.processElement(alice.start("s1", sec(20), "S1", "db-01"), sec(20));
            harness.processElement(alice.command("c1", sec(30), "S1", "id"), sec(30));
            snapshot = harness.snapshot(1L, 1L);
        }

        try (var restored = unopenedHarness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(alice.command("c2", sec(120), "S1", "id"), sec(120));
            restored.processWatermark(sec(120));

            assertThat(summaries(restored.extractOutputValues()))
                    .containsExactly("s1:IN_GRANT:REQ-1", "c1:IN_GRANT:REQ-1", "c2:AFTER_EXPIRY:REQ-1");
            assertThat(restored.extractOutputValues().get(1).getEvent().getTarget()).isEqualTo("db-01");
        }
    }

    @Test
    void bufferedEventsAreNotChangedWhenTheRuntimeReusesInputObjects() throws Exception {
        try (var harness = unopenedHarness()) {
            harness.getExecutionConfig().enableObjectReuse();
            harness.open();
            harness.processElement(alice.requested("r1", sec(0), "REQ-1", "db-*"), sec(0));
            harness.processElement(alice.activated("a1", sec(10), "REQ-1", sec(10), sec(100)), sec(10));
            PrivilegedEvent reused = alice.start("s1", sec(20), "S1", "db-01");
            harness.processElement(reused, sec(20));
            // The runtime deserializes the next record into the same object.
            reused.setEventId("s2");
            reused.setTarget("web-01");
            reused.setEventTime(sec(25));
            harness.processElement(reused, sec(25));
            harness.processWatermark(sec(30));

            assertThat(summaries(harness.extractOutputValues())).containsExactly(
                    "r1:-:REQ-1", "a1:-:REQ-1", "s1:IN_GRANT:REQ-1", "s2:OUT_OF_SCOPE:REQ-1");
        }
    }

    @Test
    void retentionMustBePositive() {
        assertThatThrownBy(() -> new GrantContextFunction(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
    }

    /** The state backend the harness runs on; null for the default heap backend. */
    StateBackend stateBackend() {
        return null;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, PrivilegedEvent, LabelledEvent> harness()
            throws Exception {
        var harness = unopenedHarness();
        harness.open();
        return harness;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, PrivilegedEvent, LabelledEvent> unopenedHarness()
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new GrantContextFunction(RETENTION)),
                (PrivilegedEvent e) -> e.getPrincipal().getId(), Types.STRING);
        if (stateBackend() != null) {
            harness.setStateBackend(stateBackend());
        }
        return harness;
    }

    /** Keys holding any of the function's state, counted through the backend so RocksDB can answer too. */
    private static long keysWithState(KeyedOneInputStreamOperatorTestHarness<String, PrivilegedEvent, LabelledEvent> h) {
        var backend = h.getOperator().getKeyedStateBackend();
        long keys = 0;
        for (String state : List.of(GrantContextFunction.BOOK_STATE, GrantContextFunction.WAITING_STATE,
                GrantContextFunction.CLEANUP_STATE)) {
            try (var stream = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                keys += stream.count();
            }
        }
        return keys;
    }

    private static List<PrivilegedEvent> sortedByTime(List<PrivilegedEvent> events) {
        List<PrivilegedEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(PrivilegedEvent::getEventTime));
        return sorted;
    }

    /** event id : label (- for none) : grant id (- for none). */
    private static List<String> summaries(List<LabelledEvent> out) {
        return out.stream().map(l -> l.getEvent().getEventId() + ":"
                + (l.getLabel() == null ? "-" : l.getLabel().name()) + ":"
                + (l.getGrant() == null ? "-" : l.getGrant().getRequestId())).toList();
    }
}
