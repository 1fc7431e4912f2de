package dev.vigil.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.espertech.esper.runtime.client.EPRuntimeProvider;
import dev.vigil.common.GrantLabel;
import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.output.Finding;
import dev.vigil.rules.engine.FindingIds;
import dev.vigil.rules.pack.RulePack;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class RuleOperatorTest {
    private static final GrantRef ENDED = new GrantRef("req-7", "db-admin", List.of("db-prod-*"), at("08:00:00"),
            at("09:00:00"), at("09:00:00"), "carol", "CHG-1", false);
    /** The rules module's test rule PUM-950: a session not ended within four hours (horizon eight hours). */
    private static final RulePack WITH_ABSENCE =
            RulePack.builtIn().merge(RulePack.load(Path.of("../rules/src/test/resources/packs/absence")));

    @Test
    void findingsLeaveWithTheirEventTimeAndDeterministicIdsBeforeTheWatermark() throws Exception {
        RuleOperator operator = new RuleOperator(RulePack.builtIn());
        try (var harness = open(operator, null)) {
            feed(harness);

            List<Object> output = new ArrayList<>(harness.getOutput());
            List<Finding> findings = harness.extractOutputValues();
            assertThat(findings).extracting(Finding::getFindingId).containsExactly(
                    FindingIds.of("PUM-002", List.of("bob-cmd-1")),
                    FindingIds.of("PUM-001", List.of("alice-start")));
            assertThat(harness.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp)
                    .containsExactly(at("09:00:05"), at("09:14:00"));
            assertThat(output.get(output.size() - 1)).isEqualTo(new Watermark(at("09:30:00")));
            assertThat(operator.matches("PUM-001")).isEqualTo(1);
            assertThat(operator.matches("PUM-002")).isEqualTo(1);
            assertThat(operator.matches("PUM-003")).isZero();
            assertThat(operator.engineTime()).isEqualTo(at("09:30:00"));
        }
    }

    @Test
    void aRestartedOperatorEmitsTheSameFindings() throws Exception {
        List<Finding> first;
        try (var harness = open(new RuleOperator(RulePack.builtIn()), null)) {
            feed(harness);
            first = harness.extractOutputValues();
        }
        try (var harness = open(new RuleOperator(RulePack.builtIn()), null)) {
            feed(harness);
            assertThat(harness.extractOutputValues()).isEqualTo(first).hasSize(2);
        }
    }

    @Test
    void rulesWaitingForAnAbsenceFireFromTheWatermark() throws Exception {
        RuleOperator operator = new RuleOperator(WITH_ABSENCE, 1);
        try (var harness = open(operator, null)) {
            harness.processElement(event("s-start", "08:00:00", "dave", Action.START, "s-9", GrantLabel.IN_GRANT, null),
                    at("08:00:00"));
            harness.processWatermark(at("11:59:59"));
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processWatermark(at("12:00:00"));
            assertThat(harness.extractOutputStreamRecords()).singleElement().satisfies(r -> {
                assertThat(r.getValue().getRuleId()).isEqualTo("PUM-950");
                assertThat(r.getTimestamp()).isEqualTo(at("08:00:00"));
            });
            List<Object> output = new ArrayList<>(harness.getOutput());
            assertThat(output.get(output.size() - 1)).isEqualTo(new Watermark(at("12:00:00")));
        }
    }

    @Test
    void aGrantNeverUsedIsDecidedByTheWatermarkAtItsWindowEndAlsoAfterARestore() throws Exception {
        // PUM-006: nothing arrives at the window's end; only the watermark passing it decides the grant unused.
        GrantRef grant = new GrantRef("req-8", "db-admin", List.of("db-prod-*"), at("09:00:00"), at("10:00:00"),
                null, "carol", "CHG-2", false);
        OperatorSubtaskState snapshot;
        try (var harness = open(new RuleOperator(RulePack.builtIn()), null)) {
            emit(harness, activation("eve-act", "09:01:00", "eve", grant));
            harness.processWatermark(at("09:30:00"));
            snapshot = harness.snapshot(1, at("09:30:00"));
        }
        RuleOperator restored = new RuleOperator(RulePack.builtIn());
        try (var harness = open(restored, snapshot)) {
            assertThat(restored.replayedEvents()).isEqualTo(1);
            harness.processWatermark(at("09:59:59"));
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processWatermark(at("10:00:00"));
            assertThat(harness.extractOutputStreamRecords()).singleElement().satisfies(r -> {
                assertThat(r.getValue().getRuleId()).isEqualTo("PUM-006");
                assertThat(r.getValue().getFindingId()).isEqualTo(FindingIds.of("PUM-006", List.of("eve-act")));
                assertThat(r.getValue().getRequestId()).isEqualTo("req-8");
                assertThat(r.getTimestamp()).isEqualTo(at("10:00:00"));
            });
        }
        // Used once, one second before the end: nothing to report.
        try (var harness = open(new RuleOperator(RulePack.builtIn()), null)) {
            emit(harness, activation("eve-act", "09:01:00", "eve", grant));
            emit(harness, event("eve-start", "09:59:59", "eve", Action.START, "s-8", GrantLabel.IN_GRANT, grant));
            harness.processWatermark(at("12:00:00"));
            assertThat(harness.extractOutputValues()).extracting(Finding::getRuleId).doesNotContain("PUM-006");
        }
    }

    @Test
    void aSessionStillActingAfterItsGrantIsReportedOnceAcrossARestore() throws Exception {
        LabelledEvent start = event("bob-start", "08:30:00", "bob", Action.START, "s-2", GrantLabel.IN_GRANT, ENDED);
        LabelledEvent inGrant = event("bob-cmd-0", "08:45:00", "bob", Action.COMMAND, "s-2", GrantLabel.IN_GRANT, ENDED);
        List<LabelledEvent> afterExpiry = List.of(
                event("bob-cmd-1", "09:00:05", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED),
                event("bob-cmd-2", "09:01:00", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED),
                event("bob-cmd-3", "09:20:00", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED),
                event("bob-cmd-4", "11:00:00", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED));

        List<Finding> before;
        OperatorSubtaskState snapshot;
        try (var harness = open(new RuleOperator(RulePack.builtIn()), null)) {
            emit(harness, start);
            emit(harness, inGrant);
            emit(harness, afterExpiry.get(0));
            harness.processWatermark(at("09:00:30"));
            emit(harness, afterExpiry.get(1));
            // The session is reported; its repeats are suppressed by Esper state that no checkpoint holds.
            snapshot = harness.snapshot(1, at("09:01:00"));
            before = harness.extractOutputValues();
        }
        RuleOperator restored = new RuleOperator(RulePack.builtIn());
        try (var harness = open(restored, snapshot)) {
            assertThat(restored.replayedEvents()).isEqualTo(4);
            assertThat(restored.engineTime()).isEqualTo(at("09:01:00"));
            emit(harness, afterExpiry.get(2));
            harness.processWatermark(at("10:00:00"));
            emit(harness, afterExpiry.get(3));
            harness.processWatermark(at("12:00:00"));

            List<Finding> all = new ArrayList<>(before);
            all.addAll(harness.extractOutputValues());
            assertThat(all).singleElement().satisfies(f -> {
                assertThat(f.getRuleId()).isEqualTo("PUM-002");
                assertThat(f.getFindingId()).isEqualTo(FindingIds.of("PUM-002", List.of("bob-cmd-1")));
            });
            assertThat(restored.matches("PUM-002")).isZero();
        }
    }

    @Test
    void aRestoreAtAnyPointGivesTheFindingsOfAnUninterruptedRun() throws Exception {
        List<Object> steps = stepsWithAbsences();
        List<String> uninterrupted;
        try (var harness = open(new RuleOperator(WITH_ABSENCE), null)) {
            run(harness, steps);
            uninterrupted = ids(harness.extractOutputValues());
        }
        assertThat(uninterrupted).containsExactly(
                FindingIds.of("PUM-002", List.of("bob-cmd-1")),
                FindingIds.of("PUM-001", List.of("alice-start")),
                FindingIds.of("PUM-950", List.of("bob-start")),
                FindingIds.of("PUM-950", List.of("alice-start")));

        for (int cut = 0; cut <= steps.size(); cut++) {
            List<String> ids;
            OperatorSubtaskState snapshot;
            try (var harness = open(new RuleOperator(WITH_ABSENCE), null)) {
                run(harness, steps.subList(0, cut));
                snapshot = harness.snapshot(cut, cut);
                ids = new ArrayList<>(ids(harness.extractOutputValues()));
            }
            try (var harness = open(new RuleOperator(WITH_ABSENCE), snapshot)) {
                run(harness, steps.subList(cut, steps.size()));
                ids.addAll(ids(harness.extractOutputValues()));
            }
            assertThat(ids).as("findings with a restore before step %d", cut).isEqualTo(uninterrupted);
        }
    }

    @Test
    void keptEventsAreBoundedByCountAndDroppedPastTheHorizon() throws Exception {
        OperatorSubtaskState snapshot;
        RuleOperator operator = new RuleOperator(WITH_ABSENCE, 0, 4);
        try (var harness = open(operator, null)) {
            for (int i = 0; i < 5; i++) {
                emit(harness, event("e-" + i, "08:0" + i + ":00", "erin", Action.COMMAND, "s-5", GrantLabel.IN_GRANT, null));
            }
            emit(harness, event("f-0", "08:10:00", "frank", Action.COMMAND, "s-6", GrantLabel.IN_GRANT, null));
            snapshot = harness.snapshot(1, 1);
        }
        // The fifth event of erin crossed the limit of 4: the oldest went, three quarters of the limit stayed.
        RuleOperator restored = new RuleOperator(WITH_ABSENCE, 0, 4);
        try (var harness = open(restored, snapshot)) {
            assertThat(restored.replayedEvents()).isEqualTo(3 + 1);
            assertThat(keysWithState(harness)).isEqualTo(2);

            // The pack's longest horizon is 24 hours; trimming waits a little longer so that it rewrites rarely.
            harness.processWatermark(at("08:10:00") + Duration.ofHours(24).toMillis());
            assertThat(keysWithState(harness)).isEqualTo(2);
            harness.processWatermark(at("08:10:00") + Duration.ofHours(27).toMillis());
            assertThat(keysWithState(harness)).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void withoutWatermarksOldEventsLeaveAsNewOnesArrive() throws Exception {
        // A bounded replay sees no watermark before the end of input: trimming must not wait for timers.
        OperatorSubtaskState snapshot;
        try (var harness = open(new RuleOperator(RulePack.builtIn()), null)) {
            emit(harness, event("g-0", "01:00:00", "gina", Action.COMMAND, "s-7", GrantLabel.IN_GRANT, null));
            emit(harness, event("g-1", "02:00:00", "gina", Action.COMMAND, "s-7", GrantLabel.IN_GRANT, null));
            LabelledEvent dayLater = event("g-2", "02:00:00", "gina", Action.COMMAND, "s-7", GrantLabel.IN_GRANT, null);
            dayLater.getEvent().setEventTime(at("01:00:00") + Duration.ofHours(28).toMillis());
            emit(harness, dayLater);
            snapshot = harness.snapshot(1, 1);
        }
        RuleOperator restored = new RuleOperator(RulePack.builtIn());
        try (var harness = open(restored, snapshot)) {
            // Past the 24-hour horizon from the newest event: only that one remains to replay.
            assertThat(restored.replayedEvents()).isEqualTo(1);
        }
    }

    @Test
    void packsWithoutHorizonKeepNothing() throws Exception {
        RulePack builtIn = RulePack.builtIn();
        RulePack instantOnly = RulePack.of("instant", builtIn.rules().stream()
                .filter(r -> r.metadata().horizon().isZero()).toList());
        assertThat(instantOnly.longestHorizon()).isZero();
        try (var harness = open(new RuleOperator(instantOnly), null)) {
            feed(harness);
            assertThat(keysWithState(harness)).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void stateTypesAreSerializedAsPojosNotGenerically() {
        assertThat(RecentEvents.Span.TYPE).isInstanceOf(PojoTypeInfo.class);
        assertThat(RuleOperator.EngineClock.TYPE).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void replayLimitMustBePositive() {
        assertThatThrownBy(() -> new RuleOperator(RulePack.builtIn(), 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxReplayEvents");
    }

    @Test
    void eachTaskHasItsOwnRuntimeAndClosingDestroysIt() throws Exception {
        long before = vigilRuntimes();
        var a = open(new RuleOperator(RulePack.builtIn()), null);
        var b = open(new RuleOperator(RulePack.builtIn()), null);
        assertThat(vigilRuntimes()).isEqualTo(before + 2);
        a.close();
        b.close();
        assertThat(vigilRuntimes()).isEqualTo(before);
    }

    /** The state backend the harness runs on; null for the default heap backend. */
    StateBackend stateBackend() {
        return null;
    }

    private static long vigilRuntimes() {
        return Arrays.stream(EPRuntimeProvider.getRuntimeURIs()).filter(u -> u.startsWith("vigil-rules-")).count();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, LabelledEvent, Finding> open(
            RuleOperator operator, OperatorSubtaskState restoreFrom) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(operator,
                (LabelledEvent e) -> e.getEvent().getPrincipal().getId(), Types.STRING);
        if (stateBackend() != null) {
            harness.setStateBackend(stateBackend());
        }
        harness.setup(new AvroSerializer<>(Finding.class));
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    /** Principals holding any kept events, counted through the backend so RocksDB can answer too. */
    private static long keysWithState(KeyedOneInputStreamOperatorTestHarness<String, LabelledEvent, Finding> h) {
        var backend = h.getOperator().getKeyedStateBackend();
        try (var recent = backend.getKeys(RecentEvents.EVENTS_STATE, VoidNamespace.INSTANCE);
             var span = backend.getKeys(RecentEvents.SPAN_STATE, VoidNamespace.INSTANCE)) {
            long recentKeys = recent.count();
            assertThat(span.count()).as("keys with a span").isEqualTo(recentKeys);
            return recentKeys;
        }
    }

    /** A session without a grant, and a session that outlived its grant: two findings, one repeat suppressed. */
    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, LabelledEvent, Finding> harness)
            throws Exception {
        harness.processWatermark(Long.MIN_VALUE);
        emit(harness, event("bob-cmd-1", "09:00:05", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED));
        emit(harness, event("bob-cmd-2", "09:01:00", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED));
        harness.processWatermark(at("09:05:00"));
        emit(harness, event("alice-start", "09:14:00", "alice", Action.START, "s-1", GrantLabel.NO_GRANT, null));
        emit(harness, event("alice-cmd", "09:15:00", "alice", Action.COMMAND, "s-1", GrantLabel.NO_GRANT, null));
        harness.processWatermark(at("09:30:00"));
    }

    /**
     * Events and watermarks (Long) of two principals: bob's session outlives its grant and acts on after it, alice
     * opens one without a grant; neither session ends, so the absence rule fires for both from a watermark alone.
     */
    private static List<Object> stepsWithAbsences() {
        return List.of(
                event("bob-start", "08:30:00", "bob", Action.START, "s-2", GrantLabel.IN_GRANT, ENDED),
                event("bob-cmd-0", "08:45:00", "bob", Action.COMMAND, "s-2", GrantLabel.IN_GRANT, ENDED),
                at("08:50:00"),
                event("bob-cmd-1", "09:00:05", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED),
                event("bob-cmd-2", "09:01:00", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED),
                at("09:05:00"),
                event("alice-start", "09:14:00", "alice", Action.START, "s-1", GrantLabel.NO_GRANT, null),
                event("bob-cmd-3", "09:20:00", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED),
                at("09:30:00"),
                event("bob-cmd-4", "11:00:00", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED),
                at("12:31:00"),
                event("alice-cmd", "13:00:00", "alice", Action.COMMAND, "s-1", GrantLabel.NO_GRANT, null),
                at("13:30:00"),
                event("bob-cmd-5", "14:00:00", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED),
                at("15:00:00"));
    }

    private static void run(KeyedOneInputStreamOperatorTestHarness<String, LabelledEvent, Finding> harness,
                            List<Object> steps) throws Exception {
        for (Object step : steps) {
            if (step instanceof LabelledEvent e) {
                emit(harness, e);
            } else {
                harness.processWatermark((Long) step);
            }
        }
    }

    private static List<String> ids(List<Finding> findings) {
        return findings.stream().map(Finding::getFindingId).toList();
    }

    private static void emit(KeyedOneInputStreamOperatorTestHarness<String, LabelledEvent, Finding> harness,
                             LabelledEvent e) throws Exception {
        harness.processElement(e, e.getEvent().getEventTime());
    }

    private static LabelledEvent activation(String id, String time, String principal, GrantRef grant) {
        PrivilegedEvent e = PrivilegedEvent.newBuilder()
                .setEventId(id).setEventTime(at(time)).setSource("entra").setType(EventType.ELEVATION)
                .setPrincipal(new Principal(principal, PrincipalKind.HUMAN, null))
                .setAction(Action.ACTIVATED).setRequestId(grant.getRequestId())
                .build();
        return new LabelledEvent(e, null, grant, false);
    }

    private static LabelledEvent event(String id, String time, String principal, Action action, String sessionId,
                                       GrantLabel label, GrantRef grant) {
        PrivilegedEvent e = PrivilegedEvent.newBuilder()
                .setEventId(id).setEventTime(at(time)).setSource("teleport").setType(EventType.SESSION)
                .setPrincipal(new Principal(principal, PrincipalKind.HUMAN, null))
                .setAction(action).setSessionId(sessionId).setTarget("db-prod-1").setCommand(
                        action == Action.COMMAND ? "id" : null)
                .build();
        return new LabelledEvent(e, label, grant, false);
    }

    private static long at(String time) {
        return Instant.parse("2026-03-10T" + time + "Z").toEpochMilli();
    }
}
