package dev.vigil.rules.grant;

import dev.vigil.event.Action;
import dev.vigil.event.GrantRef;
import dev.vigil.event.PrivilegedEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One grant (one request id) as the grant book knows it, folded from the ELEVATION events of its lifecycle.
 * A Flink POJO (public fields, no-arg constructor) so keyed state stores it without Kryo.
 */
public class Grant {

    public String requestId;
    public String requester;
    public String reason;
    public String ticket;
    public String role;
    /** The approver, or whoever denied it when it was denied without an approval. */
    public String approver;
    public Boolean breakGlass;
    public Long windowStart;
    public Long windowEnd;
    /** Whether the window came from an activation, which is narrower than the approval and wins over it. */
    public boolean windowFromActivation;
    public boolean approved;
    public boolean activated;
    public boolean denied;
    /** Event time from which the grant can be used: its first APPROVED or ACTIVATED event. */
    public Long usableSince;
    /** Event time of EXPIRED or REVOKED (or of a denial that withdrew a grant in force), if any. */
    public Long endedAt;
    /** Latest event time of any event of this grant. */
    public long lastUpdate;

    private List<String> scope = Collections.emptyList();
    private transient ScopeMatcher matcher;

    public Grant() {
    }

    public Grant(String requestId, long firstSeen) {
        this.requestId = requestId;
        this.lastUpdate = firstSeen;
    }

    public List<String> getScope() {
        return scope;
    }

    public void setScope(List<String> scope) {
        this.scope = scope == null ? Collections.emptyList() : scope;
        this.matcher = null;
    }

    /** Folds one ELEVATION event of this request into the grant. */
    public void apply(PrivilegedEvent e) {
        long t = e.getEventTime();
        lastUpdate = Math.max(lastUpdate, t);
        Action action = e.getAction();
        switch (action) {
            case REQUESTED -> {
                requester = e.getPrincipal() == null ? requester : e.getPrincipal().getId();
                // What was requested only fills gaps: an approval may narrow the role or scope.
                if (role == null) {
                    role = e.getRole();
                }
                if (scope.isEmpty()) {
                    setScope(nonEmpty(e.getScope()));
                }
            }
            case APPROVED -> {
                approved = true;
                if (e.getApprover() != null) {
                    approver = e.getApprover();
                }
                if (!windowFromActivation) {
                    takeWindow(e);
                }
                takeRoleAndScope(e);
                becomeUsable(t);
            }
            case ACTIVATED -> {
                activated = true;
                if (e.getWindowStart() != null || e.getWindowEnd() != null) {
                    takeWindow(e);
                    windowFromActivation = true;
                }
                takeRoleAndScope(e);
                becomeUsable(t);
            }
            case DENIED -> {
                denied = true;
                if (approver == null) {
                    approver = e.getApprover();
                }
                if (usableSince != null) {
                    end(t);
                }
            }
            case EXPIRED, REVOKED -> end(t);
            default -> {
                // SESSION and SECRET actions never reach a grant.
            }
        }
        if (requester == null && e.getPrincipal() != null) {
            requester = e.getPrincipal().getId();
        }
        if (reason == null) {
            reason = e.getReason();
        }
        if (ticket == null) {
            ticket = e.getTicket();
        }
        if (Boolean.TRUE.equals(e.getBreakGlass())) {
            breakGlass = Boolean.TRUE;
        } else if (breakGlass == null) {
            breakGlass = e.getBreakGlass();
        }
    }

    /**
     * Whether the grant can be used at event time t: approved or activated by then, inside its window
     * (start inclusive, end exclusive) and not ended at or before t.
     */
    public boolean usableAt(long t) {
        if (usableSince == null || t < usableSince) {
            return false;
        }
        if (windowStart != null && t < windowStart) {
            return false;
        }
        return !endedBy(t);
    }

    /** When the grant ends, if known: the earlier of its window end and an explicit expiry or revocation. */
    public Long endAt() {
        if (endedAt == null) {
            return windowEnd;
        }
        return windowEnd == null ? endedAt : Long.valueOf(Math.min(endedAt, windowEnd));
    }

    /** Whether the grant has ended at or before event time t. */
    public boolean endedBy(long t) {
        Long end = endAt();
        return end != null && end <= t;
    }

    public boolean covers(String target) {
        if (matcher == null) {
            matcher = ScopeMatcher.of(scope);
        }
        return matcher.covers(target);
    }

    /** Event time from which this grant may be forgotten, or Long.MAX_VALUE while it may still be used. */
    public long forgettableAfter(long retentionMillis) {
        Long end = endAt();
        if (end != null) {
            return saturatedAdd(Math.max(end, lastUpdate), retentionMillis);
        }
        if (usableSince == null) {
            // Pending or denied: nothing will ever be judged against it unless it is answered.
            return saturatedAdd(lastUpdate, retentionMillis);
        }
        return Long.MAX_VALUE;
    }

    /** The grant as an act at event time t refers to it; ended_at is set only once the grant has ended by t. */
    public GrantRef toRef(long t) {
        return new GrantRef(requestId, role, Collections.unmodifiableList(scope), windowStart, windowEnd,
                endedBy(t) ? endAt() : null, approver, ticket, breakGlass);
    }

    private void takeWindow(PrivilegedEvent e) {
        if (e.getWindowStart() != null) {
            windowStart = e.getWindowStart();
        }
        if (e.getWindowEnd() != null) {
            windowEnd = e.getWindowEnd();
        }
    }

    private void takeRoleAndScope(PrivilegedEvent e) {
        if (e.getRole() != null) {
            role = e.getRole();
        }
        List<String> given = nonEmpty(e.getScope());
        if (!given.isEmpty()) {
            setScope(given);
        }
    }

    private void becomeUsable(long t) {
        // min, so an approval that arrives late still dates the grant from when it was given.
        usableSince = usableSince == null ? t : Math.min(usableSince, t);
    }

    private void end(long t) {
        endedAt = endedAt == null ? t : Math.min(endedAt, t);
    }

    private static List<String> nonEmpty(List<String> scope) {
        return scope == null || scope.isEmpty() ? Collections.emptyList() : new ArrayList<>(scope);
    }

    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }
}
