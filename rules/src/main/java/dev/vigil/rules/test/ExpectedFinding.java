package dev.vigil.rules.test;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.output.Finding;
import dev.vigil.rules.pack.RuleFixture;
import dev.vigil.rules.pack.RulePackException;
import dev.vigil.rules.pack.RuleProblem;
import dev.vigil.rules.pack.YamlDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One finding a fixture's {@code .expect.yaml} says must (or, with {@code absent: true}, must not) come out.
 * A produced finding matches when rule, principal and every listed field agree, its event ids include all of
 * {@code event_ids}, and its explanation contains every {@code explanation_contains} text. {@code severity} and
 * {@code score} check a rule that scores each finding itself.
 *
 * @param line where the expectation starts in the sidecar, for failure messages
 */
public record ExpectedFinding(String ruleId, String principal, List<String> eventIds, String sessionId,
                              String target, String requestId, String label, List<String> explanationContains,
                              String severity, Integer score, boolean absent, String file, int line) {

    private static final Set<String> KEYS = Set.of("rule_id", "principal", "event_ids", "session_id", "target",
            "request_id", "label", "explanation_contains", "severity", "score", "absent");

    /**
     * The expectations of a fixture's sidecar: a mapping with one key, {@code findings}, a list of expectations.
     *
     * @throws RulePackException naming file and line of what cannot be read
     */
    public static List<ExpectedFinding> read(RuleFixture fixture) {
        if (fixture.expect() == null) {
            return List.of();
        }
        YamlDocument doc = YamlDocument.parse(fixture.expectFile(), fixture.expect());
        List<RuleProblem> problems = new ArrayList<>();
        for (String key : doc.keys()) {
            if (!key.equals("findings")) {
                problems.add(doc.problem(key, "unknown key '" + key + "' (an expect file has only 'findings')"));
            }
        }
        JsonNode findings = doc.get("findings");
        List<ExpectedFinding> expected = new ArrayList<>();
        if (findings == null || !findings.isArray()) {
            problems.add(new RuleProblem(fixture.expectFile(), doc.line("findings"),
                    "needs 'findings:', a list of the findings the fixture must produce"));
            throw new RulePackException(problems);
        }
        List<Integer> lines = doc.itemLines("findings");
        for (int i = 0; i < findings.size(); i++) {
            JsonNode item = findings.get(i);
            int line = i < lines.size() ? lines.get(i) : doc.line("findings");
            if (!item.isObject()) {
                problems.add(new RuleProblem(fixture.expectFile(), line, "each finding must be a mapping"));
                continue;
            }
            item.fieldNames().forEachRemaining(k -> {
                if (!KEYS.contains(k)) {
                    problems.add(new RuleProblem(fixture.expectFile(), line, "unknown key '" + k + "' (known: " + KEYS + ")"));
                }
            });
            String principal = text(item, "principal");
            List<String> ids = list(item, "event_ids");
            if (principal == null || ids.isEmpty()) {
                problems.add(new RuleProblem(fixture.expectFile(), line,
                        "each finding needs principal and event_ids (the events that must be in it)"));
                continue;
            }
            if (item.hasNonNull("score") && !item.get("score").canConvertToInt()) {
                problems.add(new RuleProblem(fixture.expectFile(), line, "score must be an integer"));
                continue;
            }
            String rule = text(item, "rule_id");
            expected.add(new ExpectedFinding(rule == null ? fixture.ruleId() : rule, principal, ids,
                    text(item, "session_id"), text(item, "target"), text(item, "request_id"), text(item, "label"),
                    list(item, "explanation_contains"), text(item, "severity"),
                    item.hasNonNull("score") ? Integer.valueOf(item.get("score").asInt()) : null,
                    item.path("absent").asBoolean(false), fixture.expectFile(), line));
        }
        if (!problems.isEmpty()) {
            throw new RulePackException(problems);
        }
        return expected;
    }

    /** Whether a produced finding is the one expected. */
    public boolean matches(Finding f) {
        return f.getRuleId().equals(ruleId)
                && f.getPrincipal().getId().equals(principal)
                && f.getEventIds().containsAll(eventIds)
                && (sessionId == null || sessionId.equals(f.getSessionId()))
                && (target == null || target.equals(f.getTarget()))
                && (requestId == null || requestId.equals(f.getRequestId()))
                && (label == null || (f.getLabel() != null && label.equals(f.getLabel().name())))
                && (severity == null || severity.equals(f.getSeverity().name()))
                && (score == null || score.equals(f.getScore()))
                && explanationContains.stream().allMatch(s -> f.getExplanation().contains(s));
    }

    /** How failure messages name it. */
    public String describe() {
        return ruleId + " finding for " + principal + " on " + eventIds
                + (severity == null ? "" : " with severity " + severity) + (score == null ? "" : " score " + score);
    }

    private static String text(JsonNode item, String key) {
        JsonNode v = item.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> list(JsonNode item, String key) {
        JsonNode v = item.get(key);
        List<String> values = new ArrayList<>();
        if (v == null || v.isNull()) {
            return values;
        }
        if (v.isArray()) {
            v.forEach(x -> values.add(x.asText()));
        } else {
            values.add(v.asText());
        }
        return values;
    }
}
