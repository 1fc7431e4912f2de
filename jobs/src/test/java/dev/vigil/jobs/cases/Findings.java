package dev.vigil.jobs.cases;

import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.common.Severity;
import dev.vigil.output.Finding;

import java.time.Instant;
import java.util.List;

/** Findings as the rule operator emits them, for tests. */
public final class Findings {

    public static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
    public static final long MINUTE = 60_000L;

    private Findings() {
    }

    public static Principal human(String id) {
        return Principal.newBuilder().setId(id).setKind(PrincipalKind.HUMAN).build();
    }

    public static Principal service(String id) {
        return Principal.newBuilder().setId(id).setKind(PrincipalKind.SERVICE).build();
    }

    /** A MEDIUM finding by alice at T0 on no grant or session; adjust with the builder. */
    public static Finding.Builder finding(String findingId, String ruleId, int score) {
        return Finding.newBuilder()
                .setFindingId(findingId)
                .setRuleId(ruleId)
                .setRuleName(ruleName(ruleId))
                .setSeverity(Severity.MEDIUM)
                .setScore(score)
                .setPrincipal(human("alice"))
                .setEventTime(T0)
                .setEventIds(List.of("ev-" + findingId))
                .setExplanation(ruleId + " fired on " + findingId);
    }

    static String ruleName(String ruleId) {
        return switch (ruleId) {
            case "PUM-001" -> "privileged session without a grant";
            case "PUM-002" -> "session activity after grant expiry";
            case "PUM-003" -> "target outside grant scope";
            case "PUM-009" -> "risky command";
            case "PUM-100" -> "behavioural anomaly";
            default -> "rule " + ruleId;
        };
    }
}
