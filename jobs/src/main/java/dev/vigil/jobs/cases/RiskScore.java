package dev.vigil.jobs.cases;

import dev.vigil.common.AnomalyExplanation;
import dev.vigil.common.GrantLabel;
import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.common.Severity;
import dev.vigil.output.Finding;
import dev.vigil.output.ScoreTerm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The risk score of a case (0-100), with every term that makes it up, so an analyst can see why a case
 * scores what it does.
 *
 * <p>Formula (the terms appear in this order in the breakdown; their values sum to the score):
 * <pre>
 *   base             = the highest score among the case's findings
 *   corroboration    = +5 for each distinct rule beyond the first, at most +15
 *   volume           = +1 for each finding beyond one per rule, at most +5
 *   anomaly          = round(10 x the strongest anomaly score), present only when a finding carries one
 *   service_identity = +5 when the principal is a SERVICE identity, present only then
 *   break_glass      = +10 when a finding is PUM-005 (emergency access), present only then
 *   grant_status     = the worst grant label among the findings: AFTER_EXPIRY +10, OUT_OF_SCOPE +5,
 *                      NO_GRANT +5 (IN_GRANT or no label: absent)
 *   clamp            = the correction that brings the sum into [0, 100], present only when needed
 *   risk score       = base + corroboration + volume + anomaly + service_identity + break_glass + grant_status + clamp
 * </pre>
 * Severity is the higher of the highest finding severity and the band of the risk score:
 * 85 and above CRITICAL, 65 and above HIGH, 40 and above MEDIUM, otherwise LOW.
 *
 * <p>The result does not depend on the order findings arrived in: they are ordered by event time,
 * then finding id, before anything is picked from them.
 */
public final class RiskScore {

    static final int CORROBORATION_PER_RULE = 5;
    static final int CORROBORATION_MAX = 15;
    static final int VOLUME_MAX = 5;
    static final int SERVICE_IDENTITY = 5;
    static final int BREAK_GLASS = 10;
    static final String BREAK_GLASS_RULE = "PUM-005";
    static final int AFTER_EXPIRY = 10;
    static final int OUT_OF_SCOPE = 5;
    static final int NO_GRANT = 5;

    /** Event time, then finding id: the one order every case output is built in. */
    public static final Comparator<Finding> FINDING_ORDER =
            Comparator.comparingLong(Finding::getEventTime).thenComparing(Finding::getFindingId);

    private final List<Finding> findings;
    private final int score;
    private final Severity severity;
    private final List<ScoreTerm> breakdown;
    private final AnomalyExplanation anomaly;

    private RiskScore(List<Finding> findings, int score, Severity severity, List<ScoreTerm> breakdown,
                      AnomalyExplanation anomaly) {
        this.findings = findings;
        this.score = score;
        this.severity = severity;
        this.breakdown = breakdown;
        this.anomaly = anomaly;
    }

    /** Scores the findings of one case. */
    public static RiskScore of(Collection<Finding> caseFindings) {
        if (caseFindings == null || caseFindings.isEmpty()) {
            throw new IllegalArgumentException("a case needs at least one finding to be scored");
        }
        List<Finding> ordered = new ArrayList<>(caseFindings);
        ordered.sort(FINDING_ORDER);

        Map<String, Integer> perRule = findingsPerRule(ordered);
        List<ScoreTerm> terms = new ArrayList<>();

        Finding top = ordered.get(0);
        for (Finding f : ordered) {
            if (f.getScore() > top.getScore()) {
                top = f;
            }
        }
        terms.add(term("base", top.getScore(),
                "highest finding score: " + top.getRuleId() + " (" + top.getFindingId() + ")"));

        int extraRules = perRule.size() - 1;
        int corroboration = Math.min(CORROBORATION_MAX, CORROBORATION_PER_RULE * extraRules);
        terms.add(term("corroboration", corroboration,
                perRule.size() + " distinct rule(s): +" + CORROBORATION_PER_RULE + " per rule beyond the first, at most +"
                        + CORROBORATION_MAX));

        int repeats = ordered.size() - perRule.size();
        int volume = Math.min(VOLUME_MAX, repeats);
        terms.add(term("volume", volume,
                ordered.size() + " finding(s) over " + perRule.size() + " rule(s): +1 per repeat, at most +" + VOLUME_MAX));

        AnomalyExplanation strongest = strongestAnomaly(ordered);
        if (strongest != null) {
            long points = Math.round(10 * strongest.getScore());
            terms.add(term("anomaly", points, "round(10 x anomaly score " + strongest.getScore() + ")"));
        }

        Principal principal = ordered.get(0).getPrincipal();
        if (principal != null && principal.getKind() == PrincipalKind.SERVICE) {
            terms.add(term("service_identity", SERVICE_IDENTITY, "principal is a service identity"));
        }

        if (perRule.containsKey(BREAK_GLASS_RULE)) {
            terms.add(term("break_glass", BREAK_GLASS, "break-glass access (" + BREAK_GLASS_RULE + ")"));
        }

        GrantLabel worst = null;
        for (Finding f : ordered) {
            if (grantPoints(f.getLabel()) > grantPoints(worst)) {
                worst = f.getLabel();
            }
        }
        if (worst != null) {
            terms.add(term("grant_status", grantPoints(worst), "worst grant label among the findings: " + worst));
        }

        long sum = 0;
        for (ScoreTerm t : terms) {
            sum += (long) t.getValue();
        }
        long clamped = Math.max(0, Math.min(100, sum));
        if (clamped != sum) {
            terms.add(term("clamp", clamped - sum, "sum " + sum + " clamped to [0, 100]"));
        }
        int score = (int) clamped;
        Severity severity = max(highestSeverity(ordered), band(score));
        return new RiskScore(List.copyOf(ordered), score, severity, List.copyOf(terms), strongest);
    }

    /** The severity a score alone implies. */
    public static Severity band(int score) {
        if (score >= 85) {
            return Severity.CRITICAL;
        }
        if (score >= 65) {
            return Severity.HIGH;
        }
        if (score >= 40) {
            return Severity.MEDIUM;
        }
        return Severity.LOW;
    }

    public int score() {
        return score;
    }

    public Severity severity() {
        return severity;
    }

    /** Every term of the score, in formula order. */
    public List<ScoreTerm> breakdown() {
        return breakdown;
    }

    /** The findings in case order: event time, then finding id. */
    public List<Finding> findings() {
        return findings;
    }

    /** The strongest anomaly among the findings, or null. */
    public AnomalyExplanation anomaly() {
        return anomaly;
    }

    /**
     * One sentence for the analyst, e.g. "alice: 2 findings (PUM-002 session activity after grant expiry,
     * PUM-003 target outside grant scope) on grant REQ-12, risk 82."
     */
    public String summary() {
        Finding first = findings.get(0);
        String who = first.getPrincipal() == null ? "unknown principal" : first.getPrincipal().getId();
        Map<String, Integer> perRule = findingsPerRule(findings);
        Map<String, String> names = new TreeMap<>();
        for (Finding f : findings) {
            names.putIfAbsent(f.getRuleId(), f.getRuleName());
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Integer> rule : perRule.entrySet()) {
            String name = names.get(rule.getKey());
            String part = rule.getKey() + (name == null || name.isBlank() ? "" : " " + name);
            parts.add(rule.getValue() > 1 ? part + " x" + rule.getValue() : part);
        }
        return who + ": " + findings.size() + (findings.size() == 1 ? " finding (" : " findings (")
                + String.join(", ", parts) + ") " + where(first) + ", risk " + score + ".";
    }

    private static String where(Finding f) {
        String key = CaseKeys.caseKey(f);
        if (key.startsWith("grant:")) {
            return "on grant " + key.substring("grant:".length());
        }
        if (key.startsWith("session:")) {
            return "in session " + key.substring("session:".length());
        }
        return "on " + key.substring("day:".length());
    }

    /** Points of a grant label: 0 for IN_GRANT and for none. */
    static int grantPoints(GrantLabel label) {
        if (label == null) {
            return 0;
        }
        return switch (label) {
            case AFTER_EXPIRY -> AFTER_EXPIRY;
            case OUT_OF_SCOPE -> OUT_OF_SCOPE;
            case NO_GRANT -> NO_GRANT;
            default -> 0;
        };
    }

    private static Map<String, Integer> findingsPerRule(List<Finding> ordered) {
        Map<String, Integer> perRule = new TreeMap<>();
        for (Finding f : ordered) {
            perRule.merge(f.getRuleId(), 1, Integer::sum);
        }
        return perRule;
    }

    private static AnomalyExplanation strongestAnomaly(List<Finding> ordered) {
        AnomalyExplanation strongest = null;
        for (Finding f : ordered) {
            AnomalyExplanation a = f.getAnomaly();
            if (a != null && (strongest == null || a.getScore() > strongest.getScore())) {
                strongest = a;
            }
        }
        return strongest;
    }

    private static Severity highestSeverity(List<Finding> ordered) {
        Severity highest = Severity.LOW;
        for (Finding f : ordered) {
            highest = max(highest, f.getSeverity());
        }
        return highest;
    }

    private static Severity max(Severity a, Severity b) {
        if (b == null) {
            return a;
        }
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    private static ScoreTerm term(String name, long value, String detail) {
        return ScoreTerm.newBuilder().setTerm(name).setValue(value).setDetail(detail).build();
    }
}
