package dev.vigil.jobs.synthetic;

import java.util.List;

/** One grant as an episode plans it: the request and, once decided, its approval and window. */
final class GrantPlan {
    final String requestId;
    final String role;
    final List<String> scope;
    final String reason;
    final String ticket;
    /** Null for break-glass access, which bypasses approval. */
    String approver;
    Long windowStart;
    Long windowEnd;
    /** True for break-glass, null otherwise (absent from the event). */
    final Boolean breakGlass;
    /** When the grant became usable (activation, or approval for grants without activation). */
    long usableFrom;

    GrantPlan(String requestId, String role, List<String> scope, String reason, String ticket, Boolean breakGlass) {
        this.requestId = requestId;
        this.role = role;
        this.scope = List.copyOf(scope);
        this.reason = reason;
        this.ticket = ticket;
        this.breakGlass = breakGlass;
    }

    /** Whether the scope names the target, exactly or by a {@code prefix*} glob. */
    boolean covers(String target) {
        for (String entry : scope) {
            if (entry.endsWith("*") ? target.startsWith(entry.substring(0, entry.length() - 1)) : entry.equals(target)) {
                return true;
            }
        }
        return false;
    }
}
