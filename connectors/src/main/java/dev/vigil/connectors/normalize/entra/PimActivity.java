package dev.vigil.connectors.normalize.entra;

import dev.vigil.event.Action;
import java.util.Locale;

/**
 * Which step of a PIM role assignment an audit activity name records. PIM writes one activity per step, e.g.
 * "Add member to role requested (PIM activation)", "... request approved (PIM activation)", "Add member to role
 * completed (PIM activation)", "Remove member from role completed (PIM deactivate)", "Remove member from role (PIM
 * activation expired)", and the admin-made assignments "Add member to role in PIM requested/completed
 * (permanent|timebound)".
 */
final class PimActivity {
    private PimActivity() {}

    /** An administrator's assignment ("... in PIM completed (permanent)") rather than a member's own activation. */
    static boolean isAssignment(String activity) {
        return activity.toLowerCase(Locale.ROOT).contains("in pim");
    }

    /** The step, or null for anything that is not a PIM step Vigil uses. */
    static Action action(String activity, String loggedByService) {
        String a = activity.toLowerCase(Locale.ROOT);
        boolean pim = a.contains("pim") || "PIM".equalsIgnoreCase(loggedByService);
        if (!pim || !a.contains("role")) {
            return null;
        }
        if (a.contains("eligible")) {
            // Eligibility is the right to ask, not privilege; the activation that uses it is what counts.
            return null;
        }
        if (a.contains("approval requested")) {
            // PIM's notice to the approvers repeats the request it follows.
            return null;
        }
        if (a.contains("denied") || a.contains("rejected")) {
            return Action.DENIED;
        }
        if (a.contains("approved")) {
            return Action.APPROVED;
        }
        if (a.contains("expired")) {
            return Action.EXPIRED;
        }
        if (a.startsWith("remove member from role") || a.contains("deactivat") || a.contains("canceled")
                || a.contains("cancelled") || a.contains("revoked")) {
            // The deactivation request precedes the completed removal that ends the privilege.
            return a.contains("requested") ? null : Action.REVOKED;
        }
        if (a.contains("requested")) {
            return Action.REQUESTED;
        }
        if (a.startsWith("add member to role") && a.contains("completed")) {
            return Action.ACTIVATED;
        }
        return null;
    }
}
