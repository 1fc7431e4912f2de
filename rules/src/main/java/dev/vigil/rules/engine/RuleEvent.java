package dev.vigil.rules.engine;

import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;

/**
 * The one event type the rules see: a labelled event flattened, so EPL reads {@code label = 'NO_GRANT'} and
 * {@code grant_window_end} instead of walking nested records.
 *
 * <p>In EPL every property is snake_case, as in the canonical JSON ({@code event_id}, {@code principal_id},
 * {@code grant_request_id}, ...): property {@code foo_bar} is getter {@code getFooBar()}. Enums (type, action,
 * label, principal_kind) are their names as strings; times are epoch milliseconds; lists are {@code String[]};
 * what the event does not carry is null.
 */
public final class RuleEvent {
    /** The name EPL uses: {@code from RuleEvent(...)}. */
    public static final String TYPE_NAME = "RuleEvent";

    private static final String[] NONE = new String[0];

    private final String eventId;
    private final long eventTime;
    private final String source;
    private final String type;
    private final String action;
    private final String principalId;
    private final String principalKind;
    private final String sourceIp;
    private final String rawRef;
    private final boolean late;
    private final String label;
    private final String grantRequestId;
    private final String grantRole;
    private final String[] grantScope;
    private final Long grantWindowStart;
    private final Long grantWindowEnd;
    private final Long grantEndedAt;
    private final String grantApprover;
    private final String grantTicket;
    private final Boolean grantBreakGlass;
    private final PrivilegedEvent event;

    private RuleEvent(LabelledEvent labelled) {
        PrivilegedEvent e = labelled.getEvent();
        this.event = e;
        this.eventId = e.getEventId();
        this.eventTime = e.getEventTime();
        this.source = e.getSource();
        this.type = e.getType() == null ? null : e.getType().name();
        this.action = e.getAction() == null ? null : e.getAction().name();
        this.principalId = e.getPrincipal().getId();
        this.principalKind = e.getPrincipal().getKind() == null ? null : e.getPrincipal().getKind().name();
        this.sourceIp = e.getPrincipal().getSourceIp();
        this.rawRef = e.getRawRef();
        this.late = labelled.getLate();
        this.label = labelled.getLabel() == null ? null : labelled.getLabel().name();
        GrantRef g = labelled.getGrant();
        this.grantRequestId = g == null ? null : g.getRequestId();
        this.grantRole = g == null ? null : g.getRole();
        this.grantScope = g == null ? null : array(g.getScope());
        this.grantWindowStart = g == null ? null : g.getWindowStart();
        this.grantWindowEnd = g == null ? null : g.getWindowEnd();
        this.grantEndedAt = g == null ? null : g.getEndedAt();
        this.grantApprover = g == null ? null : g.getApprover();
        this.grantTicket = g == null ? null : g.getTicket();
        this.grantBreakGlass = g == null ? null : g.getBreakGlass();
    }

    public static RuleEvent of(LabelledEvent labelled) {
        return new RuleEvent(labelled);
    }

    /**
     * EPL property name to getter name for every public getter, sorted by name: how the event type is
     * registered with Esper.
     */
    public static Map<String, String> properties() {
        Map<String, String> props = new java.util.TreeMap<>();
        for (Method m : RuleEvent.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
                    && m.getName().startsWith("get") && m.getParameterCount() == 0) {
                props.put(snakeCase(m.getName().substring(3)), m.getName());
            }
        }
        return props;
    }

    static String snakeCase(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String[] array(List<String> list) {
        return list == null || list.isEmpty() ? NONE : list.toArray(NONE);
    }

    // Common to every event.
    public String getEventId() { return eventId; }
    public long getEventTime() { return eventTime; }
    public String getSource() { return source; }
    /** ELEVATION, SESSION or SECRET. */
    public String getType() { return type; }
    public String getAction() { return action; }
    public String getPrincipalId() { return principalId; }
    /** HUMAN or SERVICE. */
    public String getPrincipalKind() { return principalKind; }
    public String getSourceIp() { return sourceIp; }
    public String getRawRef() { return rawRef; }
    /** Arrived behind the watermark and was judged as it arrived. */
    public boolean getLate() { return late; }

    // Grant context.
    /** IN_GRANT, NO_GRANT, AFTER_EXPIRY or OUT_OF_SCOPE for SESSION and SECRET events; null for ELEVATION. */
    public String getLabel() { return label; }
    public String getGrantRequestId() { return grantRequestId; }
    public String getGrantRole() { return grantRole; }
    public String[] getGrantScope() { return grantScope; }
    public Long getGrantWindowStart() { return grantWindowStart; }
    public Long getGrantWindowEnd() { return grantWindowEnd; }
    /** When the grant expired or was revoked, if it has by this event. */
    public Long getGrantEndedAt() { return grantEndedAt; }
    public String getGrantApprover() { return grantApprover; }
    public String getGrantTicket() { return grantTicket; }
    public Boolean getGrantBreakGlass() { return grantBreakGlass; }

    // ELEVATION.
    public String getRequestId() { return event.getRequestId(); }
    public String getRole() { return event.getRole(); }
    public String[] getScope() { return array(event.getScope()); }
    public Long getWindowStart() { return event.getWindowStart(); }
    public Long getWindowEnd() { return event.getWindowEnd(); }
    public String getApprover() { return event.getApprover(); }
    public String getReason() { return event.getReason(); }
    public String getTicket() { return event.getTicket(); }
    public Boolean getBreakGlass() { return event.getBreakGlass(); }

    // SESSION and SECRET.
    public String getSessionId() { return event.getSessionId(); }
    public String getTarget() { return event.getTarget(); }
    public String getAccount() { return event.getAccount(); }
    public String getCommand() { return event.getCommand(); }
    public Integer getExitCode() { return event.getExitCode(); }
    public String getProtocol() { return event.getProtocol(); }
    public Boolean getInteractive() { return event.getInteractive(); }
    public Boolean getRecorded() { return event.getRecorded(); }
    public String[] getRequestIds() { return array(event.getRequestIds()); }
    public String getSecretId() { return event.getSecretId(); }
    public String getStore() { return event.getStore(); }

    @Override
    public String toString() {
        return "RuleEvent[" + eventId + " " + type + " " + action + " " + principalId + " " + label + "]";
    }
}
