package dev.vigil.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.common.GrantLabel;
import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.event.Action;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.EventType;
import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.output.Finding;
import dev.vigil.rules.engine.FindingIds;
import dev.vigil.rules.pack.RulePack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The rule operator with its control input: rule packs swapped while it runs, refused, stamped and restored. */
class RuleOperatorReloadTest {
    private static final Path PACKS = Path.of("src/test/resources/packs/reload");
    private static final RulePack BUILT_IN = RulePack.builtIn();
    /** The built-in pack plus ACME-001 (root session on a payroll database): a rule added. */
    private static final RulePack ADDED = RulePack.builtInWith(PACKS.resolve("v1"));
    /** The same with ACME-001's EPL changed (its explanation): a rule changed. */
    private static final RulePack CHANGED = RulePack.builtInWith(PACKS.resolve("v2"));
    /** ACME-001 with an EPL syntax error. */
    private static final RulePack BROKEN = RulePack.builtInWith(PACKS.resolve("broken"));
    private static final GrantRef ENDED = new GrantRef("req-7", "db-admin", List.of("db-prod-*"), at("08:00:00"),
            at("09:00:00"), at("09:00:00"), "carol", "CHG-1", false);

    @Test
    void aGoodPackReplacesTheRunningOneAndItsFindingsCarryItsVersion() throws Exception {
        RuleOperator operator = new RuleOperator(BUILT_IN);
        try (var harness = open(operator, null)) {
            emit(harness, rootOnPayroll("root-1", "09:00:00", "carol"));
            emit(harness, noGrantStart("alice-1", "09:01:00", "alice"));
            assertThat(harness.extractOutputValues()).as("before the swap: no ACME-001 yet")
                    .extracting(Finding::getRuleId, Finding::getRuleVersion)
                    .containsExactly(tuple("PUM-001", BUILT_IN.version()));

            deploy(harness, ADDED, "add ACME-001");
            assertThat(operator.runningVersion()).isEqualTo(ADDED.version());
            harness.getOutput().clear();

            emit(harness, rootOnPayroll("root-2", "09:10:00", "dave"));
            emit(harness, noGrantStart("alice-2", "09:11:00", "alice"));
            assertThat(harness.extractOutputValues())
                    .extracting(Finding::getFindingId, Finding::getRuleVersion)
                    .containsExactly(
                            tuple(FindingIds.of("ACME-001", List.of("root-2")), ADDED.version()),
                            tuple(FindingIds.of("PUM-001", List.of("alice-2")), ADDED.version()));
            assertThat(operator.matches("ACME-001")).isEqualTo(1);
            assertThat(deadLetters(harness)).isEmpty();
        }
    }

    @Test
    void aChangedRuleRunsItsNewEplUnderTheNewVersion() throws Exception {
        RuleOperator operator = new RuleOperator(ADDED);
        try (var harness = open(operator, null)) {
            emit(harness, rootOnPayroll("root-1", "09:00:00", "carol"));
            deploy(harness, CHANGED, "reword ACME-001");
            emit(harness, rootOnPayroll("root-2", "09:10:00", "dave"));

            assertThat(harness.extractOutputValues()).extracting(Finding::getRuleVersion, Finding::getExplanation)
                    .containsExactly(
                            tuple(ADDED.version(),
                                    "carol opened a root session on db-payroll-1 at 2026-03-10T09:00:00Z with no grant"),
                            tuple(CHANGED.version(),
                                    "dave used root on payroll database db-payroll-1 at 2026-03-10T09:10:00Z with no grant"));
        }
    }

    @Test
    void unchangedRulesKeepTheirOpenStateAcrossASwap() throws Exception {
        // PUM-002 reports a session acting after its grant once; the suppression of repeats is Esper state.
        try (var harness = open(new RuleOperator(BUILT_IN), null)) {
            emit(harness, afterExpiry("bob-cmd-1", "09:00:05"));
            harness.processWatermark1(new Watermark(at("09:05:00")));
            deploy(harness, ADDED, "add ACME-001");
            emit(harness, afterExpiry("bob-cmd-2", "09:20:00"));
            harness.processWatermark1(new Watermark(at("10:00:00")));

            assertThat(harness.extractOutputValues()).as("bob's session reported once, before the swap")
                    .singleElement().satisfies(f -> {
                        assertThat(f.getFindingId()).isEqualTo(FindingIds.of("PUM-002", List.of("bob-cmd-1")));
                        assertThat(f.getRuleVersion()).isEqualTo(BUILT_IN.version());
                    });
        }
    }

    @Test
    void aPackThatDoesNotCompileLeavesTheOldOneRunningAndBecomesADeadLetter() throws Exception {
        RuleOperator operator = new RuleOperator(BUILT_IN);
        try (var harness = open(operator, null)) {
            deploy(harness, BROKEN, "typo");
            assertThat(operator.runningVersion()).isEqualTo(BUILT_IN.version());
            assertThat(deadLetters(harness)).singleElement().satisfies(d -> {
                assertThat(d.getFormat()).isEqualTo("control");
                assertThat(d.getOrigin()).isEqualTo("rule-pack " + BROKEN.version() + " task 0");
                assertThat(d.getReason())
                        .startsWith("rule pack RULE_PACK " + BROKEN.version() + " \"typo\" refused, "
                                + BUILT_IN.version() + " keeps running: does not compile: ")
                        .contains("rule-pack " + BROKEN.version() + "/ACME-001/rule.epl:");
                assertThat(new String(d.getPayload().array(), StandardCharsets.UTF_8)).contains(BROKEN.version());
            });

            emit(harness, noGrantStart("alice-1", "09:01:00", "alice"));
            assertThat(harness.extractOutputValues()).singleElement()
                    .satisfies(f -> assertThat(f.getRuleVersion()).isEqualTo(BUILT_IN.version()));
        }
    }

    @Test
    void aPayloadThatIsNotItsClaimedVersionIsRefused() throws Exception {
        RuleOperator operator = new RuleOperator(BUILT_IN);
        try (var harness = open(operator, null)) {
            ControlMessage forged = RulePackPayload.message(ADDED, "forged", "mallory", 0);
            forged.version = "000000000000";
            harness.processElement2(new StreamRecord<>(forged));
            assertThat(operator.runningVersion()).isEqualTo(BUILT_IN.version());
            assertThat(deadLetters(harness)).singleElement().satisfies(d -> assertThat(d.getReason())
                    .endsWith("the rules hash to " + ADDED.version() + ", not to the version 000000000000 the message claims"));
        }
    }

    @Test
    void theDeployedPackSurvivesARestoreWithItsRuleState() throws Exception {
        OperatorSubtaskState snapshot;
        List<Finding> before;
        try (var harness = open(new RuleOperator(BUILT_IN), null)) {
            emit(harness, afterExpiry("bob-cmd-1", "09:00:05"));
            deploy(harness, ADDED, "add ACME-001");
            harness.processWatermark1(new Watermark(at("09:05:00")));
            snapshot = harness.snapshot(1, at("09:05:00"));
            before = harness.extractOutputValues();
        }
        // The job restarts with the pack it was started with; the checkpoint says which pack it had moved to.
        RuleOperator restored = new RuleOperator(BUILT_IN);
        try (var harness = open(restored, snapshot)) {
            assertThat(restored.runningVersion()).isEqualTo(ADDED.version());
            assertThat(restored.replayedEvents()).isEqualTo(1);
            emit(harness, afterExpiry("bob-cmd-2", "09:20:00"));
            emit(harness, rootOnPayroll("root-1", "09:30:00", "carol"));

            List<Finding> all = new ArrayList<>(before);
            all.addAll(harness.extractOutputValues());
            assertThat(all).extracting(Finding::getFindingId, Finding::getRuleVersion).containsExactly(
                    tuple(FindingIds.of("PUM-002", List.of("bob-cmd-1")), BUILT_IN.version()),
                    tuple(FindingIds.of("ACME-001", List.of("root-1")), ADDED.version()));
        }
    }

    @Test
    void theSamePackAgainChangesNothing() throws Exception {
        RuleOperator operator = new RuleOperator(ADDED);
        try (var harness = open(operator, null)) {
            emit(harness, afterExpiry("bob-cmd-1", "09:00:05"));
            deploy(harness, ADDED, "again");
            assertThat(operator.replayedEvents()).as("no swap, so no replay").isZero();
            assertThat(deadLetters(harness)).isEmpty();
        }
    }

    @Test
    void theControlInputDoesNotHoldTheRulesClockBack() throws Exception {
        RuleOperator operator = new RuleOperator(BUILT_IN);
        try (var harness = open(operator, null)) {
            emit(harness, noGrantStart("alice-1", "09:01:00", "alice"));
            harness.processWatermark1(new Watermark(at("09:30:00")));
            assertThat(operator.engineTime()).isEqualTo(at("09:30:00"));
            assertThat(harness.getOutput()).contains(new Watermark(at("09:30:00")));
        }
    }

    @Test
    void changedRulesAreThoseWithOtherEplOrParametersAndNewOnes() {
        assertThat(RuleOperator.changedRules(BUILT_IN, ADDED)).containsExactly("ACME-001");
        assertThat(RuleOperator.changedRules(ADDED, CHANGED)).containsExactly("ACME-001");
        assertThat(RuleOperator.changedRules(CHANGED, CHANGED)).isEmpty();
        RulePack widened = CHANGED.withParameters(
                java.util.Map.of("ACME-001", java.util.Map.of("payroll_hosts", "db-pay%")));
        assertThat(RuleOperator.changedRules(CHANGED, widened)).containsExactly("ACME-001");
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, LabelledEvent, ControlMessage, Finding> open(
            RuleOperator operator, OperatorSubtaskState restoreFrom) throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<String, LabelledEvent, ControlMessage, Finding>(
                operator, (LabelledEvent e) -> e.getEvent().getPrincipal().getId(), null, Types.STRING);
        harness.setup(new AvroSerializer<>(Finding.class));
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private static void deploy(KeyedTwoInputStreamOperatorTestHarness<String, LabelledEvent, ControlMessage, Finding> h,
                               RulePack pack, String label) throws Exception {
        h.processElement2(new StreamRecord<>(RulePackPayload.message(pack, label, "carol@soc-1", at("09:05:00"))));
    }

    private static List<DeadLetter> deadLetters(
            KeyedTwoInputStreamOperatorTestHarness<String, LabelledEvent, ControlMessage, Finding> h) {
        var out = h.getSideOutput(RuleOperator.DEAD_LETTERS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    private static void emit(KeyedTwoInputStreamOperatorTestHarness<String, LabelledEvent, ControlMessage, Finding> h,
                             LabelledEvent e) throws Exception {
        h.processElement1(e, e.getEvent().getEventTime());
    }

    private static LabelledEvent rootOnPayroll(String id, String time, String principal) {
        return session(id, time, principal, Action.START, "s-" + id, "db-payroll-1", "root", GrantLabel.IN_GRANT, null);
    }

    private static LabelledEvent noGrantStart(String id, String time, String principal) {
        return session(id, time, principal, Action.START, "s-" + id, "db-prod-1", "admin", GrantLabel.NO_GRANT, null);
    }

    private static LabelledEvent afterExpiry(String id, String time) {
        return session(id, time, "bob", Action.COMMAND, "s-bob", "db-prod-1", "admin", GrantLabel.AFTER_EXPIRY, ENDED);
    }

    private static LabelledEvent session(String id, String time, String principal, Action action, String sessionId,
                                         String target, String account, GrantLabel label, GrantRef grant) {
        PrivilegedEvent e = PrivilegedEvent.newBuilder()
                .setEventId(id).setEventTime(at(time)).setSource("teleport").setType(EventType.SESSION)
                .setPrincipal(new Principal(principal, PrincipalKind.HUMAN, null))
                .setAction(action).setSessionId(sessionId).setTarget(target).setAccount(account)
                .setCommand(action == Action.COMMAND ? "id" : null)
                .build();
        return new LabelledEvent(e, label, grant, false);
    }

    private static long at(String time) {
        return Instant.parse("2026-03-10T" + time + "Z").toEpochMilli();
    }
}
