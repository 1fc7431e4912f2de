package dev.vigil.jobs.cases;

import dev.vigil.common.AnomalyExplanation;
import dev.vigil.common.Severity;
import dev.vigil.output.Finding;
import dev.vigil.output.ScoreTerm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static dev.vigil.jobs.cases.Findings.MINUTE;
import static dev.vigil.jobs.cases.Findings.T0;
import static dev.vigil.jobs.cases.Findings.finding;
import static dev.vigil.jobs.cases.Findings.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RiskScoreTest {

    private static Map<String, Double> terms(RiskScore risk) {
        return risk.breakdown().stream().collect(Collectors.toMap(ScoreTerm::getTerm, ScoreTerm::getValue));
    }

    private static double sum(RiskScore risk) {
        return risk.breakdown().stream().mapToDouble(ScoreTerm::getValue).sum();
    }

    @Test
    void singleFindingScoresItsOwnScore() {
        RiskScore risk = RiskScore.of(List.of(finding("f1", "PUM-003", 55).build()));
        assertThat(risk.score()).isEqualTo(55);
        assertThat(terms(risk)).containsOnly(
                Map.entry("base", 55.0), Map.entry("corroboration", 0.0), Map.entry("volume", 0.0));
        assertThat(risk.severity()).isEqualTo(Severity.MEDIUM);
    }

    @Test
    void baseIsTheHighestFindingScore() {
        RiskScore risk = RiskScore.of(List.of(
                finding("f1", "PUM-003", 40).build(),
                finding("f2", "PUM-003", 62).setEventTime(T0 + MINUTE).build()));
        assertThat(terms(risk)).containsEntry("base", 62.0);
        assertThat(risk.breakdown().get(0).getDetail()).contains("f2");
    }

    @Test
    void corroborationAddsFivePerExtraRuleUpToFifteen() {
        RiskScore two = RiskScore.of(List.of(finding("f1", "PUM-002", 50).build(), finding("f2", "PUM-003", 40).build()));
        assertThat(terms(two)).containsEntry("corroboration", 5.0);
        assertThat(two.score()).isEqualTo(55);

        List<Finding> five = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            five.add(finding("f" + i, "PUM-00" + i, 20).build());
        }
        assertThat(terms(RiskScore.of(five))).containsEntry("corroboration", 15.0);
    }

    @Test
    void volumeAddsOnePerRepeatUpToFive() {
        List<Finding> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            three.add(finding("f" + i, "PUM-009", 30).setEventTime(T0 + i).build());
        }
        assertThat(terms(RiskScore.of(three))).containsEntry("volume", 2.0).containsEntry("corroboration", 0.0);

        List<Finding> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(finding("f" + i, "PUM-009", 30).setEventTime(T0 + i).build());
        }
        assertThat(terms(RiskScore.of(ten))).containsEntry("volume", 5.0);
        assertThat(RiskScore.of(ten).score()).isEqualTo(35);
    }

    @Test
    void anomalyAddsTenTimesTheStrongestScoreRounded() {
        Finding weak = finding("f1", "PUM-100", 40).setAnomaly(anomaly(0.41)).build();
        Finding strong = finding("f2", "PUM-100", 40).setAnomaly(anomaly(0.83)).setEventTime(T0 + MINUTE).build();
        RiskScore risk = RiskScore.of(List.of(weak, strong));
        assertThat(terms(risk)).containsEntry("anomaly", 8.0);
        assertThat(risk.anomaly().getScore()).isEqualTo(0.83);
        assertThat(risk.score()).isEqualTo(40 + 1 + 8);

        assertThat(terms(RiskScore.of(List.of(finding("f3", "PUM-003", 40).build())))).doesNotContainKey("anomaly");
    }

    @Test
    void serviceIdentityAddsFive() {
        RiskScore risk = RiskScore.of(List.of(finding("f1", "PUM-008", 60).setPrincipal(service("svc-backup")).build()));
        assertThat(terms(risk)).containsEntry("service_identity", 5.0);
        assertThat(risk.score()).isEqualTo(65);
        assertThat(risk.severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void clampBitesAboveOneHundredAndTermsStillSumToTheScore() {
        List<Finding> findings = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            findings.add(finding("f" + i, "PUM-00" + i, 95).setPrincipal(service("svc")).build());
        }
        findings.add(finding("f5", "PUM-001", 95).setPrincipal(service("svc")).setAnomaly(anomaly(1.0)).build());
        RiskScore risk = RiskScore.of(findings);
        // 95 + 15 + 1 + 10 + 5 = 126
        assertThat(terms(risk)).containsEntry("clamp", -26.0);
        assertThat(risk.score()).isEqualTo(100);
        assertThat(sum(risk)).isEqualTo(100.0);
        assertThat(risk.severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void noClampTermWhenTheSumIsInRange() {
        RiskScore risk = RiskScore.of(List.of(finding("f1", "PUM-002", 99).build()));
        assertThat(terms(risk)).doesNotContainKey("clamp");
        assertThat(sum(risk)).isEqualTo(risk.score());
    }

    @Test
    void severityIsTheHigherOfFindingsAndScoreBand() {
        // 60 + 5 = 65: the band raises MEDIUM findings to HIGH
        RiskScore raised = RiskScore.of(List.of(finding("f1", "PUM-002", 60).build(), finding("f2", "PUM-003", 50).build()));
        assertThat(raised.severity()).isEqualTo(Severity.HIGH);
        // a CRITICAL finding stays CRITICAL however low the score
        RiskScore kept = RiskScore.of(List.of(finding("f1", "PUM-005", 20).setSeverity(Severity.CRITICAL).build()));
        assertThat(kept.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(RiskScore.band(84)).isEqualTo(Severity.HIGH);
        assertThat(RiskScore.band(85)).isEqualTo(Severity.CRITICAL);
        assertThat(RiskScore.band(40)).isEqualTo(Severity.MEDIUM);
        assertThat(RiskScore.band(39)).isEqualTo(Severity.LOW);
    }

    @Test
    void summaryNamesPrincipalRulesGrantAndRisk() {
        RiskScore risk = RiskScore.of(List.of(
                finding("f2", "PUM-003", 60).setRequestId("REQ-12").setEventTime(T0 + MINUTE).build(),
                finding("f1", "PUM-002", 77).setRequestId("REQ-12").build()));
        assertThat(risk.summary()).isEqualTo("alice: 2 findings (PUM-002 session activity after grant expiry, "
                + "PUM-003 target outside grant scope) on grant REQ-12, risk 82.");

        RiskScore repeated = RiskScore.of(List.of(
                finding("f1", "PUM-009", 50).setSessionId("S-9").build(),
                finding("f2", "PUM-009", 50).setSessionId("S-9").setEventTime(T0 + 1).build()));
        assertThat(repeated.summary()).isEqualTo("alice: 2 findings (PUM-009 risky command x2) in session S-9, risk 51.");

        RiskScore daily = RiskScore.of(List.of(finding("f1", "PUM-007", 45).build()));
        assertThat(daily.summary()).isEqualTo("alice: 1 finding (PUM-007 rule PUM-007) on 2024-05-01, risk 45.");
    }

    @Test
    void resultDoesNotDependOnFindingOrder() {
        List<Finding> findings = new ArrayList<>(List.of(
                finding("f1", "PUM-002", 70).setRequestId("R").setEventTime(T0).build(),
                finding("f2", "PUM-003", 70).setRequestId("R").setEventTime(T0).build(),
                finding("f3", "PUM-009", 50).setRequestId("R").setEventTime(T0 + MINUTE).setAnomaly(anomaly(0.5)).build(),
                finding("f4", "PUM-009", 50).setRequestId("R").setEventTime(T0 + 2 * MINUTE).setAnomaly(anomaly(0.5)).build()));
        RiskScore reference = RiskScore.of(findings);
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(findings, random);
            RiskScore shuffled = RiskScore.of(findings);
            assertThat(shuffled.score()).isEqualTo(reference.score());
            assertThat(shuffled.breakdown()).isEqualTo(reference.breakdown());
            assertThat(shuffled.summary()).isEqualTo(reference.summary());
            assertThat(shuffled.findings()).isEqualTo(reference.findings());
        }
    }

    @Test
    void breakGlassAddsTen() {
        RiskScore risk = RiskScore.of(List.of(finding("f1", "PUM-005", 60).build(), finding("f2", "PUM-009", 50).build()));
        assertThat(terms(risk)).containsEntry("break_glass", 10.0);
        assertThat(risk.score()).isEqualTo(60 + 5 + 10);
        assertThat(terms(RiskScore.of(List.of(finding("f3", "PUM-009", 50).build())))).doesNotContainKey("break_glass");
    }

    @Test
    void grantStatusAddsThePointsOfTheWorstLabel() {
        RiskScore expired = RiskScore.of(List.of(
                finding("f1", "PUM-003", 50).setLabel(dev.vigil.common.GrantLabel.OUT_OF_SCOPE).build(),
                finding("f2", "PUM-002", 50).setLabel(dev.vigil.common.GrantLabel.AFTER_EXPIRY).setEventTime(T0 + MINUTE).build()));
        assertThat(terms(expired)).containsEntry("grant_status", 10.0);
        assertThat(expired.breakdown().stream().filter(t -> t.getTerm().equals("grant_status")).findFirst().orElseThrow()
                .getDetail()).contains("AFTER_EXPIRY");
        RiskScore ungranted = RiskScore.of(List.of(finding("f1", "PUM-001", 50).setLabel(dev.vigil.common.GrantLabel.NO_GRANT).build()));
        assertThat(terms(ungranted)).containsEntry("grant_status", 5.0);
        RiskScore inGrant = RiskScore.of(List.of(finding("f1", "PUM-009", 50).setLabel(dev.vigil.common.GrantLabel.IN_GRANT).build()));
        assertThat(terms(inGrant)).doesNotContainKey("grant_status");
    }

    @Test
    void theBreakdownRecomputesTheScoreByHand() {
        RiskScore risk = RiskScore.of(List.of(
                finding("f1", "PUM-100", 55).setPrincipal(service("svc-etl")).setLabel(dev.vigil.common.GrantLabel.NO_GRANT)
                        .setAnomaly(anomaly(0.72)).build(),
                finding("f2", "PUM-005", 70).setPrincipal(service("svc-etl")).setEventTime(T0 + MINUTE).build()));
        // base 70, corroboration 5, volume 0, anomaly round(7.2) = 7, service 5, break-glass 10, grant 5 = 102 -> 100
        assertThat(risk.breakdown()).extracting(ScoreTerm::getTerm).containsExactly(
                "base", "corroboration", "volume", "anomaly", "service_identity", "break_glass", "grant_status", "clamp");
        assertThat(terms(risk)).containsEntry("anomaly", 7.0).containsEntry("clamp", -2.0);
        assertThat(sum(risk)).isEqualTo(risk.score()).isEqualTo(100.0);
    }

    @Test
    void aCaseWithoutFindingsIsRejected() {
        assertThatThrownBy(() -> RiskScore.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static AnomalyExplanation anomaly(double score) {
        return AnomalyExplanation.newBuilder().setScore(score).setModelVersion("m1").build();
    }
}
