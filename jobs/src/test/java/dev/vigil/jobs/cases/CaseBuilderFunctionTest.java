package dev.vigil.jobs.cases;

import dev.vigil.common.Severity;
import dev.vigil.output.CaseFinding;
import dev.vigil.output.CaseStatus;
import dev.vigil.output.Finding;
import dev.vigil.output.PumCase;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.vigil.jobs.cases.Findings.MINUTE;
import static dev.vigil.jobs.cases.Findings.T0;
import static dev.vigil.jobs.cases.Findings.finding;
import static org.assertj.core.api.Assertions.assertThat;

class CaseBuilderFunctionTest {

    private static final Duration HORIZON = Duration.ofDays(7);

    private KeyedOneInputStreamOperatorTestHarness<String, Finding, PumCase> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new CaseBuilderFunction(HORIZON), CaseKeys::caseId, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(Finding f) throws Exception {
        harness.processElement(f, f.getEventTime());
    }

    private List<PumCase> drain() {
        List<PumCase> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    private static Finding expiry(String id, long at) {
        return finding(id, "PUM-002", 77).setRequestId("REQ-12").setSessionId("S-1").setEventTime(at)
                .setSeverity(Severity.HIGH).build();
    }

    private static Finding scope(String id, long at) {
        return finding(id, "PUM-003", 60).setRequestId("REQ-12").setSessionId("S-2").setEventTime(at).build();
    }

    @Test
    void caseIsEmittedOnlyOnceTheWatermarkPassesTheFinding() throws Exception {
        send(expiry("f1", T0));
        assertThat(drain()).isEmpty();
        harness.processWatermark(T0 - 1);
        assertThat(drain()).isEmpty();
        harness.processWatermark(T0);
        List<PumCase> out = drain();
        assertThat(out).hasSize(1);
        PumCase c = out.get(0);
        assertThat(c.getCaseId()).isEqualTo(CaseKeys.caseId(expiry("f1", T0)));
        assertThat(c.getStatus()).isEqualTo(CaseStatus.OPEN);
        assertThat(c.getRiskScore()).isEqualTo(77);
        assertThat(c.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(c.getRequestId()).isEqualTo("REQ-12");
    }

    @Test
    void findingsOfOneGrantUpdateOneCaseInsteadOfMultiplying() throws Exception {
        send(expiry("f1", T0));
        send(scope("f2", T0 + 10 * MINUTE));
        harness.processWatermark(T0);
        List<PumCase> first = drain();
        assertThat(first).singleElement().satisfies(c -> assertThat(c.getFindings()).hasSize(1));

        harness.processWatermark(T0 + 10 * MINUTE);
        List<PumCase> second = drain();
        assertThat(second).hasSize(1);
        PumCase updated = second.get(0);
        assertThat(updated.getCaseId()).isEqualTo(first.get(0).getCaseId());
        assertThat(updated.getFindings()).extracting(CaseFinding::getFindingId).containsExactly("f1", "f2");
        assertThat(updated.getRuleIds()).containsExactly("PUM-002", "PUM-003");
        assertThat(updated.getSessionIds()).containsExactly("S-1", "S-2");
        assertThat(updated.getOpenedAt()).isEqualTo(T0);
        assertThat(updated.getUpdatedAt()).isEqualTo(T0 + 10 * MINUTE);
        assertThat(updated.getRiskScore()).isEqualTo(82);
        assertThat(updated.getScoreBreakdown()).isNotEmpty();
        assertThat(updated.getSummary()).contains("on grant REQ-12", "risk 82");
    }

    @Test
    void aReEmittedFindingChangesNothing() throws Exception {
        send(expiry("f1", T0));
        harness.processWatermark(T0);
        assertThat(drain()).hasSize(1);

        send(expiry("f1", T0));
        // Same id, different content: the case keeps the copy it holds.
        send(Finding.newBuilder(expiry("f1", T0)).setScore(99).build());
        harness.processWatermark(T0 + MINUTE);
        harness.processWatermark(T0 + 2 * MINUTE);
        assertThat(drain()).isEmpty();

        send(scope("f2", T0 + 3 * MINUTE));
        harness.processWatermark(T0 + 3 * MINUTE);
        assertThat(drain()).singleElement().satisfies(c -> {
            assertThat(c.getFindings()).extracting(CaseFinding::getFindingId).containsExactly("f1", "f2");
            assertThat(c.getFindings().get(0).getScore()).isEqualTo(77);
        });
    }

    @Test
    void findingsOutOfOrderWithinTheWatermarkGiveOneCompleteCase() throws Exception {
        send(scope("f2", T0 + 5 * MINUTE));
        send(expiry("f1", T0));
        harness.processWatermark(T0 + 5 * MINUTE);
        List<PumCase> out = drain();
        // Two timers fire under one watermark; the first already shows both findings, the second has nothing new.
        assertThat(out).singleElement().satisfies(c ->
                assertThat(c.getFindings()).extracting(CaseFinding::getFindingId).containsExactly("f1", "f2"));
    }

    @Test
    void aLateFindingJoinsTheCaseAtTheNextWatermark() throws Exception {
        send(scope("f2", T0 + 5 * MINUTE));
        harness.processWatermark(T0 + 5 * MINUTE);
        drain();
        send(expiry("f1", T0));
        assertThat(drain()).isEmpty();
        harness.processWatermark(T0 + 6 * MINUTE);
        assertThat(drain()).singleElement().satisfies(c -> {
            assertThat(c.getFindings()).extracting(CaseFinding::getFindingId).containsExactly("f1", "f2");
            assertThat(c.getOpenedAt()).isEqualTo(T0);
        });
    }

    @Test
    void separateGrantsMakeSeparateCases() throws Exception {
        send(expiry("f1", T0));
        send(finding("f3", "PUM-002", 77).setRequestId("REQ-13").setEventTime(T0).build());
        harness.processWatermark(T0);
        assertThat(drain()).extracting(PumCase::getRequestId).containsExactlyInAnyOrder("REQ-12", "REQ-13");
    }

    @Test
    void stateIsClearedAfterTheIdleHorizonAndALaterFindingReopensTheSameCase() throws Exception {
        send(expiry("f1", T0));
        send(scope("f2", T0 + 10 * MINUTE));
        harness.processWatermark(T0 + 10 * MINUTE);
        String caseId = drain().get(0).getCaseId();
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processWatermark(T0 + 10 * MINUTE + HORIZON.toMillis() - 1);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.processWatermark(T0 + 10 * MINUTE + HORIZON.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(drain()).isEmpty();

        long later = T0 + 10 * MINUTE + HORIZON.toMillis() + MINUTE;
        send(expiry("f9", later));
        harness.processWatermark(later);
        assertThat(drain()).singleElement().satisfies(c -> {
            assertThat(c.getCaseId()).isEqualTo(caseId);
            assertThat(c.getFindings()).extracting(CaseFinding::getFindingId).containsExactly("f9");
        });
    }

    @Test
    void aNewerFindingPostponesTheIdleHorizon() throws Exception {
        send(expiry("f1", T0));
        harness.processWatermark(T0);
        send(scope("f2", T0 + 3 * 24 * 60 * MINUTE));
        harness.processWatermark(T0 + HORIZON.toMillis() + MINUTE);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.processWatermark(T0 + 3 * 24 * 60 * MINUTE + HORIZON.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
