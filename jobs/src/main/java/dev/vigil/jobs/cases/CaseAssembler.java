package dev.vigil.jobs.cases;

import dev.vigil.output.CaseFinding;
import dev.vigil.output.CaseStatus;
import dev.vigil.output.Finding;
import dev.vigil.output.PumCase;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Turns the findings of one case into the {@link PumCase} analysts see: listed, scored and summarised.
 * The same findings always give the same case, whatever order they came in.
 */
public final class CaseAssembler {

    private CaseAssembler() {
    }

    /** The case {@code caseId} made of {@code findings} (at least one), status OPEN. */
    public static PumCase assemble(String caseId, Collection<Finding> findings) {
        RiskScore risk = RiskScore.of(findings);
        List<Finding> ordered = risk.findings();

        List<CaseFinding> listed = new ArrayList<>(ordered.size());
        TreeSet<String> ruleIds = new TreeSet<>();
        TreeSet<String> sessionIds = new TreeSet<>();
        String requestId = null;
        for (Finding f : ordered) {
            listed.add(CaseFinding.newBuilder()
                    .setFindingId(f.getFindingId())
                    .setRuleId(f.getRuleId())
                    .setRuleName(f.getRuleName())
                    .setSeverity(f.getSeverity())
                    .setScore(f.getScore())
                    .setEventTime(f.getEventTime())
                    .setEventIds(new ArrayList<>(f.getEventIds()))
                    .setExplanation(f.getExplanation())
                    .build());
            ruleIds.add(f.getRuleId());
            if (f.getSessionId() != null) {
                sessionIds.add(f.getSessionId());
            }
            if (requestId == null) {
                requestId = f.getRequestId();
            }
        }

        return PumCase.newBuilder()
                .setCaseId(caseId)
                .setPrincipal(ordered.get(0).getPrincipal())
                .setStatus(CaseStatus.OPEN)
                .setRiskScore(risk.score())
                .setSeverity(risk.severity())
                .setOpenedAt(ordered.get(0).getEventTime())
                .setUpdatedAt(ordered.get(ordered.size() - 1).getEventTime())
                .setFindings(listed)
                .setRuleIds(new ArrayList<>(ruleIds))
                .setAnomaly(risk.anomaly())
                .setRequestId(requestId)
                .setSessionIds(new ArrayList<>(sessionIds))
                .setScoreBreakdown(new ArrayList<>(risk.breakdown()))
                .setSummary(risk.summary())
                .build();
    }
}
