package dev.vigil.jobs.evidence;

import dev.vigil.event.Action;
import dev.vigil.event.GrantRef;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.output.GrantRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reconstructs a grant's request and approval from its ELEVATION events. Each field is taken from the
 * action that is authoritative for it (the window from ACTIVATED, else APPROVED; the approver from
 * APPROVED, else DENIED; the justification from REQUESTED first), earliest event first among equals, so
 * the result does not depend on the order events arrived in. Fields no event supplied fall back to the
 * grant as the grant-context operator described it on the latest act.
 */
public final class GrantHistory {

    private static final Map<Action, Integer> DETAIL_SOURCE = Map.of(
            Action.REQUESTED, 0, Action.APPROVED, 1, Action.ACTIVATED, 2);
    private static final Map<Action, Integer> APPROVER_SOURCE = Map.of(
            Action.APPROVED, 0, Action.DENIED, 1, Action.ACTIVATED, 2);
    /** A requested window is not a granted one: only APPROVED and ACTIVATED events define it. */
    private static final Map<Action, Integer> WINDOW_SOURCE = Map.of(
            Action.ACTIVATED, 0, Action.APPROVED, 1);

    private GrantHistory() {
    }

    /**
     * @param requestId   the grant's id
     * @param principalId the principal whose record this is (the requester when no event names one)
     * @param elevations  the grant's ELEVATION events, any order, no repeats
     * @param latestRef   the grant as the latest act referred to it, or null
     */
    public static GrantRequest request(String requestId, String principalId, List<PrivilegedEvent> elevations,
                                       GrantRef latestRef) {
        GrantRequest.Builder request = GrantRequest.newBuilder().setRequestId(requestId);

        String requester = first(elevations, DETAIL_SOURCE, true, e -> e.getPrincipal() == null ? null : e.getPrincipal().getId());
        request.setRequester(requester != null ? requester : principalId);

        String approver = first(elevations, APPROVER_SOURCE, false, PrivilegedEvent::getApprover);
        request.setApprover(approver != null ? approver : ref(latestRef, GrantRef::getApprover));
        request.setReason(first(elevations, DETAIL_SOURCE, true, PrivilegedEvent::getReason));
        String ticket = first(elevations, DETAIL_SOURCE, true, PrivilegedEvent::getTicket);
        request.setTicket(ticket != null ? ticket : ref(latestRef, GrantRef::getTicket));
        String role = first(elevations, DETAIL_SOURCE, true, PrivilegedEvent::getRole);
        request.setRole(role != null ? role : ref(latestRef, GrantRef::getRole));
        List<String> scope = first(elevations, DETAIL_SOURCE, true, e -> e.getScope() == null || e.getScope().isEmpty() ? null : e.getScope());
        if (scope == null && latestRef != null && latestRef.getScope() != null) {
            scope = latestRef.getScope();
        }
        request.setScope(scope == null ? new ArrayList<>() : new ArrayList<>(scope));
        Boolean breakGlass = first(elevations, DETAIL_SOURCE, true, PrivilegedEvent::getBreakGlass);
        request.setBreakGlass(breakGlass != null ? breakGlass : ref(latestRef, GrantRef::getBreakGlass));

        Long windowStart = first(elevations, WINDOW_SOURCE, false, PrivilegedEvent::getWindowStart);
        request.setWindowStart(windowStart != null ? windowStart : ref(latestRef, GrantRef::getWindowStart));
        Long windowEnd = first(elevations, WINDOW_SOURCE, false, PrivilegedEvent::getWindowEnd);
        request.setWindowEnd(windowEnd != null ? windowEnd : ref(latestRef, GrantRef::getWindowEnd));

        request.setRequestedAt(earliest(elevations, Action.REQUESTED));
        request.setApprovedAt(earliest(elevations, Action.APPROVED));
        request.setDeniedAt(earliest(elevations, Action.DENIED));
        request.setActivatedAt(earliest(elevations, Action.ACTIVATED));

        PrivilegedEvent end = null;
        for (PrivilegedEvent e : elevations) {
            if ((e.getAction() == Action.EXPIRED || e.getAction() == Action.REVOKED)
                    && (end == null || EvidenceState.before(e, end))) {
                end = e;
            }
        }
        if (end != null) {
            request.setEndedAt(end.getEventTime());
            request.setEndAction(end.getAction().name());
        } else {
            request.setEndedAt(ref(latestRef, GrantRef::getEndedAt));
        }
        return request.build();
    }

    /**
     * The first non-null value among events ordered by the field's source rank, then time and id.
     * With {@code othersLast}, actions not ranked still count, after the ranked ones.
     */
    private static <T> T first(List<PrivilegedEvent> events, Map<Action, Integer> rank, boolean othersLast,
                               Function<PrivilegedEvent, T> field) {
        List<PrivilegedEvent> candidates = new ArrayList<>();
        for (PrivilegedEvent e : events) {
            if (rank.containsKey(e.getAction()) || othersLast) {
                candidates.add(e);
            }
        }
        candidates.sort(Comparator.<PrivilegedEvent>comparingInt(e -> rank.getOrDefault(e.getAction(), rank.size()))
                .thenComparingLong(PrivilegedEvent::getEventTime)
                .thenComparing(PrivilegedEvent::getEventId));
        for (PrivilegedEvent e : candidates) {
            T value = field.apply(e);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static Long earliest(List<PrivilegedEvent> events, Action action) {
        Long at = null;
        for (PrivilegedEvent e : events) {
            if (e.getAction() == action && (at == null || e.getEventTime() < at)) {
                at = e.getEventTime();
            }
        }
        return at;
    }

    private static <T> T ref(GrantRef ref, Function<GrantRef, T> field) {
        return ref == null ? null : field.apply(ref);
    }
}
