package dev.vigil.rules.engine;

import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.EventType;
import com.espertech.esper.common.client.annotation.Tag;
import dev.vigil.common.GrantLabel;
import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.common.Severity;
import dev.vigil.output.Finding;
import dev.vigil.rules.pack.RuleMetadata;
import dev.vigil.rules.test.RulePackValidator;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The convention by which a statement's output becomes a {@link Finding}: statements annotated
 * {@code @Tag(name='vigil', value='finding')} emit one finding per output row, read from these columns.
 *
 * <ul>
 *   <li>{@code event_ids} ({@code String[]} or a collection) or {@code event_id} (a string): the triggering
 *       events; they decide the finding id</li>
 *   <li>{@code principal_id}, {@code principal_kind} ({@code HUMAN}/{@code SERVICE}): who</li>
 *   <li>{@code event_time} (long): event time of the last triggering event</li>
 *   <li>{@code explanation} (string): one sentence an analyst can read</li>
 *   <li>optional: {@code source_ip}, {@code request_id}, {@code session_id}, {@code target} (strings),
 *       {@code label} (a grant label name)</li>
 *   <li>optional: {@code score} (an integer 0-100): this row's own risk score, for a rule whose risk differs from
 *       one finding to the next; the severity then follows the score's band. A null score, or no such column,
 *       means the rule's {@code risk_score}</li>
 * </ul>
 * Name, MITRE ids and the pack version come from the rule's metadata; severity and score too, unless the row
 * carries its own score.
 */
public final class FindingOutput {
    public static final String TAG_NAME = "vigil";
    public static final String TAG_VALUE = "finding";

    public static final String EVENT_IDS = "event_ids";
    public static final String EVENT_ID = "event_id";
    public static final String PRINCIPAL_ID = "principal_id";
    public static final String PRINCIPAL_KIND = "principal_kind";
    public static final String EVENT_TIME = "event_time";
    public static final String EXPLANATION = "explanation";
    public static final List<String> REQUIRED = List.of(PRINCIPAL_ID, PRINCIPAL_KIND, EVENT_TIME, EXPLANATION);
    public static final List<String> OPTIONAL_STRINGS =
            List.of("source_ip", "request_id", "session_id", "target", "label");
    /** Optional integer column: the row's own risk score, overriding the rule's. */
    public static final String SCORE = "score";

    private FindingOutput() {}

    /** Whether a statement emits findings. */
    public static boolean isFindingStatement(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a instanceof Tag tag && TAG_NAME.equals(tag.name()) && TAG_VALUE.equals(tag.value())) {
                return true;
            }
        }
        return false;
    }

    /** What is wrong with a finding statement's output columns, one message each; empty when it fits. */
    public static List<String> check(EventType type) {
        List<String> problems = new ArrayList<>();
        Class<?> ids = type.getPropertyType(EVENT_IDS);
        Class<?> id = type.getPropertyType(EVENT_ID);
        if (ids != null) {
            if (!String[].class.equals(ids) && !Collection.class.isAssignableFrom(ids)) {
                problems.add("column event_ids must be a String[] or a collection, not " + ids.getSimpleName());
            }
        } else if (id == null) {
            problems.add("selects neither event_ids nor event_id, so the finding cannot name its events");
        } else if (!String.class.equals(id)) {
            problems.add("column event_id must be a string, not " + id.getSimpleName());
        }
        for (String column : REQUIRED) {
            Class<?> c = type.getPropertyType(column);
            if (c == null) {
                problems.add("does not select " + column + " (a finding needs " + String.join(", ", REQUIRED) + ")");
            } else if (column.equals(EVENT_TIME) ? !isIntegral(c) : !String.class.equals(c)) {
                problems.add("column " + column + " must be " + (column.equals(EVENT_TIME) ? "a long" : "a string")
                        + ", not " + c.getSimpleName());
            }
        }
        for (String column : OPTIONAL_STRINGS) {
            Class<?> c = type.getPropertyType(column);
            if (c != null && !String.class.equals(c)) {
                problems.add("column " + column + " must be a string, not " + c.getSimpleName());
            }
        }
        Class<?> score = type.getPropertyType(SCORE);
        if (score != null && !isIntegral(score)) {
            problems.add("column score must be an integer (0-100), not " + score.getSimpleName());
        }
        return problems;
    }

    private static boolean isIntegral(Class<?> c) {
        return c == long.class || c == Long.class || c == int.class || c == Integer.class;
    }

    /**
     * The finding one output row describes.
     *
     * @throws IllegalArgumentException with the reason when the row lacks what a finding needs
     */
    public static Finding toFinding(EventBean row, RuleMetadata metadata, String packVersion) {
        List<String> eventIds = FindingIds.canonical(eventIds(row));
        if (eventIds.isEmpty()) {
            throw new IllegalArgumentException("no event ids");
        }
        String principalId = text(row, PRINCIPAL_ID);
        if (principalId == null) {
            throw new IllegalArgumentException("no principal_id");
        }
        String kind = text(row, PRINCIPAL_KIND);
        PrincipalKind principalKind;
        try {
            principalKind = PrincipalKind.valueOf(kind);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("principal_kind '" + kind + "' is not HUMAN or SERVICE");
        }
        Object time = row.get(EVENT_TIME);
        if (!(time instanceof Number n)) {
            throw new IllegalArgumentException("no event_time");
        }
        String explanation = text(row, EXPLANATION);
        if (explanation == null) {
            throw new IllegalArgumentException("no explanation");
        }
        String label = optional(row, "label");
        GrantLabel grantLabel;
        try {
            grantLabel = label == null ? null : GrantLabel.valueOf(label);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label '" + label + "' is not a grant label");
        }
        int score = metadata.riskScore();
        Severity severity = metadata.severity();
        Object rowScore = row.getEventType().getPropertyType(SCORE) == null ? null : row.get(SCORE);
        if (rowScore instanceof Number s) {
            if (s.longValue() < 0 || s.longValue() > 100) {
                throw new IllegalArgumentException("score " + s + " is not between 0 and 100");
            }
            score = s.intValue();
            severity = RulePackValidator.severityFor(score);
        }
        return Finding.newBuilder()
                .setFindingId(FindingIds.of(metadata.id(), eventIds))
                .setRuleId(metadata.id())
                .setRuleName(metadata.name())
                .setRuleVersion(packVersion)
                .setSeverity(severity)
                .setScore(score)
                .setPrincipal(new Principal(principalId, principalKind, optional(row, "source_ip")))
                .setEventTime(n.longValue())
                .setEventIds(eventIds)
                .setRequestId(optional(row, "request_id"))
                .setSessionId(optional(row, "session_id"))
                .setTarget(optional(row, "target"))
                .setLabel(grantLabel)
                .setMitre(metadata.mitre())
                .setExplanation(explanation)
                .setAnomaly(null)
                .build();
    }

    private static Collection<String> eventIds(EventBean row) {
        List<String> ids = new ArrayList<>();
        EventType type = row.getEventType();
        if (type.getPropertyType(EVENT_IDS) != null) {
            Object v = row.get(EVENT_IDS);
            if (v instanceof Object[] array) {
                for (Object o : array) {
                    if (o != null) {
                        ids.add(o.toString());
                    }
                }
            } else if (v instanceof Collection<?> c) {
                for (Object o : c) {
                    if (o != null) {
                        ids.add(o.toString());
                    }
                }
            }
        }
        if (type.getPropertyType(EVENT_ID) != null && row.get(EVENT_ID) != null) {
            ids.add(row.get(EVENT_ID).toString());
        }
        return ids;
    }

    private static String text(EventBean row, String column) {
        Object v = row.get(column);
        return v == null ? null : v.toString();
    }

    private static String optional(EventBean row, String column) {
        return row.getEventType().getPropertyType(column) == null ? null : text(row, column);
    }
}
