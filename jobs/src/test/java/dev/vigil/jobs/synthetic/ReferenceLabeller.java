package dev.vigil.jobs.synthetic;

import dev.vigil.common.GrantLabel;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DESIGN.md's grant labelling, written as plainly as possible to judge the generator by: it replays a whole stream
 * in event-time order and labels every session and secret event IN_GRANT, NO_GRANT, AFTER_EXPIRY or OUT_OF_SCOPE.
 * People's grants count once ACTIVATED, services' once APPROVED (their automation grants are never activated).
 */
final class ReferenceLabeller {
    static final class Grant {
        final String requestId;
        List<String> scope = List.of();
        long windowStart;
        long windowEnd;
        Long usableFrom;
        Long endedAt;
        String approver;
        Boolean breakGlass;
        String ticket;

        Grant(String requestId) {
            this.requestId = requestId;
        }

        boolean activeAt(long t) {
            return usableFrom != null && usableFrom <= t && t >= windowStart && t < windowEnd
                    && (endedAt == null || t < endedAt);
        }

        boolean covers(String target) {
            return scope.stream().anyMatch(e -> e.endsWith("*")
                    ? target.startsWith(e.substring(0, e.length() - 1)) : e.equals(target));
        }
    }

    /** A session as the labeller saw it open. */
    static final class Session {
        String target;
        Grant coveredBy;
        long start;
        Long end;
    }

    final Map<String, Map<String, Grant>> grants = new HashMap<>();
    final Map<String, Session> sessions = new HashMap<>();
    final Map<String, GrantLabel> labels = new LinkedHashMap<>();

    ReferenceLabeller(List<PrivilegedEvent> stream) {
        List<PrivilegedEvent> sorted = new ArrayList<>(stream);
        // Within one instant grant changes go first, so an act at the second a grant ends is judged after it ends.
        sorted.sort(Comparator.comparingLong(PrivilegedEvent::getEventTime)
                .thenComparing(e -> e.getType() == EventType.ELEVATION ? 0 : 1));
        for (PrivilegedEvent e : sorted) {
            switch (e.getType()) {
                case ELEVATION -> grant(e);
                case SESSION, SECRET -> labels.put(e.getEventId(), label(e));
            }
        }
    }

    GrantLabel label(String eventId) {
        return labels.get(eventId);
    }

    Grant grant(String principal, String requestId) {
        return grants.getOrDefault(principal, Map.of()).get(requestId);
    }

    private void grant(PrivilegedEvent e) {
        Grant g = grants.computeIfAbsent(e.getPrincipal().getId(), k -> new HashMap<>())
                .computeIfAbsent(e.getRequestId(), Grant::new);
        if (!e.getScope().isEmpty()) {
            g.scope = e.getScope();
        }
        if (e.getWindowStart() != null) {
            g.windowStart = e.getWindowStart();
            g.windowEnd = e.getWindowEnd();
        }
        if (e.getTicket() != null) {
            g.ticket = e.getTicket();
        }
        if (e.getBreakGlass() != null) {
            g.breakGlass = e.getBreakGlass();
        }
        boolean service = e.getPrincipal().getKind() == PrincipalKind.SERVICE;
        switch (e.getAction()) {
            case APPROVED -> {
                g.approver = e.getApprover();
                if (service) {
                    g.usableFrom = e.getEventTime();
                }
            }
            case ACTIVATED -> g.usableFrom = e.getEventTime();
            case EXPIRED, REVOKED -> g.endedAt = e.getEventTime();
            default -> { }
        }
    }

    private GrantLabel label(PrivilegedEvent e) {
        String principal = e.getPrincipal().getId();
        long t = e.getEventTime();
        Session s = e.getSessionId() == null ? null : sessions.get(e.getSessionId());
        if (e.getType() == EventType.SESSION && e.getAction() == Action.START) {
            s = new Session();
            s.target = e.getTarget();
            s.start = t;
            s.coveredBy = covering(principal, s.target, t);
            sessions.put(e.getSessionId(), s);
        }
        if (s != null && e.getType() == EventType.SESSION && e.getAction() == Action.END) {
            s.end = t;
        }
        if (s == null) {
            // A secret access outside any session has no target to match: any active grant covers it.
            return anyActive(principal, t) ? GrantLabel.IN_GRANT : GrantLabel.NO_GRANT;
        }
        if (covering(principal, s.target, t) != null) {
            return GrantLabel.IN_GRANT;
        }
        if (s.coveredBy != null) {
            return GrantLabel.AFTER_EXPIRY;
        }
        return anyActive(principal, t) ? GrantLabel.OUT_OF_SCOPE : GrantLabel.NO_GRANT;
    }

    private Grant covering(String principal, String target, long t) {
        for (Grant g : grants.getOrDefault(principal, Map.of()).values()) {
            if (g.activeAt(t) && g.covers(target)) {
                return g;
            }
        }
        return null;
    }

    private boolean anyActive(String principal, long t) {
        return grants.getOrDefault(principal, Map.of()).values().stream().anyMatch(g -> g.activeAt(t));
    }
}
