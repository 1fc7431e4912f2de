package dev.vigil.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class RuleOperatorTest {
    private static final GrantRef ENDED = new GrantRef("req-7", "db-admin", List.of("db-prod-*"), at("08:00:00"),
            at("09:00:00"), at("09:00:00"), "carol", "CHG-1", false);

    @Test
    void findingsLeaveWithTheirEventTimeAndDeterministicIdsBeforeTheWatermark() throws Exception {
        RuleOperator operator = new RuleOperator(RulePack.builtIn());
        try (OneInputStreamOperatorTestHarness<LabelledEvent, Finding> harness = open(operator)) {
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
        try (OneInputStreamOperatorTestHarness<LabelledEvent, Finding> harness = open(new RuleOperator(RulePack.builtIn()))) {
            feed(harness);
            first = harness.extractOutputValues();
        }
        try (OneInputStreamOperatorTestHarness<LabelledEvent, Finding> harness = open(new RuleOperator(RulePack.builtIn()))) {
            feed(harness);
            assertThat(harness.extractOutputValues()).isEqualTo(first).hasSize(2);
        }
    }

    @Test
    void rulesWaitingForAnAbsenceFireFromTheWatermark() throws Exception {
        // The rules module's test rule PUM-950: a session not ended within four hours.
        RulePack pack = RulePack.builtIn().merge(RulePack.load(Path.of("../rules/src/test/resources/packs/absence")));
        RuleOperator operator = new RuleOperator(pack, 1);
        try (OneInputStreamOperatorTestHarness<LabelledEvent, Finding> harness = open(operator)) {
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
    void eachTaskHasItsOwnRuntimeAndClosingDestroysIt() throws Exception {
        long before = vigilRuntimes();
        OneInputStreamOperatorTestHarness<LabelledEvent, Finding> a = open(new RuleOperator(RulePack.builtIn()));
        OneInputStreamOperatorTestHarness<LabelledEvent, Finding> b = open(new RuleOperator(RulePack.builtIn()));
        assertThat(vigilRuntimes()).isEqualTo(before + 2);
        a.close();
        b.close();
        assertThat(vigilRuntimes()).isEqualTo(before);
    }

    private static long vigilRuntimes() {
        return Arrays.stream(EPRuntimeProvider.getRuntimeURIs()).filter(u -> u.startsWith("vigil-rules-")).count();
    }

    private static OneInputStreamOperatorTestHarness<LabelledEvent, Finding> open(RuleOperator operator) throws Exception {
        OneInputStreamOperatorTestHarness<LabelledEvent, Finding> harness = new OneInputStreamOperatorTestHarness<>(operator);
        harness.setup(new AvroSerializer<>(Finding.class));
        harness.open();
        return harness;
    }

    /** A session without a grant, and a session that outlived its grant: two findings, one repeat suppressed. */
    private static void feed(OneInputStreamOperatorTestHarness<LabelledEvent, Finding> harness) throws Exception {
        harness.processWatermark(Long.MIN_VALUE);
        emit(harness, event("bob-cmd-1", "09:00:05", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED));
        emit(harness, event("bob-cmd-2", "09:01:00", "bob", Action.COMMAND, "s-2", GrantLabel.AFTER_EXPIRY, ENDED));
        harness.processWatermark(at("09:05:00"));
        emit(harness, event("alice-start", "09:14:00", "alice", Action.START, "s-1", GrantLabel.NO_GRANT, null));
        emit(harness, event("alice-cmd", "09:15:00", "alice", Action.COMMAND, "s-1", GrantLabel.NO_GRANT, null));
        harness.processWatermark(at("09:30:00"));
    }

    private static void emit(OneInputStreamOperatorTestHarness<LabelledEvent, Finding> harness, LabelledEvent e)
            throws Exception {
        harness.processElement(e, e.getEvent().getEventTime());
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
